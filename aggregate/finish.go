package aggregate

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/DataDog/sketches-go/ddsketch"
)

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
	// Release lets Finish drop the partial's per-worker state as the rows
	// are made (see Partial.Release): a run of very many keys then holds
	// each worker once, not as an accumulator and a row.
	Release bool
}

// Finish turns the merged partial of a run into a Report. Output does not
// depend on the order in which records or partials arrived.
func Finish(p *Partial, inputs []Input, opt Options) *Report {
	rep := newReport(p, inputs, opt)
	keys := rep.workerKeys(p, opt.Procs)
	pop := buildPopulations(p, opt.Procs, keys, opt)
	rep.Populations = pop
	loads := rep.addRows(p, keys, opt, pop)
	rep.orderRows(opt)
	rep.Warnings = append(rep.Warnings, pop.notes...)
	if opt.Workers > 0 {
		rep.IdleSlots = pop.IdleSlots()
		loads.padIdle(rep.IdleSlots)
	}
	rep.MostRequests, rep.MostCPU = concentrations(rep.Workers)
	rep.setSkews(loads, p.Durations)
	if rep.CPUSkew != nil {
		if rep.CPUAges = cpuAges(rep.Workers); rep.CPUAges != nil {
			rep.Warnings = append(rep.Warnings, rep.CPUAges.Note())
		}
	}
	rep.WindowSkew = pop.windowSkew(p.win.auto)
	rep.RateSkew = pop.rateSkew(p)
	rep.HostSkew = pop.hostSkews(p, rep.WindowSkew)
	rep.InferredRestarts = pop.inferredRestarts()
	rep.Connections = p.connections(opt.Hosts, p.SubSecond)
	if c := rep.Connections; c != nil && c.UntrackedRequests > 0 {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("connections: only the first %d were tracked; %d requests on later ones are not in connections", MaxConnections, c.UntrackedRequests))
	}
	if p.win.publish {
		rep.setWindows(pop, opt.Procs)
		rep.nextSame = p.nextSameOf(pop.auto)
	}
	if opt.Release {
		p.Release()
	}
	return rep
}

// newReport is the report's head: what the run read and how its lines were
// counted, and the span of their times.
func newReport(p *Partial, inputs []Input, opt Options) *Report {
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
	if opt.KeyName != "" {
		rep.KeyField = opt.KeyName
	}
	// Every line is parsed, rejected, or excluded by --exclude-path.
	rep.Lines = Lines{Parsed: p.Parsed, Rejected: p.Rejected, RejectedByReason: map[string]int64{}}
	rep.Lines.Total = p.Parsed + p.Rejected + p.Excluded + p.OutOfRange
	for r, n := range p.RejectedBy {
		rep.Lines.RejectedByReason[string(r)] = n
	}
	if p.Timed {
		sub := p.SubSecond
		rep.Span = Span{Start: StampMicros(p.First, sub), End: StampMicros(p.Last, sub)}
	}
	return rep
}

// workerKeys are the keys of the run's workers: those of the access logs
// and those only the snapshots or the error log know. It takes the
// restarts, masters and notes of the snapshots too.
func (rep *Report) workerKeys(p *Partial, pr *Procs) []WorkerKey {
	keys := p.Workers()
	if pr == nil {
		return keys
	}
	rep.Restarts = pr.Restarts
	rep.Masters = pr.Masters
	rep.Warnings = append(rep.Warnings, pr.Notes...)
	for k := range pr.Workers {
		if key := (WorkerKey{Key: k}); p.workers[key] == nil {
			keys = append(keys, key)
		}
	}
	return keys
}

// loads are the population's values that skew is computed over, one per
// worker (and idle slot), in no order.
type loads struct {
	requests, seconds []float64
	cpu               []float64 // only the workers whose CPU time is known
	// busiestCPU is the most CPU seconds of a worker, and busiestRes the
	// resolution of that worker's source.
	busiestCPU, busiestRes float64
}

// resolutionFactor is how many times its source's resolution the busiest
// worker's CPU must reach for CPU seconds to be compared: at 1 s for ps
// TIME, 3 s against 2 s may be 3.99 against 2.0.
const resolutionFactor = 10

// padIdle adds n idle slots that did nothing.
func (l *loads) padIdle(n int) {
	for range n {
		l.requests = append(l.requests, 0)
		l.seconds = append(l.seconds, 0)
	}
}

// addRows makes one row per key, from the access logs, what snapshots know
// and the alive interval, with CPU shares of the known CPU time, and
// returns the loads. With opt.Release, each worker's accumulator goes as
// its row is made.
func (rep *Report) addRows(p *Partial, keys []WorkerKey, opt Options, pop *Populations) loads {
	pr := opt.Procs
	for _, w := range p.workers {
		rep.Attributed += w.requests
	}
	empty := newWorkerAcc()
	acc := func(k WorkerKey) *workerAcc {
		if w := p.workers[k]; w != nil {
			return w
		}
		return empty
	}
	subSecond := p.Timed && p.SubSecond
	l := loads{requests: make([]float64, 0, len(keys)), seconds: make([]float64, 0, len(keys))}
	var cpuTotal int64
	// Rows are large: grown by doubling, a run of very many keys would
	// copy them over and over and hold up to twice as many.
	rep.Workers = make([]Worker, 0, len(keys))
	var scratch *ddsketch.DDSketch
	// In population order: every key is a worker of one host there, and
	// its alive interval and windows are at hand without a lookup.
	pop.eachWorker(func(pw *popWorker) {
		k := pw.key
		w := acc(k)
		row := w.row(k, rep.Attributed, p.Durations, subSecond, &scratch)
		if pw := pr.worker(k); pw != nil {
			pw.fill(&row, w.requests)
			if pw.CPUMillis >= 0 {
				cpuTotal += pw.CPUMillis
				c := float64(pw.CPUMillis) / 1e3
				l.cpu = append(l.cpu, c)
				if c >= l.busiestCPU {
					l.busiestCPU, l.busiestRes = c, float64(max(pw.CPUStepMillis, 1))/1e3
				}
			}
		}
		if a, ok := pw.alive, pw.timed; ok {
			row.AliveFrom, row.AliveTo = StampMicros(a.From, subSecond), StampMicros(a.To, subSecond)
			row.AliveSource = aliveSourceText(a.Source)
			if row.RequestSeconds != nil {
				// Over the time alive, not first to last request: a
				// worker alive but idle is idle, not absent.
				if mc, ok := aliveConcurrency(w.durSum, a, subSecond); ok {
					row.MeanConcurrency = &mc
				}
			}
		}
		if row.RequestSeconds != nil {
			if busy, ok := pop.peakWindowBusy(pw); ok {
				row.PeakWindowBusy = &busy
			}
		}
		rep.Workers = append(rep.Workers, row)
		l.requests = append(l.requests, float64(w.requests))
		l.seconds = append(l.seconds, float64(w.durSum)/1e6)
		if opt.Release {
			delete(p.workers, k) // the row has it now
		}
	})
	for i := range rep.Workers {
		if c := rep.Workers[i].CPUSeconds; c != nil && cpuTotal > 0 {
			share := *c * 1e3 / float64(cpuTotal)
			rep.Workers[i].CPUShare = &share
		}
	}
	return l
}

// orderRows gives rows their host and pid when keys are not bare PIDs, and
// sorts them.
func (rep *Report) orderRows(opt Options) {
	if opt.Hosts || opt.KeyName != "" {
		for i := range rep.Workers {
			identify(&rep.Workers[i], opt.Hosts)
		}
	}
	sortWorkers(rep.Workers)
	if rep.Workers == nil {
		rep.Workers = []Worker{}
	}
}

// setSkews computes the skew of requests, and of request seconds and CPU
// seconds when they are known.
func (rep *Report) setSkews(l loads, durations bool) {
	rep.Skew = ComputeSkew(l.requests)
	if durations {
		if allZero(l.seconds) && rep.Attributed > 0 {
			rep.RequestSecondsNull = "every request took 0 s (static files?): request seconds cannot be compared"
			rep.Warnings = append(rep.Warnings, "request_seconds_skew is null: "+rep.RequestSecondsNull)
		} else {
			s := ComputeSkew(l.seconds)
			rep.RequestSecondsSkew = &s
		}
	}
	if len(l.cpu) == 0 {
		return
	}
	rep.CPUKnown = true
	if l.busiestCPU < resolutionFactor*l.busiestRes {
		src, fix := "ps", "record with `skewer sample`"
		if l.busiestRes < 1 {
			src, fix = "the snapshots'", "record for longer"
		}
		rep.CPUNull = fmt.Sprintf("CPU below %s resolution (the busiest worker used %s s, under %d× the %s s resolution); %s",
			src, strconv.FormatFloat(l.busiestCPU, 'f', -1, 64), resolutionFactor, strconv.FormatFloat(l.busiestRes, 'f', -1, 64), fix)
		rep.Warnings = append(rep.Warnings, "cpu_skew is null: "+rep.CPUNull)
		return
	}
	s := ComputeSkew(l.cpu)
	rep.CPUSkew = &s
}

func allZero(xs []float64) bool {
	for _, x := range xs {
		if x != 0 {
			return false
		}
	}
	return true
}

// setWindows adds the windows of the --window (or automatic) width and who
// dominated them.
func (rep *Report) setWindows(pop *Populations, pr *Procs) {
	width := pop.auto
	secs := float64(width) / 1e6
	rep.WindowSeconds = &secs
	ws := buildWindows(pop, pr, width)
	rep.Windows = ws
	rep.setWindowCPUSkews()
	d := rep.DominanceOf(nil)
	rep.Dominance = &d
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

// sortWorkers orders rows by requests, then CPU, then key. A row is a
// large struct: the order is worked out on indexes, and each row moves
// once.
func sortWorkers(ws []Worker) {
	cpu := func(w *Worker) float64 {
		if w.CPUSeconds == nil {
			return -1
		}
		return *w.CPUSeconds
	}
	order := make([]int32, len(ws))
	for i := range order {
		order[i] = int32(i)
	}
	// The index breaks ties: the order is total, and stable.
	slices.SortFunc(order, func(i, j int32) int {
		a, b := &ws[i], &ws[j]
		switch {
		case a.Requests != b.Requests:
			return cmp.Compare(b.Requests, a.Requests)
		case cpu(a) != cpu(b):
			return cmp.Compare(cpu(b), cpu(a))
		}
		if c := compareKeys(a.Key, b.Key); c != 0 {
			return c
		}
		return cmp.Compare(i, j)
	})
	// Row i goes to where order puts it: follow each cycle of the
	// permutation, marking placed rows with -1.
	for i := range order {
		if order[i] < 0 || int(order[i]) == i {
			continue
		}
		row := ws[i]
		at := i
		for {
			from := int(order[at])
			order[at] = -1
			if from == i {
				ws[at] = row
				break
			}
			ws[at] = ws[from]
			at = from
		}
	}
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

// aliveSourceTexts are the texts rows point to for their alive_source:
// one string per source, not one per row.
var aliveSourceTexts = [...]string{string(AliveSnapshots), string(AliveErrorLog), string(AliveInferred), string(AliveAccess)}

// aliveSourceText is the text of src for a row; rows share it.
func aliveSourceText(src AliveSource) *string {
	for i := range aliveSourceTexts {
		if aliveSourceTexts[i] == string(src) {
			return &aliveSourceTexts[i]
		}
	}
	text := string(src)
	return &text
}
