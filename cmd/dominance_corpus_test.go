package cmd_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// domChange is one item of dominance.changes[] as the JSON report writes it.
type domChange struct {
	At          string   `json:"at"`
	From        string   `json:"from"`
	To          string   `json:"to"`
	With        *string  `json:"with"`
	FromShare   float64  `json:"from_share"`
	ToShare     float64  `json:"to_share"`
	WithShare   *float64 `json:"with_share"`
	Kind        string   `json:"kind"`
	IdleSeconds *float64 `json:"idle_seconds"`
	ExitReason  *string  `json:"exit_reason"`
}

// domChanges runs skewer with args (JSON output) and returns its changes.
func domChanges(t *testing.T, args ...string) []domChange {
	t.Helper()
	var doc struct {
		Dominance *struct {
			Changes []domChange `json:"changes"`
		} `json:"dominance"`
	}
	runJSON(t, cmd.ExitOK, &doc, args...)
	if doc.Dominance == nil || doc.Dominance.Changes == nil {
		t.Fatalf("skewer %s: dominance.changes missing", strings.Join(args, " "))
	}
	return doc.Dominance.Changes
}

// checkChanges compares changes with want: shares within 0.0005.
func checkChanges(t *testing.T, got, want []domChange) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d changes %+v, want %d %+v", len(got), got, len(want), want)
	}
	near := func(a, b float64) bool { return a-b < 5e-4 && b-a < 5e-4 }
	nearp := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && near(*a, *b) }
	strs := func(a, b *string) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	for i, g := range got {
		w := want[i]
		if g.At != w.At || g.From != w.From || g.To != w.To || g.Kind != w.Kind ||
			!near(g.FromShare, w.FromShare) || !near(g.ToShare, w.ToShare) ||
			!strs(g.With, w.With) || !nearp(g.WithShare, w.WithShare) ||
			!nearp(g.IdleSeconds, w.IdleSeconds) || !strs(g.ExitReason, w.ExitReason) {
			gj, _ := json.Marshal(g)
			wj, _ := json.Marshal(w)
			t.Errorf("change %d: got %s, want %s", i, gj, wj)
		}
	}
}

func sp(s string) *string   { return &s }
func fp(f float64) *float64 { return &f }

// TestCorpusDominanceNginxProxy checks the changes of the lead on the
// gunicorn side of nginx-proxy against a list made by hand.
//
// Requests per 5 s window and PID, counted from the raw lines (the windows
// that matter; the test recounts them below):
//
//	window    21631 21632 21634 21635 21637   lead (1.25× the next; pair: 90%)
//	17:50:55      0     0     0     0   126   21637 alone, to 17:51:20
//	17:51:25     50     0     0     0   152   21637 (3.0×)
//	17:51:30    147     0     0     0    50   21631 (2.9×)
//	17:51:35     73     0     0     0   105   21637 (1.44×)
//	17:51:40    163     0     0     0    56   21631
//	17:51:45     96     0     0     0   110   pair 21637+21631 (1.15×, 100%)
//	17:51:50    134     0     0     0    73   21631 (1.84×)
//	17:51:55    187     0     0     0    24   21631
//	17:52:00     91     0     0     0   175   21637 (1.92×)
//	17:52:05     59     0     0    68    82   nobody (82/68 = 1.21; 150/209 = 72%)
//	17:52:10 - 17:53:10                       21637 (1.36× to 4.3×), 13 windows
//	17:53:15 - 17:53:50                       no requests (8 windows, 40 s)
//	17:53:55      0     0     0    35    52   21637 (1.49×)
//	17:54:00      0     0     0    70    83   pair 21637+21635 (1.19×, 100%)
//	17:54:05      0     0     0    73    83   pair (1.14×)
//	17:54:10      0     0     0    72    83   pair (1.15×)
//	17:54:15      0     0     0     6   123   21637
//	17:54:20      0     0     0    13   140   21637
//	17:54:25      0     0     0    13   121   21637
//	17:54:30 - 17:56:25: 21637 eight windows, 21635 two (17:54:45, 17:55:00),
//	  21631 two (17:55:05, 17:55:50), 21632 two in a row (17:55:30-35), pairs
//	  21637+21635 two (17:54:35-40), nobody in the other nine (p5-c32: four
//	  workers near each other, the top two under 90%)
//	17:56:30 - 17:56:40                       no requests (3 windows)
//	17:56:45 - 17:57:30: nobody, pair 21637+21632 (17:56:50: 85/72, 96%),
//	  then 21637, 21634, nobody, 21637, 21634, 21637, 21637, 21634
//
// 21637 leads from the start (17:50:55, three windows alone): the first
// lead is no change. In p2-c2 (17:51:30-17:52:00) 21631 and 21637 swap
// every window or two and share one pair window; nobody holds three windows
// in a row, so the lead stays 21637's (today's output reported four
// takeovers there). After the 40 s gap 21637 is on top again at 17:53:55,
// so what follows is not a change after idle. Then:
//  1. 17:54:00-17:54:10: the pair 21637+21635 holds three windows: a pair.
//     From is 21637 at its share in its last window on top, 17:53:55:
//     52/87 = 0.598; To is 21635, the member new to the lead, 70/153 =
//     0.458 at 17:54:00; With is 21637, 83/153 = 0.542.
//  2. 17:54:15-17:54:25: 21637 alone three windows: a takeover from 21635,
//     the pair member that left, at its share in the pair's last window
//     (17:54:10: 72/155 = 0.465), to 21637's 123/129 = 0.953.
//
// After that no worker other than 21637 is on top three windows in a row
// (21632's two at 17:55:30-35 are the most), the pair at 17:56:50 lasts one
// window, and p7-c16's swaps between 21637 and 21634 (five reported today)
// never last: two changes in all, against sixteen before.
func TestCorpusDominanceNginxProxy(t *testing.T) {
	path := filepath.Join(testutil.Corpus(t), "nginx-proxy", "gunicorn-access.log")
	counts := testutil.ReadAccessLog(t, path).PerWindow(5)
	for _, c := range []struct {
		window string
		counts map[string]int64
	}{
		{"2026-11-25T17:53:55Z", map[string]int64{"21635": 35, "21637": 52}},
		{"2026-11-25T17:54:00Z", map[string]int64{"21635": 70, "21637": 83}},
		{"2026-11-25T17:54:05Z", map[string]int64{"21635": 73, "21637": 83}},
		{"2026-11-25T17:54:10Z", map[string]int64{"21635": 72, "21637": 83}},
		{"2026-11-25T17:54:15Z", map[string]int64{"21635": 6, "21637": 123}},
		{"2026-11-25T17:54:20Z", map[string]int64{"21635": 13, "21637": 140}},
		{"2026-11-25T17:54:25Z", map[string]int64{"21635": 13, "21637": 121}},
	} {
		for pid, want := range c.counts {
			if got := counts[c.window][pid]; got != want {
				t.Errorf("raw count %s %s: got %d, want %d (the table above)", c.window, pid, got, want)
			}
		}
	}
	got := domChanges(t, "timeline", "--window", "5s", "-o", "json", path)
	checkChanges(t, got, []domChange{
		{At: "2026-11-25T17:54:00Z", From: "21637", To: "21635", With: sp("21637"), Kind: "pair",
			FromShare: 52.0 / 87, ToShare: 70.0 / 153, WithShare: fp(83.0 / 153)},
		{At: "2026-11-25T17:54:15Z", From: "21635", To: "21637", Kind: "takeover",
			FromShare: 72.0 / 155, ToShare: 123.0 / 129},
	})
}

// TestCorpusDominanceAutorestart checks a change at an autorestart on
// gunicorn-sync-17 with its real error log. The 17 sync workers share every
// window evenly (no worker is ever on top), so the test looks at one worker
// slot: the access lines of 16473, the first worker told to restart
// (error.log: "Autorestarting worker after current request" and "Worker
// exiting" at 17:33:07), and of 17836, booted in its place the same second;
// the other 32 workers are in the error log, alive and idle.
//
// Requests per 5 s window, counted from the raw lines:
//
//	17:33:00  16473 58             16473 alone (100%)
//	17:33:05  16473 47, 17836 38   47/38 = 1.24 < 1.25, 100% together: a pair
//	17:33:10  17836 76             17836 alone
//	17:33:15  17836 51             17836 alone
//	17:33:20  17836 30             17836 alone
//
// 16473 led every window with traffic before (it is the only one), 17836
// every window after. 17836 holds three windows from 17:33:10: a change,
// 3 s after 16473's exit, within one window: after_exit, reason
// max_requests, from 16473's 100% at 17:33:00 to 17836's 100%.
func TestCorpusDominanceAutorestart(t *testing.T) {
	src := filepath.Join(testutil.Corpus(t), "gunicorn-sync-17")
	dir := t.TempDir()
	errLog, err := os.ReadFile(filepath.Join(src, "error.log"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "error.log"), errLog, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(src, "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var slot bytes.Buffer
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); strings.Contains(line, " pid=<16473> ") || strings.Contains(line, " pid=<17836> ") {
			slot.WriteString(line + "\n")
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	access := filepath.Join(dir, "access.log")
	if err := os.WriteFile(access, slot.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	counts := testutil.ReadAccessLog(t, access).PerWindow(5)
	for _, c := range []struct {
		window, pid string
		want        int64
	}{
		{"2026-11-25T17:33:00Z", "16473", 58}, {"2026-11-25T17:33:00Z", "17836", 0},
		{"2026-11-25T17:33:05Z", "16473", 47}, {"2026-11-25T17:33:05Z", "17836", 38},
		{"2026-11-25T17:33:10Z", "16473", 0}, {"2026-11-25T17:33:10Z", "17836", 76},
		{"2026-11-25T17:33:15Z", "17836", 51}, {"2026-11-25T17:33:20Z", "17836", 30},
	} {
		if got := counts[c.window][c.pid]; got != c.want {
			t.Errorf("raw count %s %s: got %d, want %d (the table above)", c.window, c.pid, got, c.want)
		}
	}
	got := domChanges(t, "timeline", "--window", "5s", "-o", "json", dir)
	checkChanges(t, got, []domChange{
		{At: "2026-11-25T17:33:10Z", From: "16473", To: "17836", Kind: "after_exit",
			FromShare: 1, ToShare: 1, ExitReason: sp("max_requests")},
	})
}
