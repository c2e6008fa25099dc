package cmd_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// runHTML runs skewer with args, wants exit 0 and a page, and returns it.
func runHTML(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errOut := runSkewer(t, args...)
	if code != cmd.ExitOK {
		t.Fatalf("skewer %s: exit %d, want 0: %s", strings.Join(args, " "), code, errOut)
	}
	if !strings.HasPrefix(out, "<!DOCTYPE html>") || !strings.HasSuffix(out, "</html>\n") {
		t.Fatalf("skewer %s: not a whole page: %.200q", strings.Join(args, " "), out)
	}
	return out
}

// TestHTMLGolden renders pages of the demo logs (and of the corpus, when
// present) and compares them with their golden files.
func TestHTMLGolden(t *testing.T) {
	type page struct {
		name string
		args []string
	}
	demo := []page{
		{"html_report_demo_sync.html", []string{"report", "-o", "html", "-t", "top1_share<0.5", "-t", "cpu_gini<0.5", "gunicorn-sync-17/access.log"}},
		// One snapshot, no log: no windows, but lifetimes from --ps-time.
		{"html_report_demo_seed.html", []string{"report", "-o", "html", "--ps-time", "2026-10-12T21:00:00Z", "seed-question"}},
		{"html_explain_demo_proxy.html", []string{"explain", "-o", "html", "nginx-proxy"}},
		{"html_timeline_demo_sync.html", []string{"timeline", "-o", "html", "--window", "2s", "--top", "3", "--metric", "busy",
			"-t", "gini<0.35", "-t", "top1_share<=0.2", "-t", "gini<baseline", "gunicorn-sync-17/access.log"}},
	}
	corpus := []page{
		{"html_report_corpus_sync.html", []string{"report", "-o", "html", "gunicorn-sync-17"}},
		{"html_explain_corpus_proxy.html", []string{"explain", "-o", "html", "nginx-proxy"}},
	}
	for _, p := range demo {
		t.Run(p.name, func(t *testing.T) {
			t.Chdir(filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "demo"))
			testutil.Golden(t, p.name, []byte(runHTML(t, p.args...)))
		})
	}
	for _, p := range corpus {
		t.Run(p.name, func(t *testing.T) {
			root := testutil.ModuleRoot(t) // before leaving the module
			t.Chdir(testutil.Corpus(t))
			out := runHTML(t, p.args...)
			t.Chdir(root)
			testutil.Golden(t, p.name, []byte(out))
		})
	}
}

// TestHTMLThresholdFlag checks -t on report and timeline: parsed as
// skewer check parses it, refused with outputs other than html, drawn as a
// dashed line when it can be, and named in a note when it cannot.
func TestHTMLThresholdFlag(t *testing.T) {
	t.Chdir(filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "demo"))
	for _, c := range []string{"report", "timeline"} {
		t.Run(c, func(t *testing.T) {
			for _, args := range [][]string{
				{c, "-o", "json", "-t", "gini<0.3", "gunicorn-sync-17/access.log"},
				{c, "-t", "gini<0.3", "gunicorn-sync-17/access.log"},
			} {
				code, out, errOut := runSkewer(t, args...)
				if code != cmd.ExitError || out != "" || !strings.Contains(errOut, "--threshold: drawn on -o html only") {
					t.Errorf("skewer %s: exit %d, stdout %.40q, stderr %q: want exit 2 and the refusal", strings.Join(args, " "), code, out, errOut)
				}
			}
			if code, _, errOut := runSkewer(t, c, "-o", "html", "-t", "gini<", "gunicorn-sync-17/access.log"); code != cmd.ExitError || !strings.Contains(errOut, `threshold "gini<": no value after "<"`) {
				t.Errorf("-t gini<: exit %d, stderr %q: want exit 2 and check's parse error", code, errOut)
			}
			out := runHTML(t, c, "-o", "html", "-t", "gini<0.3", "-t", "top1_share<=0.2", "-t", "gini<baseline", "-t", "jain>0.8",
				"-t", "gini!=0.5", "-t", "cpu_gini<0.4", "gunicorn-sync-17/access.log")
			for _, want := range []string{
				`class="threshold s0"/>`, `class="threshold s1"/>`, "check gini&lt;0.3", "check top1_share&lt;=0.2",
				"Check conditions not drawn: gini&lt;baseline (it compares with a baseline); jain&gt;0.8 (only gini, top1_share, cpu_gini and cpu_top1_share are drawn); " +
					"gini!=0.5 (an equality is not a line); cpu_gini&lt;0.4 (no chart of CPU skew: the run has no CPU per window).",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			// Two dashed lines and their two legend items.
			if n := strings.Count(out, `class="threshold s`); n != 4 {
				t.Errorf("got %d threshold lines and legend items, want 2 and 2", n)
			}
		})
	}
}

// htmlTags are the elements a page may hold; anything else came from a
// log.
var htmlTags = []string{"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "section", "div", "p",
	"span", "strong", "ul", "li", "dl", "dt", "dd", "figure", "figcaption", "svg", "desc", "line", "rect", "path",
	"text", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "script"}

// tagAttrs matches one attribute of a tag: a name, or name="value".
var tagAttrs = regexp.MustCompile(`\s+[a-zA-Z][a-zA-Z0-9:-]*(="[^"<>]*")?`)

// writeHostileLog writes a JSON log whose worker keys (by a field whose
// name is markup too), user agents, paths and file name are HTML and
// script, and returns its folder and the --by value.
func writeHostileLog(t *testing.T) (dir, by string) {
	t.Helper()
	dir = t.TempDir()
	by = `<svg onload=alert(5)>`
	keys := []string{`<b>w1</b>`, `<script>alert(3)</script>`, `w3"onmouseover="alert(4)`, `</desc></svg><script>alert(6)</script>`}
	w, done := createLog(t, filepath.Join(dir, `<img src=x onerror=alert(2)>.log`))
	defer done()
	start := time.Date(2026, 11, 25, 17, 10, 0, 0, time.UTC)
	for i := range 400 {
		line, err := json.Marshal(map[string]any{
			"time":            start.Add(time.Duration(i) * time.Second).Format(time.RFC3339),
			"request_uri":     `/"><img src=x onerror=alert(1)>?q=<script>alert(7)</script>`,
			"status":          200,
			"http_user_agent": `<script>alert("ua")</script>`,
			"pid":             100 + i%4,
			by:                keys[(i/7+i*i)%len(keys)],
			"request_time":    0.05,
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "%s\n", line)
	}
	return dir, by
}

// createLog creates a file to write a log into; done flushes and closes
// it.
func createLog(t *testing.T, path string) (w *bufio.Writer, done func()) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w = bufio.NewWriter(f)
	return w, func() {
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHTMLHostile renders a log whose every string is markup: it must show
// as text. The page may hold only its own elements, no event attributes,
// one script (its own), and the hostile strings escaped.
func TestHTMLHostile(t *testing.T) {
	dir, by := writeHostileLog(t)
	t.Chdir(dir)
	tag := regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)`)
	for _, args := range [][]string{
		{"report", "-o", "html", "--by", by, "."},
		{"explain", "-o", "html", "--by", by, "."},
		{"timeline", "-o", "html", "--by", by, "-t", "gini<0.5", "."},
	} {
		t.Run(args[0], func(t *testing.T) {
			out := runHTML(t, args...)
			for _, m := range tag.FindAllStringSubmatch(out, -1) {
				if !slices.Contains(htmlTags, strings.ToLower(m[1])) {
					t.Errorf("element <%s> in the page: markup from the log", m[1])
				}
			}
			if n := strings.Count(strings.ToLower(out), "<script"); n != 1 {
				t.Errorf("got %d <script elements, want 1 (the page's own)", n)
			}
			// Escaped text holds no '<': every tag found is the page's.
			// Its attributes are name="value" with no raw quote inside.
			for _, tg := range regexp.MustCompile(`<[a-zA-Z][^>]*>`).FindAllString(out, -1) {
				body := strings.TrimSuffix(strings.TrimSuffix(tg[1:], ">"), "/")
				rest := tagAttrs.ReplaceAllStringFunc(body[len(tag.FindStringSubmatch(tg)[1]):], func(a string) string {
					if name := strings.TrimSpace(strings.SplitN(a, "=", 2)[0]); strings.HasPrefix(strings.ToLower(name), "on") {
						t.Errorf("event attribute %s in %.80s", name, tg)
					}
					return ""
				})
				if strings.TrimSpace(rest) != "" {
					t.Errorf("tag %.80s: %q is not an attribute", tg, rest)
				}
			}
			for _, want := range []string{
				`&lt;b&gt;w1&lt;/b&gt;`,
				`&lt;script&gt;alert(3)&lt;/script&gt;`,
				`w3&#34;onmouseover=&#34;alert(4)`,
				`&lt;/desc&gt;&lt;/svg&gt;&lt;script&gt;alert(6)&lt;/script&gt;`,
				`&lt;img src=x onerror=alert(2)&gt;.log`,
				`<th scope="col">&lt;svg onload=alert(5)&gt;</th>`, // the --by field
			} {
				if !strings.Contains(out, want) {
					t.Errorf("page lacks the escaped text %s", want)
				}
			}
		})
	}
}

// writeWeekLog writes a gunicorn access log of a week, one request every
// 5 s, over 17 worker slots whose PIDs restart every 400 requests (as
// max_requests does), and returns its path and its number of PIDs.
func writeWeekLog(t *testing.T) (string, int) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "access.log")
	w, done := createLog(t, path)
	defer done()
	start := time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)
	const slots, every, perPID = 17, 5 * time.Second, 400
	served := make([]int, slots)
	pid := make([]int, slots)
	next := 20000
	for s := range pid {
		pid[s], next = next, next+1
	}
	pids := slots
	for at := start; at.Before(start.Add(7 * 24 * time.Hour)); at = at.Add(every) {
		n := int(at.Sub(start) / every)
		// Uneven on purpose: the low slots win the race more often.
		s := (n * n / 7) % slots
		if n%3 == 0 {
			s = n % 3
		}
		if served[s] == perPID {
			pid[s], next, served[s] = next, next+1, 0
			pids++
		}
		served[s]++
		fmt.Fprintf(w, "10.0.0.%d - - [%s] \"GET /item/%d HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\" pid=<%d> %d\n",
			n%200, at.Format("02/Jan/2006:15:04:05 -0700"), n%1000, pid[s], 20000+n%50000)
	}
	return path, pids
}

// TestHTMLWeekSize renders a week of logs at the automatic window: the
// page stays well under 1 MB.
func TestHTMLWeekSize(t *testing.T) {
	path, pids := writeWeekLog(t)
	for _, c := range []string{"report", "explain", "timeline"} {
		out := runHTML(t, c, "-o", "html", path)
		t.Logf("skewer %s -o html, a week (%d PIDs): %d bytes", c, pids, len(out))
		if len(out) > 300_000 {
			t.Errorf("skewer %s -o html of a week: %d bytes, want at most 300000", c, len(out))
		}
	}
}
