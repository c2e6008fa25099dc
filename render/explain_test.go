package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/skewer-dev/skewer/explain"
)

// TestTerminalLines checks the terminal form of an explanation with more
// claims than fit: at most the budget, 80 columns, and the rest counted.
func TestTerminalLines(t *testing.T) {
	long := strings.Repeat("word ", 30) // 150 columns: two wrapped lines
	class := "gevent"
	e := &explain.Explanation{
		Verdict:    explain.Verdict{Harm: explain.Benign, Summary: long, Short: "none saturated, busiest 0.12 busy"},
		Mechanisms: []explain.Mechanism{{Name: explain.MechEven, Confidence: explain.Proven, Evidence: []string{long}, Short: "window gini 0.045"}},
		Memory:     explain.Memory{Pattern: explain.Flat, Evidence: "RSS from 35 MiB to 35 MiB over 34 workers"},
		Changes:    []explain.Change{{Cause: "traffic resumed"}, {Cause: "x"}},
		Server:     explain.Server{Family: "gunicorn", WorkerClass: &class},
	}
	for range 4 {
		e.Advice = append(e.Advice, explain.Advice{Text: long, Fact: "gunicorn-reuse-port"})
	}
	for range 3 {
		e.ToSettle = append(e.ToSettle, long)
	}
	got := TerminalLines(e, 15)
	// By hand: verdict 1, mechanism 1, memory 1, change 1 = 4; each
	// advice wraps to 3 lines (150 columns plus the label and the fact):
	// 3 advice = 13, the 4th would end at 16, past 14 (a line is kept for
	// the fold): folded with the 3 to settle.
	if len(got) != 14 {
		t.Fatalf("got %d lines, want 14:\n%s", len(got), strings.Join(got, "\n"))
	}
	if want := "(+1 advice, 3 to settle: -o json or -o markdown lists them)"; got[len(got)-1] != want {
		t.Errorf("fold: got %q, want %q", got[len(got)-1], want)
	}
	if want := "lead changed 2 times, first at 00:00:00: traffic resumed"; got[3] != want {
		t.Errorf("change: got %q, want %q", got[3], want)
	}
	for i, l := range got {
		if n := utf8.RuneCountInString(l); n > 80 {
			t.Errorf("line %d: %d columns, want at most 80: %q", i+1, n, l)
		}
	}
}
