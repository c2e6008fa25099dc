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

// TestRoundTicks picks the smallest round step that gives at most n
// labels, in whole multiples of it.
func TestRoundTicks(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		from, to string
		prec     time.Duration
		n        int
		layout   string
		want     string
	}{
		{"2026-11-25T17:28:40Z", "2026-11-25T17:35:45Z", time.Second, 7, "15:04:05",
			"17:29:00 17:30:00 17:31:00 17:32:00 17:33:00 17:34:00 17:35:00"},
		{"2026-11-25T17:28:40Z", "2026-11-25T17:35:45Z", time.Second, 4, "15:04:05", "17:30:00 17:32:00 17:34:00"},
		{"2026-11-25T17:00:00Z", "2026-11-25T17:00:01Z", time.Second, 7, "15:04:05", "17:00:00 17:00:01"},
		{"2026-11-25T17:00:00.2Z", "2026-11-25T17:00:00.7Z", time.Second, 7, "15:04:05.0", "17:00:00.2"}, // from alone
		{"2026-10-04T00:00:00Z", "2026-10-12T21:00:00Z", time.Minute, 6, "01-02 15:04", "10-04 00:00 10-06 00:00 10-08 00:00 10-10 00:00 10-12 00:00"},
		{"2026-01-01T00:00:00Z", "2027-12-31T00:00:00Z", time.Minute, 6, "2006-01-02", "2026-02-02 2026-09-14 2027-04-26 2027-12-06"}, // 32 weeks: 16 give 7; multiples since Monday 0001-01-01 (Truncate)
	} {
		var labels []string
		for _, g := range roundTicks(at(c.from), at(c.to), c.prec, c.n) {
			labels = append(labels, g.Format(c.layout))
		}
		if got := strings.Join(labels, " "); got != c.want {
			t.Errorf("%s to %s, at most %d: got %q, want %q", c.from, c.to, c.n, got, c.want)
		}
	}
}
