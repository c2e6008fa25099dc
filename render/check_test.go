package render

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/check"
	"github.com/skewer-dev/skewer/internal/testutil"
)

func f64(v float64) *float64 { return &v }

// verdict is a whole-run verdict of threshold text (metric, op and the
// rest split by hand).
func verdict(text, metric, op string, limit, observed float64, pass bool) check.Verdict {
	return check.Verdict{Threshold: text, Metric: metric, Op: check.Op(op), Limit: limit, Observed: f64(observed), Pass: pass}
}

// withBaseline adds a baseline value and the delta, worked out by hand.
func withBaseline(v check.Verdict, baseline, delta float64) check.Verdict {
	v.Baseline, v.Delta = f64(baseline), f64(delta)
	return v
}

// inWindow makes v the verdict of the 5-minute window starting at
// 2026-11-25T17:MM:00Z, with requests requests.
func inWindow(v check.Verdict, minute int, requests int64) check.Verdict {
	v.WindowStart = stamp(fmt.Sprintf("2026-11-25T17:%02d:00Z", minute))
	v.WindowEnd = stamp(fmt.Sprintf("2026-11-25T17:%02d:00Z", minute+5))
	v.Requests = requests
	return v
}

// result fills in the counts of a hand-built result; passed and failed
// count thresholds, as the text's summary line does.
func result(passed, failed int, vs ...check.Verdict) check.Result {
	return check.Result{Schema: check.Schema, Pass: failed == 0, Passed: passed, Failed: failed, Verdicts: vs}
}

func windowsResult() check.Result {
	// top1_share<0.5 over five windows: 17:05 and 17:20 fail. gini<0.6
	// holds in all five. The check package lists windows first.
	shares := []float64{0.31, 0.612, 0.44, 0.38, 0.5404}
	ginis := []float64{0.21, 0.48, 0.33, 0.29, 0.45}
	reqs := []int64{980, 1234, 1102, 870, 1010}
	var vs []check.Verdict
	for i := range shares {
		vs = append(vs,
			inWindow(verdict("top1_share<0.5", "top1_share", "<", 0.5, shares[i], shares[i] < 0.5), i*5, reqs[i]),
			inWindow(verdict("gini<0.6", "gini", "<", 0.6, ginis[i], true), i*5, reqs[i]))
	}
	r := result(1, 1, vs...)
	r.Windows, r.SkippedWindows, r.WindowSeconds = 5, 1, 300
	return r
}

func manyResult() check.Result {
	var vs []check.Verdict
	for k := 1; k <= 12; k++ {
		vs = append(vs, verdict(fmt.Sprintf("top%d_share<%.2f", k, float64(k)/100), fmt.Sprintf("top%d_share", k), "<", float64(k)/100, 0.5, false))
	}
	return result(0, 12, vs...)
}

// checkCases are hand-built results: the rendering is checked against
// golden files, reviewed by eye.
var checkCases = []struct {
	name string
	r    check.Result
}{
	{"pass", result(3, 0,
		verdict("gini<0.35", "gini", "<", 0.35, 0.2841, true),
		verdict("top1_share<0.25", "top1_share", "<", 0.25, 0.1985, true),
		verdict("active_workers>=12", "active_workers", ">=", 12, 14, true))},
	{"fail", result(2, 1,
		verdict("gini<0.35", "gini", "<", 0.35, 0.2841, true),
		verdict("top1_share<0.25", "top1_share", "<", 0.25, 0.412, false),
		verdict("active_workers>=12", "active_workers", ">=", 12, 14, true))},
	{"baseline", func() check.Result {
		r := result(3, 1,
			// 0.301+0.05 = 0.351; 0.412−0.301 = +0.111.
			withBaseline(verdict("gini<=baseline+0.05", "gini", "<=", 0.351, 0.412, false), 0.301, 0.111),
			// 13.8×0.9 = 12.42; 13.46−13.8 = −0.34.
			withBaseline(verdict("effective_workers>=baseline*0.9", "effective_workers", ">=", 12.42, 13.46, true), 13.8, -0.34),
			// 17×0.9 = 15.3 (in float64, 15.299999999999999); 16−17 = −1.
			withBaseline(verdict("active_workers>=baseline*0.9", "active_workers", ">=", 17*0.9, 16, true), 17, -1),
			// No baseline expression: the baseline is still shown.
			withBaseline(verdict("top1_share<0.25", "top1_share", "<", 0.25, 0.1985, true), 0.2105, -0.012))
		r.Baseline = "baseline.json"
		return r
	}()},
	{"windows", windowsResult()},
	{"windows_baseline", func() check.Result {
		// gini<=baseline+0.05 with baseline 0.301 (limit 0.351) over
		// three windows; 17:05 fails by +0.119 over the baseline, the
		// others are below the baseline (negative deltas).
		var vs []check.Verdict
		for i, g := range []float64{0.288, 0.42, 0.297} {
			v := withBaseline(verdict("gini<=baseline+0.05", "gini", "<=", 0.351, g, g <= 0.351), 0.301, []float64{-0.013, 0.119, -0.004}[i])
			vs = append(vs, inWindow(v, i*5, 300))
		}
		r := result(0, 1, vs...)
		r.Windows, r.WindowSeconds, r.Baseline = 3, 300, "main.json"
		return r
	}()},
	{"windows_hosts", func() check.Result {
		// gini<0.3 over two 5-minute windows of two hosts, each host's
		// window judged on its own: web2 fails in both, web1 holds. The
		// second host's name carries an escape sequence, which text,
		// annotations and markdown strip.
		var vs []check.Verdict
		for i, w := range []struct {
			host string
			gini float64
			reqs int64
		}{{"web1", 0.031, 520}, {"web2\x1b[31m", 0.546, 498}, {"web1", 0.044, 507}, {"web2\x1b[31m", 0.521, 515}} {
			v := inWindow(verdict("gini<0.3", "gini", "<", 0.3, w.gini, w.gini < 0.3), i/2*5, w.reqs)
			v.Host = w.host
			vs = append(vs, v)
		}
		r := result(0, 1, vs...)
		r.Windows, r.Hosts, r.SkippedWindows, r.WindowSeconds = 4, 2, 1, 300
		return r
	}()},
	{"many", manyResult()},
	{"escape", result(0, 2,
		// A title needs : and , escaped; the message needs %, CR and LF.
		verdict("odd:metric,x<100%\r\nnext", "odd:metric,x", "<", 100, 120, false),
		// Rounded to the metric's 3 decimals 0.3504 would read 0.350,
		// which holds <= 0.35: the verdict gets a fourth decimal.
		verdict("gini<=0.35", "gini", "<=", 0.35, 0.3504, false))},
	{"undefined", result(0, 1, check.Verdict{Threshold: "max_mean<3", Metric: "max_mean", Op: "<", Limit: 3, Pass: false})},
}

func checkCase(t *testing.T, name string) check.Result {
	t.Helper()
	for _, c := range checkCases {
		if c.name == name {
			return c.r
		}
	}
	t.Fatalf("no check case %q", name)
	return check.Result{}
}

func TestCheckGolden(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			outputs := []struct {
				ext    string
				render func(*bytes.Buffer) error
			}{
				{"txt", func(b *bytes.Buffer) error { return CheckText(b, c.r, false) }},
				{"color.txt", func(b *bytes.Buffer) error { return CheckText(b, c.r, true) }},
				{"annotations", func(b *bytes.Buffer) error { return GitHubAnnotations(b, c.r, 10) }},
				{"md", func(b *bytes.Buffer) error { return GitHubSummary(b, c.r) }},
				{"xml", func(b *bytes.Buffer) error { return JUnit(b, c.r) }},
				{"json", func(b *bytes.Buffer) error { return CheckJSON(b, c.r) }},
			}
			for _, o := range outputs {
				var b, again bytes.Buffer
				if err := o.render(&b); err != nil {
					t.Fatalf("%s: %v", o.ext, err)
				}
				if err := o.render(&again); err != nil || again.String() != b.String() {
					t.Errorf("%s: got different output on a second run", o.ext)
				}
				if o.ext != "color.txt" && bytes.Contains(b.Bytes(), []byte("\x1b")) {
					t.Errorf("%s: got an escape code:\n%q", o.ext, b.String())
				}
				testutil.Golden(t, "check_"+c.name+"."+o.ext, b.Bytes())
			}
		})
	}
}

func TestCheckTextMarks(t *testing.T) {
	r := checkCase(t, "fail") // one of three fails
	tests := []struct {
		name      string
		color     bool
		want, not []string
	}{
		{"plain", false, []string{"ok    gini 0.284 < 0.35\n", "FAIL  top1_share 0.412 < 0.25\n"}, []string{"\x1b", "✓", "✗"}},
		{"color", true, []string{"\x1b[32m✓\x1b[0m gini", "\x1b[31m✗\x1b[0m top1_share", "\x1b[31m1 failed\x1b[0m"}, []string{"FAIL", "ok "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := CheckText(&b, r, tt.color); err != nil {
				t.Fatal(err)
			}
			for _, s := range tt.want {
				if !strings.Contains(b.String(), s) {
					t.Errorf("got %q, want it to contain %q", b.String(), s)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(b.String(), s) {
					t.Errorf("got %q, want no %q", b.String(), s)
				}
			}
		})
	}
}

// TestGitHubEscape checks the workflow command against GitHub's rules,
// escaped by hand: in the message % → %25, CR → %0D, LF → %0A; in the
// title also : → %3A and , → %2C.
func TestGitHubEscape(t *testing.T) {
	var b bytes.Buffer
	if err := GitHubAnnotations(&b, checkCase(t, "escape"), 10); err != nil {
		t.Fatal(err)
	}
	want := "::error title=skewer check%3A odd%3Ametric%2Cx<100%25%0D%0Anext::odd:metric,x is 120.000, not < 100%25%0D%0Anext\n" +
		"::error title=skewer check%3A gini<=0.35::gini is 0.3504, not <= 0.35\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

func TestGitHubAnnotationsCap(t *testing.T) {
	tests := []struct {
		name              string
		max               int
		errors, warnings  int
		wantWarning       string
		wantLastErrorText string
	}{
		{"ten", 10, 10, 1, "::warning title=skewer check::2 more failing thresholds not shown\n", "top10_share"},
		{"default", 0, 10, 1, "::warning title=skewer check::2 more failing thresholds not shown\n", "top10_share"},
		{"eleven", 11, 11, 1, "::warning title=skewer check::1 more failing threshold not shown\n", "top11_share"},
		{"all", 12, 12, 0, "", "top12_share"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := GitHubAnnotations(&b, manyResult(), tt.max); err != nil {
				t.Fatal(err)
			}
			lines := strings.SplitAfter(strings.TrimSuffix(b.String(), "\n"), "\n")
			var errs, warns int
			last := ""
			for _, l := range lines {
				switch {
				case strings.HasPrefix(l, "::error "):
					errs++
					last = l
				case strings.HasPrefix(l, "::warning "):
					warns++
					if l != strings.TrimSuffix(tt.wantWarning, "\n") && l != tt.wantWarning {
						t.Errorf("got warning %q, want %q", l, tt.wantWarning)
					}
				default:
					t.Errorf("got line %q, want only workflow commands", l)
				}
			}
			if errs != tt.errors || warns != tt.warnings {
				t.Errorf("got %d errors and %d warnings, want %d and %d", errs, warns, tt.errors, tt.warnings)
			}
			if !strings.Contains(last, "::"+tt.wantLastErrorText+" is") {
				t.Errorf("got last error %q, want it about %s", last, tt.wantLastErrorText)
			}
		})
	}
}

func TestGitHubAnnotationsPass(t *testing.T) {
	var b bytes.Buffer
	if err := GitHubAnnotations(&b, checkCase(t, "pass"), 10); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 0 {
		t.Errorf("got %q, want nothing when every threshold holds", b.String())
	}
}

// TestJUnitDecodes reads the report back: one testcase per threshold (not
// per window), failures where the threshold failed.
func TestJUnitDecodes(t *testing.T) {
	tests := []struct {
		name            string
		r               check.Result
		cases, failures int
	}{
		{"pass", checkCase(t, "pass"), 3, 0},
		{"fail", checkCase(t, "fail"), 3, 1},
		{"baseline", checkCase(t, "baseline"), 4, 1},
		{"windows", checkCase(t, "windows"), 2, 1},
		{"windows_baseline", checkCase(t, "windows_baseline"), 1, 1},
		{"windows_hosts", checkCase(t, "windows_hosts"), 1, 1},
		{"many", checkCase(t, "many"), 12, 12},
		{"escape", checkCase(t, "escape"), 2, 2},
		{"none", result(0, 0), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := JUnit(&b, tt.r); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(b.String(), `<?xml version="1.0" encoding="UTF-8"?>`+"\n") {
				t.Errorf("got %q, want the XML declaration first", b.String()[:min(b.Len(), 40)])
			}
			var got struct {
				Tests    int `xml:"tests,attr"`
				Failures int `xml:"failures,attr"`
				Suites   []struct {
					Name     string `xml:"name,attr"`
					Tests    int    `xml:"tests,attr"`
					Failures int    `xml:"failures,attr"`
					Cases    []struct {
						Classname string `xml:"classname,attr"`
						Name      string `xml:"name,attr"`
						Failure   *struct {
							Message string `xml:"message,attr"`
						} `xml:"failure"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			if err := xml.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatalf("not valid XML: %v\n%s", err, b.String())
			}
			if len(got.Suites) != 1 || got.Suites[0].Name != "skewer check" {
				t.Fatalf("got %d suites, want one named skewer check", len(got.Suites))
			}
			s := got.Suites[0]
			failures := 0
			for i, c := range s.Cases {
				if c.Classname != "skewer.check" {
					t.Errorf("case %d: got classname %q, want skewer.check", i, c.Classname)
				}
				if want := tt.r.Verdicts[0].Threshold; i == 0 && c.Name != want {
					t.Errorf("case 0: got name %q, want %q", c.Name, want)
				}
				if c.Failure != nil {
					failures++
				}
			}
			if len(s.Cases) != tt.cases || failures != tt.failures {
				t.Errorf("got %d testcases and %d failures, want %d and %d", len(s.Cases), failures, tt.cases, tt.failures)
			}
			if s.Tests != tt.cases || s.Failures != tt.failures || got.Tests != tt.cases || got.Failures != tt.failures {
				t.Errorf("got tests=%d failures=%d (suites %d, %d), want %d and %d", s.Tests, s.Failures, got.Tests, got.Failures, tt.cases, tt.failures)
			}
		})
	}
}

func TestCheckJSONRoundTrip(t *testing.T) {
	for _, c := range checkCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := CheckJSON(&b, c.r); err != nil {
				t.Fatal(err)
			}
			var got check.Result
			if err := json.Unmarshal(b.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Schema != check.Schema || got.Pass != c.r.Pass || len(got.Verdicts) != len(c.r.Verdicts) {
				t.Errorf("got schema %q, pass %v, %d verdicts; want %q, %v, %d",
					got.Schema, got.Pass, len(got.Verdicts), check.Schema, c.r.Pass, len(c.r.Verdicts))
			}
		})
	}
	// A result without verdicts still has its schema and an empty list.
	var b bytes.Buffer
	if err := CheckJSON(&b, check.Result{Pass: true}); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.Contains(s, `"schema": "skewer.check/v1"`) || !strings.Contains(s, `"verdicts": []`) {
		t.Errorf("got %s, want the schema and an empty verdicts list", s)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestCheckWriteError(t *testing.T) {
	r := checkCase(t, "windows")
	renderers := map[string]func() error{
		"text":        func() error { return CheckText(failWriter{}, r, false) },
		"annotations": func() error { return GitHubAnnotations(failWriter{}, r, 10) },
		"summary":     func() error { return GitHubSummary(failWriter{}, r) },
		"junit":       func() error { return JUnit(failWriter{}, r) },
		"json":        func() error { return CheckJSON(failWriter{}, r) },
	}
	for name, f := range renderers {
		t.Run(name, func(t *testing.T) {
			if err := f(); err == nil || !strings.Contains(err.Error(), "disk full") {
				t.Errorf("got %v, want the write error", err)
			}
		})
	}
}

// TestAnnotationWindows checks that one annotation lists at most five
// failing windows and counts the rest.
func TestAnnotationWindows(t *testing.T) {
	var vs []check.Verdict
	for i := range 7 {
		vs = append(vs, inWindow(verdict("top1_share<0.5", "top1_share", "<", 0.5, 0.7, false), i*5, 100))
	}
	var b bytes.Buffer
	if err := GitHubAnnotations(&b, result(0, 1, vs...), 10); err != nil {
		t.Fatal(err)
	}
	want := "::error title=skewer check%3A top1_share<0.5::top1_share < 0.5: 7 of 7 windows failed" +
		"%0A2026-11-25T17:00:00Z to 17:05:00Z, top1_share 0.700, 100 requests" +
		"%0A2026-11-25T17:05:00Z to 17:10:00Z, top1_share 0.700, 100 requests" +
		"%0A2026-11-25T17:10:00Z to 17:15:00Z, top1_share 0.700, 100 requests" +
		"%0A2026-11-25T17:15:00Z to 17:20:00Z, top1_share 0.700, 100 requests" +
		"%0A2026-11-25T17:20:00Z to 17:25:00Z, top1_share 0.700, 100 requests" +
		"%0Aand 2 more failing windows\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
