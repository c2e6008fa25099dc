package render

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
)

// svgChart is one inline SVG drawing, already laid out: the template only
// writes its shapes. Coordinates are in the viewBox, with one decimal.
type svgChart struct {
	ID            string
	Kind          string // "line", "lifetimes", "shares": a class for tests and styles
	Metric        string // what a line chart draws: requests, busy, cpu, skew, cpu-skew
	Heading       string
	Title, Desc   string
	Width, Height int
	Lines         []svgLine
	Rects         []svgRect
	Texts         []svgText
	Series        []svgSeries
	Legend        []svgLegend
	Note          string
}

type svgLine struct {
	X1, Y1, X2, Y2 string
	Class          string
}

type svgRect struct {
	X, Y, W, H string
	Class      string
	Tip        string
}

type svgText struct {
	X, Y   string
	Anchor string
	Class  string
	Text   string
}

// svgSeries is one line of a line chart: a path with a point per window
// (a gap is a new subpath).
type svgSeries struct {
	Name  string
	Class string
	D     string
}

type svgLegend struct{ Name, Class string }

// The line charts' layout, in viewBox units.
const (
	svgWidth      = 760
	svgLineHeight = 240
	svgLeft       = 56
	svgRight      = 16
	svgTop        = 14
	svgBottom     = 30
	svgYRows      = 5
	svgXTicks     = 7
	svgCharWidth  = 6.5 // the width of a digit of an 11px label, about
	svgRowHeight  = 16
	svgLabelWidth = 150
	// svgMaxRows is the most workers the lifetime chart draws: a week of
	// max_requests restarts can have thousands.
	svgMaxRows  = 60
	svgLabelMax = 22 // characters of a worker key shown as a row label
)

func num(v float64) string {
	s := fmt.Sprintf("%.1f", v)
	if s == "-0.0" {
		s = "0.0"
	}
	return strings.TrimSuffix(s, ".0")
}

// htmlCharts lays out a section's charts: the load per worker over time
// (the chosen metric first, then the others the report has), the skew over
// time, the worker lifetimes, and the shares per worker. The notes are what
// no chart could show (check conditions with no skew chart to draw them on).
func htmlCharts(id string, rep *aggregate.Report, opt HTMLOptions) ([]svgChart, []string, error) {
	var out []svgChart
	skew, cpuSkew := -1, -1 // the skew charts' indexes in out
	add := func(c svgChart) {
		c.ID = fmt.Sprintf("%s-c%d", id, len(out))
		out = append(out, c)
	}
	if len(rep.Windows) > 0 {
		ax, err := newTimeAxis(rep)
		if err != nil {
			return nil, nil, err
		}
		series := opt.Series
		if series <= 0 {
			series = 5
		}
		co := ChartOptions{Top: min(series, len(chartChars)), othersMean: true}
		metrics := []string{"requests", "busy", "cpu"}
		if i := slices.Index(metrics, opt.Metric); i > 0 {
			metrics = append([]string{opt.Metric}, slices.Delete(metrics, i, i+1)...)
		}
		for _, m := range metrics {
			if m == "requests" && rep.Attributed == 0 {
				continue
			}
			co.Metric = m
			c, err := metricChart(rep, co, ax)
			if err != nil {
				continue // the report has no such data
			}
			s := lineChart(c, ax, m, nil)
			if c.folded > 0 {
				s.Note = fmt.Sprintf("The grey line is the mean per worker of the %d workers not drawn, over those alive in each window (a gap where none was), not their sum: it compares with each worker's own line.", c.folded)
			}
			add(s)
		}
		if rep.Attributed > 0 {
			add(lineChart(skewChart(rep, ax, false), ax, "skew", skewThresholds(opt.Thresholds, "")))
			skew = len(out) - 1
		}
		if rep.CPUSkew != nil {
			add(lineChart(skewChart(rep, ax, true), ax, "cpu skew", skewThresholds(opt.Thresholds, "cpu_")))
			cpuSkew = len(out) - 1
		}
		if c, ok := lifetimes(rep, &ax); ok {
			add(c)
		}
	} else if c, ok := lifetimes(rep, nil); ok {
		add(c)
	}
	if c, ok := shares(rep, opt.Top); ok {
		add(c)
	}
	var notes []string
	if text := undrawnThresholds(opt.Thresholds, skew >= 0, cpuSkew >= 0); text != "" {
		at := skew
		if at < 0 {
			at = cpuSkew
		}
		if at >= 0 {
			out[at].Note = text
		} else {
			notes = append(notes, text)
		}
	}
	return out, notes, nil
}

// undrawnThresholds says which check conditions no skew chart draws, and
// why: "" when every one is drawn. skew and cpuSkew say whether the
// section has the skew charts of requests and of CPU.
func undrawnThresholds(ts []check.Threshold, skew, cpuSkew bool) string {
	var out []string
	for _, t := range ts {
		why := ""
		switch {
		case t.Metric != "gini" && t.Metric != "top1_share" && t.Metric != "cpu_gini" && t.Metric != "cpu_top1_share":
			why = "only gini, top1_share, cpu_gini and cpu_top1_share are drawn"
		case t.Value.Baseline:
			why = "it compares with a baseline"
		case t.Op == "==" || t.Op == "!=":
			why = "an equality is not a line"
		case strings.HasPrefix(t.Metric, "cpu_") && !cpuSkew:
			why = "no chart of CPU skew: the run has no CPU per window"
		case !strings.HasPrefix(t.Metric, "cpu_") && !skew:
			why = "no chart of request skew: the run has no requests per window"
		default:
			continue
		}
		out = append(out, fmt.Sprintf("%s (%s)", t.Text, why))
	}
	if len(out) == 0 {
		return ""
	}
	return "Check conditions not drawn: " + strings.Join(out, "; ") + "."
}

// threshold is a check condition drawn on a skew chart.
type threshold struct {
	series int // 0 gini, 1 top-1 share
	value  float64
	text   string
}

// skewThresholds picks the conditions on gini and top1_share (with prefix,
// "cpu_" for CPU) that compare with a plain number.
func skewThresholds(ts []check.Threshold, prefix string) []threshold {
	var out []threshold
	for _, t := range ts {
		if t.Value.Baseline || t.Op == "==" || t.Op == "!=" {
			continue
		}
		switch t.Metric {
		case prefix + "gini":
			out = append(out, threshold{0, t.Value.Num, t.Text})
		case prefix + "top1_share":
			out = append(out, threshold{1, t.Value.Num, t.Text})
		}
	}
	return out
}

// lineChart lays out c: one path per series with a point per window at
// the window's middle, a Y grid of round steps, window starts on the X
// axis, and the thresholds as dashed lines.
func lineChart(c chart, ax timeAxis, kind string, ths []threshold) svgChart {
	n := len(c.values[0])
	_, top := c.points()
	for _, t := range ths {
		top = max(top, t.value)
	}
	// A fixed top (the skew's 1) grows only for a threshold above it.
	upper, rows := max(c.upper, top), svgYRows
	if c.upper == 0 {
		upper, rows = niceScale(top, svgYRows, c.integer)
	}
	plotW := float64(svgWidth - svgLeft - svgRight)
	plotH := float64(svgLineHeight - svgTop - svgBottom)
	x := func(i float64) float64 { return svgLeft + plotW*i/float64(n) }
	y := func(v float64) float64 { return svgTop + plotH*(1-min(v, upper)/upper) }
	s := svgChart{Kind: "line", Metric: strings.ReplaceAll(kind, " ", "-"), Width: svgWidth, Height: svgLineHeight, Heading: tlCapital(c.caption)}
	step := upper / float64(rows)
	dec := stepDecimals(step)
	for r := 0; r <= rows; r++ {
		v := step * float64(r)
		s.Lines = append(s.Lines, svgLine{num(svgLeft), num(y(v)), num(svgLeft + plotW), num(y(v)), "grid"})
		s.Texts = append(s.Texts, svgText{num(svgLeft - 6), num(y(v) + 4), "end", "label ytick", fmt.Sprintf("%.*f", dec, v)})
	}
	stride := max((n+svgXTicks-1)/svgXTicks, 1)
	for i := 0; i < n; i += stride {
		s.Lines = append(s.Lines, svgLine{num(x(float64(i))), num(svgTop + plotH), num(x(float64(i))), num(svgTop + plotH + 4), "axis"})
		s.Texts = append(s.Texts, svgText{num(x(float64(i))), num(svgTop + plotH + 18), "middle", "label", ax.label(float64(i))})
	}
	s.Lines = append(s.Lines, svgLine{num(svgLeft), num(svgTop + plotH), num(svgLeft + plotW), num(svgTop + plotH), "axis"})
	var names []string
	for k, vs := range c.values {
		d := seriesPath(vs, func(i int) float64 { return x(float64(i) + 0.5) }, y)
		class := seriesClass(c.names[k], k)
		s.Series = append(s.Series, svgSeries{Name: c.names[k], Class: class, D: d})
		s.Legend = append(s.Legend, svgLegend{Name: c.names[k], Class: class})
		names = append(names, c.names[k])
	}
	for _, t := range ths {
		class := fmt.Sprintf("threshold s%d", t.series)
		s.Lines = append(s.Lines, svgLine{num(svgLeft), num(y(t.value)), num(svgLeft + plotW), num(y(t.value)), class})
		s.Texts = append(s.Texts, svgText{num(svgLeft + plotW - 2), num(y(t.value) - 3), "end", "label", t.text})
		s.Legend = append(s.Legend, svgLegend{Name: "check " + t.text, Class: class})
	}
	s.Title = tlCapital(kind) + " per window"
	s.Desc = fmt.Sprintf("%s: %d windows, from 0 to %s; one line each for %s.",
		c.caption, n, strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.*f", dec, upper), "0"), "."), strings.Join(names, ", "))
	if len(ths) > 0 {
		var ts []string
		for _, t := range ths {
			ts = append(ts, t.text)
		}
		s.Desc += " Check thresholds drawn dashed: " + strings.Join(ts, ", ") + "."
	}
	return s
}

// seriesPath is the path data of one series: an absolute M or L command per
// value, a NaN starting a new subpath. A point alone in its subpath (one
// window, or between gaps) gets a relative zero-length "l0 0", which a
// round line cap draws as a dot.
func seriesPath(vs []float64, x func(int) float64, y func(float64) float64) string {
	var d strings.Builder
	run := 0 // points in the current subpath
	end := func() {
		if run == 1 {
			d.WriteString(" l0 0")
		}
		run = 0
	}
	for i, v := range vs {
		if math.IsNaN(v) {
			end()
			continue
		}
		cmd := "L"
		if run == 0 {
			cmd = "M"
		}
		if d.Len() > 0 {
			d.WriteByte(' ')
		}
		fmt.Fprintf(&d, "%s%s %s", cmd, num(x(i)), num(y(v)))
		run++
	}
	end()
	return d.String()
}

// seriesClass is a series' colour class: others is grey.
func seriesClass(name string, k int) string {
	if strings.HasPrefix(name, "others (") {
		return "series others"
	}
	return fmt.Sprintf("series s%d", k%len(chartChars))
}
