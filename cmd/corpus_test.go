package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// truthPID is one PID's row in a corpus truth.json (logs.<file>.per_pid),
// computed independently of skewer.
type truthPID struct {
	Requests          int64   `json:"requests"`
	TotalRequestTimeS float64 `json:"total_request_time_s"`
	FirstTS           string  `json:"first_ts"`
	LastTS            string  `json:"last_ts"`
	FirstMsecUTC      string  `json:"first_msec_utc"`
	LastMsecUTC       string  `json:"last_msec_utc"`
}

type truthLog struct {
	TotalLines   int64               `json:"total_lines"`
	StatusCounts map[string]int64    `json:"status_counts"`
	PerPID       map[string]truthPID `json:"per_pid"`
}

type truthSkew struct {
	Gini float64 `json:"gini_over_pids_in_log"`
	NPID int     `json:"n_pids_in_log"`
	Top1 float64 `json:"top1_share"`
	Top3 float64 `json:"top3_share"`
	Top5 float64 `json:"top5_share"`
}

// corpusReport is the part of the skewer.report/v1 document compared here.
type corpusReport struct {
	Schema string `json:"schema"`
	Family string `json:"family"`
	Lines  struct {
		Total    int64 `json:"total"`
		Rejected int64 `json:"rejected"`
	} `json:"lines"`
	Workers []struct {
		Key            string           `json:"key"`
		Requests       int64            `json:"requests"`
		RequestSeconds *float64         `json:"request_seconds"`
		FirstSeen      *string          `json:"first_seen"`
		LastSeen       *string          `json:"last_seen"`
		Status         map[string]int64 `json:"status"`
	} `json:"workers"`
	Skew struct {
		Workers  int                `json:"workers"`
		Gini     float64            `json:"gini"`
		TopShare map[string]float64 `json:"top_share"`
	} `json:"skew"`
}

// TestCorpusReport checks skewer's per-PID accounting of the real corpus logs
// against truth.json, which a separate script computed from the same files.
func TestCorpusReport(t *testing.T) {
	corpus := testutil.Corpus(t)
	tests := []struct {
		name    string
		args    []string // after "report -o json"
		truth   string   // folder holding truth.json
		log     string   // key under logs
		skew    string   // key of the skew object
		family  string
		subSec  bool // $msec: first/last seen in milliseconds
		ignored int  // inputs skipped in a walk (at least)
	}{
		{
			name: "gunicorn-sync-17/access.log", args: []string{filepath.Join(corpus, "gunicorn-sync-17", "access.log")},
			truth: "gunicorn-sync-17", log: "access.log", skew: "skew", family: "gunicorn",
		},
		{
			name: "gunicorn-sync-17 directory", args: []string{filepath.Join(corpus, "gunicorn-sync-17")},
			truth: "gunicorn-sync-17", log: "access.log", skew: "skew", family: "gunicorn",
		},
		{
			name: "nginx-proxy/gunicorn-access.log", args: []string{filepath.Join(corpus, "nginx-proxy", "gunicorn-access.log")},
			truth: "nginx-proxy", log: "gunicorn-access.log", skew: "skew_gunicorn_workers", family: "gunicorn",
		},
		{
			name: "nginx-proxy/access-pid.log", args: []string{filepath.Join(corpus, "nginx-proxy", "access-pid.log")},
			truth: "nginx-proxy", log: "access-pid.log", skew: "skew_nginx_workers", family: "nginx", subSec: true,
		},
		{
			name: "nginx-proxy directory --family gunicorn", args: []string{"--family", "gunicorn", filepath.Join(corpus, "nginx-proxy")},
			truth: "nginx-proxy", log: "gunicorn-access.log", skew: "skew_gunicorn_workers", family: "gunicorn",
		},
		{
			// The JSON log of the same requests is the other way to read them.
			name: "nginx-proxy JSON log", args: []string{filepath.Join(corpus, "nginx-proxy", "access.json.log.gz")},
			truth: "nginx-proxy", log: "access-pid.log", skew: "skew_nginx_workers", family: "nginx", subSec: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logTruth, skewTruth := readTruth(t, filepath.Join(corpus, tt.truth, "truth.json"), tt.log, tt.skew)
			var rep corpusReport
			if stderr := runJSON(t, cmd.ExitOK, &rep, append([]string{"report", "-o", "json"}, tt.args...)...); stderr != "" {
				t.Errorf("stderr: got %q, want nothing", stderr)
			}
			if rep.Family != tt.family {
				t.Errorf("family: got %q, want %q", rep.Family, tt.family)
			}
			if rep.Lines.Total != logTruth.TotalLines || rep.Lines.Rejected != 0 {
				t.Errorf("lines: got %d total, %d rejected; want %d, 0", rep.Lines.Total, rep.Lines.Rejected, logTruth.TotalLines)
			}
			compareWorkers(t, rep, logTruth, tt.subSec)
			compareStatus(t, rep, logTruth)
			if rep.Skew.Workers != skewTruth.NPID {
				t.Errorf("skew.workers: got %d, want %d", rep.Skew.Workers, skewTruth.NPID)
			}
			near(t, "skew.gini", rep.Skew.Gini, skewTruth.Gini, 1e-6)
			near(t, "skew.top_share.1", rep.Skew.TopShare["1"], skewTruth.Top1, 1e-6)
			near(t, "skew.top_share.3", rep.Skew.TopShare["3"], skewTruth.Top3, 1e-6)
			near(t, "skew.top_share.5", rep.Skew.TopShare["5"], skewTruth.Top5, 1e-6)
		})
	}
}

// TestCorpusTwoFamilies checks that the nginx-proxy folder, which holds the
// nginx logs and the gunicorn log behind them, is refused with both families
// named and the --family flag to pass.
func TestCorpusTwoFamilies(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "nginx-proxy")
	code, stdout, got := runSkewer(t, "report", dir)
	if code != cmd.ExitError {
		t.Errorf("exit code: got %d, want %d", code, cmd.ExitError)
	}
	if stdout != "" {
		t.Errorf("stdout: got %q, want nothing", stdout)
	}
	for _, want := range []string{
		"skewer: ",
		"gunicorn (" + filepath.Join(dir, "gunicorn-access.log") + ")",
		// the text and the JSON log of nginx
		"nginx (" + filepath.Join(dir, "access-pid.log") + ", " + filepath.Join(dir, "access.json.log.gz") + ")",
		"--family gunicorn",
		"--family nginx",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("stderr: got %q, want it to contain %q", got, want)
		}
	}
}

// TestCorpusSameTrafficTwice: nginx-proxy holds the same requests in a
// text and a JSON log; with --family nginx both are read and refused.
func TestCorpusSameTrafficTwice(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "nginx-proxy")
	code, _, stderr := runSkewer(t, "report", "--family", "nginx", dir)
	want := "skewer: " + filepath.Join(dir, "access-pid.log") + " and " + filepath.Join(dir, "access.json.log.gz") + " cover the same time"
	if code != cmd.ExitError || !strings.HasPrefix(stderr, want) {
		t.Errorf("got exit %d, stderr %q; want %d and %q...", code, stderr, cmd.ExitError, want)
	}
}

func readTruth(t *testing.T, path, log, skew string) (truthLog, truthSkew) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Logs map[string]truthLog `json:"logs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	lt, ok := doc.Logs[log]
	if !ok || len(lt.PerPID) == 0 {
		t.Fatalf("%s: no logs.%s.per_pid", path, log)
	}
	var st truthSkew
	if err := readTruthKey(t, path, skew, &st); err != nil || st.NPID == 0 {
		t.Fatalf("%s: no %s.gini_over_pids_in_log (%v)", path, skew, err)
	}
	return lt, st
}

// readTruthKey decodes the top-level key of the truth.json at path into v;
// the error is the decoding's (a missing key is one).
func readTruthKey(t *testing.T, path, key string, v any) error {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		t.Fatal(err)
	}
	return json.Unmarshal(all[key], v)
}

// runSkewer runs skewer with args and returns its exit code and output.
func runSkewer(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cmd.Run(context.Background(), args, cmd.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
	return code, stdout.String(), stderr.String()
}

// runJSON runs skewer with args, fails the test unless it exits with code
// want, decodes its output into v and returns its stderr.
func runJSON(t *testing.T, want int, v any, args ...string) string {
	t.Helper()
	code, out, errOut := runSkewer(t, args...)
	if code != want {
		t.Fatalf("skewer %s: exit code %d, want %d (stderr %q)", strings.Join(args, " "), code, want, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatal(err)
	}
	return errOut
}

func compareWorkers(t *testing.T, rep corpusReport, truth truthLog, subSec bool) {
	t.Helper()
	var got, want []string
	for _, w := range rep.Workers {
		got = append(got, w.Key)
	}
	for pid := range truth.PerPID {
		want = append(want, pid)
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("worker PIDs: got %v, want %v", got, want)
	}
	for _, w := range rep.Workers {
		tp, ok := truth.PerPID[w.Key]
		if !ok {
			continue
		}
		if w.Requests != tp.Requests {
			t.Errorf("%s requests: got %d, want %d", w.Key, w.Requests, tp.Requests)
		}
		if w.RequestSeconds == nil {
			t.Errorf("%s request_seconds: got null, want %.6f", w.Key, tp.TotalRequestTimeS)
		} else {
			near(t, w.Key+" request_seconds", *w.RequestSeconds, tp.TotalRequestTimeS, 1e-6)
		}
		first, last := tp.FirstTS, tp.LastTS
		if subSec {
			first, last = tp.FirstMsecUTC, tp.LastMsecUTC
		}
		if w.FirstSeen == nil || *w.FirstSeen != first {
			t.Errorf("%s first_seen: got %v, want %s", w.Key, deref(w.FirstSeen), first)
		}
		if w.LastSeen == nil || *w.LastSeen != last {
			t.Errorf("%s last_seen: got %v, want %s", w.Key, deref(w.LastSeen), last)
		}
	}
}

// compareStatus sums the workers' status classes and compares them with the
// log's status codes (a non-numeric status such as gunicorn's "socket" is
// "other").
func compareStatus(t *testing.T, rep corpusReport, truth truthLog) {
	t.Helper()
	want := map[string]int64{"2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0, "other": 0}
	for code, n := range truth.StatusCounts {
		class := "other"
		if len(code) == 3 && code[0] >= '2' && code[0] <= '5' {
			class = code[:1] + "xx"
		}
		want[class] += n
	}
	got := map[string]int64{}
	for _, w := range rep.Workers {
		for k, n := range w.Status {
			got[k] += n
		}
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("status %s: got %d, want %d", k, got[k], n)
		}
	}
}

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol+1e-12 {
		t.Errorf("%s: got %.9f, want %.9f (±%g)", what, got, want, tol)
	}
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
