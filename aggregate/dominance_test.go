package aggregate

import (
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

func TestComputeDominance(t *testing.T) {
	tests := []struct {
		name    string
		ws      []Window
		metric  func(Window) map[string]float64
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
			longest: []Stretch{{"7", hour(0), hour(3), 3}},
		},
		{
			name: "a tie is nobody on top",
			// Bytewise "10" < "9", numerically 9 < 10: neither wins.
			ws: hourly(req{"10": 5, "9": 5}, req{"9": 5, "10": 5, "11": 0}),
		},
		{
			name: "a near tie is nobody on top, a lead of exactly 1.25 is",
			// 9/8 = 1.125 < 1.25; 5/4 = 1.25.
			ws:      hourly(req{"a": 9, "b": 8, "c": 1}, req{"a": 5, "b": 4}),
			longest: []Stretch{{"a", hour(1), hour(2), 1}},
		},
		{
			name: "two takeovers",
			// 26564 on top for 2 windows (60/30 = 2, 41/30 = 1.37), 15708
			// for 3 (63/30 = 2.1, 3/1, alone), then 26564 (4/1): 26564's
			// longest run is its first.
			ws: hourly(
				req{"26564": 60, "15708": 30, "3": 10}, // 26564 60%
				req{"26564": 41, "15708": 30, "3": 29}, // 26564 41%
				req{"26564": 30, "15708": 63, "3": 7},  // 15708 63%
				req{"26564": 1, "15708": 3},            // 15708 75%
				req{"15708": 2},                        // 15708 100%
				req{"26564": 4, "15708": 1},            // 26564 80%
			),
			changes: []Takeover{
				{At: hour(2), From: "26564", To: "15708", FromShare: 0.41, ToShare: 0.63},
				{At: hour(5), From: "15708", To: "26564", FromShare: 1, ToShare: 0.8},
			},
			longest: []Stretch{{"15708", hour(2), hour(5), 3}, {"26564", hour(0), hour(2), 2}},
		},
		{
			name: "flapping between clear leaders is reported change by change",
			ws: hourly(
				req{"1": 2, "2": 1},
				req{"1": 1, "2": 2},
				req{"1": 2, "2": 1},
				req{"1": 1, "2": 3},
			),
			changes: []Takeover{
				{At: hour(1), From: "1", To: "2", FromShare: 2.0 / 3, ToShare: 2.0 / 3},
				{At: hour(2), From: "2", To: "1", FromShare: 2.0 / 3, ToShare: 2.0 / 3},
				{At: hour(3), From: "1", To: "2", FromShare: 2.0 / 3, ToShare: 0.75},
			},
			// Both ran one window at best; the earlier run first.
			longest: []Stretch{{"1", hour(0), hour(1), 1}, {"2", hour(1), hour(2), 1}},
		},
		{
			name: "flapping within counting noise is no change",
			// Leads of 10/9 = 1.11 each way: nobody on top.
			ws: hourly(req{"1": 10, "2": 9}, req{"1": 9, "2": 10}, req{"1": 10, "2": 9}),
		},
		{
			name: "empty windows neither break nor start a stretch",
			// 00:00 A alone, 01:00 nothing done, 02:00 A (3/1), 03:00
			// nobody, 04:00 B (4/1): A's run is 2 windows from 00:00 to
			// 03:00, and B takes over from A's share at 02:00.
			ws: hourly(
				req{"A": 1},
				req{"A": 0, "B": 0},
				req{"A": 3, "B": 1},
				req{},
				req{"A": 1, "B": 4},
			),
			changes: []Takeover{{At: hour(4), From: "A", To: "B", FromShare: 0.75, ToShare: 0.8}},
			longest: []Stretch{{"A", hour(0), hour(3), 2}, {"B", hour(4), hour(5), 1}},
		},
		{
			name: "nobody on top ends a stretch, and coming back is no change",
			// A 4/1, a tie, A 4/1 again (a new run, no change), then B 4/1
			// takes over from A's 80% at 02:00. A's runs are both 1 window:
			// the first is kept.
			ws: hourly(
				req{"A": 4, "B": 1},
				req{"A": 5, "B": 5},
				req{"A": 4, "B": 1},
				req{"A": 1, "B": 4},
			),
			changes: []Takeover{{At: hour(3), From: "A", To: "B", FromShare: 0.8, ToShare: 0.8}},
			longest: []Stretch{{"A", hour(0), hour(1), 1}, {"B", hour(3), hour(4), 1}},
		},
		{
			name: "a takeover across a window with nobody on top",
			ws:   hourly(req{"A": 4, "B": 1}, req{"A": 5, "B": 5}, req{"A": 1, "B": 9}),
			changes: []Takeover{
				{At: hour(2), From: "A", To: "B", FromShare: 0.8, ToShare: 0.9},
			},
			longest: []Stretch{{"A", hour(0), hour(1), 1}, {"B", hour(2), hour(3), 1}},
		},
		{
			name: "leading empty window",
			// 5 leads 2/1 at 01:00 (2/3), 6 alone at 02:00.
			ws: hourly(req{"5": 0}, req{"5": 2, "6": 1}, req{"6": 1}),
			changes: []Takeover{
				{At: hour(2), From: "5", To: "6", FromShare: 2.0 / 3, ToShare: 1},
			},
			longest: []Stretch{{"5", hour(1), hour(2), 1}, {"6", hour(2), hour(3), 1}},
		},
		{
			name: "cpu metric",
			// By requests 1 leads throughout; by CPU (3/1, then 1.5/0.5) 2
			// takes over at 01:00.
			ws: []Window{
				{Start: hour(0), End: hour(1), Requests: req{"1": 9, "2": 1}, CPUSeconds: map[string]float64{"1": 3, "2": 1}},
				{Start: hour(1), End: hour(2), Requests: req{"1": 9, "2": 1}, CPUSeconds: map[string]float64{"1": 0.5, "2": 1.5}},
			},
			metric:  WindowCPUSeconds,
			changes: []Takeover{{At: hour(1), From: "1", To: "2", FromShare: 0.75, ToShare: 0.75}},
			longest: []Stretch{{"1", hour(0), hour(1), 1}, {"2", hour(1), hour(2), 1}},
		},
		{
			name: "negative and NaN values count as 0",
			ws: []Window{
				{Start: hour(0), End: hour(1), CPUSeconds: map[string]float64{"1": -5, "2": math.NaN()}},
				{Start: hour(1), End: hour(2), CPUSeconds: map[string]float64{"1": -5, "2": 2}},
			},
			metric:  WindowCPUSeconds,
			longest: []Stretch{{"2", hour(1), hour(2), 1}},
		},
		{
			name: "equal runs order by start, then key",
			ws: hourly(
				req{"30": 1}, req{"30": 1},
				req{"4": 1}, req{"4": 1},
				req{"30": 1}, req{"30": 1},
			),
			changes: []Takeover{
				{At: hour(2), From: "30", To: "4", FromShare: 1, ToShare: 1},
				{At: hour(4), From: "4", To: "30", FromShare: 1, ToShare: 1},
			},
			longest: []Stretch{{"30", hour(0), hour(2), 2}, {"4", hour(2), hour(4), 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := ComputeDominance(tt.ws, tt.metric)
			// Map order differs from run to run: the answer must not.
			for range 20 {
				if again := ComputeDominance(tt.ws, tt.metric); !reflect.DeepEqual(again, d) {
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
				t.Fatalf("got changes %+v, want %+v", d.Changes, want.Changes)
			}
			for i := range d.Changes {
				g, w := d.Changes[i], want.Changes[i]
				if !g.At.Equal(w.At) || g.From != w.From || g.To != w.To || !near(g.FromShare, w.FromShare) || !near(g.ToShare, w.ToShare) {
					t.Errorf("change %d: got %+v, want %+v", i, g, w)
				}
			}
			if !reflect.DeepEqual(d.Longest, want.Longest) {
				t.Errorf("got longest %+v, want %+v", d.Longest, want.Longest)
			}
		})
	}
}

func TestTakeoverSentence(t *testing.T) {
	tests := []struct {
		name    string
		t       Takeover
		seconds bool
		want    string
	}{
		{
			name: "the issue's example",
			t:    Takeover{At: stampAt("2026-10-07T03:00:00Z"), From: "26564", To: "15708", FromShare: 0.41, ToShare: 0.63},
			want: "15708 took over from 26564 at 2026-10-07 03:00, 41% → 63%",
		},
		{
			name:    "seconds asked for",
			t:       Takeover{At: stampAt("2026-10-07T03:00:00Z"), From: "1", To: "2", FromShare: 0.5, ToShare: 1},
			seconds: true,
			want:    "2 took over from 1 at 2026-10-07 03:00:00, 50% → 100%",
		},
		{
			name: "seconds shown when not on a whole minute",
			t:    Takeover{At: stampAt("2026-10-07T03:00:30Z"), From: "1", To: "2", FromShare: 0.666, ToShare: 0.334},
			want: "2 took over from 1 at 2026-10-07 03:00:30, 67% → 33%",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.Sentence(tt.seconds); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
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
