package render

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/check"
)

// annotationWindows is how many failing windows one annotation lists; the
// text output and the JUnit report list them all.
const annotationWindows = 5

// ghData escapes an annotation message as GitHub's workflow commands
// require (actions/toolkit escapeData).
var ghData = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// ghProperty escapes a property value such as title= (escapeProperty):
// also : and , which would end the property.
var ghProperty = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

// GitHubAnnotations writes one ::error workflow command per failing
// threshold, titled "skewer check: THRESHOLD", at most max of them (max <= 0
// means 10), then one ::warning saying how many more failed. A windowed
// threshold's message lists its first failing windows, one per line.
func GitHubAnnotations(w io.Writer, r check.Result, max int) error {
	if max <= 0 {
		max = 10
	}
	ew := &errWriter{w: w}
	shown, failed := 0, 0
	for _, g := range checkGroups(r) {
		if g.pass() {
			continue
		}
		failed++
		if shown == max {
			continue
		}
		shown++
		ew.printf("::error title=%s::%s\n",
			ghProperty.Replace("skewer check: "+g.first().Threshold), ghData.Replace(g.message()))
	}
	if more := failed - shown; more > 0 {
		ew.printf("::warning title=skewer check::%s not shown\n", ghData.Replace(Plural(int64(more), "more failing threshold")))
	}
	return ew.err
}

// message says why a threshold failed, in one line for a whole-run
// verdict, one more line per failing window (up to annotationWindows).
func (g checkGroup) message() string {
	v := g.first()
	if !g.windowed {
		return g.num.sentence(v)
	}
	lines := []string{v.Metric + " " + g.num.condition(v) + ": " + g.windowCount()}
	for i, f := range g.failed {
		if i == annotationWindows {
			lines = append(lines, fmt.Sprintf("and %s", Plural(int64(len(g.failed)-i), "more failing "+g.noun)))
			break
		}
		lines = append(lines, g.num.windowLine(f, ", "))
	}
	return strings.Join(lines, "\n")
}

// GitHubSummary writes markdown for $GITHUB_STEP_SUMMARY: a heading, a
// pass or fail line, a table of the thresholds (with the baseline columns
// when there is a baseline) and, with --each-window, the failing windows.
func GitHubSummary(w io.Writer, r check.Result) error {
	ew := &errWriter{w: w}
	gs := checkGroups(r)
	passed, failed, windows, windowed := checkTally(gs)
	ew.printf("## skewer check\n\n")
	if failed > 0 {
		ew.printf("❌ **Failed:** %d of %s failed.\n\n", failed, Plural(int64(len(gs)), "threshold"))
	} else {
		ew.printf("✅ **Passed:** all %s held.\n\n", Plural(int64(passed), "threshold"))
	}
	if r.Baseline != "" {
		ew.printf("Baseline: %s\n\n", mdText(r.Baseline))
	}
	if windowed {
		ew.printf("Evaluated per window: %s", Plural(int64(windows), windowNoun(r)))
		if r.WindowSeconds > 0 {
			ew.printf(" of %s", tlSize(float64(r.WindowSeconds)))
		}
		if r.Hosts > 0 {
			ew.printf(" on %d hosts", r.Hosts)
		}
		if r.SkippedWindows > 0 {
			ew.printf(", %s skipped", skippedWindows(r))
		}
		ew.printf(".\n\n")
	}
	baseline := anyBaseline(r)
	mdThresholds(ew, gs, baseline)
	if failed > 0 && windowed {
		ew.printf("\n### Failing windows\n\n")
		mdWindows(ew, gs, baseline)
	}
	return ew.err
}

func anyBaseline(r check.Result) bool {
	for _, v := range r.Verdicts {
		if v.Baseline != nil {
			return true
		}
	}
	return r.Baseline != ""
}

func mdResult(pass bool) string {
	if pass {
		return "✅"
	}
	return "❌"
}

// mdThresholds writes one row per threshold; a windowed threshold's
// observed cell says how many windows failed.
func mdThresholds(ew *errWriter, gs []checkGroup, baseline bool) {
	head, align := []string{"threshold", "observed"}, "| :--- | ---:"
	if baseline {
		head, align = append(head, "limit", "baseline", "delta"), align+" | ---: | ---: | ---:"
	}
	mdRow(ew, append(head, "result"))
	ew.printf("%s | :---: |\n", align)
	for _, g := range gs {
		v := g.first()
		row := []string{v.Threshold, g.num.value(v.Observed)}
		if g.windowed {
			row[1] = g.windowCount()
		}
		if baseline {
			// A window's delta is in the failing windows' table.
			b, d := "-", "-"
			if v.Baseline != nil {
				b = g.num.value(v.Baseline)
			}
			if v.Delta != nil && !g.windowed {
				d = g.num.delta(v.Delta)
			}
			row = append(row, g.num.limit(v.Limit), b, d)
		}
		mdRow(ew, append(row, mdResult(g.pass())))
	}
}

// mdWindows writes one row per failing window, with its host when each
// host's window was judged on its own.
func mdWindows(ew *errWriter, gs []checkGroup, baseline bool) {
	hosts := false
	for _, g := range gs {
		for _, v := range g.failed {
			hosts = hosts || v.Host != ""
		}
	}
	head, align := []string{"threshold", "window", "requests", "observed"}, "| :--- | :--- | ---: | ---:"
	if hosts {
		head, align = []string{"threshold", "window", "host", "requests", "observed"}, "| :--- | :--- | :--- | ---: | ---:"
	}
	if baseline {
		head, align = append(head, "baseline", "delta"), align+" | ---: | ---:"
	}
	mdRow(ew, head)
	ew.printf("%s |\n", align)
	for _, g := range gs {
		for _, v := range g.failed {
			row := []string{v.Threshold, windowRange(v), strconv.FormatInt(v.Requests, 10), g.num.value(v.Observed)}
			if hosts {
				row = slices.Insert(row, 2, v.Host)
			}
			if baseline {
				row = append(row, g.num.value(v.Baseline), g.num.delta(v.Delta))
			}
			mdRow(ew, row)
		}
	}
}

// The JUnit report: one testsuite, one testcase per threshold.
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string           `xml:"name,attr"`
		Tests      int              `xml:"tests,attr"`
		Failures   int              `xml:"failures,attr"`
		Errors     int              `xml:"errors,attr"`
		Properties *junitProperties `xml:"properties"`
		Cases      []junitCase      `xml:"testcase"`
	}
	junitProperties struct {
		Property []junitProperty `xml:"property"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Classname string        `xml:"classname,attr"`
		Name      string        `xml:"name,attr"`
		Failure   *junitFailure `xml:"failure"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitFailure struct {
		Message string `xml:"message,attr"`
		Type    string `xml:"type,attr"`
		Body    string `xml:",chardata"`
	}
)

// JUnit writes a JUnit XML report: a testsuite "skewer check" with one
// testcase per threshold, failed when the threshold failed (with
// --each-window: in any window, every failing window listed in the failure's
// body). A passing testcase's system-out has the observed value.
func JUnit(w io.Writer, r check.Result) error {
	s := junitSuite{Name: "skewer check", Properties: junitProps(r)}
	for _, g := range checkGroups(r) {
		c := junitCase{Classname: "skewer.check", Name: g.first().Threshold}
		if g.pass() {
			c.SystemOut = g.junitBody()
		} else {
			c.Failure = &junitFailure{Message: g.junitMessage(), Type: "threshold", Body: g.junitBody()}
			s.Failures++
		}
		s.Tests++
		s.Cases = append(s.Cases, c)
	}
	ew := &errWriter{w: w}
	ew.printf("%s", xml.Header)
	enc := xml.NewEncoder(ew)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Tests: s.Tests, Failures: s.Failures, Suites: []junitSuite{s}}); err != nil {
		return err
	}
	ew.printf("\n")
	return ew.err
}

// junitProps names the baseline and the windows, or is nil.
func junitProps(r check.Result) *junitProperties {
	var ps []junitProperty
	if r.Baseline != "" {
		ps = append(ps, junitProperty{"baseline", r.Baseline})
	}
	if r.WindowSeconds > 0 {
		ps = append(ps, junitProperty{"window_seconds", strconv.FormatInt(r.WindowSeconds, 10)})
	}
	if r.Windows > 0 || r.SkippedWindows > 0 {
		ps = append(ps,
			junitProperty{"windows", strconv.Itoa(r.Windows)},
			junitProperty{"skipped_windows", strconv.Itoa(r.SkippedWindows)})
	}
	if r.Hosts > 0 {
		ps = append(ps, junitProperty{"hosts", strconv.Itoa(r.Hosts)})
	}
	if ps == nil {
		return nil
	}
	return &junitProperties{ps}
}

// junitMessage is the failure's one-line message.
func (g checkGroup) junitMessage() string {
	v := g.first()
	if g.windowed {
		return v.Metric + " " + g.num.condition(v) + ": " + g.windowCount()
	}
	return g.num.sentence(v)
}

// junitBody is the observed value and, with a baseline, the baseline and
// the change; with windows, one line per failing window.
func (g checkGroup) junitBody() string {
	v := g.first()
	if g.windowed {
		lines := []string{v.Metric + " " + g.num.condition(v) + ": " + g.windowCount()}
		for _, f := range g.failed {
			lines = append(lines, g.num.windowLine(f, ", "))
		}
		return strings.Join(lines, "\n")
	}
	if g.failed != nil || !v.Pass {
		return g.num.sentence(v)
	}
	s := g.num.comparison(v)
	if b := g.num.against(v); b != "" {
		s += " (" + b + ")"
	}
	return s
}
