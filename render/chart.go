package render

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

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
	Quiet  bool   // no notes under the charts
	Wrap   int    // wrap the summary and notes at this width (a terminal's); 0: leave them whole
	// othersMean draws the folded workers as their mean per live worker
	// rather than their sum (the page: a sum over a large pool would set
	// the Y scale and flatten the top workers' lines).
	othersMean bool
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
	folded  int     // workers in the "others" series
}

// Charts writes (a) the metric per window for the top K workers (at most
// 12) plus "others", and (b) the skew per window: Gini and top-1 share on
// one chart, of CPU seconds for the metric cpu (a gap where the window's
// CPU skew is null) and of requests otherwise. With no windows it writes one line saying so. An
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
	drawChart(ew, skewChart(rep, ax, opt.Metric == "cpu"), ax, opt)
	return ew.err
}

// metricValue returns how a window shows the metric for one worker, and the
// metric's name in a caption.
func metricValue(rep *aggregate.Report, metric string, windowSeconds float64) (func(winCounts, string) float64, string, error) {
	has := func(f func(winCounts) int) bool {
		for _, win := range rep.Windows {
			if f(countsOf(win)) > 0 {
				return true
			}
		}
		return false
	}
	switch metric {
	case "requests":
		return func(win winCounts, k string) float64 { return float64(win.req[k]) }, "requests", nil
	case "busy":
		if !has(func(win winCounts) int { return len(win.secs) }) {
			return nil, "", fmt.Errorf("metric busy: the logs carry no request durations (gunicorn %%(D)s or %%(L)s, nginx $request_time)")
		}
		return func(win winCounts, k string) float64 { return finite(win.secs[k] / windowSeconds) },
			"busy (request seconds per second)", nil
	case "cpu":
		if !has(func(win winCounts) int { return len(win.cpu) }) {
			return nil, "", fmt.Errorf("metric cpu: no CPU data: the run has no process snapshots")
		}
		return func(win winCounts, k string) float64 { return finite(win.cpu[k] / windowSeconds) },
			"CPU cores (CPU seconds per second)", nil
	}
	return nil, "", fmt.Errorf("metric %q: want %s", metric, strings.Join(ChartMetrics, ", "))
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
	// A lone remaining worker is drawn as itself rather than as "others
	// (1)", when there is a character left for it.
	top, rest := keys, []string(nil)
	if len(keys) > opt.Top+1 || len(keys) > len(chartChars) {
		top, rest = keys[:opt.Top], keys[opt.Top:]
	}
	c := chart{
		caption: fmt.Sprintf("%s per %s window, %s", name, ax.size(), ax.span(rep)),
		integer: opt.Metric == "requests",
	}
	add := func(name, char string, color asciigraph.AnsiColor, keys []string) {
		vs := make([]float64, len(rep.Windows))
		for i, win := range rep.Windows {
			c := countsOf(win)
			for _, k := range keys {
				vs[i] += value(c, k)
			}
		}
		c.names, c.chars, c.colors = append(c.names, name), append(c.chars, char), append(c.colors, color)
		c.values = append(c.values, vs)
	}
	for i, k := range top {
		add(Clean(k), chartChars[i], chartColors[i], []string{k})
	}
	c.folded = len(rest)
	switch {
	case rest != nil && opt.othersMean:
		c.names, c.chars, c.colors = append(c.names, fmt.Sprintf("others (%d), mean per worker", len(rest))), append(c.chars, othersChar), append(c.colors, asciigraph.Gray)
		c.values = append(c.values, meanOfLive(rep, opt.Metric, value, rest))
	case rest != nil:
		add(fmt.Sprintf("others (%d)", len(rest)), othersChar, asciigraph.Gray, rest)
	}
	if len(c.values) == 0 {
		add("no workers", othersChar, asciigraph.Gray, nil)
	}
	return c, nil
}

// meanOfLive is, per window, the mean of the metric over those of keys live
// in the window (in its counts of the metric); NaN, a gap, where none is.
func meanOfLive(rep *aggregate.Report, metric string, value func(winCounts, string) float64, keys []string) []float64 {
	vs := make([]float64, len(rep.Windows))
	for i, win := range rep.Windows {
		c := countsOf(win)
		sum, n := 0.0, 0
		for _, k := range keys {
			if c.live(metric, k) {
				sum += value(c, k)
				n++
			}
		}
		vs[i] = math.NaN()
		if n > 0 {
			vs[i] = sum / float64(n)
		}
	}
	return vs
}

// live says whether worker k is in the window's counts of the metric.
func (c winCounts) live(metric, k string) bool {
	var ok bool
	switch metric {
	case "busy":
		_, ok = c.secs[k]
	case "cpu":
		_, ok = c.cpu[k]
	default:
		_, ok = c.req[k]
	}
	return ok
}

// rankedKeys orders the workers of the windows by their total of the
// metric, then as the report orders them, then by key.
func rankedKeys(rep *aggregate.Report, value func(winCounts, string) float64) []string {
	rank := map[string]int{}
	for i, w := range rep.Workers {
		rank[w.Key] = i
	}
	// Window by window, each window's counts made once; a worker absent
	// from a window adds nothing to its total.
	total := map[string]float64{}
	for _, win := range rep.Windows {
		c := countsOf(win)
		for _, k := range c.keys() {
			total[k] += value(c, k)
		}
	}
	keys := make([]string, 0, len(total))
	for k := range total {
		keys = append(keys, k)
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

// skewChart is chart (b): Gini and top-1 share per window, of requests, or
// of CPU seconds when cpu is set (NaN, a gap, where a window has none).
func skewChart(rep *aggregate.Report, ax timeAxis, cpu bool) chart {
	gini := make([]float64, len(rep.Windows))
	top1 := make([]float64, len(rep.Windows))
	what := "requests"
	if cpu {
		what = "CPU seconds"
	}
	gaps := false
	for i, win := range rep.Windows {
		s := &win.Skew
		if cpu {
			s = win.CPUSkew
		}
		if s == nil {
			gini[i], top1[i], gaps = math.NaN(), math.NaN(), true
			continue
		}
		gini[i] = min(finite(s.Gini), 1)
		top1[i] = min(finite(s.TopShare["1"]), 1)
	}
	caption := fmt.Sprintf("skew of %s per %s window, from 0 (even) to 1 (one worker)", what, ax.size())
	if gaps {
		caption += ", a gap where the busiest worker's CPU is under 10× its resolution"
	}
	return chart{
		caption: caption,
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
			if !math.IsNaN(v) {
				top = max(top, v)
			}
		}
	}
	return data, top
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

// winCounts are a window's counts per live worker (aggregate.Window.Counts),
// made once per window.
type winCounts struct {
	req       map[string]int64
	secs, cpu map[string]float64
}

func countsOf(win aggregate.Window) winCounts {
	req, secs, cpu := win.Counts()
	return winCounts{req, secs, cpu}
}

// keys are the keys of the three maps, each once, in no order.
func (c winCounts) keys() []string {
	keys := make([]string, 0, len(c.req))
	for k := range c.req {
		keys = append(keys, k)
	}
	for k := range c.secs {
		if _, ok := c.req[k]; !ok {
			keys = append(keys, k)
		}
	}
	for k := range c.cpu {
		_, inReq := c.req[k]
		_, inSecs := c.secs[k]
		if !inReq && !inSecs {
			keys = append(keys, k)
		}
	}
	return keys
}
