package aggregate

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
	"github.com/skewer-dev/skewer/parse"
)

// Command lines of the hand-made snapshots.
const (
	gMaster = "gunicorn: master [app]"
	gWorker = "gunicorn: worker [app]"
	nMaster = "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;"
	nWorker = "nginx: worker process"
	nCache  = "nginx: cache manager process"
	// plain is gunicorn without setproctitle: master and workers alike.
	plain = "/usr/bin/python3 /usr/bin/gunicorn --workers 2 app:app"
	shell = "bash /srv/run.sh"
)

// s0 is t0 in unix seconds, the unit of parse.Proc.Start.
var s0 = t0 / sec

// ps is a process row with CPU in ms and RSS in KiB (-1 unknown) and an
// unknown start.
func ps(pid, ppid, cpuMS, rssKiB int64, args string) parse.Proc {
	return parse.Proc{PID: pid, PPID: ppid, CPUMillis: cpuMS, RSSKiB: rssKiB, Start: -1, Args: args,
		BornFrom: -1, BornTo: -1, PctTenths: -1}
}

// started returns p with its start in unix seconds (-1 unknown) and as
// printed.
func started(p parse.Proc, start int64, text string) parse.Proc {
	p.Start, p.StartText = start, text
	if start >= 0 {
		// As the parser bounds it: within the second.
		p.BornFrom, p.BornTo = start*sec, (start+1)*sec
	}
	return p
}

// at is a snapshot taken secs seconds after t0.
func at(secs int64, procs ...parse.Proc) parse.Snapshot {
	return parse.Snapshot{Time: t0 + secs*sec, HasTime: true, Procs: procs}
}

// untimed is a snapshot without a timestamp line.
func untimed(procs ...parse.Proc) parse.Snapshot {
	return parse.Snapshot{Procs: procs}
}

// ev is an error-log event secs seconds after t0.
func ev(kind string, pid, secs int64) parse.ErrorLogEvent {
	return parse.ErrorLogEvent{Time: t0 + secs*sec, PID: pid, Master: 100, Kind: kind}
}

// workerKeys returns the worker keys of pr, sorted.
func workerKeys(pr *Procs) []string {
	return slices.Sorted(maps.Keys(pr.Workers))
}

// masterPIDs returns the PIDs of pr's masters, in order.
func masterPIDs(pr *Procs) []int64 {
	out := []int64{}
	for _, m := range pr.Masters {
		out = append(out, m.PID)
	}
	return out
}

// procRow is the exported state of a ProcWorker, comparable with ==.
type procRow struct {
	CPUMillis, AliveMicros  int64
	RSSPeakKiB, RSSLastKiB  int64
	First, Last, Born, Exit int64
	ExitReason              string
}

func rowOf(w *ProcWorker) procRow {
	return procRow{w.CPUMillis, w.AliveMicros, w.RSSPeakKiB, w.RSSLastKiB, w.First, w.Last, w.Born, w.Exited, w.ExitReason}
}

// checkProcRows compares pr's workers with want, key by key.
func checkProcRows(t *testing.T, pr *Procs, want map[string]procRow) {
	t.Helper()
	if got, wantKeys := workerKeys(pr), slices.Sorted(maps.Keys(want)); !slices.Equal(got, wantKeys) {
		t.Fatalf("got workers %v, want %v", got, wantKeys)
	}
	for k, w := range want {
		if got := rowOf(pr.Workers[k]); got != w {
			t.Errorf("worker %s: got %+v, want %+v", k, got, w)
		}
	}
}

func TestProcIdentification(t *testing.T) {
	tests := []struct {
		name    string
		snaps   []parse.Snapshot
		opt     ProcOptions
		workers []string
		masters []int64
		family  string
	}{
		{
			// The titles say who is who; the shell that started the master
			// is nobody.
			name: "gunicorn titles",
			snaps: []parse.Snapshot{at(0,
				ps(50, 1, 0, 3000, shell), ps(100, 50, 0, 29000, gMaster),
				ps(101, 100, 0, 36000, gWorker), ps(102, 100, 0, 36000, gWorker))},
			workers: []string{"101", "102"}, masters: []int64{100}, family: "gunicorn",
		},
		{
			// The cache manager is a child of the master but serves nothing.
			name: "nginx titles",
			snaps: []parse.Snapshot{at(0,
				ps(200, 1, 0, 6000, nMaster), ps(201, 200, 0, 4700, nWorker),
				ps(202, 200, 0, 4700, nWorker), ps(203, 200, 0, 4000, nCache))},
			workers: []string{"201", "202"}, masters: []int64{200}, family: "nginx",
		},
		{
			// Without setproctitle the master 300 and its workers print one
			// command line: 300's parent is a shell, so 300 is the master;
			// 301 and 302 have a gunicorn parent, so they are workers.
			name: "plain command lines told apart by PPID",
			snaps: []parse.Snapshot{at(0,
				ps(50, 1, 0, 3000, shell), ps(300, 50, 0, 29000, plain),
				ps(301, 300, 0, 36000, plain), ps(302, 300, 0, 36000, plain))},
			workers: []string{"301", "302"}, masters: []int64{300}, family: "gunicorn",
		},
		{
			// The seed question's snapshot: worker rows only, PPID 26468
			// absent. The titles suffice; no master is known.
			name: "titled workers without their master row",
			snaps: []parse.Snapshot{untimed(
				ps(15708, 26468, 31579000, 3648504, "gunicorn: worker [my-service]"),
				ps(23004, 26468, 7675000, 927524, "gunicorn: worker [my-service]"))},
			workers: []string{"15708", "23004"}, masters: []int64{}, family: "gunicorn",
		},
		{
			// A gunicorn USR2 upgrade without setproctitle: the new master
			// 710 is a child of the old master 700 with the same command
			// line, so it looks like a worker of 700; it is a master (it has
			// workers), and masters are never workers.
			name: "new master under the old one is not a worker",
			snaps: []parse.Snapshot{at(0,
				ps(50, 1, 0, 3000, shell), ps(700, 50, 0, 29000, plain),
				ps(701, 700, 0, 36000, plain), ps(710, 700, 0, 29000, plain),
				ps(711, 710, 0, 36000, plain))},
			workers: []string{"701", "711"}, masters: []int64{700, 710}, family: "gunicorn",
		},
		{
			// --master 400: its children are the workers whatever they run;
			// 403 is a child of init. No family is known from the titles.
			name: "master option",
			snaps: []parse.Snapshot{at(0,
				ps(400, 1, 0, 20000, "python3 server.py --prefork 2"),
				ps(401, 400, 0, 30000, "python3 server.py --prefork 2"),
				ps(402, 400, 0, 30000, "python3 server.py --prefork 2"),
				ps(403, 1, 0, 30000, "python3 server.py --prefork 2"))},
			opt:     ProcOptions{Master: 400},
			workers: []string{"401", "402"}, masters: []int64{400}, family: "",
		},
		{
			// --master on a gunicorn master: the family comes from the titles.
			name: "master option with gunicorn titles",
			snaps: []parse.Snapshot{at(0,
				ps(100, 1, 0, 29000, gMaster), ps(101, 100, 0, 36000, gWorker),
				ps(102, 100, 0, 36000, gWorker), ps(200, 1, 0, 6000, nMaster),
				ps(201, 200, 0, 4700, nWorker))},
			opt:     ProcOptions{Master: 100},
			workers: []string{"101", "102"}, masters: []int64{100}, family: "gunicorn",
		},
		{
			// --match myapp: 501 and 502 match and so does their parent 500,
			// the master; 503 (other.ini) does not match; 600 matches but
			// neither its parent (init) nor any child does.
			name: "match option",
			snaps: []parse.Snapshot{at(0,
				ps(500, 1, 0, 20000, "uwsgi --ini myapp.ini"),
				ps(501, 500, 0, 30000, "uwsgi --ini myapp.ini"),
				ps(502, 500, 0, 30000, "uwsgi --ini myapp.ini"),
				ps(503, 500, 0, 30000, "uwsgi --ini other.ini"),
				ps(600, 1, 0, 30000, "python3 myapp-cron.py"))},
			opt:     ProcOptions{Match: regexp.MustCompile(`myapp`)},
			workers: []string{"501", "502", "600"}, masters: []int64{500}, family: "",
		},
		{
			// --match 'gunicorn: worker': the workers' parent does not match,
			// so each matched process is a worker and no master is known.
			name: "match option on worker titles",
			snaps: []parse.Snapshot{at(0,
				ps(100, 1, 0, 29000, gMaster), ps(101, 100, 0, 36000, gWorker),
				ps(102, 100, 0, 36000, gWorker))},
			opt:     ProcOptions{Match: regexp.MustCompile(`gunicorn: worker`)},
			workers: []string{"101", "102"}, masters: []int64{}, family: "gunicorn",
		},
		{
			// --match myapp also catches a celery worker (no known family):
			// a worker of no family belongs to the run, it is not a second
			// family to choose from.
			name: "match option over gunicorn and a process of no family",
			snaps: []parse.Snapshot{at(0,
				ps(300, 1, 0, 29000, "/usr/bin/python3 /usr/bin/gunicorn myapp:app"),
				ps(301, 300, 0, 36000, "/usr/bin/python3 /usr/bin/gunicorn myapp:app"),
				ps(400, 1, 0, 29000, "celery -A myapp worker"),
				ps(401, 400, 0, 36000, "celery -A myapp worker"))},
			opt:     ProcOptions{Match: regexp.MustCompile(`myapp`)},
			workers: []string{"301", "401"}, masters: []int64{300, 400}, family: "gunicorn",
		},
		{
			// Seen in a later snapshot only, 103 is still a worker; the master
			// is reported once.
			name: "workers over several snapshots",
			snaps: []parse.Snapshot{
				at(0, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 0, 36000, gWorker)),
				at(10, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 0, 36000, gWorker), ps(103, 100, 0, 36000, gWorker)),
			},
			workers: []string{"101", "103"}, masters: []int64{100}, family: "gunicorn",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(tt.snaps, nil, tt.opt)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := workerKeys(pr); !slices.Equal(got, tt.workers) {
				t.Errorf("got workers %v, want %v", got, tt.workers)
			}
			if got := masterPIDs(pr); !slices.Equal(got, tt.masters) {
				t.Errorf("got masters %v, want %v", got, tt.masters)
			}
			if pr.Family != tt.family {
				t.Errorf("got family %q, want %q", pr.Family, tt.family)
			}
		})
	}
}

// twoFamilies is nginx (master 200, workers 201 202) in front of gunicorn
// (master 100, workers 101 102), both in each snapshot.
func twoFamilies() []parse.Snapshot {
	rows := func(cpu int64) []parse.Proc {
		return []parse.Proc{
			ps(100, 1, 0, 29000, gMaster), ps(101, 100, cpu, 36000, gWorker), ps(102, 100, cpu, 36000, gWorker),
			ps(200, 1, 0, 6000, nMaster), ps(201, 200, cpu, 4700, nWorker), ps(202, 200, cpu, 4700, nWorker),
		}
	}
	return []parse.Snapshot{at(0, rows(1000)...), at(10, rows(3000)...)}
}

func TestProcFamilies(t *testing.T) {
	tests := []struct {
		name    string
		family  string
		err     string
		workers []string
		masters []int64
	}{
		{
			name: "no family given",
			err:  "the snapshots hold workers of 2 server families (gunicorn, nginx)",
		},
		{name: "gunicorn", family: "gunicorn", workers: []string{"101", "102"}, masters: []int64{100}},
		{name: "nginx", family: "nginx", workers: []string{"201", "202"}, masters: []int64{200}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(twoFamilies(), nil, ProcOptions{Family: tt.family})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got := workerKeys(pr); !slices.Equal(got, tt.workers) {
				t.Errorf("got workers %v, want %v", got, tt.workers)
			}
			if got := masterPIDs(pr); !slices.Equal(got, tt.masters) {
				t.Errorf("got masters %v, want %v", got, tt.masters)
			}
			if pr.Family != tt.family {
				t.Errorf("got family %q, want %q", pr.Family, tt.family)
			}
		})
	}
}

// A gunicorn access log joined with snapshots that also hold nginx: the
// population is the gunicorn workers only, 101 (2 requests) and 102 (none),
// so the request skew is over [2 0] and the CPU skew over [2 2] (each worker
// 3000 − 1000 ms).
func TestFinishFamilyPopulation(t *testing.T) {
	pr, err := BuildProcs(twoFamilies(), nil, ProcOptions{Family: "gunicorn"})
	if err != nil {
		t.Fatal(err)
	}
	rep := Finish(feed(nil, line("101", 2, sec, 200), line("101", 5, sec, 200)), nil, Options{Family: "gunicorn", Procs: pr})
	var keys []string
	for _, w := range rep.Workers {
		keys = append(keys, w.Key)
	}
	if want := []string{"101", "102"}; !slices.Equal(keys, want) {
		t.Fatalf("got rows %v, want %v", keys, want)
	}
	if rep.Skew.Workers != 2 || rep.Skew.ActiveWorkers != 1 {
		t.Errorf("got skew over %d workers, %d active; want 2, 1", rep.Skew.Workers, rep.Skew.ActiveWorkers)
	}
	if rep.CPUSkew == nil || rep.CPUSkew.Workers != 2 || rep.CPUSkew.Gini != 0 {
		t.Errorf("got cpu skew %+v, want 2 workers and gini 0", rep.CPUSkew)
	}
	if got := rep.Masters; len(got) != 1 || got[0] != (Master{PID: 100, Family: "gunicorn", Args: gMaster}) {
		t.Errorf("got masters %+v, want only the gunicorn master 100", got)
	}
}

// Three snapshots at 0, 10 and 20 s (master 100 in each):
//
//	pid  t=0 s       t=10 s      t=20 s       (CPU ms, RSS KiB)
//	101  5000 100    8000 300    12000 200    alive before: 12000 − 5000
//	102  -           1000 80     3000 90      born between: 3000 − 0
//	103  -           400 60      2400 65      born between, started at 4 s
//	104  -           400 70      -            born and gone between
//	105  900 50      -           -            gone after the first
func cpuSnapshots() []parse.Snapshot {
	m := ps(100, 1, 0, 29000, gMaster)
	s103 := s0 + 4
	return []parse.Snapshot{
		at(0, m, ps(101, 100, 5000, 100, gWorker), ps(105, 100, 900, 50, gWorker)),
		at(10, m, ps(101, 100, 8000, 300, gWorker), ps(102, 100, 1000, 80, gWorker),
			started(ps(103, 100, 400, 60, gWorker), s103, ""), ps(104, 100, 400, 70, gWorker)),
		at(20, m, ps(101, 100, 12000, 200, gWorker), ps(102, 100, 3000, 90, gWorker),
			started(ps(103, 100, 2400, 65, gWorker), s103, "")),
	}
}

func TestProcCPU(t *testing.T) {
	pr, err := BuildProcs(cpuSnapshots(), nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkProcRows(t, pr, map[string]procRow{
		// 12000 − 5000 = 7000 ms over 0..20 s; RSS peak 300, last 200.
		"101": {CPUMillis: 7000, AliveMicros: 20 * sec, RSSPeakKiB: 300, RSSLastKiB: 200, First: t0, Last: t0 + 20*sec},
		// Start unknown: 3000 − 0 ms, alive from its first sighting 10..20 s.
		"102": {CPUMillis: 3000, AliveMicros: 10 * sec, RSSPeakKiB: 90, RSSLastKiB: 90, First: t0 + 10*sec, Last: t0 + 20*sec},
		// 2400 − 0 ms, alive from its start at 4 s to 20 s: 16 s.
		"103": {CPUMillis: 2400, AliveMicros: 16 * sec, RSSPeakKiB: 65, RSSLastKiB: 65, First: t0 + 10*sec, Last: t0 + 20*sec, Born: t0 + 4*sec},
		// One sighting after the first snapshot: 400 − 0, no time span.
		"104": {CPUMillis: 400, RSSPeakKiB: 70, RSSLastKiB: 70, First: t0 + 10*sec, Last: t0 + 10*sec},
		// One sighting in the first snapshot: 900 − 900.
		"105": {CPUMillis: 0, RSSPeakKiB: 50, RSSLastKiB: 50, First: t0, Last: t0},
	})
	if pr.Restarts != nil {
		t.Errorf("got restarts %d, want null without an error log", *pr.Restarts)
	}
	if !pr.Timed || pr.Snapshots != 3 {
		t.Errorf("got timed %v over %d snapshots, want true over 3", pr.Timed, pr.Snapshots)
	}

	// CPU rate = CPU / alive: 7/20 = 0.35, 3/10 = 0.3 (from its first
	// sighting); 103 started within the second from 4 s, so alive 15 to 16
	// s at 20 s: 2.4/15.5. 104 and 105 have no alive time, so no rate.
	rep := Finish(NewPartial(nil), nil, Options{Procs: pr})
	wantRate := map[string]*float64{"101": f(0.35), "102": f(0.3), "103": f(2.4 / 15.5), "104": nil, "105": nil}
	for _, w := range rep.Workers {
		checkFloat(t, w.Key+" cpu_rate", w.CPURate, wantRate[w.Key])
	}
	if len(rep.Workers) != len(wantRate) {
		t.Errorf("got %d rows, want %d", len(rep.Workers), len(wantRate))
	}
}

// TestProcWorkerBeforeItsTitle: a snapshot taken just after gunicorn
// forked a worker shows it with its master's title, the next with its own:
// it is a worker throughout (its CPU from its first sighting), and the
// master is the one master.
func TestProcWorkerBeforeItsTitle(t *testing.T) {
	pr, err := BuildProcs([]parse.Snapshot{
		at(0, ps(100, 1, 500, 40, gMaster), ps(101, 100, 300, 60, gWorker), ps(102, 100, 0, 40, gMaster)),
		at(10, ps(100, 1, 600, 40, gMaster), ps(101, 100, 900, 60, gWorker), ps(102, 100, 590, 70, gWorker)),
	}, nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkProcRows(t, pr, map[string]procRow{
		"101": {CPUMillis: 600, AliveMicros: 10 * sec, RSSPeakKiB: 60, RSSLastKiB: 60, First: t0, Last: t0 + 10*sec},
		"102": {CPUMillis: 590, AliveMicros: 10 * sec, RSSPeakKiB: 70, RSSLastKiB: 70, First: t0, Last: t0 + 10*sec},
	})
	if len(pr.Masters) != 1 || pr.Masters[0].PID != 100 {
		t.Errorf("got masters %+v, want only 100", pr.Masters)
	}
}

func TestProcSingleSnapshot(t *testing.T) {
	// 08:46:19 of TIME is 8·3600 + 46·60 + 19 = 31579 s.
	const cum = 31579000
	tests := []struct {
		name string
		snap parse.Snapshot
		want procRow
	}{
		{
			// No time: the cumulative CPU as printed, no rate.
			name: "untimed",
			snap: untimed(ps(101, 100, cum, 900, gWorker)),
			want: procRow{CPUMillis: cum, RSSPeakKiB: 900, RSSLastKiB: 900},
		},
		{
			// The start is known (ps lstart) but not the snapshot's time.
			name: "untimed with a start",
			snap: untimed(started(ps(101, 100, cum, 900, gWorker), s0-3600, "")),
			want: procRow{CPUMillis: cum, RSSPeakKiB: 900, RSSLastKiB: 900, Born: t0 - 3600*sec},
		},
		{
			// Taken at 100 s, started at 0 s: alive 100 s.
			name: "timed with a start",
			snap: at(100, started(ps(101, 100, 5000, 900, gWorker), s0, "")),
			want: procRow{CPUMillis: 5000, AliveMicros: 100 * sec, RSSPeakKiB: 900, RSSLastKiB: 900,
				First: t0 + 100*sec, Last: t0 + 100*sec, Born: t0},
		},
		{
			// Taken at 100 s, start unknown: no alive time.
			name: "timed without a start",
			snap: at(100, started(ps(101, 100, 5000, 900, gWorker), -1, "17:00")),
			want: procRow{CPUMillis: 5000, RSSPeakKiB: 900, RSSLastKiB: 900, First: t0 + 100*sec, Last: t0 + 100*sec},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs([]parse.Snapshot{tt.snap}, nil, ProcOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkProcRows(t, pr, map[string]procRow{"101": tt.want})
		})
	}
}

// The same run captured by ps -aefF (whole-second TIME, STIME) and by
// skewer sample (CPU ms, start ticks), at the same times 0 and 10 s, or
// interleaved.
// from marks snapshots as read from one file.
func from(name string, snaps ...parse.Snapshot) []parse.Snapshot {
	for i := range snaps {
		snaps[i].Source = name
	}
	return snaps
}

// Two snapshots of one file at the same time (skewer sample writes
// milliseconds, but a file may hold two within one printed second) are two
// sightings: CPU 0 → 100 → 300 is 300, not 300 − 100.
func TestProcSameTimeOneFile(t *testing.T) {
	snaps := from("ps.log",
		at(0, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 0, 100, gWorker)),
		at(0, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 100, 100, gWorker)),
		at(1, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 300, 100, gWorker)),
	)
	pr, err := BuildProcs(snaps, nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := pr.Workers["101"].CPUMillis; got != 300 {
		t.Errorf("got CPU %d ms, want 300", got)
	}
}

func TestProcTwoFiles(t *testing.T) {
	aefF := from("ps-aefF.log",
		at(0, ps(100, 1, 0, 29000, gMaster), started(ps(101, 100, 2000, 100, gWorker), -1, "17:00")),
		at(10, ps(100, 1, 0, 29000, gMaster), started(ps(101, 100, 5000, 120, gWorker), -1, "17:00")),
	)
	sample := from("sample.log",
		at(0, ps(100, 1, 10, 29000, gMaster), started(ps(101, 100, 2700, 100, gWorker), -1, "6120000")),
		at(10, ps(100, 1, 10, 29000, gMaster), started(ps(101, 100, 5400, 124, gWorker), -1, "6120000")),
	)
	later := []parse.Snapshot{
		at(5, ps(100, 1, 10, 29000, gMaster), started(ps(101, 100, 3400, 110, gWorker), -1, "6120000")),
		at(15, ps(100, 1, 10, 29000, gMaster), started(ps(101, 100, 6400, 130, gWorker), -1, "6120000")),
	}
	tests := []struct {
		name  string
		snaps []parse.Snapshot
		want  procRow
	}{
		{
			// One sighting per time, the finer CPU: 5400 − 2700 ms, not
			// 5400 − 2000; RSS the larger of the two rows.
			name:  "ps first",
			snaps: slices.Concat(aefF, sample),
			want:  procRow{CPUMillis: 2700, AliveMicros: 10 * sec, RSSPeakKiB: 124, RSSLastKiB: 124, First: t0, Last: t0 + 10*sec},
		},
		{
			name:  "sample first",
			snaps: slices.Concat(sample, aefF),
			want:  procRow{CPUMillis: 2700, AliveMicros: 10 * sec, RSSPeakKiB: 124, RSSLastKiB: 124, First: t0, Last: t0 + 10*sec},
		},
		{
			// Sightings at 0 (ps), 5 (sample), 10 (ps), 15 (sample): STIME
			// and start ticks are not the same kind of start, so their
			// difference is no reuse. 6400 − 2000 ms over 15 s.
			name:  "interleaved",
			snaps: slices.Concat(aefF, later),
			want:  procRow{CPUMillis: 4400, AliveMicros: 15 * sec, RSSPeakKiB: 130, RSSLastKiB: 130, First: t0, Last: t0 + 15*sec},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(tt.snaps, nil, ProcOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkProcRows(t, pr, map[string]procRow{"101": tt.want})
			if len(pr.Notes) != 0 {
				t.Errorf("got notes %q, want none", pr.Notes)
			}
		})
	}
}

func TestProcPIDReuse(t *testing.T) {
	// rows gives PID 101 at 0, 10, 20 and 30 s with the CPU ms and starts
	// given; the master 100 is in each snapshot.
	rows := func(base int64, cpu [4]int64, start [4]int64, text [4]string) []parse.Snapshot {
		var out []parse.Snapshot
		for i := range 4 {
			s := at(int64(i)*10, ps(100, 1, 0, 29000, gMaster), started(ps(101, 100, cpu[i], 36000, gWorker), start[i], text[i]))
			s.Time += base
			out = append(out, s)
		}
		return out
	}
	noStart := [4]int64{-1, -1, -1, -1}
	noText := [4]string{}
	// Around midnight: 2026-11-25T23:59:40Z, and the new year:
	// 2026-12-31T23:59:40Z, as offsets from t0.
	midnight := time.Date(2026, 11, 25, 23, 59, 40, 0, time.UTC).UnixMicro() - t0
	newYear := time.Date(2026, 12, 31, 23, 59, 40, 0, time.UTC).UnixMicro() - t0
	const note = "PID 101 was reused by a new process: counted as worker 101#2"
	tests := []struct {
		name  string
		snaps []parse.Snapshot
		cpu   map[string]int64
		notes []string
	}{
		{
			// Started 100 s before t0, then at 15 s: two processes. The first
			// was alive before the first snapshot: 800 − 500; the second was
			// born in the window: 2000 − 0. CPU never went down.
			name:  "new numeric start",
			snaps: rows(0, [4]int64{500, 800, 1200, 2000}, [4]int64{s0 - 100, s0 - 100, s0 + 15, s0 + 15}, noText),
			cpu:   map[string]int64{"101": 300, "101#2": 2000},
			notes: []string{note},
		},
		{
			// STIME 16:58, then 17:00: 800 − 500 and 2000 − 0.
			name:  "new STIME",
			snaps: rows(0, [4]int64{500, 800, 1200, 2000}, noStart, [4]string{"16:58", "16:58", "17:00", "17:00"}),
			cpu:   map[string]int64{"101": 300, "101#2": 2000},
			notes: []string{note},
		},
		{
			// No start at all; CPU 12000 then 2000: 12000 − 9000 and 4000 − 0.
			name:  "CPU went down",
			snaps: rows(0, [4]int64{9000, 12000, 2000, 4000}, noStart, noText),
			cpu:   map[string]int64{"101": 3000, "101#2": 4000},
			notes: []string{note},
		},
		{
			// A start from ELAPSED moves by a second with ps's timing: one
			// process, 2000 − 500.
			name:  "start within a second is the same process",
			snaps: rows(0, [4]int64{500, 800, 1200, 2000}, [4]int64{s0 - 100, s0 - 99, s0 - 100, s0 - 101}, noText),
			cpu:   map[string]int64{"101": 1500},
		},
		{
			// A process started at 17:44 prints STIME 17:44 until midnight
			// and Nov25 after it (ps prints HH:MM only for today): one
			// process, 2000 − 500.
			name:  "STIME ages at midnight",
			snaps: rows(midnight, [4]int64{500, 800, 1200, 2000}, noStart, [4]string{"17:44", "17:44", "Nov25", "Nov25"}),
			cpu:   map[string]int64{"101": 1500},
		},
		{
			// Started Dec31 (this year), printed 2026 once the year changed:
			// one process, 2000 − 500.
			name:  "STIME ages at the new year",
			snaps: rows(newYear, [4]int64{500, 800, 1200, 2000}, noStart, [4]string{"Dec31", "Dec31", "2026", "2026"}),
			cpu:   map[string]int64{"101": 1500},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(tt.snaps, nil, ProcOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := workerKeys(pr), slices.Sorted(maps.Keys(tt.cpu)); !slices.Equal(got, want) {
				t.Fatalf("got workers %v, want %v", got, want)
			}
			for k, want := range tt.cpu {
				if got := pr.Workers[k].CPUMillis; got != want {
					t.Errorf("worker %s: got CPU %d ms, want %d", k, got, want)
				}
				if got := pr.Workers[k].PID; got != 101 {
					t.Errorf("worker %s: got pid %d, want 101", k, got)
				}
			}
			if !slices.Equal(pr.Notes, tt.notes) {
				t.Errorf("got notes %q, want %q", pr.Notes, tt.notes)
			}
		})
	}
}

// A reused PID's two workers are two rows: the second has no numeric key
// but keeps its PID.
func TestFinishPIDReuse(t *testing.T) {
	snaps := []parse.Snapshot{
		at(0, ps(101, 100, 9000, 100, gWorker)),
		at(10, ps(101, 100, 12000, 100, gWorker)),
		at(20, ps(101, 100, 2000, 100, gWorker)),
	}
	pr, err := BuildProcs(snaps, nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rep := Finish(NewPartial(nil), nil, Options{Procs: pr})
	// 12000 − 9000 = 3 s before 2 s (2000 − 0): sorted by CPU.
	want := []struct {
		key string
		cpu float64
	}{{"101", 3}, {"101#2", 2}}
	if len(rep.Workers) != len(want) {
		t.Fatalf("got %d rows, want %d", len(rep.Workers), len(want))
	}
	for i, w := range want {
		got := rep.Workers[i]
		if got.Key != w.key || got.PID == nil || *got.PID != 101 {
			t.Errorf("row %d: got key %s pid %v, want %s pid 101", i, got.Key, got.PID, w.key)
		}
		checkFloat(t, got.Key+" cpu_seconds", got.CPUSeconds, &w.cpu)
	}
	if !slices.Contains(rep.Warnings, "PID 101 was reused by a new process: counted as worker 101#2") {
		t.Errorf("got warnings %q, want the reuse note", rep.Warnings)
	}
}

// A lone untimed ps beside a timed series cannot be placed in it.
func TestProcUntimedBesideTimed(t *testing.T) {
	snaps := []parse.Snapshot{
		at(0, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 1000, 100, gWorker)),
		untimed(ps(100, 1, 0, 29000, gMaster), ps(101, 100, 99000, 900, gWorker), ps(102, 100, 5000, 100, gWorker)),
		at(10, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 3000, 100, gWorker)),
	}
	pr, err := BuildProcs(snaps, nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// 101: 3000 − 1000 over 0..10 s; the untimed row (99000 ms, 900 KiB)
	// is not used, and 102, only in it, has no sighting.
	checkProcRows(t, pr, map[string]procRow{
		"101": {CPUMillis: 2000, AliveMicros: 10 * sec, RSSPeakKiB: 100, RSSLastKiB: 100, First: t0, Last: t0 + 10*sec},
	})
	if want := []string{"1 snapshot without a time was left out beside 2 timed ones"}; !slices.Equal(pr.Notes, want) {
		t.Errorf("got notes %q, want %q", pr.Notes, want)
	}
	if !pr.Timed || pr.Snapshots != 2 {
		t.Errorf("got timed %v over %d snapshots, want true over 2", pr.Timed, pr.Snapshots)
	}
}

func TestProcErrorLog(t *testing.T) {
	signal := ev(parse.EventSignal, 103, 45)
	signal.Signal = "9"
	events := []parse.ErrorLogEvent{
		ev(parse.EventBoot, 101, 1), ev(parse.EventBoot, 102, 1), ev(parse.EventBoot, 103, 2),
		ev(parse.EventBoot, 104, 2), ev(parse.EventBoot, 105, 3),
		ev(parse.EventTimeout, 102, 40), // killed by the master: no exit line
		signal,
		ev(parse.EventKilled, 104, 46),
		ev(parse.EventAutorestart, 101, 50), ev(parse.EventExit, 101, 51),
		ev(parse.EventBoot, 106, 52),
		ev(parse.EventExit, 105, 90), // the master shut down
	}
	// 101 is also in the snapshots at 10 and 20 s: its CPU 4000 − 1000.
	snaps := []parse.Snapshot{
		at(10, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 1000, 300, gWorker)),
		at(20, ps(100, 1, 0, 29000, gMaster), ps(101, 100, 4000, 400, gWorker)),
	}
	unknown := func(born, exited int64, reason string) procRow {
		r := procRow{CPUMillis: -1, RSSPeakKiB: -1, RSSLastKiB: -1, Born: t0 + born*sec, ExitReason: reason}
		if exited > 0 {
			r.Exit = t0 + exited*sec
		}
		return r
	}
	pr, err := BuildProcs(snaps, events, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	checkProcRows(t, pr, map[string]procRow{
		"101": {CPUMillis: 3000, AliveMicros: 10 * sec, RSSPeakKiB: 400, RSSLastKiB: 400, First: t0 + 10*sec, Last: t0 + 20*sec,
			Born: t0 + 1*sec, Exit: t0 + 51*sec, ExitReason: "max_requests"},
		"102": unknown(1, 40, "timeout"),
		"103": unknown(2, 45, "signal 9"),
		"104": unknown(2, 46, "sigkill (out of memory?)"),
		"105": unknown(3, 90, "shutdown"),
		"106": unknown(52, 0, ""),
	})
	// Exits with a reason other than shutdown: 101, 102, 103, 104.
	if pr.Restarts == nil || *pr.Restarts != 4 {
		t.Errorf("got restarts %v, want 4", pr.Restarts)
	}
	if pr.Family != "gunicorn" {
		t.Errorf("got family %q, want gunicorn", pr.Family)
	}
}

func TestProcErrorLogOnly(t *testing.T) {
	events := []parse.ErrorLogEvent{ev(parse.EventBoot, 101, 1), ev(parse.EventExit, 101, 9)}
	tests := []struct {
		name     string
		family   string
		workers  []string
		restarts *int
		notes    []string
	}{
		// No snapshots: the error log alone makes a gunicorn population;
		// one exit without a reason is no restart.
		{name: "no family", workers: []string{"101"}, restarts: n(0)},
		{name: "gunicorn run", family: "gunicorn", workers: []string{"101"}, restarts: n(0)},
		{
			name: "nginx run", family: "nginx", workers: []string{},
			notes: []string{"a gunicorn error log was given but the run accounts nginx workers: its lifecycles are not used"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(nil, events, ProcOptions{Family: tt.family})
			if err != nil {
				t.Fatal(err)
			}
			if got := workerKeys(pr); !slices.Equal(got, tt.workers) {
				t.Errorf("got workers %v, want %v", got, tt.workers)
			}
			switch {
			case (pr.Restarts == nil) != (tt.restarts == nil):
				t.Errorf("got restarts %v, want %v", pr.Restarts, tt.restarts)
			case pr.Restarts != nil && *pr.Restarts != *tt.restarts:
				t.Errorf("got restarts %d, want %d", *pr.Restarts, *tt.restarts)
			}
			if !slices.Equal(pr.Notes, tt.notes) {
				t.Errorf("got notes %q, want %q", pr.Notes, tt.notes)
			}
		})
	}
}

// finishProcs is a run with an access log and snapshots at 0 and 10 s:
//
//	pid  requests  CPU ms (0 → 10 s)  CPU s  share  s/request  rate
//	101  3         1000 → 7000        6      6/12   6/3 = 2    0.6
//	102  2          500 → 1500        1      1/12   1/2 = 0.5  0.1
//	105  0         1000 → 4000        3      3/12   null       0.3
//	103  0            0 → 2000        2      2/12   null       0.2
//	104  0         error log only     null   null   null       null
//
// Total CPU 12 s.
func finishProcs(t *testing.T) *Report {
	t.Helper()
	m := ps(100, 1, 0, 29000, gMaster)
	snaps := []parse.Snapshot{
		at(0, m, ps(101, 100, 1000, 2000, gWorker), ps(102, 100, 500, 1000, gWorker),
			ps(103, 100, 0, 1000, gWorker), ps(105, 100, 1000, 1000, gWorker)),
		at(10, m, ps(101, 100, 7000, 3000, gWorker), ps(102, 100, 1500, 1000, gWorker),
			ps(103, 100, 2000, 1000, gWorker), ps(105, 100, 4000, 1000, gWorker)),
	}
	pr, err := BuildProcs(snaps, []parse.ErrorLogEvent{ev(parse.EventBoot, 104, 5)}, ProcOptions{Family: "gunicorn"})
	if err != nil {
		t.Fatal(err)
	}
	p := feed(nil,
		line("101", 2, sec, 200), line("101", 5, sec, 200), line("101", 8, sec, 200),
		line("102", 4, sec, 200), line("102", 6, sec, 200))
	return Finish(p, nil, Options{Family: "gunicorn", Procs: pr})
}

func TestFinishProcs(t *testing.T) {
	rep := finishProcs(t)
	// Rows by requests, then CPU (null last).
	tests := []struct {
		key                 string
		requests            int64
		share               float64
		cpu, cpuShare, per  *float64
		rate                *float64
		rssPeak             *int64
		first, last, born   string
		pid                 int64
		requestSecondsKnown bool
	}{
		{key: "101", requests: 3, share: 0.6, cpu: f(6), cpuShare: f(0.5), per: f(2), rate: f(0.6), rssPeak: i64(3000 * 1024),
			first: "2026-11-25T17:00:02Z", last: "2026-11-25T17:00:08Z", born: "null", pid: 101},
		{key: "102", requests: 2, share: 0.4, cpu: f(1), cpuShare: f(1.0 / 12), per: f(0.5), rate: f(0.1), rssPeak: i64(1000 * 1024),
			first: "2026-11-25T17:00:04Z", last: "2026-11-25T17:00:06Z", born: "null", pid: 102},
		{key: "105", cpu: f(3), cpuShare: f(0.25), rate: f(0.3), rssPeak: i64(1000 * 1024),
			first: "2026-11-25T17:00:00Z", last: "2026-11-25T17:00:10Z", born: "null", pid: 105},
		{key: "103", cpu: f(2), cpuShare: f(2.0 / 12), rate: f(0.2), rssPeak: i64(1000 * 1024),
			first: "2026-11-25T17:00:00Z", last: "2026-11-25T17:00:10Z", born: "null", pid: 103},
		{key: "104", first: "null", last: "null", born: "2026-11-25T17:00:05Z", pid: 104},
	}
	if len(rep.Workers) != len(tests) {
		t.Fatalf("got %d rows, want %d", len(rep.Workers), len(tests))
	}
	var shareSum float64
	for i, want := range tests {
		got := rep.Workers[i]
		t.Run(want.key, func(t *testing.T) {
			if got.Key != want.key {
				t.Fatalf("row %d: got %s, want %s", i, got.Key, want.key)
			}
			if got.PID == nil || *got.PID != want.pid {
				t.Errorf("got pid %v, want %d", got.PID, want.pid)
			}
			if got.Requests != want.requests || !relNear(got.Share, want.share, 1e-12) {
				t.Errorf("got %d requests, share %v; want %d, %v", got.Requests, got.Share, want.requests, want.share)
			}
			checkFloat(t, "cpu_seconds", got.CPUSeconds, want.cpu)
			checkFloat(t, "cpu_share", got.CPUShare, want.cpuShare)
			checkFloat(t, "cpu_seconds_per_request", got.CPUSecondsPerRequest, want.per)
			checkFloat(t, "cpu_rate", got.CPURate, want.rate)
			switch {
			case (got.RSSPeakBytes == nil) != (want.rssPeak == nil):
				t.Errorf("got rss_peak_bytes %v, want %v", got.RSSPeakBytes, want.rssPeak)
			case got.RSSPeakBytes != nil && *got.RSSPeakBytes != *want.rssPeak:
				t.Errorf("got rss_peak_bytes %d, want %d", *got.RSSPeakBytes, *want.rssPeak)
			}
			if s := str(got.FirstSeen); s != want.first {
				t.Errorf("got first_seen %s, want %s", s, want.first)
			}
			if s := str(got.LastSeen); s != want.last {
				t.Errorf("got last_seen %s, want %s", s, want.last)
			}
			if s := str(got.Born); s != want.born {
				t.Errorf("got born %s, want %s", s, want.born)
			}
		})
		if got.CPUShare != nil {
			shareSum += *got.CPUShare
		}
	}
	if !relNear(shareSum, 1, 1e-12) {
		t.Errorf("got cpu_share summing to %v, want 1", shareSum)
	}
	// Population: 101, 102 served; 103, 104, 105 served nothing.
	if rep.Skew.Workers != 5 || rep.Skew.ActiveWorkers != 2 {
		t.Errorf("got skew over %d workers, %d active; want 5, 2", rep.Skew.Workers, rep.Skew.ActiveWorkers)
	}
	// CPU skew over [6 1 3 2] (104 unknown): mean 3; |differences| of the
	// unordered pairs 5 3 4 2 1 1 = 16, ordered 32; gini 32 / (2·4²·3) =
	// 1/3; top1 6/12, top3 (6+3+2)/12 = 11/12, top5 12/12.
	s := rep.CPUSkew
	if s == nil {
		t.Fatal("got no cpu_skew, want one")
	}
	if s.Workers != 4 || s.ActiveWorkers != 4 || !relNear(s.Gini, 1.0/3, 1e-12) || !relNear(s.TopShare["1"], 0.5, 1e-12) ||
		!relNear(s.TopShare["3"], 11.0/12, 1e-12) || !relNear(s.TopShare["5"], 1, 1e-12) {
		t.Errorf("got cpu skew %+v %v, want 4 workers, 4 active, gini 1/3, top1 0.5, top3 11/12, top5 1", *s, s.TopShare)
	}
	if want := []Master{{PID: 100, Family: "gunicorn", Args: gMaster}}; !slices.Equal(rep.Masters, want) {
		t.Errorf("got masters %+v, want %+v", rep.Masters, want)
	}
	if rep.Restarts == nil || *rep.Restarts != 0 {
		t.Errorf("got restarts %v, want 0", rep.Restarts)
	}
}

func i64(x int64) *int64 { return &x }

func TestFinishIdleSlotsWithProcs(t *testing.T) {
	// The log: 101 alive 1..9 s, 102 alive 2..8 s (1 s requests).
	logged := []parse.Record{
		line("101", 2, sec, 200), line("102", 3, sec, 200), line("102", 8, sec, 200), line("101", 9, sec, 200),
	}
	m := ps(100, 1, 0, 29000, gMaster)
	tests := []struct {
		name  string
		snaps []parse.Snapshot
		idle  int
	}{
		{
			// 103 is in the snapshots at 0 and 10 s beside 101 and 102:
			// 3 alive at once, 4 − 3 = 1 idle slot.
			name: "snapshot worker alive beside the logged ones",
			snaps: []parse.Snapshot{
				at(0, m, ps(101, 100, 0, 1, gWorker), ps(102, 100, 0, 1, gWorker), ps(103, 100, 0, 1, gWorker)),
				at(10, m, ps(101, 100, 0, 1, gWorker), ps(102, 100, 0, 1, gWorker), ps(103, 100, 0, 1, gWorker)),
			},
			idle: 1,
		},
		{
			// 103 started at 95 s (its STIME) and is seen at 100 and 110 s,
			// after 101 and 102: at most 2 alive at once, 4 − 2 = 2 idle
			// slots.
			name: "snapshot worker born later",
			snaps: []parse.Snapshot{
				at(100, m, started(ps(103, 100, 0, 1, gWorker), t0/sec+95, "")),
				at(110, m, started(ps(103, 100, 0, 1, gWorker), t0/sec+95, "")),
			},
			idle: 2,
		},
		{
			// 103 is in the first snapshot (100 s) with no known start: it
			// may have been alive before it, beside 101 and 102, so 3 were
			// alive at once: 4 − 3 = 1 idle slot.
			name: "snapshot worker of unknown start",
			snaps: []parse.Snapshot{
				at(100, m, ps(103, 100, 0, 1, gWorker)),
				at(110, m, ps(103, 100, 0, 1, gWorker)),
			},
			idle: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(tt.snaps, nil, ProcOptions{})
			if err != nil {
				t.Fatal(err)
			}
			rep := Finish(feed(nil, logged...), nil, Options{Workers: 4, Procs: pr})
			if rep.IdleSlots != tt.idle {
				t.Errorf("got %d idle slots, want %d", rep.IdleSlots, tt.idle)
			}
			// Rows 101, 102, 103 and the idle slots.
			if want := 3 + tt.idle; rep.Skew.Workers != want {
				t.Errorf("got skew over %d workers, want %d", rep.Skew.Workers, want)
			}
		})
	}
}

// readSnapshots reads process snapshot files of the corpus.
func readSnapshots(t *testing.T, paths ...string) []parse.Snapshot {
	t.Helper()
	var out []parse.Snapshot
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		snaps, _, err := parse.ReadSnapshots(f, p, parse.PSOptions{})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, snaps...)
	}
	return out
}

// readErrorLog reads a gunicorn error log of the corpus.
func readErrorLog(t *testing.T, path string) []parse.ErrorLogEvent {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	events, _, err := parse.ReadErrorLog(f, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// The seed question's snapshot: 17 gevent workers, TIME converted to
// seconds (biggest first):
//
//	08:46:19 31579   02:07:55 7675   01:43:20 6200   00:29:40 1780
//	00:15:14   914   00:13:07  787   00:10:13  613   00:08:24  504
//	00:05:28   328   00:04:47  287   00:03:39  219   00:03:12  192
//	00:02:57   177   00:02:49  169   00:02:33  153   00:02:02  122
//	00:01:49   109
//
// Total 51808 s; top 5: 31579 + 7675 + 6200 + 1780 + 914 = 48148, share
// 48148 / 51808 = 0.929355. Gini by the double loop ΣᵢΣⱼ|xᵢ − xⱼ| /
// (2 n² mean), computed apart from this code: 0.805476.
func TestProcSeedSnapshot(t *testing.T) {
	path := filepath.Join(testutil.Corpus(t), "seed-question", "ps-aefF-sort-rss.txt")
	pr, err := BuildProcs(readSnapshots(t, path), nil, ProcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{31579, 7675, 6200, 1780, 914, 787, 613, 504, 328, 287, 219, 192, 177, 169, 153, 122, 109}
	var got []int64
	for _, w := range pr.Workers {
		got = append(got, w.CPUMillis/1000)
		if w.CPUMillis%1000 != 0 || w.AliveMicros != 0 {
			t.Errorf("pid %d: got %d ms over %d µs, want whole seconds and no alive time", w.PID, w.CPUMillis, w.AliveMicros)
		}
	}
	slices.Sort(got)
	slices.Reverse(got)
	if !slices.Equal(got, want) {
		t.Errorf("got CPU seconds %v, want %v", got, want)
	}
	if len(pr.Masters) != 0 || pr.Family != "gunicorn" || pr.Timed {
		t.Errorf("got masters %v, family %q, timed %v; want none, gunicorn, false", pr.Masters, pr.Family, pr.Timed)
	}
	rep := Finish(NewPartial(nil), nil, Options{Procs: pr})
	if len(rep.Workers) != 17 {
		t.Errorf("got %d rows, want 17", len(rep.Workers))
	}
	s := rep.CPUSkew
	if s == nil {
		t.Fatal("got no cpu_skew, want one")
	}
	if s.Workers != 17 || !relNear(s.Gini, 0.805476, 1e-6) || !relNear(s.TopShare["5"], 0.929355, 1e-6) {
		t.Errorf("got cpu skew over %d workers, gini %v, top5 %v; want 17, 0.805476, 0.929355", s.Workers, s.Gini, s.TopShare["5"])
	}
	// Without a snapshot time the rate is ps's C, 6 in the file.
	if c := rep.Workers[0]; c.Key != "15708" || c.CPURate == nil || *c.CPURate != 0.06 {
		t.Errorf("got first row %s with rate %v, want 15708 (no requests, most CPU) with rate 0.06 from C", c.Key, c.CPURate)
	}
}

// truthWorker is a worker of a corpus truth.json "ps" block.
type truthWorker struct {
	CPUSeconds int64 `json:"cpu_s_in_window"`
	PeakRSSKiB int64 `json:"peak_rss_kib"`
}

type truthPS struct {
	MasterPIDs []int64                `json:"master_pids"`
	Workers    map[string]truthWorker `json:"workers"`
}

func readTruthPS(t *testing.T, path, block string) truthPS {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var ps truthPS
	if err := json.Unmarshal(doc[block], &ps); err != nil {
		t.Fatalf("%s: %s: %v", path, block, err)
	}
	if len(ps.Workers) == 0 {
		t.Fatalf("%s: %s has no workers", path, block)
	}
	return ps
}

// checkTruth compares pr's workers with a truth.json block: the same PIDs,
// each with its CPU seconds in the window and peak RSS.
func checkTruth(t *testing.T, pr *Procs, truth truthPS) {
	t.Helper()
	want := slices.Collect(maps.Keys(truth.Workers))
	slices.SortFunc(want, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	got := workerKeys(pr)
	slices.SortFunc(got, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	if !slices.Equal(got, want) {
		t.Fatalf("got %d workers %v, want %d %v", len(got), got, len(want), want)
	}
	for k, tw := range truth.Workers {
		w := pr.Workers[k]
		if w.CPUMillis != tw.CPUSeconds*1000 || w.RSSPeakKiB != tw.PeakRSSKiB {
			t.Errorf("worker %s: got CPU %d ms, peak RSS %d KiB; want %d s, %d KiB", k, w.CPUMillis, w.RSSPeakKiB, tw.CPUSeconds, tw.PeakRSSKiB)
		}
	}
	if got := masterPIDs(pr); !slices.Equal(got, truth.MasterPIDs) {
		t.Errorf("got masters %v, want %v", got, truth.MasterPIDs)
	}
}

func TestProcCorpusGunicornSync17(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "gunicorn-sync-17")
	truth := readTruthPS(t, filepath.Join(dir, "truth.json"), "ps")
	aefF, eo := filepath.Join(dir, "ps-aefF.log"), filepath.Join(dir, "ps-eo.log")
	events := readErrorLog(t, filepath.Join(dir, "error.log"))
	tests := []struct {
		name  string
		files []string
	}{
		{name: "ps-aefF then ps-eo", files: []string{aefF, eo}},
		{name: "ps-eo then ps-aefF", files: []string{eo, aefF}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(readSnapshots(t, tt.files...), events, ProcOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkTruth(t, pr, truth)
			// 34 workers, every one of the first 17 restarted under
			// max_requests (17 "Autorestarting" lines), the other 17 exited
			// when the master shut down.
			if len(pr.Workers) != 34 {
				t.Errorf("got %d workers, want 34", len(pr.Workers))
			}
			if pr.Restarts == nil || *pr.Restarts != 17 {
				t.Errorf("got restarts %v, want 17", pr.Restarts)
			}
			reasons := map[string]int{}
			for _, w := range pr.Workers {
				reasons[w.ExitReason]++
			}
			if want := map[string]int{"max_requests": 17, "shutdown": 17}; !maps.Equal(reasons, want) {
				t.Errorf("got exit reasons %v, want %v", reasons, want)
			}
			if len(pr.Notes) != 0 {
				t.Errorf("got notes %q, want none", pr.Notes)
			}
		})
	}
}

func TestProcCorpusNginxProxy(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "nginx-proxy")
	snaps := readSnapshots(t, filepath.Join(dir, "ps-aefF.log"), filepath.Join(dir, "ps-eo.log"))
	events := readErrorLog(t, filepath.Join(dir, "gunicorn-error.log"))
	tests := []struct {
		name     string
		family   string
		block    string
		restarts *int
		err      string
	}{
		{name: "no family", err: "the snapshots hold workers of 2 server families (gunicorn, nginx)"},
		// 5 boots, 5 exits at shutdown, no autorestart: 0 restarts.
		{name: "gunicorn", family: "gunicorn", block: "ps_gunicorn", restarts: n(0)},
		// The gunicorn error log says nothing of nginx workers.
		{name: "nginx", family: "nginx", block: "ps_nginx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr, err := BuildProcs(slices.Clone(snaps), events, ProcOptions{Family: tt.family})
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("got error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkTruth(t, pr, readTruthPS(t, filepath.Join(dir, "truth.json"), tt.block))
			switch {
			case (pr.Restarts == nil) != (tt.restarts == nil):
				t.Errorf("got restarts %v, want %v", pr.Restarts, tt.restarts)
			case pr.Restarts != nil && *pr.Restarts != *tt.restarts:
				t.Errorf("got restarts %d, want %d", *pr.Restarts, *tt.restarts)
			}
		})
	}
}

// TestProcBuilderKeepsServerProcesses feeds snapshots of a busy machine: the
// builder keeps sightings of the server's processes only, and the rows it
// keeps carry no command line.
func TestProcBuilderKeepsServerProcesses(t *testing.T) {
	b := NewProcBuilder(ProcOptions{})
	for i := range int64(50) {
		procs := []parse.Proc{ps(100, 1, 0, 30, gMaster), ps(101, 100, 10*i, 40, gWorker)}
		for j := range int64(200) {
			procs = append(procs, ps(1000+j, 1, i, 9, "/usr/bin/job --run "+strconv.FormatInt(i*1000+j, 10)))
		}
		s := at(i, procs...)
		b.Add(&s)
	}
	if len(b.byPID) != 2 {
		t.Errorf("got sightings of %d PIDs, want 2 (the master and its worker)", len(b.byPID))
	}
	for pid, sg := range b.byPID {
		if len(sg) != 50 || sg[0].proc.Args != "" {
			t.Errorf("PID %d: got %d sightings (args %q), want 50 without args", pid, len(sg), sg[0].proc.Args)
		}
	}
	pr, err := b.Finish(nil)
	if err != nil {
		t.Fatal(err)
	}
	// 490 − 0 ms over 49 s.
	if w := pr.Workers["101"]; w == nil || w.CPUMillis != 490 || w.AliveMicros != 49*sec {
		t.Errorf("got worker %+v, want 490 ms over 49 s", w)
	}
}
