package aggregate

import (
	"cmp"
	"slices"
	"sort"
	"strconv"

	"github.com/skewer-dev/skewer/parse"
)

// Schema is the JSON report's schema name and version.
const Schema = "skewer.report/v1"

// Report is the finished accounting of a run: what render writes. Its JSON
// encoding is the skewer.report/v1 document; unknown values are null.
type Report struct {
	Schema             string   `json:"schema"`
	Inputs             []Input  `json:"inputs"`
	Lines              Lines    `json:"lines"`
	Span               Span     `json:"span"`
	WindowSeconds      *float64 `json:"window_seconds"`
	Family             string   `json:"family"`
	Restarts           *int     `json:"restarts"`
	Unattributed       int64    `json:"unattributed"`
	Excluded           int64    `json:"excluded"`
	Workers            []Worker `json:"workers"`
	Skew               Skew     `json:"skew"`
	RequestSecondsSkew *Skew    `json:"request_seconds_skew"`
	CPUSkew            *Skew    `json:"cpu_skew,omitempty"`
	Windows            []Window `json:"windows"`
	// WindowSkew is the typical window: the per-window skews summarised,
	// computed whether or not --window was given; null without times.
	WindowSkew *WindowSkew `json:"window_skew"`
	// RateSkew is the skew of requests per alive-second over the workers
	// whose alive time is known: restart generations do not count as skew.
	RateSkew *Skew    `json:"rate_skew"`
	Warnings []string `json:"warnings"`
	// Dominance is who was busiest per window (by requests) and when that
	// changed; set whenever windows are.
	Dominance *Dominance `json:"dominance,omitempty"`
	// Masters are the master processes found in snapshots, not workers.
	Masters []Master `json:"masters,omitempty"`
	// KeyField names what workers are keyed by: "pid", or the --by field.
	KeyField string `json:"key_field"`

	// IdleSlots is how many --workers slots were never filled: per host,
	// --workers minus the most workers alive at once. They count in the
	// skew as workers with nothing done.
	IdleSlots int `json:"idle_slots"`
	// HostSkew is each host's own skew (its workers and idle slots) when
	// inputs come from several hosts; Skew is the cross-host figure.
	HostSkew []HostSkew `json:"host_skew,omitempty"`
	// Populations is who was alive when and what each served per window,
	// for per-window figures at any width.
	Populations *Populations `json:"-"`
	// InferredRestarts is how many restarts the restart generations inferred
	// from an access log alone imply (workers beyond the slots); 0 when none
	// were inferred. Restarts is what an error log or snapshots observed.
	InferredRestarts int `json:"-"`
	// Configured is the --workers value, 0 when not given.
	Configured int `json:"-"`
	// Durations reports whether the logs carried request times.
	Durations bool `json:"-"`
	// OutOfRange is the part of Excluded outside --since/--until.
	OutOfRange int64 `json:"-"`
	// Attributed is how many requests had a worker key: the sum of the
	// rows' requests.
	Attributed int64 `json:"-"`
	// MostRequests is how few workers served 90% of the attributed
	// requests.
	MostRequests Concentration `json:"-"`
	// MostCPU is how few workers used 90% of the CPU time, over the
	// workers whose CPU time is known; nil when none is.
	MostCPU *Concentration `json:"-"`
}

// Input describes one input file of the run.
type Input struct {
	Path     string     `json:"path"`
	Kind     parse.Kind `json:"kind"`
	Format   string     `json:"format"`
	Note     string     `json:"note,omitempty"`
	Lines    int64      `json:"lines"`
	Parsed   int64      `json:"parsed"`
	Rejected int64      `json:"rejected"`
	Ignored  *string    `json:"ignored"`
	Skip     Skip       `json:"-"` // why it was ignored, as a code
}

// Lines counts the lines of the access logs of a run.
type Lines struct {
	Total            int64            `json:"total"`
	Parsed           int64            `json:"parsed"`
	Rejected         int64            `json:"rejected"`
	RejectedByReason map[string]int64 `json:"rejected_by_reason"`
}

// Span is the time covered by the parsed lines; null without times.
type Span struct {
	Start Stamp `json:"start"`
	End   Stamp `json:"end"`
}

// Worker is one worker's row.
type Worker struct {
	// ID is the worker's identity; Key is its text.
	ID              WorkerKey        `json:"-"`
	Key             string           `json:"key"`
	Host            *string          `json:"host"`
	PID             *int64           `json:"pid"`
	Requests        int64            `json:"requests"`
	Share           float64          `json:"share"`
	RequestSeconds  *float64         `json:"request_seconds"`
	MeanConcurrency *float64         `json:"mean_concurrency"`
	PeakConcurrency *int             `json:"peak_concurrency"`
	P50Seconds      *float64         `json:"p50_seconds"`
	P95Seconds      *float64         `json:"p95_seconds"`
	P99Seconds      *float64         `json:"p99_seconds"`
	Status          map[string]int64 `json:"status"`
	FirstSeen       Stamp            `json:"first_seen"`
	LastSeen        Stamp            `json:"last_seen"`
	Born            Stamp            `json:"born"`
	Exited          Stamp            `json:"exited"`
	ExitReason      *string          `json:"exit_reason"`
	CPUSeconds      *float64         `json:"cpu_seconds"`
	CPUShare        *float64         `json:"cpu_share"`
	CPURate         *float64         `json:"cpu_rate"`
	RSSPeakBytes    *int64           `json:"rss_peak_bytes"`
	RSSLastBytes    *int64           `json:"rss_last_bytes"`
	// CPUSecondsPerRequest is CPU seconds / requests.
	CPUSecondsPerRequest *float64 `json:"cpu_seconds_per_request"`
	// AliveFrom and AliveTo are when the worker was alive, from the
	// strongest source (AliveSource); null when the run has no times.
	AliveFrom   Stamp   `json:"alive_from"`
	AliveTo     Stamp   `json:"alive_to"`
	AliveSource *string `json:"alive_source"`
}

// Window is one time window of a timeline.
type Window struct {
	Start          Stamp              `json:"start"`
	End            Stamp              `json:"end"`
	Requests       map[string]int64   `json:"requests"`
	RequestSeconds map[string]float64 `json:"request_seconds"`
	CPUSeconds     map[string]float64 `json:"cpu_seconds"`
	// Skew is over the workers alive for any part of the window (zeros
	// included) and its idle slots.
	Skew Skew `json:"skew"`
	// IdleSlots is how many zeros were added so that each host counts at
	// least --workers.
	IdleSlots int `json:"idle_slots"`
	// HostSkew is each host's skew in the window, with several hosts.
	HostSkew []HostSkew `json:"host_skew,omitempty"`
}

// HostSkew is the skew of one host's workers: the kernel balances the
// workers of a host, never across hosts.
type HostSkew struct {
	Host      string `json:"host"`
	IdleSlots int    `json:"idle_slots"`
	Skew      Skew   `json:"skew"`
}

// Options are the run's accounting choices.
type Options struct {
	// Workers is the configured number of worker slots (--workers), 0 if unknown.
	Workers int
	// Family is the server family of the run.
	Family string
	// Procs is what process snapshots and error logs gave, or nil.
	Procs *Procs
	// KeyName is the field workers are keyed by (--by), "" for the PID.
	KeyName string
	// Hosts says keys are host/worker (several hosts).
	Hosts bool
}

// Finish turns the merged partial of a run into a Report. Output does not
// depend on the order in which records or partials arrived.
func Finish(p *Partial, inputs []Input, opt Options) *Report {
	rep := &Report{
		Schema:       Schema,
		Inputs:       inputs,
		Family:       opt.Family,
		Unattributed: p.Unattributed,
		Excluded:     p.Excluded + p.OutOfRange,
		OutOfRange:   p.OutOfRange,
		Windows:      []Window{},
		Warnings:     []string{},
		Configured:   opt.Workers,
		KeyField:     "pid",
		Durations:    p.Durations,
	}
	if rep.Inputs == nil {
		rep.Inputs = []Input{}
	}
	// Every line is parsed, rejected, or excluded by --exclude-path.
	rep.Lines = Lines{Parsed: p.Parsed, Rejected: p.Rejected, RejectedByReason: map[string]int64{}}
	rep.Lines.Total = p.Parsed + p.Rejected + p.Excluded + p.OutOfRange
	for r, n := range p.RejectedBy {
		rep.Lines.RejectedByReason[string(r)] = n
	}
	subSecond := p.Timed && p.SubSecond
	if p.Timed {
		rep.Span = Span{Start: StampMicros(p.First, subSecond), End: StampMicros(p.Last, subSecond)}
	}

	var attributed int64
	for _, w := range p.workers {
		attributed += w.requests
	}
	pr := opt.Procs
	keys := p.Workers()
	if pr != nil {
		rep.Restarts = pr.Restarts
		rep.Masters = pr.Masters
		rep.Warnings = append(rep.Warnings, pr.Notes...)
		for k := range pr.Workers {
			if key := (WorkerKey{Key: k}); p.workers[key] == nil {
				keys = append(keys, key)
			}
		}
	}
	empty := newWorkerAcc()
	acc := func(k WorkerKey) *workerAcc {
		if w := p.workers[k]; w != nil {
			return w
		}
		return empty
	}
	pop := buildPopulations(p, pr, keys, opt)
	rep.Populations = pop
	requests := make([]float64, 0, len(keys))
	seconds := make([]float64, 0, len(keys))
	var cpu []float64
	var cpuTotal int64
	for _, k := range keys {
		w := acc(k)
		row := w.row(k, attributed, p.Durations, subSecond)
		if pw := pr.worker(k); pw != nil {
			pw.fill(&row, w.requests)
			if pw.CPUMillis >= 0 {
				cpuTotal += pw.CPUMillis
				cpu = append(cpu, float64(pw.CPUMillis)/1e3)
			}
		}
		if a, ok := pop.alive(k); ok {
			row.AliveFrom, row.AliveTo = StampMicros(a.From, subSecond), StampMicros(a.To, subSecond)
			src := string(a.Source)
			row.AliveSource = &src
		}
		rep.Workers = append(rep.Workers, row)
		requests = append(requests, float64(w.requests))
		seconds = append(seconds, float64(w.durSum)/1e6)
	}
	for i := range rep.Workers {
		if c := rep.Workers[i].CPUSeconds; c != nil && cpuTotal > 0 {
			share := *c * 1e3 / float64(cpuTotal)
			rep.Workers[i].CPUShare = &share
		}
	}
	if opt.KeyName != "" {
		rep.KeyField = opt.KeyName
	}
	if opt.Hosts || opt.KeyName != "" {
		for i := range rep.Workers {
			identify(&rep.Workers[i], opt.Hosts)
		}
	}
	sortWorkers(rep.Workers)
	rep.Warnings = append(rep.Warnings, pop.notes...)
	if rep.Workers == nil {
		rep.Workers = []Worker{}
	}
	if opt.Workers > 0 {
		rep.IdleSlots = pop.IdleSlots()
		for range rep.IdleSlots {
			requests = append(requests, 0)
			seconds = append(seconds, 0)
		}
	}
	rep.Attributed = attributed
	rep.MostRequests, rep.MostCPU = concentrations(rep.Workers)
	rep.Skew = ComputeSkew(requests)
	if p.Durations {
		s := ComputeSkew(seconds)
		rep.RequestSecondsSkew = &s
	}
	if len(cpu) > 0 {
		s := ComputeSkew(cpu)
		rep.CPUSkew = &s
	}
	rep.HostSkew = pop.hostSkews(p)
	rep.WindowSkew = pop.windowSkew(p.win.auto)
	rep.RateSkew = pop.rateSkew(p)
	rep.InferredRestarts = pop.inferredRestarts()
	if p.win.publish {
		width := pop.auto
		secs := float64(width) / 1e6
		rep.WindowSeconds = &secs
		ws := buildWindows(pop, pr, width)
		rep.Windows = ws
		d := ComputeDominance(ws, nil)
		rep.Dominance = &d
	}
	return rep
}

// concentrations are the Concentration of the rows' requests and of their
// known CPU seconds (nil when none is known).
func concentrations(rows []Worker) (requests Concentration, cpu *Concentration) {
	reqs := make([]float64, 0, len(rows))
	var cpus []float64
	for _, w := range rows {
		reqs = append(reqs, float64(w.Requests))
		if w.CPUSeconds != nil {
			cpus = append(cpus, *w.CPUSeconds)
		}
	}
	desc := func(a, b float64) int { return cmp.Compare(b, a) }
	slices.SortFunc(reqs, desc)
	requests = concentration(reqs)
	if cpus != nil {
		slices.SortFunc(cpus, desc)
		c := concentration(cpus)
		cpu = &c
	}
	return requests, cpu
}

// sortWorkers orders rows by requests, then CPU, then key.
func sortWorkers(ws []Worker) {
	cpu := func(w Worker) float64 {
		if w.CPUSeconds == nil {
			return -1
		}
		return *w.CPUSeconds
	}
	sort.SliceStable(ws, func(i, j int) bool {
		a, b := ws[i], ws[j]
		if a.Requests != b.Requests {
			return a.Requests > b.Requests
		}
		if ca, cb := cpu(a), cpu(b); ca != cb {
			return ca > cb
		}
		return keyLess(a.Key, b.Key)
	})
}

// worker is what snapshots and the error log know of worker k. They are of
// one host and keyed without one.
func (pr *Procs) worker(k WorkerKey) *ProcWorker {
	if pr == nil || k.Host != "" {
		return nil
	}
	return pr.Workers[k.Key]
}

// fill copies what the snapshots and error log know into a row.
func (pw *ProcWorker) fill(r *Worker, requests int64) {
	pid := pw.PID
	r.PID = &pid
	if pw.CPUMillis >= 0 {
		c := float64(pw.CPUMillis) / 1e3
		r.CPUSeconds = &c
		if pw.AliveMicros > 0 {
			rate := float64(pw.CPUMillis) * 1e3 / float64(pw.AliveMicros)
			r.CPURate = &rate
		}
		if requests > 0 {
			per := c / float64(requests)
			r.CPUSecondsPerRequest = &per
		}
	}
	if pw.RSSPeakKiB >= 0 {
		b := pw.RSSPeakKiB * 1024
		r.RSSPeakBytes = &b
	}
	if pw.RSSLastKiB >= 0 {
		b := pw.RSSLastKiB * 1024
		r.RSSLastBytes = &b
	}
	if pw.Born > 0 {
		r.Born = StampMicros(pw.Born, false)
	}
	if pw.Exited > 0 {
		r.Exited = StampMicros(pw.Exited, false)
	}
	if pw.ExitReason != "" {
		reason := pw.ExitReason
		r.ExitReason = &reason
	}
	if r.FirstSeen.IsZero() && pw.First > 0 {
		r.FirstSeen = StampMicros(pw.First, false)
		r.LastSeen = StampMicros(pw.Last, false)
	}
}

func (w *workerAcc) row(key WorkerKey, total int64, durations, subSecond bool) Worker {
	r := Worker{ID: key, Key: key.String(), Requests: w.requests}
	if pid, err := strconv.ParseInt(key.Key, 10, 64); err == nil && key.Host == "" {
		r.PID = &pid
	}
	if total > 0 {
		r.Share = float64(w.requests) / float64(total)
	}
	r.Status = map[string]int64{"2xx": w.status[0], "3xx": w.status[1], "4xx": w.status[2], "5xx": w.status[3], "other": w.status[4]}
	if w.timed {
		r.FirstSeen = StampMicros(w.first, subSecond)
		r.LastSeen = StampMicros(w.last, subSecond)
	}
	if durations && w.durN > 0 {
		secs := float64(w.durSum) / 1e6
		r.RequestSeconds = &secs
		// Untimed lines (a format without a time) say nothing of how long
		// the worker was alive.
		if alive := w.aliveMicros(subSecond); w.timed && alive > 0 {
			mc := float64(w.durSum) / float64(alive)
			r.MeanConcurrency = &mc
		}
		r.P50Seconds = quantile(w, 0.50)
		r.P95Seconds = quantile(w, 0.95)
		r.P99Seconds = quantile(w, 0.99)
		if subSecond {
			pk := w.peak.peak
			r.PeakConcurrency = &pk
		}
	}
	return r
}

// aliveMicros is how long the worker was seen alive: from the start of its
// first request to the end of its last. Whole-second end stamps are
// truncated, so a second is added to cover the last one.
func (w *workerAcc) aliveMicros(subSecond bool) int64 {
	d := w.last - w.aliveStart
	if !subSecond {
		d += 1e6
	}
	return d
}

func quantile(w *workerAcc, q float64) *float64 {
	w.flushMS()
	v, err := w.sketch.GetValueAtQuantile(q)
	if err != nil {
		return nil
	}
	return &v
}

// keyLess orders worker keys numerically when both are numbers.
func keyLess(a, b string) bool {
	if len(a) != len(b) && isDigits(a) && isDigits(b) {
		return len(a) < len(b)
	}
	return a < b
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ReasonCounts returns the rejected-line counts by reason, for callers that
// need them typed.
func (p *Partial) ReasonCounts() map[parse.Reason]int64 { return p.RejectedBy }

// identify fills host and pid from the worker's key when workers are keyed
// by host or by a field: pid only for a numeric key (not "PID#2").
func identify(w *Worker, hosts bool) {
	if hosts && w.ID.Host != "" {
		h := w.ID.Host
		w.Host = &h
	}
	w.PID = nil
	if pid, err := strconv.ParseInt(w.ID.Key, 10, 64); err == nil {
		w.PID = &pid
	}
}
