package aggregate

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"testing"
)

// hour is the stamp of hour h on 2026-10-07 UTC.
func hour(h int) Stamp { return stampAt(fmt.Sprintf("2026-10-07T%02d:00:00Z", h)) }

// hourly builds one-hour windows from 00:00, window i holding reqs[i].
func hourly(reqs ...map[string]int64) []Window {
	ws := make([]Window, len(reqs))
	for i, r := range reqs {
		ws[i] = Window{Start: hour(i), End: hour(i + 1), Requests: r}
	}
	return ws
}

type req = map[string]int64

// strp and fp are pointers to their argument.
func strp(s string) *string { return &s }
func fp(f float64) *float64 { return &f }

func TestComputeDominance(t *testing.T) {
	tests := []struct {
		name    string
		ws      []Window
		metric  func(Window) map[string]float64
		exits   map[string]Exit
		changes []Takeover
		longest []Stretch
	}{
		{name: "no windows"},
		{
			name: "no traffic",
			// Workers alive with nothing done, and a window with nobody.
			ws: hourly(req{"10": 0, "20": 0}, req{}, nil),
		},
		{
			name:    "one worker",
			ws:      hourly(req{"7": 3}, req{"7": 1}, req{"7": 9}),
			longest: []Stretch{{"7", hour(0), hour(3), 3, nil}},
		},
		{
			name: "a tie is nobody on top",
			// Bytewise "10" < "9", numerically 9 < 10: neither wins, and
			// 10 of 12 together is no pair.
			ws: hourly(req{"10": 5, "9": 5, "11": 2}, req{"9": 5, "10": 5, "11": 2}),
		},
		{
			name: "a near tie is nobody on top, a lead of exactly 1.25 is",
			// 9/8 = 1.125 < 1.25, though 17 of 18 together (94%) make a
			// pair window: nobody alone on top. 5/4 = 1.25 is.
			ws:      hourly(req{"a": 9, "b": 8, "c": 1}, req{"a": 5, "b": 4}),
			longest: []Stretch{{"a", hour(1), hour(2), 1, nil}},
		},
		{
			name: "a new lead holds three windows",
			// 26564 leads 3 windows (60/30, 41/30, alone), 15708 3 (63/30,
			// 3/1, alone): one takeover at 03:00, from 26564's 100% at
			// 02:00 to 15708's 63%.
			ws: hourly(
				req{"26564": 60, "15708": 30, "3": 10},
				req{"26564": 41, "15708": 30, "3": 29},
				req{"26564": 5},
				req{"26564": 30, "15708": 63, "3": 7},
				req{"26564": 1, "15708": 3},
				req{"15708": 2},
			),
			changes: []Takeover{
				{At: hour(3), From: "26564", To: "15708", FromShare: 1, ToShare: 0.63, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"26564", hour(0), hour(3), 3, nil}, {"15708", hour(3), hour(6), 3, nil}},
		},
		{
			name: "two windows on top are no change",
			// 1 leads 3 windows; 2 leads two, then 1 is back: no change.
			// 3 leads two, nobody leads, 3 leads one: no change either.
			ws: hourly(
				req{"1": 2}, req{"1": 2}, req{"1": 2},
				req{"1": 1, "2": 2}, req{"1": 1, "2": 3},
				req{"1": 2, "2": 1},
				req{"3": 2, "1": 1}, req{"3": 2, "1": 1},
				req{"3": 2, "1": 2, "2": 2},
				req{"3": 2, "1": 1},
			),
			longest: []Stretch{{"1", hour(0), hour(3), 3, nil}, {"2", hour(3), hour(5), 2, nil}, {"3", hour(6), hour(8), 2, nil}},
		},
		{
			name: "flapping between clear leaders is no change",
			ws: hourly(
				req{"1": 2, "2": 1}, req{"1": 2, "2": 1}, req{"1": 2, "2": 1},
				req{"1": 1, "2": 2},
				req{"1": 2, "2": 1},
				req{"1": 1, "2": 3},
				req{"1": 3, "2": 1},
			),
			longest: []Stretch{{"1", hour(0), hour(3), 3, nil}, {"2", hour(3), hour(4), 1, nil}},
		},
		{
			name: "a pair takes the lead and gives it back",
			// A alone 3 windows; A and B 10/9, 9/10, 10/10 (each 100%
			// together, neither 1.25 times the other): B joins A at 03:00,
			// To is B (new to the lead), With is A. Then A leads alone
			// (4/1) three windows: from B, the member that left, at its 50%
			// in the pair's last window (05:00).
			ws: hourly(
				req{"A": 5}, req{"A": 5}, req{"A": 5},
				req{"A": 10, "B": 9}, req{"A": 9, "B": 10}, req{"A": 10, "B": 10},
				req{"A": 4, "B": 1}, req{"A": 4, "B": 1}, req{"A": 4, "B": 1},
			),
			changes: []Takeover{
				{At: hour(3), From: "A", To: "B", With: strp("A"), FromShare: 1, ToShare: 9.0 / 19, WithShare: fp(10.0 / 19), Kind: ChangePair},
				{At: hour(6), From: "B", To: "A", FromShare: 0.5, ToShare: 0.8, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"A", hour(0), hour(3), 3, nil}},
		},
		{
			name: "a pair needs 90% together",
			// 10/9 with 3 others: 19/22 = 86% is nobody, not a pair.
			ws: hourly(
				req{"A": 5}, req{"A": 5}, req{"A": 5},
				req{"A": 10, "B": 9, "C": 3}, req{"A": 10, "B": 9, "C": 3}, req{"A": 10, "B": 9, "C": 3},
			),
			longest: []Stretch{{"A", hour(0), hour(3), 3, nil}},
		},
		{
			name: "a change after an idle gap",
			// A leads 3 windows, two hours without requests, B leads 3:
			// after_idle with 7200 s. One quiet hour between C's first
			// windows is not a gap and does not break its run.
			ws: hourly(
				req{"A": 3}, req{"A": 3}, req{"A": 3},
				req{"A": 0, "B": 0}, req{},
				req{"B": 3}, req{"B": 3}, req{"B": 3},
				req{"C": 3}, req{"C": 0}, req{"C": 3}, req{"C": 3},
			),
			changes: []Takeover{
				{At: hour(5), From: "A", To: "B", FromShare: 1, ToShare: 1, Kind: ChangeAfterIdle, IdleSeconds: fp(7200)},
				{At: hour(8), From: "B", To: "C", FromShare: 1, ToShare: 1, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"A", hour(0), hour(3), 3, nil}, {"B", hour(5), hour(8), 3, nil}, {"C", hour(8), hour(12), 3, nil}},
		},
		{
			name: "the old lead showing after the gap makes it no idle change",
			ws: hourly(
				req{"A": 3}, req{"A": 3}, req{"A": 3},
				req{}, req{}, req{},
				req{"A": 3},
				req{"B": 3}, req{"B": 3}, req{"B": 3},
			),
			changes: []Takeover{
				{At: hour(7), From: "A", To: "B", FromShare: 1, ToShare: 1, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"A", hour(0), hour(7), 4, nil}, {"B", hour(7), hour(10), 3, nil}},
		},
		{
			name: "a change within a window of the old lead's exit",
			// A exits at 02:30 (max_requests) and B, its replacement, leads
			// from 03:00: after_exit. D takes over from B at 06:00: B has no
			// exit, C's (06:00) is not the old lead's, and D's own exit
			// does not count: a takeover.
			ws: hourly(
				req{"A": 3}, req{"A": 3}, req{"A": 3},
				req{"B": 3}, req{"B": 3}, req{"B": 3},
				req{"D": 3}, req{"D": 3}, req{"D": 3},
			),
			exits: map[string]Exit{
				"A": {At: stampAt("2026-10-07T02:30:00Z"), Reason: "max_requests"},
				"C": {At: stampAt("2026-10-07T06:00:00Z"), Reason: "timeout"},
				"D": {At: stampAt("2026-10-07T06:30:00Z"), Reason: "shutdown"},
			},
			changes: []Takeover{
				{At: hour(3), From: "A", To: "B", FromShare: 1, ToShare: 1, Kind: ChangeAfterExit, ExitReason: strp("max_requests")},
				{At: hour(6), From: "B", To: "D", FromShare: 1, ToShare: 1, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"A", hour(0), hour(3), 3, nil}, {"B", hour(3), hour(6), 3, nil}, {"D", hour(6), hour(9), 3, nil}},
		},
		{
			name: "an exit more than a window before the change, or without a reason",
			// A exits at 01:59, the change is at 03:00: more than a window
			// (1 h) apart. B exits at 07:30 with no reason known: after_exit
			// with a null reason, although an idle gap lies between too.
			ws: hourly(
				req{"A": 3}, req{"A": 3}, req{"A": 3},
				req{"B": 3}, req{"B": 3}, req{"B": 3},
				req{}, req{},
				req{"C": 3}, req{"C": 3}, req{"C": 3},
			),
			exits: map[string]Exit{
				"A": {At: stampAt("2026-10-07T01:59:00Z"), Reason: "max_requests"},
				"B": {At: stampAt("2026-10-07T07:30:00Z")},
			},
			changes: []Takeover{
				{At: hour(3), From: "A", To: "B", FromShare: 1, ToShare: 1, Kind: ChangeTakeover},
				{At: hour(8), From: "B", To: "C", FromShare: 1, ToShare: 1, Kind: ChangeAfterExit},
			},
			longest: []Stretch{{"A", hour(0), hour(3), 3, nil}, {"B", hour(3), hour(6), 3, nil}, {"C", hour(8), hour(11), 3, nil}},
		},
		{
			name: "cpu metric",
			// By requests 1 leads throughout; by CPU (3/1, then 0.5/1.5) 2
			// takes over at 03:00.
			ws: func() []Window {
				var ws []Window
				for i, c := range []map[string]float64{
					{"1": 3, "2": 1}, {"1": 3, "2": 1}, {"1": 3, "2": 1},
					{"1": 0.5, "2": 1.5}, {"1": 0.5, "2": 1.5}, {"1": 0.5, "2": 1.5},
				} {
					ws = append(ws, Window{Start: hour(i), End: hour(i + 1), Requests: req{"1": 9, "2": 1}, CPUSeconds: c})
				}
				return ws
			}(),
			metric:  WindowCPUSeconds,
			changes: []Takeover{{At: hour(3), From: "1", To: "2", FromShare: 0.75, ToShare: 0.75, Kind: ChangeTakeover}},
			longest: []Stretch{{"1", hour(0), hour(3), 3, nil}, {"2", hour(3), hour(6), 3, nil}},
		},
		{
			name: "negative and NaN values count as 0",
			ws: []Window{
				{Start: hour(0), End: hour(1), CPUSeconds: map[string]float64{"1": -5, "2": math.NaN()}},
				{Start: hour(1), End: hour(2), CPUSeconds: map[string]float64{"1": -5, "2": 2}},
			},
			metric:  WindowCPUSeconds,
			longest: []Stretch{{"2", hour(1), hour(2), 1, nil}},
		},
		{
			name: "equal runs order by start, then key",
			ws: hourly(
				req{"30": 1}, req{"30": 1}, req{"30": 1},
				req{"4": 1}, req{"4": 1}, req{"4": 1},
			),
			changes: []Takeover{
				{At: hour(3), From: "30", To: "4", FromShare: 1, ToShare: 1, Kind: ChangeTakeover},
			},
			longest: []Stretch{{"30", hour(0), hour(3), 3, nil}, {"4", hour(3), hour(6), 3, nil}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ComputeDominance(tt.ws, tt.metric, tt.exits)
			// Map order differs from run to run: the answer must not.
			for range 20 {
				if again := ComputeDominance(tt.ws, tt.metric, tt.exits); !reflect.DeepEqual(again, d) {
					t.Fatalf("got %+v, then %+v: want the same answer every time", d, again)
				}
			}
			if d.Changes == nil || d.Longest == nil {
				t.Fatalf("got nil slices %#v, want empty ones", d)
			}
			want := Dominance{Changes: tt.changes, Longest: tt.longest}
			if want.Changes == nil {
				want.Changes = []Takeover{}
			}
			if want.Longest == nil {
				want.Longest = []Stretch{}
			}
			if len(d.Changes) != len(want.Changes) {
				t.Fatalf("got changes %s, want %s", changesText(d.Changes), changesText(want.Changes))
			}
			for i := range d.Changes {
				if g, w := d.Changes[i], want.Changes[i]; !sameChange(g, w) {
					t.Errorf("change %d: got %s, want %s", i, changesText([]Takeover{g}), changesText([]Takeover{w}))
				}
			}
			if !reflect.DeepEqual(d.Longest, want.Longest) {
				t.Errorf("got longest %+v, want %+v", d.Longest, want.Longest)
			}
			checkStretches(t, d)
		})
	}
}

// checkStretches wants Stretches in time order without overlap, and each
// worker's longest among them to be its Longest entry.
func checkStretches(t *testing.T, d Dominance) {
	t.Helper()
	if d.Stretches == nil {
		t.Fatal("got nil stretches, want an empty slice")
	}
	best := map[string]Stretch{}
	for i, s := range d.Stretches {
		if i > 0 && s.Start.Before(d.Stretches[i-1].End) {
			t.Errorf("stretch %d %+v starts before the end of %+v", i, s, d.Stretches[i-1])
		}
		if b, ok := best[s.Key]; !ok || s.Windows > b.Windows {
			best[s.Key] = s
		}
	}
	if len(best) != len(d.Longest) {
		t.Errorf("stretches of %d workers, longest of %d", len(best), len(d.Longest))
	}
	for _, l := range d.Longest {
		if b := best[l.Key]; !reflect.DeepEqual(b, l) {
			t.Errorf("worker %s: longest of its stretches %+v, Longest %+v", l.Key, b, l)
		}
	}
}

// sameChange compares two changes, shares within near.
func sameChange(g, w Takeover) bool {
	nearp := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && near(*a, *b) }
	strs := func(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	return g.At.Equal(w.At) && g.From == w.From && g.To == w.To && g.Kind == w.Kind &&
		near(g.FromShare, w.FromShare) && near(g.ToShare, w.ToShare) &&
		strs(g.With, w.With) && nearp(g.WithShare, w.WithShare) &&
		nearp(g.IdleSeconds, w.IdleSeconds) && strs(g.ExitReason, w.ExitReason)
}

// changesText is the changes as JSON, pointers followed.
func changesText(cs []Takeover) string {
	b, err := json.Marshal(cs)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// TestFinishDominance checks that a report with windows carries the
// dominance of its windows, and one without has none.
func TestFinishDominance(t *testing.T) {
	rep := Finish(NewPartial(nil), nil, Options{})
	if rep.Dominance != nil {
		t.Errorf("got dominance %+v without windows, want nil", rep.Dominance)
	}
	p := NewPartial(nil)
	p.SetWindows(0)
	rep = Finish(p, nil, Options{})
	if rep.Dominance == nil || len(rep.Dominance.Changes) != 0 || len(rep.Dominance.Longest) != 0 {
		t.Errorf("got dominance %+v with windows and no lines, want an empty one", rep.Dominance)
	}
}
