package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// browserPath finds a Chromium to drive. Without one the test is skipped,
// unless SKEWER_REQUIRE_BROWSER=1 (CI), which makes it fail.
func browserPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("SKEWER_REQUIRE_BROWSER") == "1" {
		t.Fatal("no browser found (chromium) and SKEWER_REQUIRE_BROWSER=1: apt-get install chromium")
	}
	t.Skip("no browser found (chromium): the html pages are not tested in a browser (CI sets SKEWER_REQUIRE_BROWSER=1)")
	return ""
}

// pageChart is what the browser shows of one chart.
type pageChart struct {
	ID     string  `json:"id"`
	Kind   string  `json:"kind"`
	Metric string  `json:"metric"`
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Title  string  `json:"title"`
	Desc   string  `json:"desc"`
	Series []struct {
		Name   string       `json:"name"`
		Points int          `json:"points"`
		Width  float64      `json:"width"`
		XY     [][2]float64 `json:"xy"`
	} `json:"series"`
	// A line chart's grid: the X extent of its lines, their Y from the
	// bottom up and the value each is labelled with.
	GridX  [2]float64 `json:"gridX"`
	GridY  []float64  `json:"gridY"`
	YTicks []float64  `json:"yticks"`
	// Thresholds are the Y of the dashed check lines.
	Thresholds []float64 `json:"thresholds"`
	// Axis is the X extent of the plot (its first axis line), Bars the
	// lifetime bars from top to bottom.
	Axis [2]float64 `json:"axis"`
	Bars []struct {
		Tip   string  `json:"tip"`
		X     float64 `json:"x"`
		Width float64 `json:"width"`
	} `json:"bars"`
}

// pageView is what the test reads from the rendered DOM.
type pageView struct {
	Charts   []pageChart `json:"charts"`
	Verdicts []string    `json:"verdicts"`
	Text     string      `json:"text"`
	Scripts  int         `json:"scripts"`
	Foreign  int         `json:"foreign"`
	Sorted   []string    `json:"sorted"`
	Unsorted []string    `json:"unsorted"`
	Light    string      `json:"light"`
}

// pageJS reads the page: each chart's box and its series (the points of a
// path are its M and L commands), the verdicts, the text, and the worker
// table's first column before and after a click on its requests header.
const pageJS = `(() => {
  const col = () => [...document.querySelectorAll("table.workers tbody tr")].map(r => r.cells[0].textContent);
  const v = {
    charts: [...document.querySelectorAll("figure.chart")].map(f => {
      const svg = f.querySelector("svg"), r = svg.getBoundingClientRect();
      return {id: f.id, kind: f.classList[1], metric: f.dataset.metric || "", width: r.width, height: r.height,
        title: svg.querySelector(":scope > title").textContent, desc: svg.querySelector(":scope > desc").textContent,
        series: [...svg.querySelectorAll("path.series")].map(p => ({name: p.getAttribute("data-series"),
          points: (p.getAttribute("d").match(/[ML]/g) || []).length, width: p.getBBox().width,
          xy: [...p.getAttribute("d").matchAll(/[ML](-?[0-9.]+) (-?[0-9.]+)/g)].map(m => [+m[1], +m[2]])})),
        gridX: (g => g ? [+g.getAttribute("x1"), +g.getAttribute("x2")] : [0, 0])(svg.querySelector("line.grid")),
        gridY: [...svg.querySelectorAll("line.grid")].map(l => +l.getAttribute("y1")),
        yticks: [...svg.querySelectorAll("text.ytick")].map(t => +t.textContent),
        thresholds: [...svg.querySelectorAll("line.threshold")].map(l => +l.getAttribute("y1")),
        axis: (a => a ? [+a.getAttribute("x1"), +a.getAttribute("x2")] : [0, 0])(svg.querySelector("line.axis")),
        bars: [...svg.querySelectorAll("rect.alive")].map(r => ({tip: r.querySelector("title").textContent,
          x: +r.getAttribute("x"), width: +r.getAttribute("width")}))};
    }),
    verdicts: [...document.querySelectorAll(".verdict-text")].map(e => e.textContent),
    text: document.body.innerText,
    scripts: document.scripts.length,
    foreign: document.querySelectorAll("img, iframe, object, embed, b, a, form, input, link, base").length,
    unsorted: col(),
    light: getComputedStyle(document.body).backgroundColor,
  };
  const th = [...document.querySelectorAll("table.workers thead th")].find(h => h.textContent === "requests");
  if (th) { th.click(); }
  v.sorted = col();
  return v;
})()`

// browserPage is one page to open and what to expect of it.
type browserPage struct {
	name      string
	html      []string  // skewer arguments that write the page
	json      []string  // skewer arguments that write its report with windows (nil: not checked)
	explain   []string  // skewer arguments that write its explanation(s)
	series    int       // workers drawn as their own lines (--top of timeline; 5 by default)
	first     string    // the load chart's metric drawn first
	hostile   []string  // worker keys that must show as text
	requests  bool      // whether the worker table has a requests column to sort by
	lifetimes int       // lifetime bars the page draws, counted by hand (0: not checked)
	drawn     []float64 // the values of the -t conditions drawn on the skew chart
	notDrawn  string    // the page's note of those it cannot draw
}

// TestHTMLInBrowser opens pages in headless Chromium and checks what it
// renders against skewer's JSON output of the same inputs, computed here
// independently: no exception or console error, every chart drawn with a
// size, one series per plotted worker with one point per window, the
// verdicts and the busiest workers in the page, a screenshot that is not
// blank, and a hostile log rendered as text.
func TestHTMLInBrowser(t *testing.T) {
	bin := browserPath(t)
	corpus := testutil.Corpus(t)
	hostileDir, by := writeHostileLog(t)
	t.Chdir(corpus)
	pages := []browserPage{
		{name: "report", html: []string{"report", "-o", "html", "-t", "top1_share<0.5", "-t", "gini<baseline", "gunicorn-sync-17"},
			json:    []string{"report", "--window", "auto", "-o", "json", "gunicorn-sync-17"},
			explain: []string{"explain", "-o", "json", "gunicorn-sync-17"}, series: 5, first: "requests", requests: true,
			drawn: []float64{0.5}, notDrawn: "Check conditions not drawn: gini<baseline (it compares with a baseline)."},
		{name: "timeline", html: []string{"timeline", "-o", "html", "--window", "10s", "--top", "3", "--metric", "busy", "-t", "gini<0.3", "gunicorn-sync-17/access.log"},
			json:    []string{"timeline", "--window", "10s", "-o", "json", "gunicorn-sync-17/access.log"},
			explain: []string{"explain", "--window", "10s", "-o", "json", "gunicorn-sync-17/access.log"}, series: 3, first: "busy", requests: true,
			drawn: []float64{0.3}},
		{name: "explain", html: []string{"explain", "-o", "html", "nginx-proxy"},
			explain: []string{"explain", "-o", "json", "nginx-proxy"}, requests: true},
		{name: "hostile", html: []string{"report", "-o", "html", "--by", by, hostileDir},
			json:    []string{"report", "--window", "auto", "-o", "json", "--by", by, hostileDir},
			explain: []string{"explain", "-o", "json", "--by", by, hostileDir}, series: 5, first: "requests", requests: true,
			hostile: []string{`<script>alert(3)</script>`, `w3"onmouseover="alert(4)`, `</desc></svg><script>alert(6)</script>`,
				by, `<img src=x onerror=alert(2)>.log`}},
		// One ps snapshot and no log: no windows, but an alive interval
		// for each of its 17 workers (the README of the corpus).
		{name: "seed", html: []string{"report", "-o", "html", "--ps-time", "2026-10-12T21:00:00Z", "seed-question"},
			json:    []string{"report", "--window", "auto", "-o", "json", "--ps-time", "2026-10-12T21:00:00Z", "seed-question"},
			explain: []string{"explain", "-o", "json", "--ps-time", "2026-10-12T21:00:00Z", "seed-question"}, lifetimes: 17},
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.WindowSize(1100, 900))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	bctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	dir := t.TempDir()
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			file := filepath.Join(dir, p.name+".html")
			if err := os.WriteFile(file, []byte(runHTML(t, p.html...)), 0o644); err != nil {
				t.Fatal(err)
			}
			view, problems, shot := openPage(t, bctx, file)
			for _, pr := range problems {
				t.Errorf("browser: %s", pr)
			}
			checkPage(t, p, view)
			checkScreenshot(t, shot)
		})
	}
}

// openPage opens file in a new tab and returns what the page shows, the
// exceptions, console errors and warnings, browser log errors and dialogs it
// caused, and a screenshot.
func openPage(t *testing.T, bctx context.Context, file string) (pageView, []string, []byte) {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx)
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()
	var mu sync.Mutex
	var problems []string
	if err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+ev.ExceptionDetails.Text+" "+describe(ev.ExceptionDetails.Exception))
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range ev.Args {
					args = append(args, describe(a))
				}
				problems = append(problems, fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
				problems = append(problems, fmt.Sprintf("log %s (%s): %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text))
			}
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "dialog: "+ev.Message)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+file)); err != nil {
		t.Fatal(err)
	}
	view, err := chromedp.Run(ctx, chromedp.Evaluate[pageView](pageJS))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	// Dark mode: the page's own colours follow prefers-color-scheme.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	dark, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).backgroundColor`))
	if err != nil {
		t.Fatal(err)
	}
	if dark == view.Light {
		t.Errorf("background %s in dark mode as in light mode", dark)
	}
	mu.Lock()
	defer mu.Unlock()
	return view, slices.Clone(problems), shot
}

func describe(o *runtime.RemoteObject) string {
	if o == nil {
		return ""
	}
	if o.Description != "" {
		return o.Description
	}
	return string(o.Value)
}

// windowsDoc is the part of a report with windows the browser test reads.
type windowsDoc struct {
	Workers []struct {
		Key       string     `json:"key"`
		Requests  int64      `json:"requests"`
		AliveFrom *time.Time `json:"alive_from"`
		AliveTo   *time.Time `json:"alive_to"`
	} `json:"workers"`
	WindowSeconds float64 `json:"window_seconds"`
	Windows       []struct {
		Skew struct {
			Gini     float64            `json:"gini"`
			TopShare map[string]float64 `json:"top_share"`
		} `json:"skew"`
		CPUSkew *struct {
			Gini     float64            `json:"gini"`
			TopShare map[string]float64 `json:"top_share"`
		} `json:"cpu_skew"`
		Start          time.Time          `json:"start"`
		End            time.Time          `json:"end"`
		Requests       map[string]float64 `json:"requests"`
		RequestSeconds map[string]float64 `json:"request_seconds"`
		CPUSeconds     map[string]float64 `json:"cpu_seconds"`
	} `json:"windows"`
}

// wantSeries is the legend of a load chart and its values per window, from
// the report's windows: the workers ranked by their total of the metric
// over the windows (ties: as the report orders workers, then by key), the
// first n as their own lines (0 where a worker is not in a window) and the
// rest as one "others (N), mean per worker" line, unless only one is left:
// in each window, the mean of those of the rest that are in the window's
// counts (alive in it), NaN (a gap) where none is. Busy and CPU are per
// second of window.
func wantSeries(doc windowsDoc, metric string, n int) ([]string, [][]float64) {
	of := func(i int) map[string]float64 {
		w := doc.Windows[i]
		return map[string]map[string]float64{"requests": w.Requests, "busy": w.RequestSeconds, "cpu": w.CPUSeconds}[metric]
	}
	per := 1.0
	if metric != "requests" {
		per = doc.WindowSeconds
	}
	total := map[string]float64{}
	for i := range doc.Windows {
		for k, v := range of(i) {
			total[k] += v
		}
	}
	rank := map[string]int{}
	for i, w := range doc.Workers {
		rank[w.Key] = i
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
	own, rest := keys, []string(nil)
	if len(keys) > n+1 {
		own, rest = keys[:n:n], keys[n:]
	}
	names := slices.Clone(own)
	values := make([][]float64, len(own))
	for s, k := range own {
		for i := range doc.Windows {
			values[s] = append(values[s], of(i)[k]/per)
		}
	}
	if rest != nil {
		names = append(names, fmt.Sprintf("others (%d), mean per worker", len(rest)))
		var mean []float64
		for i := range doc.Windows {
			sum, live := 0.0, 0
			for _, k := range rest {
				if v, ok := of(i)[k]; ok {
					sum, live = sum+v, live+1
				}
			}
			mean = append(mean, math.NaN())
			if live > 0 {
				mean[i] = sum / float64(live) / per
			}
		}
		values = append(values, mean)
	}
	return names, values
}

// wantSkew is the Gini and top-1 share per window, of requests or of CPU
// seconds (NaN where a window has no CPU skew).
func wantSkew(doc windowsDoc, cpu bool) [][]float64 {
	out := make([][]float64, 2)
	for _, w := range doc.Windows {
		gini, top1 := w.Skew.Gini, w.Skew.TopShare["1"]
		if cpu && w.CPUSkew == nil {
			gini, top1 = math.NaN(), math.NaN()
		} else if cpu {
			gini, top1 = w.CPUSkew.Gini, w.CPUSkew.TopShare["1"]
		}
		out[0], out[1] = append(out[0], min(gini, 1)), append(out[1], min(top1, 1))
	}
	return out
}

// checkPoints wants a series' points where its values put them: one per
// window that has a value, in the middle of the window, at the value's
// height on the chart's labelled grid (the top label is the axis' top).
func checkPoints(t *testing.T, c pageChart, name string, xy [][2]float64, vs []float64) {
	t.Helper()
	if len(c.GridY) < 2 || len(c.GridY) != len(c.YTicks) {
		t.Errorf("chart %s: %d grid lines and %d labels", c.ID, len(c.GridY), len(c.YTicks))
		return
	}
	last := len(c.GridY) - 1
	top, y0, y1 := c.YTicks[last], c.GridY[0], c.GridY[last]
	var want [][2]float64
	for i, v := range vs {
		if !math.IsNaN(v) {
			x := c.GridX[0] + (c.GridX[1]-c.GridX[0])*(float64(i)+0.5)/float64(len(vs))
			want = append(want, [2]float64{x, y0 + (y1-y0)*min(v, top)/top})
		}
	}
	if len(xy) != len(want) {
		t.Errorf("chart %s (%s): series %s has %d points, want %d (one per window with a value)", c.ID, c.Metric, name, len(xy), len(want))
		return
	}
	for i := range xy {
		if math.Abs(xy[i][0]-want[i][0]) > 0.06 || math.Abs(xy[i][1]-want[i][1]) > 0.06 {
			t.Errorf("chart %s (%s): series %s point %d at %v, want %.2f", c.ID, c.Metric, name, i, xy[i], want[i])
			return
		}
	}
}

func checkPage(t *testing.T, p browserPage, view pageView) {
	t.Helper()
	if len(view.Charts) == 0 {
		t.Fatal("no charts in the page")
	}
	if view.Scripts != 1 || view.Foreign != 0 {
		t.Errorf("got %d scripts and %d foreign elements, want 1 and 0", view.Scripts, view.Foreign)
	}
	for _, c := range view.Charts {
		if !(c.Width > 0 && c.Height > 0) {
			t.Errorf("chart %s (%s): box %gx%g, want a size", c.ID, c.Title, c.Width, c.Height)
		}
		if c.Title == "" || c.Desc == "" {
			t.Errorf("chart %s: title %q, desc %q: want both", c.ID, c.Title, c.Desc)
		}
		for _, s := range c.Series {
			if !(s.Width > 0) {
				t.Errorf("chart %s: series %s drawn %g wide", c.ID, s.Name, s.Width)
			}
		}
	}
	// The verdicts, from the explanation(s) in JSON.
	var summaries []string
	_, out, _ := runSkewer(t, p.explain...)
	var one struct {
		Verdict struct{ Summary string } `json:"verdict"`
	}
	var many []struct {
		Verdict struct{ Summary string } `json:"verdict"`
	}
	if strings.HasPrefix(strings.TrimSpace(out), "[") {
		if err := json.Unmarshal([]byte(out), &many); err != nil {
			t.Fatal(err)
		}
		for _, e := range many {
			summaries = append(summaries, e.Verdict.Summary)
		}
	} else {
		if err := json.Unmarshal([]byte(out), &one); err != nil {
			t.Fatal(err)
		}
		summaries = append(summaries, one.Verdict.Summary)
	}
	if !slices.Equal(view.Verdicts, summaries) {
		t.Errorf("verdicts in the page:\n%q\nwant (explain -o json):\n%q", view.Verdicts, summaries)
	}
	if p.requests && (len(view.Sorted) < 2 || slices.Equal(view.Sorted, view.Unsorted)) {
		t.Errorf("worker table: a click on requests left the order %q as it was", view.Sorted)
	}
	for _, h := range p.hostile {
		if !strings.Contains(view.Text, h) {
			t.Errorf("the page's text lacks %q (the log's worker key, as text)", h)
		}
	}
	if p.json == nil {
		return
	}
	var doc windowsDoc
	runJSON(t, 0, &doc, p.json...)
	// The busiest workers by requests are in the page.
	for _, w := range doc.Workers[:min(5, len(doc.Workers))] {
		if !strings.Contains(view.Text, w.Key) {
			t.Errorf("worker %s (%d requests) is not in the page", w.Key, w.Requests)
		}
	}
	checkLifetimes(t, p, doc, view)
	if len(doc.Windows) == 0 {
		for _, c := range view.Charts {
			if c.Kind == "line" {
				t.Errorf("chart %s (%s): a line chart of a run without windows", c.ID, c.Metric)
			}
		}
		return
	}
	metrics := 0
	for _, c := range view.Charts {
		if c.Kind != "line" {
			continue
		}
		var names []string
		for _, s := range c.Series {
			names = append(names, s.Name)
		}
		var want [][]float64
		switch c.Metric {
		case "skew", "cpu-skew":
			want = wantSkew(doc, c.Metric == "cpu-skew")
			if !slices.Equal(names, []string{"gini", "top-1 share"}) {
				t.Errorf("chart %s (%s): series %q, want gini and top-1 share", c.ID, c.Metric, names)
				continue
			}
		default:
			if metrics == 0 && c.Metric != p.first {
				t.Errorf("first load chart: %s, want %s", c.Metric, p.first)
			}
			metrics++
			var wantNames []string
			wantNames, want = wantSeries(doc, c.Metric, p.series)
			if !slices.Equal(names, wantNames) {
				t.Errorf("chart %s (%s): series %q, want %q", c.ID, c.Metric, names, wantNames)
				continue
			}
		}
		for i, s := range c.Series {
			checkPoints(t, c, s.Name, s.XY, want[i])
		}
		if c.Metric == "skew" {
			checkThresholds(t, c, p.drawn)
		}
	}
	if metrics == 0 {
		t.Error("no load chart in the page")
	}
	if p.notDrawn != "" && !strings.Contains(view.Text, p.notDrawn) {
		t.Errorf("the page lacks the note %q", p.notDrawn)
	}
}

// checkThresholds wants a dashed line at the height of each value.
func checkThresholds(t *testing.T, c pageChart, values []float64) {
	t.Helper()
	if len(c.Thresholds) != len(values) || len(c.GridY) < 2 {
		t.Errorf("chart %s: %d check lines, want %d", c.ID, len(c.Thresholds), len(values))
		return
	}
	last := len(c.GridY) - 1
	for i, v := range values {
		if y := c.GridY[0] + (c.GridY[last]-c.GridY[0])*v/c.YTicks[last]; math.Abs(c.Thresholds[i]-y) > 0.06 {
			t.Errorf("chart %s: check line %g at y %g, want %.2f", c.ID, v, c.Thresholds[i], y)
		}
	}
}

// checkLifetimes wants one bar per worker with an alive interval in the
// JSON (the 60 busiest at most), in order of start, each as long and where
// its interval is on a time axis from the first window or birth to the last
// window or exit.
func checkLifetimes(t *testing.T, p browserPage, doc windowsDoc, view pageView) {
	t.Helper()
	type alive struct {
		key      string
		from, to time.Time
	}
	var want []alive
	for _, w := range doc.Workers {
		if w.AliveFrom != nil && w.AliveTo != nil && len(want) < 60 {
			want = append(want, alive{w.Key, *w.AliveFrom, *w.AliveTo})
		}
	}
	if p.lifetimes > 0 && len(want) != p.lifetimes {
		t.Errorf("%d workers with an alive interval in the JSON, want %d", len(want), p.lifetimes)
	}
	sort.SliceStable(want, func(i, j int) bool {
		if !want[i].from.Equal(want[j].from) {
			return want[i].from.Before(want[j].from)
		}
		return want[i].key < want[j].key
	})
	var chart *pageChart
	for i, c := range view.Charts {
		if c.Kind == "lifetimes" {
			chart = &view.Charts[i]
		}
	}
	if chart == nil {
		if len(want) > 0 {
			t.Errorf("no lifetime chart, though %d workers have alive intervals", len(want))
		}
		return
	}
	if len(chart.Bars) != len(want) {
		t.Fatalf("lifetime chart: %d bars, want %d", len(chart.Bars), len(want))
	}
	from, to := want[0].from, want[0].to
	for _, w := range want {
		from, to = minTime(from, w.from), maxTime(to, w.to)
	}
	if n := len(doc.Windows); n > 0 {
		from, to = minTime(from, doc.Windows[0].Start), maxTime(to, doc.Windows[n-1].End)
	}
	span, plot := to.Sub(from).Seconds(), chart.Axis[1]-chart.Axis[0]
	for i, b := range chart.Bars {
		w := want[i]
		if !strings.HasPrefix(b.Tip, "worker "+w.key+": alive ") {
			t.Errorf("lifetime bar %d: %q, want worker %s", i, b.Tip, w.key)
		}
		x := chart.Axis[0] + plot*w.from.Sub(from).Seconds()/span
		width := max(plot*w.to.Sub(w.from).Seconds()/span, 1)
		if math.Abs(b.X-x) > 0.11 || math.Abs(b.Width-width) > 0.11 {
			t.Errorf("lifetime bar of %s: x %g width %g, want %.1f and %.1f (alive %s to %s)", w.key, b.X, b.Width, x, width, w.from, w.to)
		}
	}
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// checkScreenshot wants a PNG whose pixels are not all the background:
// at least 1% of them differ from the top-left pixel, in several colours.
func checkScreenshot(t *testing.T, shot []byte) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	b := img.Bounds()
	bg := img.At(b.Min.X, b.Min.Y)
	colours := map[[4]uint32]bool{}
	differ := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.At(x, y)
			r, g, bl, a := c.RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
			if c != bg {
				differ++
			}
		}
	}
	if n := b.Dx() * b.Dy(); differ*100 < n || len(colours) < 4 {
		t.Errorf("screenshot %v looks blank: %d of %d pixels differ from the background, %d colours", b, differ, n, len(colours))
	}
}
