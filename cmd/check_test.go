package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// The check fixtures under testdata/logs/check/ are byte-for-byte cuts of
// the corpus with known skew (the numbers are hand counts, and
// TestCheckFixtures counts them again with string operations):
//
// even.log: corpus/gunicorn-sync-17/access.log lines 4994-5293, 17:29:40 to
// 17:29:42 (phase p2-c2, before any worker restarted). 300 requests over 17
// sync workers: 16469 and 16478 19 each; 16471 16472 16473 16475 16476 16477
// 16479 16480 16483 18 each; 16466 16470 16474 16485 17 each; 16467 16468 16
// each. gini = 252/10200 = 0.024706 (the pairs are summed in
// TestCheckFixtures), top1 19/300 = 0.063333.
//
// skewed.log: corpus/nginx-proxy/gunicorn-access.log lines 4702-5111,
// 17:53:05 to 17:54:02 across the idle gap idle1 (17:53:12 to 17:53:57):
// gunicorn gevent_pywsgi workers behind nginx's upstream keep-alive, where
// 21637 took most of the load and 3 of the 5 workers served nothing.
// 410 requests: 21637 285, 21635 125.
// gini = 2·|285−125| / (2·2²·205) = 320/1640 = 0.195122; top1 285/410 =
// 0.695122. Per 10 s window (21635, 21637):
//
//	17:53:00  39 122  161 requests  top1 0.757764  gini 83/322 = 0.257764
//	17:53:10  12  52   64 requests  top1 0.8125    gini 40/128 = 0.3125
//	17:53:20, 17:53:30, 17:53:40: no requests (both workers alive)
//	17:53:50  35  52   87 requests  top1 0.597701  gini 17/174 = 0.097701
//	17:54:00  39  59   98 requests  top1 0.602041  gini 20/196 = 0.102041
//
// With --workers 5 the population is [285 125 0 0 0]:
// Σi Σj |xi−xj| = 2·(160 + 3·285 + 3·125) = 2780, gini 2780/(2·25·82) =
// 0.678049, idle_workers 3.

// chkFixture is the path of a check fixture.
func chkFixture(t *testing.T, name string) string {
	t.Helper()
	return filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "check", name)
}

// chkLine is what the independent count takes from an access line: the
// worker PID between "pid=<" and ">", and the end time from "[...]".
type chkLine struct {
	pid string
	at  time.Time
}

// chkRead reads a fixture with string operations only, not skewer's parser.
func chkRead(t *testing.T, path string) []chkLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []chkLine
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		_, rest, ok := strings.Cut(line, "pid=<")
		pid, _, ok2 := strings.Cut(rest, ">")
		_, ts, ok3 := strings.Cut(line, "[")
		ts, _, ok4 := strings.Cut(ts, "]")
		if !ok || !ok2 || !ok3 || !ok4 {
			t.Fatalf("%s:%d: no pid=<...> or [time]", path, i+1)
		}
		at, err := time.Parse("02/Jan/2006:15:04:05 -0700", ts)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		out = append(out, chkLine{pid, at.UTC()})
	}
	return out
}

// chkCounts counts requests per PID.
func chkCounts(lines []chkLine) map[string]int {
	c := map[string]int{}
	for _, l := range lines {
		c[l.pid]++
	}
	return c
}

// chkValues are the counts as the population's values.
func chkValues(c map[string]int) []float64 {
	var xs []float64
	for _, n := range c {
		xs = append(xs, float64(n))
	}
	return xs
}

// chkGini is Σi Σj |xi−xj| / (2·n²·mean), the double loop of DESIGN.md.
func chkGini(xs []float64) float64 {
	n, sum := float64(len(xs)), 0.0
	for _, x := range xs {
		sum += x
	}
	if sum == 0 {
		return 0
	}
	d := 0.0
	for _, a := range xs {
		for _, b := range xs {
			d += math.Abs(a - b)
		}
	}
	return d / (2 * n * n * (sum / n))
}

// chkTop1 is the largest value's share of the total.
func chkTop1(xs []float64) float64 {
	top, sum := 0.0, 0.0
	for _, x := range xs {
		top = math.Max(top, x)
		sum += x
	}
	return top / sum
}

// chkWindow is one time window of the independent count.
type chkWindow struct {
	start  time.Time
	counts map[string]int
	total  int
}

// chkWindows buckets lines into windows of size aligned to the epoch, from
// the first line's window to the last one's; windows without a line are
// kept, with no counts.
func chkWindows(lines []chkLine, size time.Duration) []chkWindow {
	first, last := lines[0].at.Truncate(size), lines[0].at.Truncate(size)
	for _, l := range lines {
		s := l.at.Truncate(size)
		if s.Before(first) {
			first = s
		}
		if s.After(last) {
			last = s
		}
	}
	var ws []chkWindow
	for s := first; !s.After(last); s = s.Add(size) {
		ws = append(ws, chkWindow{start: s, counts: map[string]int{}})
	}
	for _, l := range lines {
		w := &ws[int(l.at.Truncate(size).Sub(first)/size)]
		w.counts[l.pid]++
		w.total++
	}
	return ws
}

// chkQuietCI clears the GitHub Actions variables for tests that run
// cmd.Main, which reads them, so that a test run inside a real GitHub
// Actions job neither annotates nor appends to its summary.
func chkQuietCI(t *testing.T) {
	t.Setenv("GITHUB_ACTIONS", "")
	t.Setenv("GITHUB_STEP_SUMMARY", "")
}

// chkRun runs skewer with args through cmd.Run, stdin empty and not a
// terminal, outside GitHub Actions.
func chkRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return chkRunCI(t, false, "", args...)
}

// chkRunCI runs skewer as chkRun does, in a GitHub Actions job when
// actions is true, with the step summary file summary.
func chkRunCI(t *testing.T, actions bool, summary string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	s := cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut, GitHubActions: actions, StepSummary: summary}
	code = cmd.Run(context.Background(), args, s)
	stdout, stderr = out.String(), errOut.String()
	if actions {
		// Log content is fenced by stop-commands; the tests read what is
		// inside.
		var err error
		if stdout, err = testutil.Unfence(stdout); err != nil {
			t.Errorf("stdout: %v", err)
		}
		if stderr, err = testutil.Unfence(stderr); err != nil {
			t.Errorf("stderr: %v", err)
		}
	}
	return code, stdout, stderr
}

func chkWrite(t *testing.T, path, content string) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// chkPlural writes "1 window" or "3 windows".
func chkPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// f3 formats a share or Gini as check's text output does.
func f3(x float64) string { return fmt.Sprintf("%.3f", x) }

// TestCheckFixtures checks the hand counts written above against a count
// of the fixtures with string operations, so that the expectations of the
// other tests rest on numbers that do not come from skewer.
func TestCheckFixtures(t *testing.T) {
	even := chkCounts(chkRead(t, chkFixture(t, "even.log")))
	wantEven := map[string]int{
		"16469": 19, "16478": 19,
		"16471": 18, "16472": 18, "16473": 18, "16475": 18, "16476": 18, "16477": 18, "16479": 18, "16480": 18, "16483": 18,
		"16466": 17, "16470": 17, "16474": 17, "16485": 17,
		"16467": 16, "16468": 16,
	}
	if fmt.Sprint(even) != fmt.Sprint(wantEven) {
		t.Errorf("even.log: got %v, want %v", even, wantEven)
	}
	// By hand over unordered pairs: 2 nineteens, 9 eighteens, 4
	// seventeens, 2 sixteens: 19−18: 2·9·1, 19−17: 2·4·2, 19−16: 2·2·3,
	// 18−17: 9·4·1, 18−16: 9·2·2, 17−16: 4·2·1 = 18+16+12+36+36+8 = 126;
	// gini = 2·126 / (2·17²·300/17) = 252/10200 = 0.024706.
	if g := chkGini(chkValues(even)); math.Abs(g-252.0/10200) > 1e-12 {
		t.Errorf("even.log gini: got %v, want %v", g, 252.0/10200)
	}
	skewed := chkRead(t, chkFixture(t, "skewed.log"))
	if got, want := fmt.Sprint(chkCounts(skewed)), "map[21635:125 21637:285]"; got != want {
		t.Errorf("skewed.log: got %s, want %s", got, want)
	}
	var got []string
	for _, w := range chkWindows(skewed, 10*time.Second) {
		got = append(got, fmt.Sprintf("%s %d %d", w.start.Format("15:04:05"), w.counts["21635"], w.counts["21637"]))
	}
	want := []string{"17:53:00 39 122", "17:53:10 12 52", "17:53:20 0 0", "17:53:30 0 0", "17:53:40 0 0", "17:53:50 35 52", "17:54:00 39 59"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("skewed.log windows: got %q, want %q", got, want)
	}
}

// TestCheckExitCodes runs skewer check through cmd.Run and checks the exit
// code, stdout and stderr exactly against figures counted from the fixtures
// here: 0 when every threshold holds, 1 when one fails. Usage and input
// errors (exit 2) are in testdata/script/check_usage.txtar.
func TestCheckExitCodes(t *testing.T) {
	chkQuietCI(t)
	dir := t.TempDir()
	even, skewed := chkFixture(t, "even.log"), chkFixture(t, "skewed.log")
	evenXs := chkValues(chkCounts(chkRead(t, even)))
	skewedXs := chkValues(chkCounts(chkRead(t, skewed)))

	// A baseline made by skewer report.
	base := filepath.Join(dir, "base.json")
	if code, out, errOut := chkRun(t, "report", "-o", "json", even); code != 0 {
		t.Fatalf("report -o json: exit %d: %s", code, errOut)
	} else {
		chkWrite(t, base, out)
	}
	goodFile := chkWrite(t, filepath.Join(dir, "good.txt"), "gini < 0.35   # whole run\ntop1_share<0.25\n")

	tests := []struct {
		name       string
		args       []string // after "check"
		wantCode   int
		wantStdout string // exact
		wantStderr string // exact
	}{
		{
			name:     "all pass",
			args:     []string{"-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", even},
			wantCode: cmd.ExitOK,
			wantStdout: "ok    gini " + f3(chkGini(evenXs)) + " < 0.35\n" +
				"ok    top1_share " + f3(chkTop1(evenXs)) + " < 0.25\n" +
				"ok    active_workers 17 >= 4\n" +
				"3 thresholds: 3 passed, 0 failed\n",
		},
		{
			name:     "one fails",
			args:     []string{"-t", "gini<0.35", "-t", "top1_share<0.25", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "ok    gini " + f3(chkGini(skewedXs)) + " < 0.35\n" +
				"FAIL  top1_share " + f3(chkTop1(skewedXs)) + " < 0.25\n" +
				"2 thresholds: 1 passed, 1 failed\n",
		},
		{
			// 3 of --workers 5 slots never appear: gini over [285 125 0 0 0].
			name:     "workers pads idle slots",
			args:     []string{"--workers", "5", "-t", "gini<0.35", "-t", "idle_workers==0", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "FAIL  gini " + f3(chkGini(append(skewedXs, 0, 0, 0))) + " < 0.35\n" +
				"FAIL  idle_workers 3 == 0\n" +
				"2 thresholds: 0 passed, 2 failed\n",
		},
		{
			name:     "thresholds file",
			args:     []string{"--thresholds", goodFile, even},
			wantCode: cmd.ExitOK,
			wantStdout: "ok    gini " + f3(chkGini(evenXs)) + " < 0.35\n" +
				"ok    top1_share " + f3(chkTop1(evenXs)) + " < 0.25\n" +
				"2 thresholds: 2 passed, 0 failed\n",
		},
		{
			name:     "baseline holds",
			args:     []string{"--baseline", base, "-t", "gini<=baseline", even},
			wantCode: cmd.ExitOK,
			wantStdout: "baseline: " + base + "\n" +
				"ok    gini " + f3(chkGini(evenXs)) + " <= baseline = " + strings.TrimRight(f3(chkGini(evenXs)), "0") +
				"  (baseline " + f3(chkGini(evenXs)) + ", 0.000)\n" +
				"1 threshold: 1 passed, 0 failed\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := chkRun(t, append([]string{"check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if stdout != tt.wantStdout {
				t.Errorf("stdout: got %q, want %q", stdout, tt.wantStdout)
			}
			if stderr != tt.wantStderr {
				t.Errorf("stderr: got %q, want %q", stderr, tt.wantStderr)
			}
		})
	}
}

// TestCheckOperators runs every operator and every form of baseline
// expression through the command line, on the even cut against a baseline
// made from the same cut: there every baseline value equals the observed
// one, active_workers is 17 by hand count and requests 300.
func TestCheckOperators(t *testing.T) {
	chkQuietCI(t)
	dir := t.TempDir()
	even := chkFixture(t, "even.log")
	base := filepath.Join(dir, "base.json")
	code, out, errOut := chkRun(t, "report", "-o", "json", even)
	if code != 0 {
		t.Fatalf("report -o json: exit %d: %s", code, errOut)
	}
	chkWrite(t, base, out)
	tests := []struct {
		threshold string
		pass      bool
	}{
		{"active_workers<17", false}, {"active_workers<18", true},
		{"active_workers<=17", true}, {"active_workers<=16", false},
		{"active_workers>16", true}, {"active_workers>17", false},
		{"active_workers>=17", true}, {"active_workers>=18", false},
		{"active_workers==17", true}, {"active_workers==16", false},
		{"active_workers!=16", true}, {"active_workers!=17", false},
		{"requests == 300", true},
		{"gini==baseline", true}, {"gini!=baseline", false},
		{"requests<baseline+1", true}, {"requests<baseline+0", false},
		{"requests>baseline-1", true}, {"requests>=baseline-0", true},
		{"requests>=baseline*1.01", false}, {"requests>=baseline*0.99", true},
		{"requests==baseline/1", true}, {"requests<baseline/2", false},
		{"requests<=1+baseline", true}, {"requests<1*baseline", false},
		{"effective_workers>=baseline*0.9", true},
		{"top17_share==1", true}, {"top16_share<1", true},
		{"workers==baseline", true}, {"idle_workers==0", true},
		{"rejected_ratio==0", true},
	}
	for _, tt := range tests {
		t.Run(tt.threshold, func(t *testing.T) {
			code, stdout, stderr := chkRun(t, "check", "--baseline", base, "-t", tt.threshold, even)
			want := cmd.ExitOK
			if !tt.pass {
				want = cmd.ExitCheckFailed
			}
			if code != want {
				t.Errorf("exit code: got %d, want %d\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
			}
			if stderr != "" {
				t.Errorf("stderr: got %q, want nothing", stderr)
			}
		})
	}
}

// TestCheckMain runs skewer check through cmd.Main as main.go does, with
// os.Args and the standard streams swapped, for the three exit codes.
func TestCheckMain(t *testing.T) {
	chkQuietCI(t)
	even, skewed := chkFixture(t, "even.log"), chkFixture(t, "skewed.log")
	tests := []struct {
		name   string
		args   []string
		want   int
		stdout string // a substring
		stderr string // exact
	}{
		{"pass", []string{"check", "-t", "gini<0.35", even}, cmd.ExitOK, "1 threshold: 1 passed, 0 failed\n", ""},
		{"fail", []string{"check", "-t", "top1_share<0.25", skewed}, cmd.ExitCheckFailed, "1 threshold: 0 passed, 1 failed\n", ""},
		{"usage", []string{"check", "-t", "gini<", even}, cmd.ExitError, "", "skewer: threshold \"gini<\": no value after \"<\" (see 'skewer check --help')\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := chkMain(t, tt.args...)
			if code != tt.want {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.want, stderr)
			}
			if tt.stdout == "" && stdout != "" || !strings.Contains(stdout, tt.stdout) {
				t.Errorf("stdout: got %q, want %q in it", stdout, tt.stdout)
			}
			if stderr != tt.stderr {
				t.Errorf("stderr: got %q, want %q", stderr, tt.stderr)
			}
		})
	}
}

// chkMain runs cmd.Main with os.Args set to skewer and args, stdin from
// /dev/null and stdout and stderr to files, and restores them.
func chkMain(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	dir := t.TempDir()
	in, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(filepath.Join(dir, "stdout"))
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	errOut, err := os.Create(filepath.Join(dir, "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer errOut.Close()
	oldArgs, oldIn, oldOut, oldErr := os.Args, os.Stdin, os.Stdout, os.Stderr
	os.Args, os.Stdin, os.Stdout, os.Stderr = append([]string{"skewer"}, args...), in, out, errOut
	func() {
		defer func() { os.Args, os.Stdin, os.Stdout, os.Stderr = oldArgs, oldIn, oldOut, oldErr }()
		code = cmd.Main()
	}()
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errOut.Name())
	return code, string(o), string(e)
}

// summaryBefore is what an earlier step of the job left in the summary.
const summaryBefore = "## tests\n\nall 120 passed\n"

// TestCheckGitHub sets GITHUB_ACTIONS and GITHUB_STEP_SUMMARY as a runner
// does: failures become ::error annotations after the text on stdout, and
// the markdown summary is appended to the summary file (golden).
func TestCheckGitHub(t *testing.T) {
	even, skewed := chkFixture(t, "even.log"), chkFixture(t, "skewed.log")
	evenXs := chkValues(chkCounts(chkRead(t, even)))
	skewedXs := chkValues(chkCounts(chkRead(t, skewed)))
	tests := []struct {
		name       string
		env        string // GITHUB_ACTIONS
		args       []string
		wantCode   int
		wantStdout string
		golden     string // the appended summary, or "" for none
	}{
		{
			name:     "pass",
			env:      "true",
			args:     []string{"-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", even},
			wantCode: cmd.ExitOK,
			wantStdout: "ok    gini " + f3(chkGini(evenXs)) + " < 0.35\n" +
				"ok    top1_share " + f3(chkTop1(evenXs)) + " < 0.25\n" +
				"ok    active_workers 17 >= 4\n" +
				"3 thresholds: 3 passed, 0 failed\n",
			golden: "cmd_check_github_pass.md",
		},
		{
			name:     "fail",
			env:      "true",
			args:     []string{"-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "ok    gini " + f3(chkGini(skewedXs)) + " < 0.35\n" +
				"FAIL  top1_share " + f3(chkTop1(skewedXs)) + " < 0.25\n" +
				"FAIL  active_workers 2 >= 4\n" +
				"3 thresholds: 1 passed, 2 failed\n" +
				"::error title=skewer check%3A top1_share<0.25::top1_share is " + f3(chkTop1(skewedXs)) + ", not < 0.25\n" +
				"::error title=skewer check%3A active_workers>=4::active_workers is 2, not >= 4\n",
			golden: "cmd_check_github_fail.md",
		},
		{
			// The failing windows go into one annotation, one per line
			// (%0A), and into a table in the summary.
			name:     "windows",
			env:      "true",
			args:     []string{"--each-window", "10s", "--min-requests", "80", "-t", "top1_share<0.7", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "FAIL  top1_share < 0.7  1 of 3 windows failed\n" +
				"        2026-11-25T17:53:00Z to 17:53:10Z  top1_share 0.758  161 requests\n" +
				"4 windows with fewer than 80 requests (--min-requests) skipped\n" +
				"1 threshold over 3 windows of 10s: 0 passed, 1 failed\n" +
				"::error title=skewer check%3A top1_share<0.7::top1_share < 0.7: 1 of 3 windows failed%0A" +
				"2026-11-25T17:53:00Z to 17:53:10Z, top1_share 0.758, 161 requests\n",
			golden: "cmd_check_github_windows.md",
		},
		{
			// -o json keeps stdout one JSON document: no annotations.
			name:     "json",
			env:      "true",
			args:     []string{"-o", "json", "-t", "top1_share<0.25", skewed},
			wantCode: cmd.ExitCheckFailed,
			golden:   "cmd_check_github_json.md",
		},
		{
			name:     "not on GitHub",
			env:      "",
			args:     []string{"-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "ok    gini " + f3(chkGini(skewedXs)) + " < 0.35\n" +
				"FAIL  top1_share " + f3(chkTop1(skewedXs)) + " < 0.25\n" +
				"FAIL  active_workers 2 >= 4\n" +
				"3 thresholds: 1 passed, 2 failed\n",
		},
		{
			name:     "GITHUB_ACTIONS false",
			env:      "false",
			args:     []string{"-t", "top1_share<0.25", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "FAIL  top1_share " + f3(chkTop1(skewedXs)) + " < 0.25\n" +
				"1 threshold: 0 passed, 1 failed\n",
		},
		{
			name:     "--github without GITHUB_ACTIONS",
			env:      "",
			args:     []string{"--github", "-t", "top1_share<0.25", skewed},
			wantCode: cmd.ExitCheckFailed,
			wantStdout: "FAIL  top1_share " + f3(chkTop1(skewedXs)) + " < 0.25\n" +
				"1 threshold: 0 passed, 1 failed\n" +
				"::error title=skewer check%3A top1_share<0.25::top1_share is " + f3(chkTop1(skewedXs)) + ", not < 0.25\n",
			golden: "cmd_check_github_flag.md",
		},
		{
			name:     "usage error",
			env:      "true",
			args:     []string{"-t", "ginni<0.35", skewed},
			wantCode: cmd.ExitError,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			summary := filepath.Join(t.TempDir(), "step_summary.md")
			chkWrite(t, summary, summaryBefore)
			code, stdout, stderr := chkRunCI(t, tt.env == "true", summary, append([]string{"check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if tt.name == "json" {
				var doc map[string]any
				if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
					t.Errorf("stdout is not one JSON document: %v\n%s", err, stdout)
				}
			} else if stdout != tt.wantStdout {
				t.Errorf("stdout: got\n%s\nwant\n%s", stdout, tt.wantStdout)
			}
			if tt.wantStdout == "" || !strings.Contains(tt.wantStdout, "::error") {
				for _, line := range strings.Split(stdout, "\n") {
					if strings.HasPrefix(line, "::") {
						t.Errorf("stdout: got workflow command %q, want none", line)
					}
				}
			}
			data, err := os.ReadFile(summary)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := strings.CutPrefix(string(data), summaryBefore)
			if !ok {
				t.Fatalf("summary file: got %q, want it to start with the earlier step's %q (appended, not overwritten)", data, summaryBefore)
			}
			if tt.golden == "" {
				if got != "" {
					t.Errorf("summary file: got %q appended, want nothing", got)
				}
				return
			}
			if !strings.HasPrefix(got, "## skewer check\n") {
				t.Errorf("summary: got %q, want it to start with a heading", got)
			}
			testutil.Golden(t, tt.golden, []byte(got))
		})
	}
}

// TestCheckAnnotationLimit: at most 10 ::error annotations, then one
// ::warning counting the rest; the summary and JUnit report keep them all.
func TestCheckAnnotationLimit(t *testing.T) {
	args := []string{"check"}
	for k := 1; k <= 12; k++ {
		args = append(args, "-t", fmt.Sprintf("top%d_share<0.1", k)) // every topK share of the skewed cut is at least 0.695
	}
	junit := filepath.Join(t.TempDir(), "junit.xml")
	args = append(args, "--junit", junit, chkFixture(t, "skewed.log"))
	code, stdout, stderr := chkRunCI(t, true, "", args...)
	if code != cmd.ExitCheckFailed {
		t.Fatalf("exit code: got %d, want 1 (stderr %q)", code, stderr)
	}
	var errs, warns []string
	for _, line := range strings.Split(stdout, "\n") {
		switch {
		case strings.HasPrefix(line, "::error "):
			errs = append(errs, line)
		case strings.HasPrefix(line, "::warning "):
			warns = append(warns, line)
		}
	}
	if len(errs) != 10 {
		t.Errorf("::error lines: got %d, want 10", len(errs))
	}
	if want := "::warning title=skewer check::2 more failing thresholds not shown"; len(warns) != 1 || warns[0] != want {
		t.Errorf("::warning lines: got %q, want [%q]", warns, want)
	}
	if s := chkJUnit(t, junit); s.Tests != 12 || s.Failures != 12 {
		t.Errorf("junit: got %d tests, %d failures; want 12, 12", s.Tests, s.Failures)
	}
}

// chkJUnitDoc is the JUnit XML as a CI system reads it.
type chkJUnitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Body    string `xml:",chardata"`
			} `xml:"failure"`
			SystemOut string `xml:"system-out"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func chkJUnit(t *testing.T, path string) chkJUnitDoc {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc chkJUnitDoc
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: not valid XML: %v\n%s", path, err, data)
	}
	return doc
}

// TestCheckJUnit: --junit writes valid XML with one testcase per threshold
// and the failures counted, whether the check passes or fails; a usage or
// input error writes no file.
func TestCheckJUnit(t *testing.T) {
	chkQuietCI(t)
	even, skewed := chkFixture(t, "even.log"), chkFixture(t, "skewed.log")
	skewedXs := chkValues(chkCounts(chkRead(t, skewed)))
	readme := []string{"-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4"}
	type tcase struct {
		name    string
		failure string // the failure message, "" for a pass
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		cases    []tcase // nil: no file
	}{
		{
			name: "pass", args: append(readme, even), wantCode: cmd.ExitOK,
			cases: []tcase{{"gini<0.35", ""}, {"top1_share<0.25", ""}, {"active_workers>=4", ""}},
		},
		{
			name: "fail", args: append(readme, skewed), wantCode: cmd.ExitCheckFailed,
			cases: []tcase{
				{"gini<0.35", ""},
				{"top1_share<0.25", "top1_share is " + f3(chkTop1(skewedXs)) + ", not < 0.25"},
				{"active_workers>=4", "active_workers is 2, not >= 4"},
			},
		},
		{
			name: "windows", args: []string{"--each-window", "10s", "--min-requests", "80", "-t", "top1_share<0.7", "-t", "gini<0.3", skewed},
			wantCode: cmd.ExitCheckFailed,
			cases:    []tcase{{"top1_share<0.7", "top1_share < 0.7: 1 of 3 windows failed"}, {"gini<0.3", ""}},
		},
		{name: "unknown metric", args: []string{"-t", "ginni<0.35", even}, wantCode: cmd.ExitError},
		{name: "no thresholds", args: []string{even}, wantCode: cmd.ExitError},
		{name: "unknown flag", args: []string{"--bogus", "-t", "gini<0.35", even}, wantCode: cmd.ExitError},
		{name: "cpu without snapshots", args: []string{"-t", "cpu_gini<0.35", even}, wantCode: cmd.ExitError},
		{name: "baseline without --baseline", args: []string{"-t", "gini<baseline", even}, wantCode: cmd.ExitError},
		{name: "missing log", args: []string{"-t", "gini<0.35", even + ".missing"}, wantCode: cmd.ExitError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			junit := filepath.Join(dir, "junit.xml")
			code, _, stderr := chkRun(t, append([]string{"check", "--junit", junit}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if tt.cases == nil {
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("%s: got %d files, want none on an error (%s)", dir, len(entries), entries[0].Name())
				}
				return
			}
			doc := chkJUnit(t, junit)
			failures := 0
			for _, c := range tt.cases {
				if c.failure != "" {
					failures++
				}
			}
			if doc.Tests != len(tt.cases) || doc.Failures != failures || len(doc.Suites) != 1 {
				t.Fatalf("testsuites: got %d tests, %d failures, %d suites; want %d, %d, 1", doc.Tests, doc.Failures, len(doc.Suites), len(tt.cases), failures)
			}
			s := doc.Suites[0]
			if s.Name != "skewer check" || s.Tests != len(tt.cases) || s.Failures != failures || len(s.Cases) != len(tt.cases) {
				t.Fatalf("testsuite %q: got %d tests, %d failures, %d testcases; want \"skewer check\", %d, %d, %d",
					s.Name, s.Tests, s.Failures, len(s.Cases), len(tt.cases), failures, len(tt.cases))
			}
			for i, want := range tt.cases {
				got := s.Cases[i]
				msg := ""
				if got.Failure != nil {
					msg = got.Failure.Message
				}
				if got.Name != want.name || msg != want.failure {
					t.Errorf("testcase %d: got %q failure %q, want %q failure %q", i, got.Name, msg, want.name, want.failure)
				}
			}
		})
	}
}

// TestCheckJUnitGolden pins the whole JUnit document of a failing check.
func TestCheckJUnitGolden(t *testing.T) {
	chkQuietCI(t)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, _, stderr := chkRun(t, "check", "--junit", junit, "-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", chkFixture(t, "skewed.log"))
	if code != cmd.ExitCheckFailed {
		t.Fatalf("exit code: got %d, want 1 (stderr %q)", code, stderr)
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, "cmd_check_junit.xml", data)
}

// TestCheckJUnitUnwritable: a --junit path that cannot be written is an
// error naming that path, not the temporary file beside it, and leaves no
// temporary file behind.
func TestCheckJUnitUnwritable(t *testing.T) {
	chkQuietCI(t)
	tests := []struct {
		name   string
		path   func(dir string) string
		reason string
	}{
		{"folder missing", func(dir string) string { return filepath.Join(dir, "no-such-dir", "junit.xml") }, "no such file or directory"},
		{"a folder", func(dir string) string {
			p := filepath.Join(dir, "reports")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}, "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			junit := tt.path(dir)
			code, stdout, stderr := chkRun(t, "check", "--junit", junit, "-t", "gini<0.35", chkFixture(t, "even.log"))
			if code != cmd.ExitError {
				t.Errorf("exit code: got %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout: got %q, want nothing", stdout)
			}
			if want := "skewer: --junit: " + junit + ": " + tt.reason + "\n"; stderr != want {
				t.Errorf("stderr: got %q, want %q", stderr, want)
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("%s: temporary file %s left behind", dir, e.Name())
				}
			}
		})
	}
}

// chkResult is the skewer.check/v1 document as a consumer reads it.
type chkResult struct {
	Schema string `json:"schema"`
	Pass   bool   `json:"pass"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
	// MinRequests is --min-requests, with --each-window.
	MinRequests int64 `json:"min_requests"`
	Verdicts    []struct {
		Threshold   string   `json:"threshold"`
		Metric      string   `json:"metric"`
		Op          string   `json:"op"`
		Limit       float64  `json:"limit"`
		Observed    *float64 `json:"observed"`
		Baseline    *float64 `json:"baseline"`
		Delta       *float64 `json:"delta"`
		Pass        bool     `json:"pass"`
		WindowStart string   `json:"window_start"`
		WindowEnd   string   `json:"window_end"`
		Requests    int      `json:"requests"`
	} `json:"verdicts"`
	Windows        int    `json:"windows"`
	SkippedWindows int    `json:"skipped_windows"`
	WindowSeconds  int    `json:"window_seconds"`
	Baseline       string `json:"baseline"`
}

func chkJSON(t *testing.T, args ...string) (int, chkResult) {
	t.Helper()
	code, stdout, stderr := chkRun(t, append([]string{"check", "-o", "json"}, args...)...)
	if stderr != "" {
		t.Errorf("stderr: got %q, want nothing", stderr)
	}
	var res chkResult
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		t.Fatalf("stdout is not a skewer.check/v1 document: %v\n%s", err, stdout)
	}
	if res.Schema != "skewer.check/v1" {
		t.Errorf("schema: got %q, want skewer.check/v1", res.Schema)
	}
	return code, res
}

func chkNear(t *testing.T, what string, got *float64, want float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got null, want %v", what, want)
	} else if math.Abs(*got-want) > 1e-9 {
		t.Errorf("%s: got %v, want %v", what, *got, want)
	}
}

// TestCheckJSON: -o json writes the verdicts, the observed values equal to
// the independent count and, with a baseline, the baseline value and delta.
func TestCheckJSON(t *testing.T) {
	chkQuietCI(t)
	even, skewed := chkFixture(t, "even.log"), chkFixture(t, "skewed.log")
	evenXs := chkValues(chkCounts(chkRead(t, even)))
	skewedXs := chkValues(chkCounts(chkRead(t, skewed)))
	base := filepath.Join(t.TempDir(), "base.json")
	if code, out, errOut := chkRun(t, "report", "-o", "json", even); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errOut)
	} else {
		chkWrite(t, base, out)
	}

	code, res := chkJSON(t, "-t", "gini<0.35", "-t", "top1_share<0.25", "-t", "active_workers>=4", skewed)
	if code != cmd.ExitCheckFailed {
		t.Errorf("exit code: got %d, want 1", code)
	}
	if res.Pass || res.Passed != 1 || res.Failed != 2 || len(res.Verdicts) != 3 {
		t.Fatalf("got pass %v, %d passed, %d failed, %d verdicts; want false, 1, 2, 3", res.Pass, res.Passed, res.Failed, len(res.Verdicts))
	}
	wantPass := []bool{true, false, false}
	wantObs := []float64{chkGini(skewedXs), chkTop1(skewedXs), 2}
	wantLimit := []float64{0.35, 0.25, 4}
	for i, v := range res.Verdicts {
		if v.Pass != wantPass[i] || v.Limit != wantLimit[i] || v.Baseline != nil || v.Delta != nil || v.WindowStart != "" {
			t.Errorf("verdict %d (%s): got pass %v limit %v baseline %v delta %v window %q; want %v %v null null none",
				i, v.Threshold, v.Pass, v.Limit, v.Baseline, v.Delta, v.WindowStart, wantPass[i], wantLimit[i])
		}
		chkNear(t, v.Threshold, v.Observed, wantObs[i])
	}
	if v := res.Verdicts[1]; v.Threshold != "top1_share<0.25" || v.Metric != "top1_share" || v.Op != "<" {
		t.Errorf("verdict 1: got %q %q %q, want top1_share<0.25 top1_share <", v.Threshold, v.Metric, v.Op)
	}

	// Against the even cut as the baseline: gini 0.195122 − 0.024706.
	code, res = chkJSON(t, "--baseline", base, "-t", "gini<=baseline+0.05", "-t", "effective_workers>=baseline*0.9", skewed)
	if code != cmd.ExitCheckFailed || res.Pass || res.Failed != 2 {
		t.Errorf("got exit %d, pass %v, %d failed; want 1, false, 2", code, res.Pass, res.Failed)
	}
	if res.Baseline != base {
		t.Errorf("baseline: got %q, want %q", res.Baseline, base)
	}
	g := res.Verdicts[0]
	chkNear(t, "gini observed", g.Observed, chkGini(skewedXs))
	chkNear(t, "gini baseline", g.Baseline, chkGini(evenXs))
	chkNear(t, "gini delta", g.Delta, chkGini(skewedXs)-chkGini(evenXs))
	chkNear(t, "gini limit", &g.Limit, chkGini(evenXs)+0.05)
	// effective_workers = n·jain = (Σx)²/Σx²: 410²/(285²+125²) for the
	// skewed cut, 300²/Σx² for the even one.
	eff := func(xs []float64) float64 {
		s, s2 := 0.0, 0.0
		for _, x := range xs {
			s, s2 = s+x, s2+x*x
		}
		return s * s / s2
	}
	e := res.Verdicts[1]
	chkNear(t, "effective_workers observed", e.Observed, eff(skewedXs))
	chkNear(t, "effective_workers baseline", e.Baseline, eff(evenXs))
	chkNear(t, "effective_workers limit", &e.Limit, eff(evenXs)*0.9)
}

// TestCheckEachWindow evaluates the skewed cut per 10 s window: windows
// below --min-requests (and those without requests) are skipped, every
// failing window is listed, and the verdicts per window equal the
// independent count of each window.
func TestCheckEachWindow(t *testing.T) {
	chkQuietCI(t)
	skewed := chkFixture(t, "skewed.log")
	windows := chkWindows(chkRead(t, skewed), 10*time.Second)
	for _, minReq := range []int{0, 50, 80, 100} {
		t.Run(fmt.Sprintf("min-requests %d", minReq), func(t *testing.T) {
			args := []string{"--each-window", "10s", "-t", "top1_share<0.7", "-t", "gini<0.3", skewed}
			if minReq > 0 {
				args = append([]string{"--min-requests", fmt.Sprint(minReq)}, args...)
			}
			// The independent verdicts.
			type verdict struct {
				start      string
				requests   int
				top1, gini float64
			}
			var evaluated []verdict
			skipped, failedVerdicts := 0, 0
			failing := map[string][]verdict{}
			for _, w := range windows {
				if w.total == 0 || w.total < minReq {
					skipped++
					continue
				}
				xs := chkValues(w.counts)
				v := verdict{w.start.Format(time.RFC3339), w.total, chkTop1(xs), chkGini(xs)}
				evaluated = append(evaluated, v)
				if v.top1 >= 0.7 {
					failing["top1_share<0.7"] = append(failing["top1_share<0.7"], v)
					failedVerdicts++
				}
				if v.gini >= 0.3 {
					failing["gini<0.3"] = append(failing["gini<0.3"], v)
					failedVerdicts++
				}
			}
			wantCode := cmd.ExitOK
			if failedVerdicts > 0 {
				wantCode = cmd.ExitCheckFailed
			}

			code, res := chkJSON(t, args...)
			if code != wantCode {
				t.Errorf("exit code: got %d, want %d", code, wantCode)
			}
			if res.Windows != len(evaluated) || res.SkippedWindows != skipped || res.WindowSeconds != 10 {
				t.Errorf("windows: got %d evaluated, %d skipped, %d s; want %d, %d, 10", res.Windows, res.SkippedWindows, res.WindowSeconds, len(evaluated), skipped)
			}
			// passed and failed count thresholds: one fails when it fails in any window.
			failedThresholds := len(failing)
			if len(evaluated) == 0 {
				failedThresholds = 0
			}
			if len(res.Verdicts) != 2*len(evaluated) || res.Failed != failedThresholds || res.Passed != 2-failedThresholds {
				t.Errorf("verdicts: got %d, %d thresholds passed, %d failed; want %d, %d, %d",
					len(res.Verdicts), res.Passed, res.Failed, 2*len(evaluated), 2-failedThresholds, failedThresholds)
			}
			byWindow := map[string]verdict{}
			for _, v := range evaluated {
				byWindow[v.start] = v
			}
			for _, v := range res.Verdicts {
				want, ok := byWindow[v.WindowStart]
				if !ok {
					t.Errorf("verdict %s in window %q: not a window with %d requests or more", v.Threshold, v.WindowStart, minReq)
					continue
				}
				obs := want.top1
				if v.Metric == "gini" {
					obs = want.gini
				}
				chkNear(t, v.Threshold+" at "+v.WindowStart, v.Observed, obs)
				if v.Requests != want.requests {
					t.Errorf("%s at %s: got %d requests, want %d", v.Threshold, v.WindowStart, v.Requests, want.requests)
				}
				if v.Pass != (obs < v.Limit) {
					t.Errorf("%s at %s: got pass %v for %v", v.Threshold, v.WindowStart, v.Pass, obs)
				}
			}

			// The text lists every failing window under its threshold.
			code, stdout, stderr := chkRun(t, append([]string{"check"}, args...)...)
			if code != wantCode || stderr != "" {
				t.Errorf("text: got exit %d, stderr %q; want %d, nothing", code, stderr, wantCode)
			}
			var want []string
			failedThresholds = 0
			for _, th := range []string{"top1_share<0.7", "gini<0.3"} {
				metric, limit, _ := strings.Cut(th, "<")
				fs := failing[th]
				pad := strings.Repeat(" ", len("top1_share < 0.7")-len(metric+" < "+limit))
				if len(fs) == 0 {
					held := fmt.Sprintf("held in all %d windows", len(evaluated))
					if len(evaluated) == 1 {
						held = "held in 1 window"
					}
					want = append(want, fmt.Sprintf("ok    %s < %s%s  %s", metric, limit, pad, held))
					continue
				}
				failedThresholds++
				want = append(want, fmt.Sprintf("FAIL  %s < %s%s  %d of %s failed", metric, limit, pad, len(fs), chkPlural(len(evaluated), "window")))
				for _, f := range fs {
					obs := f.top1
					if metric == "gini" {
						obs = f.gini
					}
					start, _ := time.Parse(time.RFC3339, f.start)
					want = append(want, fmt.Sprintf("        %s to %s  %s %s  %d requests",
						f.start, start.Add(10*time.Second).Format("15:04:05Z"), metric, f3(obs), f.requests))
				}
			}
			want = append(want,
				skippedLine(skipped, int64(minReq)),
				fmt.Sprintf("2 thresholds over %s of 10s: %d passed, %d failed", chkPlural(len(evaluated), "window"), 2-failedThresholds, failedThresholds))
			if got := strings.TrimSuffix(stdout, "\n"); got != strings.Join(want, "\n") {
				t.Errorf("stdout: got\n%s\nwant\n%s", got, strings.Join(want, "\n"))
			}
		})
	}
}

// TestCheckREADMEGate runs the `skewer check` step of README.md's GitHub
// Actions job, read from the README so that the manual cannot drift, on the
// two cuts as its access.log: it fails the job with exit 1, annotations a
// reader understands and a JUnit report when the load is skewed, and passes
// without annotations when it is even. Each threshold's verdict is worked
// out from the independent count.
func TestCheckREADMEGate(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var step string
	for _, line := range strings.Split(string(readme), "\n") {
		if _, cmdline, ok := strings.Cut(line, "run: skewer check "); ok {
			step = "skewer check " + cmdline
		}
	}
	if step == "" {
		t.Fatal("README.md: no `run: skewer check ...` step in the GitHub Actions job")
	}
	words := chkShellWords(t, step)
	if words[len(words)-1] != "access.log" {
		t.Fatalf("README.md step %q: want access.log as its input", step)
	}
	type threshold struct{ text, metric, op, limit string }
	var ths []threshold
	junit := ""
	for i, w := range words {
		switch {
		case w == "--junit" && i+1 < len(words):
			junit = words[i+1]
		case w == "-t" && i+1 < len(words):
			text := words[i+1]
			j := strings.IndexAny(text, "<>=!")
			k := j + strings.LastIndexAny(text[j:], "<>=") + 1
			ths = append(ths, threshold{text, text[:j], text[j:k], text[k:]})
		}
	}
	if len(ths) == 0 {
		t.Fatalf("README.md step %q: no -t thresholds", step)
	}

	for _, cut := range []string{"skewed.log", "even.log"} {
		t.Run(cut, func(t *testing.T) {
			dir := t.TempDir()
			data, err := os.ReadFile(chkFixture(t, cut))
			if err != nil {
				t.Fatal(err)
			}
			chkWrite(t, filepath.Join(dir, "access.log"), string(data))
			t.Chdir(dir)

			xs := chkValues(chkCounts(chkRead(t, "access.log")))
			var want []string // the annotations, unescaped
			for _, th := range ths {
				obs, shown := 0.0, ""
				switch th.metric {
				case "gini":
					obs = chkGini(xs)
					shown = f3(obs)
				case "top1_share":
					obs = chkTop1(xs)
					shown = f3(obs)
				case "active_workers", "workers":
					obs = float64(len(xs)) // every worker of a cut served
					shown = fmt.Sprint(len(xs))
				default:
					t.Fatalf("README.md threshold %q: this test has no independent value for %s; add one", th.text, th.metric)
				}
				var limit float64
				if _, err := fmt.Sscan(th.limit, &limit); err != nil {
					t.Fatalf("README.md threshold %q: limit %q: %v", th.text, th.limit, err)
				}
				holds := map[string]bool{"<": obs < limit, "<=": obs <= limit, ">": obs > limit, ">=": obs >= limit, "==": obs == limit, "!=": obs != limit}[th.op]
				if !holds {
					want = append(want, fmt.Sprintf("skewer check: %s | %s is %s, not %s %s", th.text, th.metric, shown, th.op, th.limit))
				}
			}
			if cut == "skewed.log" && len(want) == 0 {
				t.Fatalf("README.md step %q: passes on the skewed cut by the independent count", step)
			}
			if cut == "even.log" && len(want) > 0 {
				t.Fatalf("README.md step %q: fails on the even cut by the independent count: %q", step, want)
			}

			code, stdout, stderr := chkRunCI(t, true, filepath.Join(dir, "summary.md"), words[1:]...)
			wantCode := cmd.ExitOK
			if len(want) > 0 {
				wantCode = cmd.ExitCheckFailed
			}
			if code != wantCode || stderr != "" {
				t.Errorf("exit code %d, stderr %q; want %d, nothing", code, stderr, wantCode)
			}
			// What the Actions UI shows: the title, and the message unescaped.
			var got []string
			unescape := strings.NewReplacer("%0A", "\n", "%0D", "\r", "%3A", ":", "%2C", ",", "%25", "%")
			for _, line := range strings.Split(stdout, "\n") {
				if strings.HasPrefix(line, "::") && !strings.HasPrefix(line, "::error title=") {
					t.Errorf("workflow command %q: want only ::error title=...", line)
				}
				rest, ok := strings.CutPrefix(line, "::error title=")
				if !ok {
					continue
				}
				title, msg, ok := strings.Cut(rest, "::")
				if !ok {
					t.Errorf("annotation %q: no :: after the title", line)
				}
				got = append(got, unescape.Replace(title)+" | "+unescape.Replace(msg))
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("annotations: got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if junit != "" {
				if doc := chkJUnit(t, junit); doc.Tests != len(ths) || doc.Failures != len(want) {
					t.Errorf("%s: got %d tests, %d failures; want %d, %d", junit, doc.Tests, doc.Failures, len(ths), len(want))
				}
			}
		})
	}
}

// chkShellWords splits a command line of plain words and 'quoted' words.
func chkShellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case strings.ContainsRune("\"$`\\|;&<>", r) && !quoted:
			t.Fatalf("%q: only plain and single-quoted words are supported", line)
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quoted {
		t.Fatalf("%q: unterminated quote", line)
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// skippedLine is the text's line for the windows not evaluated.
func skippedLine(skipped int, minReq int64) string {
	if minReq > 0 {
		return fmt.Sprintf("%s with fewer than %d requests (--min-requests) skipped", chkPlural(skipped, "window"), minReq)
	}
	return chkPlural(skipped, "window") + " without requests skipped"
}
