package aggregate

import (
	"strings"
	"testing"
)

// s is a time t seconds after t0, in unix µs.
func s(t int64) int64 { return t0 + t*sec }

// lines is a worker known from access lines logged from first to last s.
func lines(key string, first, last int64) lifeFacts {
	return lifeFacts{key: WorkerKey{Key: key}, lines: true, first: s(first), last: s(last)}
}

// withProc adds what snapshots or an error log know to f.
func withProc(f lifeFacts, w ProcWorker) lifeFacts {
	f.proc = &w
	return f
}

func TestAliveIntervals(t *testing.T) {
	// The run: access lines from 0 to 100 s, whole-second stamps.
	run := runBounds{start: s(0), end: s(100), resolution: sec}
	// Snapshots every 10 s from 10 to 90 s.
	snapRun := run
	snapRun.snapFirst, snapRun.snapLast = s(10), s(90)
	type want struct {
		from, to int64 // seconds after t0
		src      AliveSource
	}
	tests := []struct {
		name    string
		run     runBounds
		workers int
		facts   []lifeFacts
		want    map[string]want
		slots   int
		note    string // a part of the note; "" for none
	}{
		{
			// 3 PIDs, at most 2 serving at once: not clearly more than the
			// slots, so each is alive from the first to the last line of
			// the run, whatever its own lines.
			name:  "access log alone",
			run:   run,
			facts: []lifeFacts{lines("1", 0, 100), lines("2", 5, 40), lines("3", 60, 90)},
			want:  map[string]want{"1": {0, 100, AliveAccess}, "2": {0, 100, AliveAccess}, "3": {0, 100, AliveAccess}},
			slots: 3,
		},
		{
			// 4 PIDs, at most 2 at once (1 and 2 until 50 s, 3 and 4
			// after): 4 > 1.5 × 2, so generations: 3 replaces 2 (it stopped
			// most recently before 3 started), 4 replaces 1. Each alive
			// from its predecessor's last line to its own last, the first
			// from the start of the run and the last to its end.
			name:  "inferred generations",
			run:   run,
			facts: []lifeFacts{lines("1", 0, 48), lines("2", 1, 50), lines("3", 50, 100), lines("4", 52, 99)},
			want: map[string]want{
				"1": {0, 48, AliveInferred}, "2": {0, 50, AliveInferred},
				"3": {50, 100, AliveInferred}, "4": {48, 100, AliveInferred},
			},
			slots: 2,
			note:  "4 worker PIDs in the access log clearly exceed the slots (at most 2 served from first to last line at once): restart generations were inferred, 2 slots",
		},
		{
			// --workers 2 and 4 PIDs that overlap in threes (1, 2, 3 at
			// 20-30 s): 4 is not 1.5 × 3, but it is 2 more than --workers:
			// inferred. 4 starts at 50 s when only 2 has stopped: it
			// replaces 2. 1 and 3 stay alone in their slots (source
			// access). Three slots: more than --workers, none idle.
			name:    "more than --workers",
			run:     run,
			workers: 2,
			facts:   []lifeFacts{lines("1", 0, 60), lines("2", 1, 30), lines("3", 20, 100), lines("4", 50, 100)},
			want: map[string]want{
				"1": {0, 100, AliveAccess}, "3": {0, 100, AliveAccess},
				"2": {0, 30, AliveInferred}, "4": {30, 100, AliveInferred},
			},
			slots: 3,
			note:  "(--workers 2): restart generations were inferred, 3 slots",
		},
		{
			// One line per PID shows no lifetime: no generations.
			name:  "single lines",
			run:   run,
			facts: []lifeFacts{lines("1", 0, 0), lines("2", 30, 30), lines("3", 60, 60), lines("4", 100, 100)},
			want: map[string]want{
				"1": {0, 100, AliveAccess}, "2": {0, 100, AliveAccess}, "3": {0, 100, AliveAccess}, "4": {0, 100, AliveAccess},
			},
			slots: 4,
		},
		{
			// Booted at 20 s and exited at 70 s by the error log, whatever
			// its lines (30 to 60 s); 2 exited at 50 s, its boot before
			// the log: from the start of the run.
			name: "error log boot and exit",
			run:  run,
			facts: []lifeFacts{
				withProc(lines("1", 30, 60), ProcWorker{Born: s(20), Exited: s(70)}),
				withProc(lines("2", 0, 40), ProcWorker{Exited: s(50)}),
				lines("3", 0, 100),
			},
			want:  map[string]want{"1": {20, 70, AliveErrorLog}, "2": {0, 50, AliveErrorLog}, "3": {0, 100, AliveAccess}},
			slots: 3,
		},
		{
			// Snapshots from 10 to 90 s. 1: in the first and the last,
			// start unknown: alive before and after them, so the whole run.
			// 2: STIME (or etimes) says started at 25 s, last seen at 60 s
			// (gone by the next snapshot). 3: seen from 30 s, start
			// unknown, to the last snapshot: from its first sighting to
			// the end of the run. 4: started at 5 s by etimes, seen in the
			// first snapshot, and its last line at 95 s.
			name: "snapshots with start times",
			run:  snapRun,
			facts: []lifeFacts{
				withProc(lifeFacts{key: WorkerKey{Key: "1"}}, ProcWorker{First: s(10), Last: s(90), fromSnapshots: true}),
				withProc(lines("2", 30, 55), ProcWorker{First: s(30), Last: s(60), Born: s(25), fromSnapshots: true}),
				withProc(lifeFacts{key: WorkerKey{Key: "3"}}, ProcWorker{First: s(30), Last: s(90), fromSnapshots: true}),
				withProc(lines("4", 20, 95), ProcWorker{First: s(10), Last: s(80), Born: s(5), fromSnapshots: true}),
			},
			want: map[string]want{
				"1": {0, 100, AliveSnapshots}, "2": {25, 60, AliveSnapshots},
				"3": {30, 100, AliveSnapshots}, "4": {5, 95, AliveSnapshots},
			},
			slots: 4,
		},
		{
			// Snapshots are stronger than the error log: a snapshot-seen
			// worker whose exit the error log gives ends then; one the
			// snapshots never saw takes the error log; one neither knows
			// takes the access log.
			name: "mixed sources, the strongest wins",
			run:  snapRun,
			facts: []lifeFacts{
				withProc(lines("1", 10, 40), ProcWorker{First: s(10), Last: s(40), Born: s(2), Exited: s(45), fromSnapshots: true}),
				withProc(lines("2", 50, 100), ProcWorker{Born: s(48)}),
				lines("3", 0, 100),
			},
			want:  map[string]want{"1": {2, 45, AliveSnapshots}, "2": {48, 100, AliveErrorLog}, "3": {0, 100, AliveAccess}},
			slots: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aliveIntervals(tt.facts, tt.run, tt.workers)
			for k, w := range tt.want {
				a, ok := got.alive[WorkerKey{Key: k}]
				if !ok {
					t.Errorf("%s: no interval, want %d..%d s %s", k, w.from, w.to, w.src)
					continue
				}
				if a.From != s(w.from) || a.To != s(w.to) || a.Source != w.src {
					t.Errorf("%s: got %d..%d s %s, want %d..%d s %s", k, (a.From-t0)/sec, (a.To-t0)/sec, a.Source, w.from, w.to, w.src)
				}
			}
			if len(got.alive) != len(tt.want) {
				t.Errorf("got %d intervals, want %d", len(got.alive), len(tt.want))
			}
			if got.slots != tt.slots {
				t.Errorf("got %d slots alive at once, want %d", got.slots, tt.slots)
			}
			if tt.note == "" && got.note != "" || !strings.Contains(got.note, tt.note) {
				t.Errorf("got note %q, want one with %q", got.note, tt.note)
			}
		})
	}
}
