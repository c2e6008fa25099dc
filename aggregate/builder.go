// Package aggregate accounts parsed access-log records per worker, whatever
// the server: a streaming Partial per input or chunk (partials merge in any
// order), joined with what process snapshots and error logs tell of the
// workers (Procs), and finished into a Report: one row per worker of the
// population, the skew of the load over it, and with windows the counts,
// skew and dominance per window. Report is the skewer.report/v1 document
// (schema.go); Finish builds it (finish.go).
package aggregate

import (
	"path"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/skewer-dev/skewer/parse"
)

// sketchAccuracy is the relative accuracy of the request-time quantiles.
const sketchAccuracy = 0.01

// Partial accumulates the records of one input (or one chunk of one). Its
// memory grows with the number of workers, not lines. Partials merge.
type Partial struct {
	win          windowing
	workers      map[WorkerKey]*workerAcc
	recent       *[64]recentWorker // made on the first line: a partial per small file stays small
	excludes     []string
	Parsed       int64
	Rejected     int64
	RejectedBy   map[parse.Reason]int64
	Unattributed int64
	Excluded     int64
	// OutOfRange counts lines outside --since/--until; Early those of
	// them before since.
	OutOfRange int64
	Early      int64
	// LastEarly is the latest time of the Early lines, FirstLate the
	// earliest of the others (unix µs); valid when there are any.
	LastEarly, FirstLate int64
	since, until         int64      // unix µs; 0: open
	host                 []byte     // the host of every line (--host-from-dir), or nil
	keyBuf               []byte     // host and worker of the line, for the lookup cache
	maxKeys              int        // the most distinct worker keys; 0: no limit
	overKeys             bool       // a key past maxKeys was seen
	spill                *workerAcc // where records past maxKeys go, never reported
	conns                *connTable // connections, when the log identifies them (conns.go)
	seq                  *seqTable  // pairs of consecutive requests (nextsame.go)
	peakLog              *PeakLog   // where request intervals go instead of the trackers (LogPeaks), or nil
	// First and Last are the earliest and latest end times (unix µs) of
	// parsed lines; valid when Timed.
	First, Last int64
	Timed       bool
	// SubSecond is true when every timed record had sub-second resolution.
	SubSecond bool
	// Durations is true when records carried a request time.
	Durations bool
}

// WorkerKey identifies a worker of a run: the host it ran on ("" when the
// run does not key by host) and its key there, the PID or the value of the
// --by field ("PID#2" for a PID that snapshots show reused by a new
// process). It is comparable, so it is the map key of every per-worker
// table.
type WorkerKey struct {
	Host string
	Key  string
}

// String is the key as reports write it: Key, or host/key.
func (k WorkerKey) String() string {
	if k.Host == "" {
		return k.Key
	}
	return k.Host + "/" + k.Key
}

// less orders keys as reports order them: by their text, numerically when
// both are numbers (see keyLess).
func (k WorkerKey) less(o WorkerKey) bool {
	if k.Host == "" && o.Host == "" {
		return keyLess(k.Key, o.Key)
	}
	return keyLess(k.String(), o.String())
}

// recentWorker caches a map entry: a worker's key is compared in place,
// which is cheaper than hashing it on every line.
type recentWorker struct {
	key  [24]byte // host and worker, one after the other
	n    uint8    // length of key
	host uint8    // length of the host at its start
	acc  *workerAcc
}

// lookup returns the accumulator of the worker k on host, creating it.
func (p *Partial) lookup(host, k []byte) *workerAcc {
	key := k
	if len(host) > 0 {
		p.keyBuf = append(append(p.keyBuf[:0], host...), k...)
		key = p.keyBuf
	}
	// PIDs differ most in their last digits: hash the last three bytes.
	h := uint(len(key))
	for _, c := range key[max(0, len(key)-3):] {
		h = h*37 + uint(c)
	}
	if p.recent == nil {
		p.recent = new([64]recentWorker)
	}
	slot := &p.recent[h&63]
	if int(slot.n) == len(key) && int(slot.host) == len(host) && string(slot.key[:slot.n]) == string(key) {
		return slot.acc
	}
	w := p.workers[WorkerKey{Host: string(host), Key: string(k)}]
	if w == nil && p.maxKeys > 0 && len(p.workers) >= p.maxKeys {
		p.overKeys = true
		if p.spill == nil {
			p.spill = newWorkerAcc()
		}
		return p.spill
	}
	if w == nil {
		w = newWorkerAcc()
		w.key = WorkerKey{Host: string(host), Key: string(k)}
		p.workers[w.key] = w
	}
	if len(key) <= len(slot.key) {
		slot.n = uint8(copy(slot.key[:], key))
		slot.host = uint8(len(host))
		slot.acc = w
	}
	return w
}

// workerAcc is one worker's running totals.
type workerAcc struct {
	key        WorkerKey // zero for the spill
	requests   int64
	durSum     int64 // µs
	durN       int64
	few        [fewDurations]int64 // the first request times (µs) while there is no sketch
	dur        *durations          // the request times past the few, nil until there are any
	status     [5]int64            // 2xx 3xx 4xx 5xx other
	first      int64               // earliest end time, µs
	last       int64               // latest end time, µs
	aliveStart int64               // earliest start (end − duration), µs
	timed      bool
	nFew       uint8 // in few
	peak       peakTracker
	win        winSet
}

// NewPartial returns an empty Partial that drops requests whose path matches
// one of the excludes globs (path.Match syntax).
func NewPartial(excludes []string) *Partial {
	p := &Partial{workers: map[WorkerKey]*workerAcc{}, excludes: excludes, RejectedBy: map[parse.Reason]int64{}, SubSecond: true}
	p.win = windowing{on: true, auto: true, width: int64(WindowSizes[0] / time.Microsecond)}
	return p
}

// SetHost keys every worker of this partial as host/worker (--host-from-dir).
// A host field on the line (--host-field) wins.
func (p *Partial) SetHost(host string) {
	p.host = []byte(host)
}

// SetRange keeps only records that end in [since, until) (unix µs; 0 leaves
// that side open). Call before Add.
func (p *Partial) SetRange(since, until int64) {
	p.since, p.until = since, until
}

// Reject counts a rejected line.
func (p *Partial) Reject(r parse.Reason) {
	p.Rejected++
	p.RejectedBy[r]++
}

// Add accounts one parsed record.
func (p *Partial) Add(rec *parse.Record) {
	if len(p.excludes) > 0 && p.excluded(rec.Path()) {
		p.Excluded++
		return
	}
	if (p.since != 0 || p.until != 0) && rec.HasTime && (p.since != 0 && rec.Time < p.since || p.until != 0 && rec.Time >= p.until) {
		p.outOfRange(rec.Time)
		return
	}
	p.Parsed++
	if rec.HasTime {
		if !p.Timed || rec.Time < p.First {
			p.First = rec.Time
		}
		if !p.Timed || rec.Time > p.Last {
			p.Last = rec.Time
		}
		p.Timed = true
		p.SubSecond = p.SubSecond && rec.SubSecond
	}
	if rec.Duration >= 0 {
		p.Durations = true
	}
	if len(rec.Worker) == 0 {
		p.Unattributed++
		return
	}
	// A host never merges into another.
	host := rec.Host
	if len(host) == 0 {
		host = p.host
	}
	w := p.lookup(host, rec.Worker)
	w.add(rec, p.peakLog)
	if len(rec.Conn) > 0 && w != p.spill {
		p.addConn(host, rec, w.key)
	}
	if p.win.on && rec.HasTime {
		var path []byte
		if rec.Duration >= 0 && w != p.spill {
			path = rec.Path()
		}
		p.addWindow(w, rec.Time, rec.Duration, path)
		if w != p.spill {
			p.addSeq(w, rec.Time)
		}
	}
}

func (p *Partial) excluded(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	s := string(b)
	for _, g := range p.excludes {
		if ok, _ := path.Match(g, s); ok {
			return true
		}
	}
	return false
}

// sketchMapping maps request times to the sketches' bins. The cubically
// interpolated mapping avoids a logarithm per value; its accuracy guarantee
// is the same. It holds only constants, so every sketch shares it.
var sketchMapping = func() mapping.IndexMapping {
	m, err := mapping.NewCubicallyInterpolatedMapping(sketchAccuracy)
	if err != nil {
		panic(err) // only for an invalid accuracy constant
	}
	return m
}()

// newSketch returns an empty quantile sketch.
func newSketch() *ddsketch.DDSketch {
	return ddsketch.NewDDSketch(sketchMapping, store.NewDenseStore(), store.NewDenseStore())
}

func newWorkerAcc() *workerAcc {
	return &workerAcc{}
}

// fewDurations is how many request times a worker keeps in its own
// allocation: most of the keys of a run with very many of them serve one
// request, and one costs nothing (workerAcc stays in its size class).
const fewDurations = 1

// durations holds a worker's request times past its few, for the
// quantiles. They are kept as they are (8 bytes each) until there are
// exactMax of them, then moved into a sketch, which costs the better part
// of a kilobyte at least and up to a few for times spread over 1 ms to 1 s;
// a busy worker also counts whole milliseconds in a table (see addDuration).
// However the times went, the sketch that answers the quantiles holds the
// same counts in the same bins, so the quantiles are those of one sketch of
// every time.
type durations struct {
	exact  []int64            // µs, while there is no sketch
	sketch *ddsketch.DDSketch // nil until there are more than exactMax times
	ms     []uint32           // whole-millisecond counts by ms, as long as the largest needs; see addDuration
}

// exactMax is how many request times a worker keeps as they are before it
// makes a sketch: 512 bytes, below what the smallest sketch costs.
const exactMax = 64

// durs returns the worker's durations, made on first use.
func (w *workerAcc) durs() *durations {
	if w.dur == nil {
		w.dur = &durations{}
	}
	return w.dur
}

// sk returns the worker's sketch, made on first use with the request times
// kept until then.
func (w *workerAcc) sk() *ddsketch.DDSketch {
	d := w.durs()
	if d.sketch == nil {
		d.sketch = newSketch()
	}
	for _, us := range w.few[:w.nFew] {
		sketchAdd(d.sketch, us)
	}
	for _, us := range d.exact {
		sketchAdd(d.sketch, us)
	}
	w.nFew, d.exact = 0, nil
	return d.sketch
}

// sketchAdd adds a request time in µs to s. A whole millisecond is added as
// the value the millisecond bins give it, so the quantiles do not depend on
// which way it went.
func sketchAdd(s *ddsketch.DDSketch, us int64) {
	if us%1000 == 0 {
		_ = s.Add(float64(us/1000) / 1e3)
		return
	}
	_ = s.Add(float64(us) / 1e6)
}

// addQuantile keeps a request time for the quantiles: as it is while the
// worker has few, else in the sketch.
func (w *workerAcc) addQuantile(us int64) {
	if w.dur == nil && int(w.nFew) < len(w.few) {
		w.few[w.nFew] = us
		w.nFew++
		return
	}
	if d := w.durs(); d.sketch == nil && len(d.exact) < exactMax {
		d.exact = append(d.exact, us)
		return
	}
	sketchAdd(w.sk(), us)
}

// quantiles returns the worker's median, 95th and 99th percentile request
// times in seconds, nil without request times. A worker that kept its
// times as they are gets them from scratch, a sketch made once (*scratch is
// nil until then) and cleared for each, so that its answers are a sketch's
// like every other worker's.
func (w *workerAcc) quantiles(scratch **ddsketch.DDSketch) (p50, p95, p99 *float64) {
	w.flushMS()
	var s *ddsketch.DDSketch
	switch {
	case w.dur != nil && w.dur.sketch != nil:
		s = w.dur.sketch
	case w.nFew > 0 || w.dur != nil && len(w.dur.exact) > 0:
		if *scratch == nil {
			*scratch = newSketch()
		}
		s = *scratch
		s.Clear()
		for _, us := range w.few[:w.nFew] {
			sketchAdd(s, us)
		}
		if w.dur != nil {
			for _, us := range w.dur.exact {
				sketchAdd(s, us)
			}
		}
	default:
		return nil, nil, nil
	}
	vs := new([3]float64) // one allocation for the three
	at := func(i int, q float64) *float64 {
		v, err := s.GetValueAtQuantile(q)
		if err != nil {
			return nil
		}
		vs[i] = v
		return &vs[i]
	}
	return at(0, 0.50), at(1, 0.95), at(2, 0.99)
}

func (w *workerAcc) add(rec *parse.Record, log *PeakLog) {
	w.requests++
	switch {
	case rec.Status >= 200 && rec.Status < 600:
		w.status[rec.Status/100-2]++
	default:
		w.status[4]++
	}
	start := rec.Time
	if rec.Duration >= 0 {
		w.durSum = addMicros(w.durSum, rec.Duration)
		w.durN++
		w.addDuration(rec.Duration)
		start -= rec.Duration
	}
	if rec.HasTime {
		if !w.timed || rec.Time < w.first {
			w.first = rec.Time
		}
		if !w.timed || rec.Time > w.last {
			w.last = rec.Time
		}
		if !w.timed || start < w.aliveStart {
			w.aliveStart = start
		}
		w.timed = true
		if rec.SubSecond && rec.Duration >= 0 {
			if log != nil {
				log.ev = append(log.ev, peakEvent{w: w, start: start, end: rec.Time})
			} else {
				w.peak.add(start, rec.Time)
			}
		}
	}
}

// msBins is how many whole-millisecond durations are counted exactly before
// they reach the sketch: nginx's $request_time has millisecond resolution,
// so most of its values fall in few bins, and an array increment costs less
// than a sketch insertion on every line.
const msBins = 4096

// msAfter is how many request times a worker has before whole
// milliseconds are counted in its table: a worker that serves a few
// requests keeps them as they are or in its sketch.
const msAfter = 256

// msMinBins is the least length of a millisecond table (256 bytes); it
// grows in powers of two to hold the largest millisecond seen, up to msBins
// (16 KiB), so a worker whose requests take up to 100 ms pays 512 bytes.
const msMinBins = 64

// addDuration records a request time in µs for the quantiles. A whole
// millisecond goes to the table or to the sketch as the same value, so the
// quantiles do not depend on which.
func (w *workerAcc) addDuration(us int64) {
	if us%1000 == 0 && us < msBins*1000 && w.dur != nil && (w.dur.ms != nil || w.durN > msAfter) {
		w.addMS(int(us/1000), 1)
		return
	}
	w.addQuantile(us)
}

// addMS adds n requests of i ms (i < msBins), growing the table to hold i
// and moving a full bin into the sketch.
func (w *workerAcc) addMS(i int, n uint32) {
	d := w.durs()
	if i >= len(d.ms) {
		size := msMinBins
		for size <= i {
			size *= 2
		}
		d.ms = append(d.ms, make([]uint32, min(size, msBins)-len(d.ms))...)
	}
	if uint64(d.ms[i])+uint64(n) > 1<<32-1 {
		_ = w.sk().AddWithCount(float64(i)/1e3, float64(d.ms[i]))
		d.ms[i] = 0
	}
	d.ms[i] += n
}

// flushMS moves the exact millisecond counts into the sketch, before its
// quantiles are read.
func (w *workerAcc) flushMS() {
	if w.dur == nil {
		return
	}
	for i, n := range w.dur.ms {
		if n > 0 {
			_ = w.sk().AddWithCount(float64(i)/1e3, float64(n))
		}
	}
	w.dur.ms = nil
}

// outOfRange counts a line at t outside the bounds.
func (p *Partial) outOfRange(t int64) {
	if p.since != 0 && t < p.since {
		if p.Early == 0 || t > p.LastEarly {
			p.LastEarly = t
		}
		p.Early++
	} else if late := p.OutOfRange - p.Early; late == 0 || t < p.FirstLate {
		p.FirstLate = t
	}
	p.OutOfRange++
}

// Merge adds q's counts into p. q must not be used afterwards.
func (p *Partial) Merge(q *Partial) {
	p.merge(q, false)
}

// merge is Merge; next says q's lines follow p's in one input (MergeNext).
func (p *Partial) merge(q *Partial, next bool) {
	p.Parsed += q.Parsed
	p.Rejected += q.Rejected
	for r, n := range q.RejectedBy {
		p.RejectedBy[r] += n
	}
	p.Unattributed += q.Unattributed
	p.Excluded += q.Excluded
	if q.Early > 0 && (p.Early == 0 || q.LastEarly > p.LastEarly) {
		p.LastEarly = q.LastEarly
	}
	if q.OutOfRange > q.Early && (p.OutOfRange == p.Early || q.FirstLate < p.FirstLate) {
		p.FirstLate = q.FirstLate
	}
	p.OutOfRange += q.OutOfRange
	p.Early += q.Early
	if q.Timed {
		if !p.Timed || q.First < p.First {
			p.First = q.First
		}
		if !p.Timed || q.Last > p.Last {
			p.Last = q.Last
		}
		p.Timed = true
		p.SubSecond = p.SubSecond && q.SubSecond
	}
	p.Durations = p.Durations || q.Durations
	p.overKeys = p.overKeys || q.overKeys
	p.maxKeys = max(p.maxKeys, q.maxKeys)
	p.mergeWindows(q)
	p.mergeConns(q)
	p.mergeSeq(q, next)
	for k, qw := range q.workers {
		pw := p.workers[k]
		if pw == nil {
			p.workers[k] = qw
			continue
		}
		pw.merge(qw)
	}
	p.recent = nil
}

func (w *workerAcc) merge(q *workerAcc) {
	w.requests += q.requests
	w.durSum = addMicros(w.durSum, q.durSum)
	w.durN += q.durN
	w.mergeDurations(q)
	for i := range w.status {
		w.status[i] += q.status[i]
	}
	if q.timed {
		if !w.timed || q.first < w.first {
			w.first = q.first
		}
		if !w.timed || q.last > w.last {
			w.last = q.last
		}
		if !w.timed || q.aliveStart < w.aliveStart {
			w.aliveStart = q.aliveStart
		}
		w.timed = true
	}
	w.peak.merge(&q.peak)
	w.win.merge(&q.win)
}

// mergeDurations adds q's request times into w's: sketches merge (their
// bins are counts), times kept as they are are added one by one, and
// millisecond tables add bin by bin.
func (w *workerAcc) mergeDurations(q *workerAcc) {
	for _, us := range q.few[:q.nFew] {
		w.addQuantile(us)
	}
	qd := q.dur
	if qd == nil {
		return
	}
	switch {
	case qd.sketch == nil:
	case w.dur == nil || w.dur.sketch == nil:
		w.durs().sketch = qd.sketch
		w.sk() // adds w's request times kept as they are
	default:
		_ = w.dur.sketch.MergeWith(qd.sketch)
	}
	for _, us := range qd.exact {
		w.addQuantile(us)
	}
	switch {
	case qd.ms == nil:
	case w.durs().ms == nil:
		w.dur.ms = qd.ms
	default:
		for i, n := range qd.ms {
			if n > 0 {
				w.addMS(i, n)
			}
		}
	}
}

// Release drops what the partial holds per worker, connection and pair of
// requests, once it is merged or its report made: a run of 2 M keys, or
// of 20,000 files, would otherwise hold it all twice. The counts of lines
// and the time span stay. A released partial finishes as one without
// workers, and merges as one that adds only those counts.
func (p *Partial) Release() {
	p.workers = map[WorkerKey]*workerAcc{}
	p.recent = nil
	p.spill, p.conns, p.seq = nil, nil, nil
}

// Workers returns the worker keys seen so far, in no order.
func (p *Partial) Workers() []WorkerKey {
	out := make([]WorkerKey, 0, len(p.workers))
	for k := range p.workers {
		out = append(out, k)
	}
	return out
}
