package render

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/guptarohit/asciigraph"
	"github.com/skewer-dev/skewer/aggregate"
)

// ChartMetrics lists the values of ChartOptions.Metric, for flag help and
// validation.
var ChartMetrics = []string{"requests", "busy", "cpu"}

// ChartOptions control the timeline charts.
type ChartOptions struct {
	Top    int    // series for the K busiest workers (default 5), plus one "others" series
	Metric string // "requests" (per window), "busy" (request seconds per second of window: the busy fraction / concurrency), "cpu" (CPU seconds per second of window: cores)
	Width  int    // total width in columns (80 when not a terminal; the caller decides)
	Color  bool   // ANSI colours and asciigraph's coloured legends; false: no escape codes at all
}

const (
	chartWidth      = 80
	chartMaxRows    = 14 // the metric chart has at most 14 rows, fewer when round Y labels need it
	skewRows        = 10 // 0.1 per row
	chartMinColumns = 10
	othersChar      = "~"
)

// chartChars draw the worker series when there is no colour; asciigraph
// v0.10.0 writes an escape code in every legend item even without colours,
// so plain output has its own legend line instead.
var chartChars = []string{"*", "+", "o", "x", "#", "@", "%", "&", "=", "$", "^", "!"}

var chartColors = []asciigraph.AnsiColor{
	asciigraph.Red, asciigraph.Green, asciigraph.Yellow, asciigraph.DodgerBlue, asciigraph.Magenta, asciigraph.Teal,
	asciigraph.Orange, asciigraph.Lime, asciigraph.Violet, asciigraph.Gold, asciigraph.SpringGreen, asciigraph.Pink,
}

// chart is one plot: its series (the last may be "others"), with one value
// per window each.
type chart struct {
	caption string
	names   []string
	chars   []string
	colors  []asciigraph.AnsiColor
	values  [][]float64
	integer bool    // counts: no Y step under 1
	upper   float64 // a fixed top of the Y axis, 0 to fit the data
	rows    int     // with upper
}

// Charts writes (a) the metric per window for the top K workers (at most
// 12) plus "others", and (b) the skew of requests per window: Gini and top-1
// share on one chart. With no windows it writes one line saying so. An
// unknown metric, or one the report has no data for, is an error before
// anything is written.
func Charts(w io.Writer, rep *aggregate.Report, opt ChartOptions) error {
	if opt.Top <= 0 {
		opt.Top = 5
	}
	opt.Top = min(opt.Top, len(chartChars))
	if opt.Width <= 0 {
		opt.Width = chartWidth
	}
	if opt.Metric == "" {
		opt.Metric = "requests"
	}
	ew := &errWriter{w: w}
	if len(rep.Windows) == 0 {
		ew.printf("no windows to chart: the run has no timed requests or CPU samples\n")
		return ew.err
	}
	ax, err := newTimeAxis(rep)
	if err != nil {
		return err
	}
	c, err := metricChart(rep, opt, ax)
	if err != nil {
		return err
	}
	drawChart(ew, c, ax, opt)
	ew.printf("\n")
	drawChart(ew, skewChart(rep, ax), ax, opt)
	return ew.err
}

// metricValue returns how a window shows the metric for one worker, and the
// metric's name in a caption.
func metricValue(rep *aggregate.Report, metric string, windowSeconds float64) (func(aggregate.Window, string) float64, string, error) {
	has := func(f func(aggregate.Window) int) bool {
		for _, win := range rep.Windows {
			if f(win) > 0 {
				return true
			}
		}
		return false
	}
	switch metric {
	case "requests":
		return func(win aggregate.Window, k string) float64 { return float64(win.Requests[k]) }, "requests", nil
	case "busy":
		if !has(func(win aggregate.Window) int { return len(win.RequestSeconds) }) {
			return nil, "", fmt.Errorf("--metric busy: the logs carry no request durations (gunicorn %%(D)s or %%(L)s, nginx $request_time)")
		}
		return func(win aggregate.Window, k string) float64 { return finite(win.RequestSeconds[k] / windowSeconds) },
			"busy (request seconds per second)", nil
	case "cpu":
		if !has(func(win aggregate.Window) int { return len(win.CPUSeconds) }) {
			return nil, "", fmt.Errorf("--metric cpu: no CPU data: give process snapshots with --ps FILE")
		}
		return func(win aggregate.Window, k string) float64 { return finite(win.CPUSeconds[k] / windowSeconds) },
			"CPU cores (CPU seconds per second)", nil
	}
	return nil, "", fmt.Errorf("--metric %q: want %s", metric, strings.Join(ChartMetrics, ", "))
}

func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return 0
	}
	return v
}

// metricChart is chart (a): the top workers by the metric over the whole
// run, in that order, and the rest summed as "others".
func metricChart(rep *aggregate.Report, opt ChartOptions, ax timeAxis) (chart, error) {
	value, name, err := metricValue(rep, opt.Metric, ax.step.Seconds())
	if err != nil {
		return chart{}, err
	}
	keys := rankedKeys(rep, value)
	top, rest := keys, []string(nil)
	if len(keys) > opt.Top+1 {
		top, rest = keys[:opt.Top], keys[opt.Top:]
	}
	c := chart{
		caption: fmt.Sprintf("%s per %s window, %s", name, ax.size(), ax.span(rep)),
		integer: opt.Metric == "requests",
	}
	add := func(name, char string, color asciigraph.AnsiColor, keys []string) {
		vs := make([]float64, len(rep.Windows))
		for i, win := range rep.Windows {
			for _, k := range keys {
				vs[i] += value(win, k)
			}
		}
		c.names, c.chars, c.colors = append(c.names, name), append(c.chars, char), append(c.colors, color)
		c.values = append(c.values, vs)
	}
	for i, k := range top {
		add(Clean(k), chartChars[i], chartColors[i], []string{k})
	}
	if rest != nil {
		add(fmt.Sprintf("others (%d)", len(rest)), othersChar, asciigraph.Gray, rest)
	}
	if len(c.values) == 0 {
		add("no workers", othersChar, asciigraph.Gray, nil)
	}
	return c, nil
}

// rankedKeys orders the workers of the windows by their total of the
// metric, then as the report orders them, then by key.
func rankedKeys(rep *aggregate.Report, value func(aggregate.Window, string) float64) []string {
	rank := map[string]int{}
	for i, w := range rep.Workers {
		rank[w.Key] = i
	}
	total := map[string]float64{}
	for _, win := range rep.Windows {
		for k := range win.Requests {
			total[k] = 0
		}
		for k := range win.RequestSeconds {
			total[k] = 0
		}
		for k := range win.CPUSeconds {
			total[k] = 0
		}
	}
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
		for _, win := range rep.Windows {
			total[k] += value(win, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if total[a] != total[b] {
			return total[a] > total[b]
		}
		ra, oka := rank[a]
		rb, okb := rank[b]
		if oka != okb {
			return oka
		}
		if ra != rb {
			return ra < rb
		}
		return a < b
	})
	return keys
}

// skewChart is chart (b): Gini and top-1 share of requests per window.
func skewChart(rep *aggregate.Report, ax timeAxis) chart {
	gini := make([]float64, len(rep.Windows))
	top1 := make([]float64, len(rep.Windows))
	for i, win := range rep.Windows {
		gini[i] = min(finite(win.Skew.Gini), 1)
		top1[i] = min(finite(win.Skew.TopShare["1"]), 1)
	}
	return chart{
		caption: fmt.Sprintf("skew of requests per %s window, from 0 (even) to 1 (one worker)", ax.size()),
		names:   []string{"gini", "top-1 share"},
		chars:   []string{"*", "+"},
		colors:  []asciigraph.AnsiColor{asciigraph.Red, asciigraph.DodgerBlue},
		values:  [][]float64{gini, top1},
		upper:   1,
		rows:    skewRows,
	}
}

// drawChart plots c, its time axis, its caption and its legend.
func drawChart(ew *errWriter, c chart, ax timeAxis, opt ChartOptions) {
	data, top := c.points()
	upper, rows, yLabel := c.yAxis(top)
	// asciigraph's left margin is the widest Y label plus 3 columns; the
	// last X label is centred on the last column and sticks out by half.
	leftPad := len(yLabel(upper)) + 3
	xw := len(ax.label(0))
	columns := max(opt.Width-leftPad-(xw-xw/2)+1, chartMinColumns)
	n := len(data[0])
	opts := []asciigraph.Option{
		asciigraph.Width(columns), asciigraph.Height(rows),
		asciigraph.LowerBound(0), asciigraph.UpperBound(upper),
		asciigraph.YAxisValueFormatter(yLabel),
		asciigraph.XAxisRange(0, float64(n-1)),
		asciigraph.XAxisTickCount(tickCount(n, columns, xw, ax.step)),
		asciigraph.XAxisValueFormatter(ax.label),
	}
	// asciigraph starts a caption at the plot's left edge: one that would
	// overflow the width is written flush left instead, broken at commas.
	ownCaption := leftPad+len(c.caption) > opt.Width
	if !ownCaption {
		opts = append(opts, asciigraph.Caption(c.caption))
	}
	if opt.Color {
		opts = append(opts, asciigraph.SeriesColors(c.colors...), asciigraph.SeriesLegends(c.names...))
	} else {
		sets := make([]asciigraph.CharSet, len(c.chars))
		for i, ch := range c.chars {
			sets[i] = asciigraph.CreateCharSet(ch)
		}
		opts = append(opts, asciigraph.SeriesChars(sets...))
	}
	ew.printf("%s\n", asciigraph.PlotMany(data, opts...))
	if ownCaption {
		ew.printf("%s\n", strings.ReplaceAll(c.caption, ", ", ",\n"))
	}
	if !opt.Color {
		plainLegend(ew, c, leftPad, opt.Width)
	}
}

// points returns the series to plot and their largest value. asciigraph
// needs two points for a line: a single window is drawn flat from its
// start to its end.
func (c chart) points() (data [][]float64, top float64) {
	data = make([][]float64, len(c.values))
	for i, vs := range c.values {
		if len(vs) == 1 {
			vs = []float64{vs[0], vs[0]}
		}
		data[i] = vs
		for _, v := range vs {
			top = max(top, v)
		}
	}
	return data, top
}

// yAxis returns the top of the Y axis, its rows and how a row is labelled.
func (c chart) yAxis(top float64) (upper float64, rows int, label func(float64) string) {
	upper, rows = c.upper, c.rows
	if upper == 0 {
		upper, rows = niceScale(top, chartMaxRows, c.integer)
	}
	step := upper / float64(rows)
	decimals := stepDecimals(step)
	return upper, rows, func(v float64) string {
		// Snapped to the row's step, as asciigraph's arithmetic can give
		// -0.000; two columns at least, as asciigraph leaves no gap before
		// the axis after a one-character label.
		return fmt.Sprintf("%2.*f", decimals, math.Abs(math.Round(v/step)*step))
	}
}

// plainLegend writes "* 15708  + 23004  ~ others (3)", wrapped to width.
func plainLegend(ew *errWriter, c chart, indent, width int) {
	indent = min(indent, max(width/4, 0))
	line := strings.Repeat(" ", indent)
	n := 0
	for i, name := range c.names {
		item := c.chars[i] + " " + name
		if n > 0 && len(line)+2+len(item) > width {
			ew.printf("%s\n", line)
			line, n = strings.Repeat(" ", indent), 0
		}
		if n > 0 {
			line += "  "
		}
		line += item
		n++
	}
	ew.printf("%s\n", line)
}

// niceScale picks the top of the Y axis and the number of rows so that
// each row is a round step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power
// of ten) and there are at most maxRows; counts get whole steps.
func niceScale(top float64, maxRows int, integer bool) (upper float64, rows int) {
	if top <= 0 {
		return 1, 1
	}
	for exp := -6; exp < 20; exp++ {
		for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
			// Dividing by a power of ten keeps 0.35 exact where
			// multiplying by 0.01 would not.
			scaled := func(x float64) float64 {
				if exp < 0 {
					return x / math.Pow10(-exp)
				}
				return x * math.Pow10(exp)
			}
			step := scaled(m)
			if integer && step != math.Round(step) {
				continue
			}
			if r := int(math.Ceil(top/step - 1e-9)); r <= maxRows {
				return scaled(float64(r) * m), max(r, 1)
			}
		}
	}
	return top, maxRows
}

// stepDecimals is how many decimals show a Y step exactly.
func stepDecimals(step float64) int {
	for d := 0; d < 6; d++ {
		p := step * math.Pow10(d)
		if math.Abs(p-math.Round(p)) < 1e-6 {
			return d
		}
	}
	return 6
}

// tickCount picks how many X labels to draw. asciigraph spaces them evenly
// from the first point to the last, so the count decides which times they
// fall on: preferably window starts, else whole multiples of a round unit
// (6h, 1h, 10m ...), with at least half as many labels as fit; else as many
// as fit, each labelled with the time at its column.
func tickCount(points, columns, labelWidth int, step time.Duration) int {
	fit := max(min((columns-1)/(labelWidth+2)+1, points, columns), 2)
	span := time.Duration(points-1) * step
	units := []time.Duration{step}
	for i := len(aggregate.WindowSizes) - 1; i >= 0; i-- {
		if u := aggregate.WindowSizes[i]; u < step {
			units = append(units, u)
		}
	}
	for _, u := range units {
		for n := fit; n >= 3 && 2*n >= fit; n-- {
			if span%(time.Duration(n-1)*u) == 0 {
				return n
			}
		}
	}
	return fit
}

// timeAxis maps a point's index (a window) to its start time.
type timeAxis struct {
	start  time.Time
	step   time.Duration
	layout string
	prec   time.Duration
}

func newTimeAxis(rep *aggregate.Report) (timeAxis, error) {
	first := rep.Windows[0]
	start, err := time.Parse(time.RFC3339, first.Start)
	if err != nil {
		return timeAxis{}, fmt.Errorf("window start %q: %w", first.Start, err)
	}
	var step time.Duration
	if rep.WindowSeconds != nil {
		step = time.Duration(math.Round(*rep.WindowSeconds * 1e9))
	} else if end, err := time.Parse(time.RFC3339, first.End); err == nil {
		step = end.Sub(start)
	}
	if step <= 0 {
		return timeAxis{}, fmt.Errorf("window %s to %s: no window size", first.Start, first.End)
	}
	ax := timeAxis{start: start.UTC(), step: step, layout: "15:04", prec: time.Minute}
	if step%time.Minute != 0 {
		ax.layout, ax.prec = "15:04:05", time.Second
	}
	last := ax.start.Add(time.Duration(max(len(rep.Windows)-1, 1)) * step)
	if last.Format("2006-01-02") != ax.start.Format("2006-01-02") {
		ax.layout = "01-02 " + ax.layout
	}
	return ax, nil
}

// label is the time at point v (a window index, maybe fractional).
func (ax timeAxis) label(v float64) string {
	return ax.start.Add(time.Duration(v * float64(ax.step))).Round(ax.prec).Format(ax.layout)
}

// size is the window size as a user writes it: 10m, 1h, 1d.
func (ax timeAxis) size() string {
	if ax.step%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", ax.step/(24*time.Hour))
	}
	s := ax.step.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// span is the report's span, or the windows' when it has none:
// "2026-11-25 17:28 to 17:35 UTC".
func (ax timeAxis) span(rep *aggregate.Report) string {
	from := ax.start
	to := ax.start.Add(time.Duration(len(rep.Windows)) * ax.step)
	if rep.Span.Start != nil && rep.Span.End != nil {
		a, err1 := time.Parse(time.RFC3339, *rep.Span.Start)
		b, err2 := time.Parse(time.RFC3339, *rep.Span.End)
		if err1 == nil && err2 == nil {
			from, to = a.UTC(), b.UTC()
		}
	}
	clock := "15:04"
	if ax.prec < time.Minute {
		clock = "15:04:05"
	}
	end := to.Format(clock)
	if to.Format("2006-01-02") != from.Format("2006-01-02") {
		end = to.Format("2006-01-02 " + clock)
	}
	return fmt.Sprintf("%s to %s UTC", from.Format("2006-01-02 "+clock), end)
}
