package aggregate

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// ConnGap is the longest silence within one connection. A connection id
// (nginx's $connection, or a client address and port) names one connection
// only while its requests are closer together than the server's keep-alive
// timeout: a client port is reused by a later connection, and nginx numbers
// connections afresh when it restarts. nginx's keepalive_timeout defaults to
// 75 s, longer than gunicorn's (2 s) and Apache's (5 s) defaults, so two
// requests of one id further apart than that are read as two connections.
const ConnGap = 75 * time.Second

// MaxConnections is how many connections a run tracks; requests on
// connections beyond it are counted as untracked, with a note. Each costs
// about 150 bytes.
const MaxConnections = 1 << 20

const connGapMicros = int64(ConnGap / time.Microsecond)

// connTable is a partial's connections: for each connection id, the
// connections it named, told apart by ConnGap.
type connTable struct {
	ids       map[string][]connSession
	sessions  int   // connections held, at most MaxConnections
	untracked int64 // requests on connections past MaxConnections
	serial    bool  // some ids are nginx serial numbers
	port      bool  // some ids are client ports
	buf       []byte
}

// connSession is one connection: its requests' end times, how many, the
// highest number nginx gave one of them, and the workers that served them.
type connSession struct {
	first, last int64 // unix µs
	requests    int64
	maxSeq      int64       // $connection_requests; 0 when unknown
	workers     []WorkerKey // distinct; one unless the connection moved
}

func newConnTable() *connTable {
	return &connTable{ids: map[string][]connSession{}}
}

// addConn charges rec to its connection, served by worker k.
func (p *Partial) addConn(host []byte, rec *parse.Record, k WorkerKey) {
	if p.conns == nil {
		p.conns = newConnTable()
	}
	c := p.conns
	b := append(c.buf[:0], host...)
	b = append(b, 0)
	if rec.ConnPort {
		c.port = true
		b = append(b, 'p')
		b = append(b, rec.Client...)
		b = append(b, 0)
	} else {
		c.serial = true
		b = append(b, 'c')
	}
	b = append(b, rec.Conn...)
	c.buf = b
	ss, ok := c.ids[string(b)]
	t := rec.Time
	for i := range ss {
		s := &ss[i]
		if t < s.first-connGapMicros || t > s.last+connGapMicros {
			continue
		}
		s.requests++
		s.maxSeq = max(s.maxSeq, rec.ConnRequests)
		if !slices.Contains(s.workers, k) {
			s.workers = append(s.workers, k)
		}
		if t < s.first || t > s.last {
			s.first, s.last = min(s.first, t), max(s.last, t)
			c.coalesce(string(b), ss) // t may bridge two connections
		}
		return
	}
	if c.sessions >= MaxConnections {
		c.untracked++
		return
	}
	c.sessions++
	s := connSession{first: t, last: t, requests: 1, maxSeq: rec.ConnRequests, workers: []WorkerKey{k}}
	if !ok {
		c.ids[string(b)] = []connSession{s}
		return
	}
	c.ids[string(b)] = append(ss, s)
}

// coalesce joins the connections of one id that are within ConnGap of each
// other. Joining is single linkage over the request times, so the result
// does not depend on the order in which requests or partials arrived.
func (c *connTable) coalesce(id string, ss []connSession) {
	if len(ss) < 2 {
		c.ids[id] = ss
		return
	}
	sort.Slice(ss, func(i, j int) bool { return ss[i].first < ss[j].first })
	out := ss[:1]
	for _, s := range ss[1:] {
		o := &out[len(out)-1]
		if s.first > o.last+connGapMicros {
			out = append(out, s)
			continue
		}
		o.last = max(o.last, s.last)
		o.requests += s.requests
		o.maxSeq = max(o.maxSeq, s.maxSeq)
		for _, k := range s.workers {
			if !slices.Contains(o.workers, k) {
				o.workers = append(o.workers, k)
			}
		}
		c.sessions--
	}
	c.ids[id] = out
}

// merge adds q's connections into c.
func (c *connTable) merge(q *connTable) {
	c.untracked += q.untracked
	c.serial = c.serial || q.serial
	c.port = c.port || q.port
	for id, qs := range q.ids {
		ps, ok := c.ids[id]
		if room := MaxConnections - c.sessions; len(qs) > room {
			for _, s := range qs[max(room, 0):] {
				c.untracked += s.requests
			}
			qs = qs[:max(room, 0)]
		}
		if len(qs) == 0 {
			continue
		}
		c.sessions += len(qs)
		if !ok {
			c.ids[id] = qs
			continue
		}
		c.coalesce(id, append(ps, qs...))
	}
}

// mergeConns adds q's connections into p.
func (p *Partial) mergeConns(q *Partial) {
	switch {
	case q.conns == nil:
	case p.conns == nil:
		p.conns = q.conns
	default:
		p.conns.merge(q.conns)
	}
}

// Connections is what the log tells of connections when it identifies them
// (nginx $connection, or the client's address and port): how many there
// were, how many requests each carried, and whether any was served by more
// than one worker.
type Connections struct {
	// Source is what identifies a connection: "connection" (nginx's serial
	// number), "client_port" (client address and port), or "mixed".
	Source string `json:"source"`
	// Seen is the number of connections; Reused those that carried more
	// than one request; Moved those served by more than one worker.
	Seen   int64 `json:"seen"`
	Reused int64 `json:"reused"`
	Moved  int64 `json:"moved"`
	// Requests is how many requests carried a connection identity and were
	// tracked; UntrackedRequests those past MaxConnections.
	Requests          int64 `json:"requests"`
	UntrackedRequests int64 `json:"untracked_requests"`
	// RequestsPerConnectionMedian, P95 and Max describe requests per
	// connection.
	RequestsPerConnectionMedian float64 `json:"requests_per_connection_median"`
	RequestsPerConnectionP95    float64 `json:"requests_per_connection_p95"`
	RequestsPerConnectionMax    int64   `json:"requests_per_connection_max"`
	// IDRestarts counts connections that carried more requests than nginx
	// numbered on them ($connection_requests): nginx restarted and numbered
	// a new connection with an old id within ConnGap, so two connections
	// are read as one.
	IDRestarts int64 `json:"id_restarts"`
	// SplitGapSeconds is ConnGap: requests of one id further apart are two
	// connections.
	SplitGapSeconds float64 `json:"split_gap_seconds"`
	// ByWorker is how many connections each worker served.
	ByWorker map[string]int64 `json:"by_worker"`
	// MovedExamples are up to three moved connections, the earliest first.
	MovedExamples []MovedConnection `json:"moved_examples"`
	// MovedByChance is how many of the reused connections would have moved
	// if each request had gone to a worker of its host at random, in
	// proportion to the requests each served: with n requests, 1 - Σ share^n
	// each. Moves far below it say requests follow connections, whatever
	// the few that moved were (a client port reused by a new connection).
	MovedByChance float64 `json:"-"`
	// StayedRequestsMedian and MovedRequestsMedian are the median requests
	// of the reused connections that stayed on one worker and of those that
	// moved; 0 when there are none.
	StayedRequestsMedian float64 `json:"-"`
	MovedRequestsMedian  float64 `json:"-"`

	spans map[WorkerKey][]connSpan // each worker's connections, by first
	long  []ConnRun                // connections of one worker with at least minRun requests
}

// minRun is the fewest requests a connection carries for ConnRuns to keep
// it: the smallest keep-alive request cap a server has by default (nginx
// keepalive_requests before 1.19.10).
const minRun = 100

// ConnRun is one connection served by a single worker and how many requests
// it carried, ending at Last.
type ConnRun struct {
	Worker   string
	Requests int64
	Last     time.Time
}

// Runs are the connections that carried exactly n requests on one worker
// (n at least 100), by when they ended: runs of a keep-alive request cap.
func (c *Connections) Runs(n int64) []ConnRun {
	if c == nil {
		return nil
	}
	var out []ConnRun
	for _, r := range c.long {
		if r.Requests == n {
			out = append(out, r)
		}
	}
	return out
}

// MovedConnection is a connection served by more than one worker.
type MovedConnection struct {
	ID       string   `json:"id"`
	Workers  []string `json:"workers"`
	Requests int64    `json:"requests"`
	First    Stamp    `json:"first"`
	Last     Stamp    `json:"last"`
}

// connSpan is when one connection carried requests to a worker.
type connSpan struct{ first, last int64 }

// Distinct is how many connections worker k served whose requests, from
// first to last, overlap [from, to): with one connection the worker's
// requests came one after another, from one client.
func (c *Connections) Distinct(k WorkerKey, from, to time.Time) int {
	if c == nil {
		return 0
	}
	f, t := from.UnixMicro(), to.UnixMicro()
	n := 0
	for _, s := range c.spans[k] {
		if s.first >= t {
			break
		}
		if s.last >= f {
			n++
		}
	}
	return n
}

// connections finishes the partial's connections: nil when the log
// identifies none.
func (p *Partial) connections(hosts bool, sub bool) *Connections {
	c := p.conns
	if c == nil || c.sessions == 0 && c.untracked == 0 {
		return nil
	}
	out := &Connections{Source: "connection", UntrackedRequests: c.untracked, SplitGapSeconds: ConnGap.Seconds(),
		ByWorker: map[string]int64{}, MovedExamples: []MovedConnection{}, spans: map[WorkerKey][]connSpan{}}
	switch {
	case c.serial && c.port:
		out.Source = "mixed"
	case c.port:
		out.Source = "client_port"
	}
	counts := make([]int64, 0, c.sessions)
	var stayed, moved []int64
	shares := p.hostShares()
	ids := make([]string, 0, len(c.ids))
	for id := range c.ids {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, s := range c.ids[id] {
			out.Seen++
			out.Requests += s.requests
			counts = append(counts, s.requests)
			if s.requests > 1 {
				out.Reused++
				out.MovedByChance += shares.moveChance(s.workers[0].Host, s.requests)
				if len(s.workers) > 1 {
					moved = append(moved, s.requests)
				} else {
					stayed = append(stayed, s.requests)
				}
			}
			if s.maxSeq > 0 && s.requests > s.maxSeq {
				out.IDRestarts++
			}
			for _, k := range s.workers {
				out.ByWorker[keyName(k, hosts)]++
				out.spans[k] = append(out.spans[k], connSpan{s.first, s.last})
			}
			if len(s.workers) > 1 {
				out.Moved++
				out.addExample(id, s, hosts, sub)
			} else if s.requests >= minRun {
				out.long = append(out.long, ConnRun{Worker: keyName(s.workers[0], hosts), Requests: s.requests, Last: time.UnixMicro(s.last).UTC()})
			}
		}
	}
	slices.Sort(counts)
	slices.Sort(stayed)
	slices.Sort(moved)
	out.StayedRequestsMedian, out.MovedRequestsMedian = quantileInt(stayed, 0.5), quantileInt(moved, 0.5)
	out.MovedByChance = math.Round(out.MovedByChance*1000) / 1000
	out.RequestsPerConnectionMedian = quantileInt(counts, 0.5)
	out.RequestsPerConnectionP95 = quantileInt(counts, 0.95)
	if len(counts) > 0 {
		out.RequestsPerConnectionMax = counts[len(counts)-1]
	}
	sort.Slice(out.long, func(i, j int) bool {
		a, b := out.long[i], out.long[j]
		if !a.Last.Equal(b.Last) {
			return a.Last.Before(b.Last)
		}
		if a.Worker != b.Worker {
			return keyLess(a.Worker, b.Worker)
		}
		return a.Requests < b.Requests
	})
	for k, sp := range out.spans {
		sort.Slice(sp, func(i, j int) bool { return sp[i].first < sp[j].first })
		out.spans[k] = sp
	}
	return out
}

// hostShares are each host's workers' shares of its requests.
type hostShares map[string][]float64

func (p *Partial) hostShares() hostShares {
	totals := map[string]int64{}
	keys := make([]WorkerKey, 0, len(p.workers))
	for k, w := range p.workers {
		if w == p.spill || w.requests == 0 {
			continue
		}
		totals[k.Host] += w.requests
		keys = append(keys, k)
	}
	// Summed in key order, so that the figure does not depend on map order.
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	out := hostShares{}
	for _, k := range keys {
		out[k.Host] = append(out[k.Host], float64(p.workers[k].requests)/float64(totals[k.Host]))
	}
	return out
}

// moveChance is the chance that n requests sent to the host's workers at
// random, in proportion to their shares, do not all go to one worker.
func (h hostShares) moveChance(host string, n int64) float64 {
	stay := 0.0
	for _, s := range h[host] {
		stay += math.Pow(s, float64(n))
	}
	return max(0, 1-stay)
}

func (c *Connections) addExample(id string, s connSession, hosts, sub bool) {
	ws := make([]string, len(s.workers))
	for i, k := range s.workers {
		ws[i] = keyName(k, hosts)
	}
	sort.Slice(ws, func(i, j int) bool { return keyLess(ws[i], ws[j]) })
	c.MovedExamples = append(c.MovedExamples, MovedConnection{ID: connIDText(id), Workers: ws, Requests: s.requests,
		First: StampMicros(s.first, sub), Last: StampMicros(s.last, sub)})
	sort.Slice(c.MovedExamples, func(i, j int) bool {
		a, b := c.MovedExamples[i], c.MovedExamples[j]
		if !a.First.Time().Equal(b.First.Time()) {
			return a.First.Before(b.First)
		}
		return a.ID < b.ID
	})
	if len(c.MovedExamples) > 3 {
		c.MovedExamples = c.MovedExamples[:3]
	}
}

// connIDText writes a table id as a report shows it: host/ then the serial
// number, or the client address and port.
func connIDText(id string) string {
	b := []byte{}
	i := 0
	for i < len(id) && id[i] != 0 {
		i++
	}
	if i > 0 {
		b = append(append(b, id[:i]...), '/')
	}
	rest := id[i+1:]
	kind, rest := rest[0], rest[1:]
	if kind == 'p' {
		for j := 0; j < len(rest); j++ {
			if rest[j] == 0 {
				b = append(append(append(b, rest[:j]...), ':'), rest[j+1:]...)
				return string(b)
			}
		}
	}
	return string(append(b, rest...))
}

func keyName(k WorkerKey, hosts bool) string {
	if hosts {
		return k.String()
	}
	return k.Key
}

// quantileInt is the q-quantile of sorted integers, interpolated between
// the two nearest ranks; 0 for none.
func quantileInt(xs []int64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	pos := q * float64(len(xs)-1)
	lo := int(pos)
	if lo+1 >= len(xs) {
		return float64(xs[lo])
	}
	frac := pos - float64(lo)
	return math.Round((float64(xs[lo])+frac*float64(xs[lo+1]-xs[lo]))*1000) / 1000
}
