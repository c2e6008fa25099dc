package render

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/check"
)

func TestSeriesPath(t *testing.T) {
	nan := math.NaN()
	x := func(i int) float64 { return float64(10 * i) }
	y := func(v float64) float64 { return 100 - v }
	for _, c := range []struct {
		name string
		vs   []float64
		want string
	}{
		{name: "line", vs: []float64{1, 2, 3}, want: "M0 99 L10 98 L20 97"},
		{name: "one window", vs: []float64{5}, want: "M0 95 l0 0"},
		{name: "gap", vs: []float64{1, nan, 3, 4}, want: "M0 99 l0 0 M20 97 L30 96"},
		{name: "gap at the end", vs: []float64{1, 2, nan}, want: "M0 99 L10 98"},
		{name: "all gaps", vs: []float64{nan, nan}, want: ""},
		{name: "decimals", vs: []float64{0.25}, want: "M0 99.8 l0 0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := seriesPath(c.vs, x, y); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestSkewThresholds(t *testing.T) {
	var ts []check.Threshold
	for _, s := range []string{"gini<0.35", "top1_share<=0.5", "cpu_gini<0.4", "gini<baseline+0.05", "gini==0.3", "jain>0.8", "cpu_top1_share<0.6"} {
		th, err := check.Parse(s, "-t")
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, th)
	}
	for _, c := range []struct {
		prefix string
		want   []threshold
	}{
		{"", []threshold{{0, 0.35, "gini<0.35"}, {1, 0.5, "top1_share<=0.5"}}},
		{"cpu_", []threshold{{0, 0.4, "cpu_gini<0.4"}, {1, 0.6, "cpu_top1_share<0.6"}}},
	} {
		got := skewThresholds(ts, c.prefix)
		if len(got) != len(c.want) {
			t.Fatalf("prefix %q: got %v, want %v", c.prefix, got, c.want)
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("prefix %q: got %v, want %v", c.prefix, got, c.want)
			}
		}
	}
}

// TestHTMLOneWindow draws a report of one window: each line is a dot, one
// point per window.
func TestHTMLOneWindow(t *testing.T) {
	var buf bytes.Buffer
	rep := tlReport(time.Minute, []string{"201", "202"}, tlMinutes("2026-11-25T17:00:00Z", reqs{"201": 3, "202": 1})...)
	rep.Attributed = 4 // the requests of the window
	if err := HTML(&buf, []HTMLPart{{Report: rep}}, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`data-series="201" d="M400 `, `data-series="202" d="M400 `} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(out, " l0 0\""); n < 2 {
		t.Errorf("got %d dots, want one per series", n)
	}
}

// TestUndrawnThresholds names each condition no skew chart can draw, with
// its reason, and nothing when every one is drawn.
func TestUndrawnThresholds(t *testing.T) {
	parse := func(ss ...string) []check.Threshold {
		var ts []check.Threshold
		for _, s := range ss {
			th, err := check.Parse(s, "-t")
			if err != nil {
				t.Fatal(err)
			}
			ts = append(ts, th)
		}
		return ts
	}
	for _, c := range []struct {
		ts            []string
		skew, cpuSkew bool
		want          string
	}{
		{[]string{"gini<0.35", "cpu_top1_share<0.5"}, true, true, ""},
		{[]string{"gini<0.35", "cpu_gini<0.4"}, true, false, "Check conditions not drawn: cpu_gini<0.4 (no chart of CPU skew: the run has no CPU per window)."},
		{[]string{"top1_share<0.5"}, false, false, "Check conditions not drawn: top1_share<0.5 (no chart of request skew: the run has no requests per window)."},
		{[]string{"gini<=baseline*1.1", "top1_share==0.5", "top3_share<0.9"}, true, true,
			"Check conditions not drawn: gini<=baseline*1.1 (it compares with a baseline); top1_share==0.5 (an equality is not a line); " +
				"top3_share<0.9 (only gini, top1_share, cpu_gini and cpu_top1_share are drawn)."},
	} {
		if got := undrawnThresholds(parse(c.ts...), c.skew, c.cpuSkew); got != c.want {
			t.Errorf("%q (skew %v, cpu skew %v):\n got %q\nwant %q", c.ts, c.skew, c.cpuSkew, got, c.want)
		}
	}
}
