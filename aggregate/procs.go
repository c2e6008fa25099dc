package aggregate

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/parse"
)

// ProcOptions say how workers are told apart in process snapshots.
type ProcOptions struct {
	// Master is the master's PID (--master): its children are the workers.
	Master int64
	// Match selects processes by command line (--match): matched processes
	// whose parent also matches are workers, the parents masters.
	Match *regexp.Regexp
	// Family is the server family of the run's access logs ("" when there
	// are none): only workers of that family join the population.
	Family string
}

// Procs is what snapshots and error logs tell about the workers.
type Procs struct {
	// Family is the server family of the workers found.
	Family string
	// Workers by key: the PID, or "PID#2", "PID#3" for a PID reused by a
	// new process.
	Workers map[string]*ProcWorker
	// Masters are reported apart from the workers.
	Masters []Master
	// Snapshots is how many snapshots were read; Timed whether they carry
	// times (else CPU is cumulative and rates unknown).
	Snapshots int
	Timed     bool
	// Restarts counts workers that exited for a reason other than the
	// master shutting down; nil without an error log.
	Restarts *int
	// Notes are warnings for the report.
	Notes []string
	// snapFirst and snapLast are the times of the first and last timed
	// snapshots (unix µs; 0 without): they bound what snapshots know.
	snapFirst, snapLast int64
}

// ProcWorker is one worker process.
type ProcWorker struct {
	PID int64
	// CPUMillis is the CPU used within the snapshots' window: the last
	// sighting's cumulative CPU minus the first's, or minus 0 when the worker
	// was born after the first snapshot. A single snapshot gives the
	// cumulative CPU as printed. -1 when unknown.
	CPUMillis int64
	// AliveMicros is how long the CPU was measured over, for the rate; 0
	// when unknown.
	AliveMicros int64
	RSSPeakKiB  int64
	RSSLastKiB  int64
	// First and Last sighting (unix µs; 0 unknown); Born and Exited from
	// the process start or error log (unix µs; 0 unknown).
	First, Last  int64
	Born, Exited int64
	ExitReason   string
	// BornPrecision is how wide the interval that Born starts is (µs): a
	// second from ps ELAPSED or lstart, a minute or a day from STIME; 0
	// when Born is exact (the error log) or unknown.
	BornPrecision int64
	// StartText is the start as ps printed it (STIME: "17:44", "Oct06"),
	// PPID the parent: workers of one master with the same StartText
	// started together.
	StartText string
	PPID      int64
	// CPUStepMillis is the resolution of CPUMillis: 1000 for ps TIME.
	CPUStepMillis int64
	// Rate is CPU seconds ÷ seconds alive with its bounds; nil when
	// unknown.
	Rate          *CPURate
	fromSnapshots bool
	// cpu is the CPU used between consecutive timed sightings, for windows.
	cpu []cpuSpan
}

// cpuSpan is CPU time used over [from, to) (unix µs).
type cpuSpan struct {
	from, to int64
	millis   int64
}

// Master is a master process found in the snapshots or error log.
type Master struct {
	PID    int64  `json:"pid"`
	Family string `json:"family"`
	Args   string `json:"args,omitempty"`
}

// processFamily tells a process's role from its title or command line.
func processFamily(args string) (family string, master, worker bool) {
	switch {
	case strings.HasPrefix(args, "gunicorn: master"):
		return "gunicorn", true, false
	case strings.HasPrefix(args, "gunicorn: worker"):
		return "gunicorn", false, true
	case strings.HasPrefix(args, "nginx: master process"):
		return "nginx", true, false
	case strings.HasPrefix(args, "nginx: worker process"):
		return "nginx", false, true
	case strings.HasPrefix(args, "nginx: "):
		return "nginx", false, false // cache manager and loader are not workers
	}
	for i, f := range strings.Fields(args) {
		if i > 2 {
			break
		}
		base := f[strings.LastIndexByte(f, '/')+1:]
		if base == "gunicorn" || strings.HasPrefix(base, "gunicorn:") {
			return "gunicorn", false, false
		}
	}
	return "", false, false
}

// BuildProcs finds the workers in snapshots and joins the error log's
// lifecycle events: a ProcBuilder fed every snapshot.
func BuildProcs(snaps []parse.Snapshot, events []parse.ErrorLogEvent, opt ProcOptions) (*Procs, error) {
	b := NewProcBuilder(opt)
	for i := range snaps {
		b.Add(&snaps[i])
	}
	return b.Finish(events)
}

// ProcBuilder finds workers in process snapshots handed to it one at a
// time, in any order, and keeps per process only what the accounting needs
// (a compact sighting per snapshot of the processes that may be workers),
// never every row: a day of snapshots of a busy machine is mostly other
// processes.
type ProcBuilder struct {
	opt     ProcOptions
	workers roles
	masters map[int64]Master
	byPID   map[int64][]sighting
	// sources numbers the files; seq counts the snapshots in the order
	// added; timed counts those with a time.
	sources map[string]int32
	seq     int32
	timed   int
	// first and last are the times of the first and last timed snapshots.
	first, last int64
	// parent is the rows of the snapshot being added by PID, reused.
	parent map[int64]*parse.Proc
	texts  map[string]string
	// titled is the PIDs that some snapshot shows titled as a worker.
	titled map[int64]bool
}

// NewProcBuilder returns an empty builder.
func NewProcBuilder(opt ProcOptions) *ProcBuilder {
	return &ProcBuilder{opt: opt, workers: roles{}, masters: map[int64]Master{}, byPID: map[int64][]sighting{},
		sources: map[string]int32{}, parent: map[int64]*parse.Proc{}, texts: map[string]string{}, titled: map[int64]bool{}}
}

// roles maps each worker PID to the family it works for.
type roles map[int64]string

// Add reads one snapshot: who is a worker or a master in it, and a sighting
// of every process that may be a worker. s is not kept.
func (b *ProcBuilder) Add(s *parse.Snapshot) {
	src, ok := b.sources[s.Source]
	if !ok {
		src = int32(len(b.sources))
		b.sources[s.Source] = src
	}
	seq := b.seq
	b.seq++
	if s.HasTime {
		if b.timed == 0 || s.Time < b.first {
			b.first = s.Time
		}
		if b.timed == 0 || s.Time > b.last {
			b.last = s.Time
		}
		b.timed++
	}
	clear(b.parent)
	for i := range s.Procs {
		b.parent[s.Procs[i].PID] = &s.Procs[i]
	}
	for i := range s.Procs {
		p := &s.Procs[i]
		fam, isWorker := b.classify(p, s.Procs)
		_, known := b.workers[p.PID]
		if !isWorker && !known && fam == "" && (b.opt.Match == nil || !b.opt.Match.MatchString(p.Args)) && b.opt.Master <= 0 {
			continue // no server process: never a worker
		}
		if b.opt.Master > 0 && p.PPID != b.opt.Master && !known {
			continue
		}
		kept := *p
		kept.Args = "" // classified: the command line is not needed again
		kept.StartText = b.text(p.StartText)
		b.byPID[p.PID] = append(b.byPID[p.PID], sighting{time: s.Time, timed: s.HasTime, seq: seq, source: src, proc: kept})
	}
}

// text shares the equal start texts of the sightings.
func (b *ProcBuilder) text(t string) string {
	if u, ok := b.texts[t]; ok {
		return u
	}
	if len(b.texts) < 4096 {
		b.texts[t] = t
	}
	return t
}

// classify decides whether p is a worker in its snapshot, recording it and
// the masters; fam is the server family p's command line names.
func (b *ProcBuilder) classify(p *parse.Proc, procs []parse.Proc) (fam string, worker bool) {
	opt := b.opt
	fam, isMaster, isWorker := processFamily(p.Args)
	parent := b.parent[p.PPID]
	mark := func(f string) {
		b.workers[p.PID] = f
		worker = true
	}
	switch {
	case opt.Master > 0:
		if p.PID == opt.Master {
			b.masters[p.PID] = Master{PID: p.PID, Family: fam, Args: p.Args}
		} else if p.PPID == opt.Master {
			mark(fam)
		}
	case opt.Match != nil:
		if !opt.Match.MatchString(p.Args) {
			return fam, false
		}
		if parent != nil && opt.Match.MatchString(parent.Args) {
			mark(fam)
			pf, _, _ := processFamily(parent.Args)
			b.masters[parent.PID] = Master{PID: parent.PID, Family: pf, Args: parent.Args}
		} else if !hasChild(procs, p.PID, opt.Match) {
			mark(fam)
		}
	case isWorker:
		mark(fam)
		b.titled[p.PID] = true
	case isMaster:
		b.masters[p.PID] = Master{PID: p.PID, Family: fam, Args: p.Args}
	case fam != "" && parent != nil && !strings.HasPrefix(p.Args, fam+": "):
		// A plain command line (no setproctitle): master and workers
		// look alike, the PPID tells them apart. A titled process that
		// is neither (nginx's cache manager) is no worker.
		if pf, _, _ := processFamily(parent.Args); pf == fam {
			mark(fam)
			b.masters[parent.PID] = Master{PID: parent.PID, Family: fam, Args: parent.Args}
		}
	}
	return fam, worker
}

// Finish decides the run's family and accounts every worker's sightings,
// then joins the error log's events.
func (b *ProcBuilder) Finish(events []parse.ErrorLogEvent) (*Procs, error) {
	n := int(b.seq)
	pr := &Procs{Workers: map[string]*ProcWorker{}, Snapshots: n, Timed: n > 0 && b.timed == n}
	workers, err := b.families(pr)
	if err != nil {
		return nil, err
	}
	pr.account(b.byPID, workers, b.timed, n, b.first, b.last)
	pr.lifecycles(events, b.opt.Family)
	return pr, nil
}

// families drops the masters from the workers, picks the run's family and
// keeps the workers of that family.
func (b *ProcBuilder) families(pr *Procs) (roles, error) {
	workers, masters := b.workers, b.masters
	for pid := range workers {
		if _, ok := masters[pid]; !ok {
			continue
		}
		if b.titled[pid] {
			// A worker just forked still bears its master's title until
			// it sets its own (gunicorn, nginx): a snapshot in between
			// shows it as a master. A master is never titled a worker.
			delete(masters, pid)
			continue
		}
		delete(workers, pid)
	}
	families := map[string]bool{}
	for _, f := range workers {
		if f != "" { // no known family (--master, --match): not a choice
			families[f] = true
		}
	}
	pr.Family = b.opt.Family
	if pr.Family == "" {
		var names []string
		for f := range families {
			names = append(names, f)
		}
		sort.Strings(names)
		switch {
		case len(names) > 1:
			return nil, &FamiliesError{Names: names}
		case len(names) == 1:
			pr.Family = names[0]
		}
	}
	for id, f := range workers {
		// Zero-filling uses only the run's family: nginx workers never pad
		// a gunicorn population. Workers of no known family (--master,
		// --match) belong to the run.
		if f != "" && pr.Family != "" && f != pr.Family {
			delete(workers, id)
		}
	}
	for _, m := range masters {
		if m.Family == pr.Family || m.Family == "" || pr.Family == "" {
			pr.Masters = append(pr.Masters, m)
		}
	}
	sort.Slice(pr.Masters, func(i, j int) bool { return pr.Masters[i].PID < pr.Masters[j].PID })
	return workers, nil
}

func hasChild(procs []parse.Proc, pid int64, re *regexp.Regexp) bool {
	for i := range procs {
		if procs[i].PPID == pid && re.MatchString(procs[i].Args) {
			return true
		}
	}
	return false
}

// sighting is one worker row at one snapshot time.
type sighting struct {
	time   int64
	timed  bool  // the snapshot had a time
	seq    int32 // the snapshot's place in the order added
	source int32 // the snapshot's file
	first  bool  // in the first snapshot of the series
	proc   parse.Proc
}

// account computes CPU and RSS per worker process from its sightings.
// Snapshots without a time beside timed ones are left out (a lone untimed
// `ps` cannot be placed in a timed series); untimed snapshots alone keep the
// order they were read in. Snapshots of several files taken at the same
// time (ps -aefF and ps -eo of one run) are one sighting.
func (pr *Procs) account(byPID map[int64][]sighting, workers roles, timed, n int, first, last int64) {
	if timed > 0 && timed < n {
		what := fmt.Sprintf("%d snapshots without a time were", n-timed)
		if n-timed == 1 {
			what = "1 snapshot without a time was"
		}
		pr.Notes = append(pr.Notes, fmt.Sprintf("%s left out beside %d timed ones", what, timed))
		pr.Snapshots, pr.Timed = timed, true
	}
	single := pr.Snapshots == 1
	if pr.Timed {
		pr.snapFirst, pr.snapLast = first, last
	}
	// Untimed, the first snapshot is the first one read.
	firstSeq := int32(0)
	pids := make([]int64, 0, len(byPID))
	for pid := range byPID {
		if _, ok := workers[pid]; ok {
			pids = append(pids, pid)
		}
	}
	sort.Slice(pids, func(i, j int) bool { return pids[i] < pids[j] })
	disagree := false
	for _, pid := range pids {
		sg := series(byPID[pid], pr.Timed, first, firstSeq)
		if len(sg) == 0 {
			continue
		}
		for k, life := range splitLives(sg) {
			key := strconv.FormatInt(pid, 10)
			if k > 0 {
				key += "#" + strconv.Itoa(k+1)
				pr.Notes = append(pr.Notes, fmt.Sprintf("PID %d was reused by a new process: counted as worker %s", pid, key))
			}
			w := pr.life(pid, life, single)
			pr.Workers[key] = w
			if w.Rate != nil && w.Rate.Disagrees && !disagree {
				// Said once: a wrong snapshot time or zone moves them all.
				disagree = true
				pr.Notes = append(pr.Notes, fmt.Sprintf("worker %s: ps's lifetime CPU percentage is outside the rate its start time and TIME give: is the snapshot's time (--ps-time) or zone (--tz) right?", key))
			}
		}
	}
}

// series orders a PID's sightings by time (untimed: by the order read),
// drops untimed ones from a timed series, marks those of the first
// snapshot, and merges the rows of one time from two files.
func series(sg []sighting, timed bool, first int64, firstSeq int32) []sighting {
	out := sg[:0]
	for _, s := range sg {
		if timed && !s.timed {
			continue
		}
		if !timed {
			s.time = int64(s.seq) // untimed snapshots keep the order read
		}
		s.first = timed && s.time == first || !timed && s.seq == firstSeq
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].time != out[j].time {
			return out[i].time < out[j].time
		}
		return out[i].seq < out[j].seq
	})
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && merged[n-1].time == s.time && merged[n-1].source != s.source {
			// The same run captured in two layouts (ps -aefF and ps -eo).
			merged[n-1].proc = mergeSightings(merged[n-1].proc, s.proc)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// cpuSpans spreads a process's CPU over the time between its sightings;
// a process born after the first snapshot used its first CPU since birth
// (or, its birth unknown, at its first sighting).
func cpuSpans(sg []sighting, alreadyAlive bool, born int64) []cpuSpan {
	var out []cpuSpan
	if !alreadyAlive && sg[0].proc.CPUMillis > 0 {
		from := sg[0].time
		if born > 0 && born < from {
			from = born
		}
		out = append(out, cpuSpan{from, sg[0].time, sg[0].proc.CPUMillis})
	}
	for i := 1; i < len(sg); i++ {
		a, b := sg[i-1].proc.CPUMillis, sg[i].proc.CPUMillis
		if a >= 0 && b > a {
			out = append(out, cpuSpan{sg[i-1].time, sg[i].time, b - a})
		}
	}
	return out
}

// mergeSightings combines two rows of one process at one time from two
// files: the finer CPU and the known values win.
func mergeSightings(a, b parse.Proc) parse.Proc {
	if b.CPUMillis > a.CPUMillis || b.CPUMillis == a.CPUMillis && b.CPUStepMillis < a.CPUStepMillis {
		a.CPUMillis, a.CPUStepMillis = b.CPUMillis, b.CPUStepMillis
	}
	a.RSSKiB = max(a.RSSKiB, b.RSSKiB)
	if b.BornTo > 0 && (a.BornTo <= 0 || b.BornTo-b.BornFrom < a.BornTo-a.BornFrom) {
		a.BornFrom, a.BornTo = b.BornFrom, b.BornTo
	}
	if b.PctTenths >= 0 && (a.PctTenths < 0 || b.PctStep < a.PctStep) {
		a.PctTenths, a.PctStep, a.PctCapped = b.PctTenths, b.PctStep, b.PctCapped
	}
	if a.Start < 0 {
		a.Start = b.Start
	}
	if a.StartText == "" {
		a.StartText = b.StartText
	}
	return a
}

// splitLives cuts a PID's sightings where a new process took the PID: its
// start differs from the previous sighting's (when both are known the same
// way), or its cumulative CPU went down.
func splitLives(sg []sighting) [][]sighting {
	var lives [][]sighting
	start := 0
	for i := 1; i < len(sg); i++ {
		a, b := sg[i-1].proc, sg[i].proc
		reborn := a.Start >= 0 && b.Start >= 0 && abs(a.Start-b.Start) > 2 ||
			a.Start < 0 && b.Start < 0 && sameForm(a.StartText, b.StartText) && a.StartText != b.StartText ||
			a.CPUMillis >= 0 && b.CPUMillis >= 0 && b.CPUMillis+1000 < a.CPUMillis
		if reborn {
			lives = append(lives, sg[start:i])
			start = i
		}
	}
	return append(lives, sg[start:])
}

// sameForm reports whether two ps STIME values are printed the same way:
// "17:50" turns into "Nov25" for the same process once the day is over, so
// only values of one form tell a new process.
func sameForm(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return strings.Contains(a, ":") == strings.Contains(b, ":") && (a[0] >= '0' && a[0] <= '9') == (b[0] >= '0' && b[0] <= '9')
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// life accounts one process's sightings.
func (pr *Procs) life(pid int64, sg []sighting, single bool) *ProcWorker {
	first, last := sg[0], sg[len(sg)-1]
	w := &ProcWorker{PID: pid, CPUMillis: -1, RSSPeakKiB: -1, RSSLastKiB: last.proc.RSSKiB, fromSnapshots: true,
		StartText: first.proc.StartText, PPID: first.proc.PPID}
	bornFrom, bornTo := int64(-1), int64(-1)
	for _, s := range sg {
		w.RSSPeakKiB = max(w.RSSPeakKiB, s.proc.RSSKiB)
		if s.proc.Start >= 0 {
			w.Born = s.proc.Start * 1e6
		}
		bornFrom, bornTo = narrowBorn(bornFrom, bornTo, s.proc)
	}
	if w.Born == 0 && bornFrom > 0 {
		// STIME as printed: the start is within the minute or the day.
		w.Born = bornFrom
	}
	if bornFrom > 0 {
		w.BornPrecision = bornTo - bornFrom
	}
	w.CPUStepMillis = last.proc.CPUStepMillis
	if last.proc.CPUMillis >= 0 {
		w.CPUMillis = last.proc.CPUMillis
		if !single && first.first && first.proc.CPUMillis >= 0 {
			// Alive before the first snapshot: only the delta is in the
			// window. Born later, all its CPU is; a single snapshot gives
			// the cumulative CPU as printed.
			w.CPUMillis -= first.proc.CPUMillis
		}
	}
	if pr.Timed {
		w.cpu = cpuSpans(sg, first.first, w.Born)
		w.First, w.Last = first.time, last.time
		from := first.time
		if (!first.first || single) && w.Born > 0 {
			from = w.Born
		}
		if last.time > from {
			w.AliveMicros = last.time - from
		}
	}
	w.Rate = w.rate(first, last, single, pr.Timed, bornFrom, bornTo)
	return w
}

// narrowBorn intersects a process's start bounds with those of one more
// sighting: a start known to the second and STIME's minute agree.
func narrowBorn(from, to int64, p parse.Proc) (int64, int64) {
	if p.BornFrom < 0 || p.BornTo <= 0 {
		return from, to
	}
	if from < 0 {
		return p.BornFrom, p.BornTo
	}
	nf, nt := max(from, p.BornFrom), min(to, p.BornTo)
	if nf > nt { // they disagree: keep the narrower
		if p.BornTo-p.BornFrom < to-from {
			return p.BornFrom, p.BornTo
		}
		return from, to
	}
	return nf, nt
}

// rate is the worker's CPU rate: over the snapshots' window for a worker
// alive before the first snapshot, over its life for cumulative CPU (a
// single snapshot, or a worker born during the series) when its start is
// bounded, and ps's lifetime percentage alone when there is no time.
func (w *ProcWorker) rate(first, last sighting, single, timed bool, bornFrom, bornTo int64) *CPURate {
	if w.CPUMillis < 0 {
		return nil
	}
	step := max(w.CPUStepMillis, 1)
	switch {
	case timed && !single && first.first:
		return windowRate(w.CPUMillis, step, last.time-first.time)
	case timed && bornFrom > 0:
		return lifetimeRate(w.CPUMillis, step, bornFrom, min(bornTo, first.time), last.time, last.proc)
	case timed && !single:
		// Born during the series at an unknown time: from its first
		// sighting, which makes the rate an upper estimate.
		return windowRate(w.CPUMillis, step, last.time-first.time)
	case single || !timed:
		return pctRate(last.proc.CPUMillis, step, last.proc)
	}
	return nil
}

// lifecycles joins the error log's boot and exit events.
func (pr *Procs) lifecycles(events []parse.ErrorLogEvent, family string) {
	if len(events) == 0 {
		return
	}
	if family != "" && family != "gunicorn" {
		pr.Notes = append(pr.Notes, "a gunicorn error log was given but the run accounts "+family+" workers: its lifecycles are not used")
		return
	}
	if pr.Family == "" {
		pr.Family = "gunicorn"
	}
	restarts := 0
	pending := map[int64]string{} // reason announced before the exit line
	for _, e := range events {
		key := pr.keyAt(e.PID, e.Time)
		w := pr.Workers[key]
		if w == nil {
			w = &ProcWorker{PID: e.PID, CPUMillis: -1, RSSPeakKiB: -1, RSSLastKiB: -1}
			pr.Workers[key] = w
		}
		switch e.Kind {
		case parse.EventBoot:
			if w.Born == 0 || !w.fromSnapshots {
				w.Born = e.Time
			}
		case parse.EventAutorestart:
			pending[e.PID] = "max_requests"
		case parse.EventTimeout:
			pending[e.PID] = "timeout"
		case parse.EventSignal:
			pending[e.PID] = "signal " + e.Signal
		case parse.EventKilled:
			pending[e.PID] = "sigkill (out of memory?)"
		case parse.EventExitCode:
			pending[e.PID] = "exit " + e.Signal
		case parse.EventExit:
			w.Exited = e.Time
		}
		if e.Kind != parse.EventBoot && e.Kind != parse.EventExit && w.Exited == 0 {
			w.Exited = e.Time
		}
	}
	for _, w := range pr.Workers {
		if w.Exited == 0 {
			continue
		}
		if r, ok := pending[w.PID]; ok {
			w.ExitReason = r
			restarts++
		} else {
			w.ExitReason = "shutdown"
		}
	}
	pr.Restarts = &restarts
}

// keyAt is the key of the worker with PID pid at time t: the reused
// identities of a PID are told apart by their sightings.
func (pr *Procs) keyAt(pid, t int64) string {
	key := strconv.FormatInt(pid, 10)
	best := key
	for n := 2; ; n++ {
		k := key + "#" + strconv.Itoa(n)
		w := pr.Workers[k]
		if w == nil {
			return best
		}
		if w.First > 0 && t >= w.First-60e6 {
			best = k
		}
	}
}

// FamiliesError is snapshots that hold the workers of several server
// families, of which a run accounts one.
type FamiliesError struct {
	Names []string // sorted
}

func (e *FamiliesError) Error() string {
	return fmt.Sprintf("the snapshots hold workers of %d server families (%s)", len(e.Names), strings.Join(e.Names, ", "))
}
