package render

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/explain"
)

// HTMLPart is one server family on a page: its report and, when known,
// its explanation (the page opens with the verdict).
type HTMLPart struct {
	Report *aggregate.Report
	Why    *explain.Explanation
}

// HTMLOptions control an HTML page.
type HTMLOptions struct {
	// Title heads the page: "skewer report", "skewer explain".
	Title string
	// Top is how many workers the table and the share chart show; the
	// rest are folded into one "others" row (0: every worker).
	Top int
	// Series is how many workers the load charts draw as their own lines;
	// the rest are one "others" line (0: 5, at most 12).
	Series int
	// Metric is the load chart drawn first: requests, busy or cpu.
	Metric string
	// Thresholds are check conditions drawn on the skew charts: those on
	// gini and top1_share (cpu_ for CPU) with a plain number; the page says
	// which it could not draw, and why.
	Thresholds []check.Threshold
}

//go:embed html.tmpl
var htmlText string

// htmlScript sorts the worker table by a clicked column; the page is
// complete without it. Its hash goes into the page's Content-Security-Policy,
// which allows nothing else to run or load.
const htmlScript = `document.querySelectorAll("table.sortable").forEach(function (t) {
  var body = t.tBodies[0];
  t.querySelectorAll("thead th").forEach(function (th, col) {
    th.tabIndex = 0;
    var sort = function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      t.querySelectorAll("thead th").forEach(function (o) { o.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var key = function (tr) {
        var s = tr.cells[col].textContent, v = parseFloat(s);
        return isNaN(v) ? s : v;
      };
      Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = key(a), y = key(b), c;
        if (typeof x === typeof y) { c = x < y ? -1 : x > y ? 1 : 0; } else { c = typeof x === "number" ? 1 : -1; }
        return asc ? c : -c;
      }).forEach(function (tr) { body.appendChild(tr); });
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") { sort(); } });
  });
});`

var htmlTemplate = template.Must(template.New("page").Parse(htmlText))

// htmlCSP allows the page's own styles and its one script, and nothing
// from anywhere else: the page works offline and loads nothing.
var htmlCSP = func() string {
	sum := sha256.Sum256([]byte(htmlScript))
	return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
		base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// HTML writes one self-contained page: for each part the verdict and
// mechanisms, the headline figures, the charts as inline SVG, the worker
// table, what changed and the advice, then the inputs and notes. Every
// string from a log is escaped by html/template; the output is the same
// for the same report.
func HTML(w io.Writer, parts []HTMLPart, opt HTMLOptions) error {
	page := htmlPage{Title: opt.Title, CSP: htmlCSP, Script: template.JS(htmlScript)}
	if page.Title == "" {
		page.Title = "skewer report"
	}
	for i, p := range parts {
		s, err := htmlSection(i, p, opt)
		if err != nil {
			return err
		}
		page.Sections = append(page.Sections, s)
	}
	// Rendered to memory so that a template error writes nothing.
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlPage is what the template draws.
type htmlPage struct {
	Title    string
	CSP      string
	Script   template.JS
	Sections []section
}

// section is one family's part of the page.
type section struct {
	ID        string
	Heading   string
	Verdict   *htmlVerdict
	Headline  string
	Figures   []figure
	Charts    []svgChart
	Table     htmlTable
	Hosts     *htmlTable
	Changes   []string
	Advice    []string
	ToSettle  []string
	Inputs    []string
	InputLine string
	Span      string
	Notes     []string
}

// htmlVerdict is an explanation's top: the harm word, its sentence, the
// mechanisms with all their evidence and the figures behind the verdict.
type htmlVerdict struct {
	Harm       string
	Summary    string
	Mechanisms []htmlMechanism
	Evidence   []string
	Memory     string
}

type htmlMechanism struct {
	Name, Confidence string
	Evidence         []string
}

// figure is one headline figure: a name, its value and what it is over.
type figure struct{ Name, Value, Over string }

type htmlTable struct {
	Intro  string
	Head   []string
	Rows   [][]string
	Others []string
}

func htmlSection(i int, p HTMLPart, opt HTMLOptions) (section, error) {
	rep := p.Report
	s := section{ID: fmt.Sprintf("f%d", i)}
	s.Heading = "skewer"
	if rep.Family != "" {
		s.Heading = Clean(rep.Family)
	}
	if p.Why != nil {
		s.Verdict, s.Changes, s.Advice, s.ToSettle = htmlExplanation(p.Why)
		if c := p.Why.Server.WorkerClass; c != nil && *c != rep.Family {
			s.Heading += " (" + Clean(*c) + ")"
		}
		for _, n := range p.Why.Notes {
			s.Notes = append(s.Notes, Clean(n))
		}
	}
	s.Headline = Summary(rep)
	s.Figures = htmlFigures(rep)
	charts, notes, err := htmlCharts(s.ID, rep, opt)
	if err != nil {
		return section{}, err
	}
	s.Charts = charts
	s.Table = htmlWorkers(rep, opt.Top)
	if rows := hostRows(rep); rows != nil {
		for _, r := range rows {
			r[0] = Clean(r[0]) // the host, from the log
		}
		s.Hosts = &htmlTable{Intro: hostIntro(rep.WindowSkew), Head: hostHead, Rows: rows}
	}
	s.InputLine, s.Inputs = htmlInputs(rep)
	if !rep.Span.Start.IsZero() && !rep.Span.End.IsZero() {
		s.Span = fmt.Sprintf("%s to %s (%s)", rep.Span.Start, rep.Span.End, spanDuration(rep))
	}
	s.Notes = append(append(s.Notes, Footnotes(rep)...), notes...)
	return s, nil
}

func htmlExplanation(e *explain.Explanation) (v *htmlVerdict, changes, advice, settle []string) {
	v = &htmlVerdict{Harm: e.Verdict.Harm, Summary: Clean(e.Verdict.Summary)}
	for _, m := range e.Mechanisms {
		hm := htmlMechanism{Name: m.Name, Confidence: m.Confidence}
		for _, ev := range m.Evidence {
			hm.Evidence = append(hm.Evidence, Clean(ev))
		}
		v.Mechanisms = append(v.Mechanisms, hm)
	}
	for _, h := range e.HarmEvidence {
		v.Evidence = append(v.Evidence, fmt.Sprintf("%s of worker %s: %s in the window from %s",
			h.Signal, Clean(h.Worker), sig2(h.Value), Clean(h.WindowStart)))
	}
	v.Memory = fmt.Sprintf("memory %s: %s", e.Memory.Pattern, Clean(e.Memory.Evidence))
	for _, c := range e.Changes {
		changes = append(changes, fmt.Sprintf("%s: %s → %s: %s", c.At, Clean(c.From), Clean(c.To), Clean(c.Cause)))
	}
	for _, a := range e.Advice {
		text := a.Text
		if len(a.Settings) > 0 {
			text += " (" + strings.Join(a.Settings, ", ") + ")"
		}
		advice = append(advice, fmt.Sprintf("%s [%s]", Clean(text), Clean(a.Fact)))
	}
	for _, t := range e.ToSettle {
		settle = append(settle, Clean(t))
	}
	return v, changes, advice, settle
}

// htmlFigures are the headline figures: the typical window, then the
// whole span.
func htmlFigures(rep *aggregate.Report) []figure {
	var out []figure
	if ws := rep.WindowSkew; ws != nil && ws.MedianGini != nil {
		over := fmt.Sprintf("typical %s window (median of %d counted of %d)", windowSize(ws.WindowSeconds), ws.Counted, ws.Windows)
		out = append(out, figure{"gini", fmt.Sprintf("%.3f", *ws.MedianGini), over})
		if ws.MedianTop1Share != nil {
			out = append(out, figure{"top-1 share", percent(*ws.MedianTop1Share), over})
		}
		if ws.NoiseGini != nil {
			out = append(out, figure{"gini by chance", fmt.Sprintf("%.3f", *ws.NoiseGini), over})
		}
	}
	if rep.Attributed == 0 {
		return out
	}
	over := "whole span"
	if d := spanDuration(rep); d != "" {
		over += " (" + d + ")"
	}
	s := rep.Skew
	out = append(out,
		figure{"gini", fmt.Sprintf("%.3f", s.Gini), over},
		figure{"top-1 share", percent(s.TopShare["1"]), over},
		figure{"workers", fmt.Sprintf("%d (%d active)", s.Workers, s.ActiveWorkers), over})
	if s.EffectiveWorkers != nil {
		out = append(out, figure{"effective workers", fmt.Sprintf("%.1f", *s.EffectiveWorkers), over})
	}
	if c := rep.CPUSkew; c != nil {
		out = append(out, figure{"CPU gini", fmt.Sprintf("%.3f", c.Gini), over})
	}
	return out
}

func htmlWorkers(rep *aggregate.Report, top int) htmlTable {
	cs := columns(rep)
	t := htmlTable{Head: tableHeader(cs, rep)}
	shown, others, folded := rep.Fold(top)
	for _, w := range shown {
		t.Rows = append(t.Rows, tableRow(cs, w, w.Key))
	}
	if others != nil {
		t.Others = tableRow(cs, *others, fmt.Sprintf("others (%d)", folded))
	}
	return t
}

// htmlInputs are the run's line counts and one line per input.
func htmlInputs(rep *aggregate.Report) (string, []string) {
	var b strings.Builder
	l := rep.Lines
	if l.Total > 0 {
		fmt.Fprintf(&b, "%d access lines, %d parsed, %d rejected", l.Total, l.Parsed, l.Rejected)
	} else {
		b.WriteString(otherInputs(rep))
	}
	if rep.Excluded > 0 {
		fmt.Fprintf(&b, ", %d excluded", rep.Excluded)
	}
	var ins []string
	for _, in := range rep.Inputs {
		if in.Ignored != nil {
			ins = append(ins, fmt.Sprintf("%s: skipped (%s)", Clean(in.Path), Clean(shortIgnored(in))))
			continue
		}
		line := Clean(in.Path) + ": " + Clean(inputLine(in))
		if in.Note != "" {
			line += " (" + Clean(in.Note) + ")"
		}
		ins = append(ins, line)
	}
	return Clean(b.String()), ins
}
