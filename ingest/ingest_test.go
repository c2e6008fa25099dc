package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/internal/testutil"
	"github.com/skewer-dev/skewer/parse"
)

// Lines from the corpus: a gunicorn log with pid=<N>, nginx with pid=N, and
// nginx combined without a worker field.
func gunicornLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:28:%02d +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" pid=<%d> 632\n", i%60, 16480+i%3)
	}
	return b.String()
}

func nginxLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:50:%02d +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" pid=%d rt=0.002 urt=0.001 uaddr=127.0.0.1:18100 msec=1795629%03d.866\n", i%60, 21643+i%2, 56+i)
	}
	return b.String()
}

func combinedLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:50:%02d +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\"\n", i%60)
	}
	return b.String()
}

// bareNumberLines are combined lines with one bare number after the user
// agent that takes many values: a PID or a size, detection cannot tell.
func bareNumberLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:50:%02d +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" %d\n", i%60, 1000+i)
	}
	return b.String()
}

func write(t *testing.T, path, data string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestClassifyRules: each rule skips the input it is about, as a code; a
// file found in a walk is listed as skipped, a file named is an error.
func TestClassifyRules(t *testing.T) {
	gunicornFormat, err := parse.CompileGunicorn(`%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" pid=<%(p)s> %(D)s`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		content  string
		opt      Options
		wantSkip aggregate.Skip
		wantKind parse.Kind
	}{
		{name: "read", content: gunicornLines(20), wantKind: parse.KindAccess},
		{name: "empty", content: "", wantSkip: aggregate.SkipEmpty, wantKind: parse.KindEmpty},
		{name: "not a log", content: "hello\nworld\n", wantSkip: aggregate.SkipNotLog, wantKind: parse.KindUnknown},
		{name: "a config", content: "worker_processes 4;\nevents {\n}\nhttp {\n}\n", wantSkip: aggregate.SkipOther, wantKind: parse.KindConfig},
		{name: "no worker field", content: combinedLines(20), wantSkip: aggregate.SkipNoWorker, wantKind: parse.KindAccess},
		{name: "worker field unclear", content: bareNumberLines(20), wantSkip: aggregate.SkipWorkerUnclear, wantKind: parse.KindAccess},
		{name: "format family other than asked", content: nginxLines(20), opt: Options{FormatFamily: parse.FamilyGunicorn}, wantSkip: aggregate.SkipFormat, wantKind: parse.KindAccess},
		{name: "format given does not match", content: nginxLines(20), opt: Options{Format: gunicornFormat}, wantSkip: aggregate.SkipFormat, wantKind: parse.KindAccess},
		{name: "format given matches", content: gunicornLines(20), opt: Options{Format: gunicornFormat}, wantKind: parse.KindAccess},
		{name: "family other than asked", content: nginxLines(20), opt: Options{Family: parse.FamilyGunicorn}, wantSkip: aggregate.SkipOtherFamily, wantKind: parse.KindAccess},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			// A good gunicorn log of other hours beside it, so that a
			// walk has something to read.
			write(t, filepath.Join(dir, "logs", "good.log"), strings.ReplaceAll(gunicornLines(20), ":17:", ":09:"))
			odd := write(t, filepath.Join(dir, "logs", "odd.log"), tt.content)
			opt := tt.opt
			opt.MaxRejectRatio = 1

			run, err := Read(context.Background(), []string{filepath.Join(dir, "logs")}, nil, opt)
			if err != nil {
				t.Fatalf("walk: %v", err)
			}
			var in *aggregate.Input
			for i := range run.Inputs {
				if run.Inputs[i].Path == odd {
					in = &run.Inputs[i]
				}
			}
			if in == nil {
				t.Fatalf("walk: %s not among the inputs %+v", odd, run.Inputs)
			}
			if in.Skip != tt.wantSkip || in.Kind != tt.wantKind || (in.Ignored != nil) != (tt.wantSkip != aggregate.SkipNone) {
				t.Errorf("walk: got skip %d kind %s ignored %v, want skip %d kind %s", in.Skip, in.Kind, in.Ignored, tt.wantSkip, tt.wantKind)
			}

			// Named: an error, except for an empty file and a log of
			// another family than asked, which are listed.
			_, err = Read(context.Background(), []string{odd}, nil, opt)
			var se *SkipError
			switch {
			case tt.wantSkip == aggregate.SkipNone:
				if err != nil {
					t.Errorf("named: got error %v, want none", err)
				}
			case tt.wantSkip == aggregate.SkipEmpty || tt.wantSkip == aggregate.SkipOtherFamily:
				var none *NoAccessError
				if !errors.As(err, &none) {
					t.Errorf("named: got error %v, want a *NoAccessError", err)
				}
			case !errors.As(err, &se) || se.Path != odd || se.Skip.Code != tt.wantSkip:
				t.Errorf("named: got error %v, want a *SkipError for %s with code %d", err, odd, tt.wantSkip)
			case strings.Contains(err.Error(), "--"):
				t.Errorf("named: error %q names a flag", err)
			}
		})
	}
}

// TestRefusals: mixes that would count wrong end the run with a typed error.
func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	g := write(t, filepath.Join(dir, "gunicorn.log"), gunicornLines(30))
	n := write(t, filepath.Join(dir, "nginx.log"), nginxLines(30))
	copyOf := write(t, filepath.Join(dir, "copy.log"), gunicornLines(30))
	junk := write(t, filepath.Join(dir, "junk.log"), gunicornLines(3)+"garbage\n")
	tests := []struct {
		name  string
		paths []string
		opt   Options
		check func(error) bool
	}{
		{"two families", []string{g, n}, Options{}, func(err error) bool {
			var e *FamiliesError
			return errors.As(err, &e) && len(e.Families) == 2 && e.Families[0] == parse.FamilyGunicorn && e.Families[1] == parse.FamilyNginx
		}},
		{"the same traffic twice", []string{g, copyOf}, Options{}, func(err error) bool {
			return err != nil && strings.Contains(err.Error(), "cover the same time")
		}},
		{"strict", []string{junk}, Options{Strict: true}, func(err error) bool {
			var e *RejectError
			return errors.As(err, &e) && e.Strict && e.Rejected == 1 && e.Total == 4
		}},
		{"reject ratio", []string{junk}, Options{MaxRejectRatio: 0.1}, func(err error) bool {
			var e *RejectError
			return errors.As(err, &e) && !e.Strict && e.Ratio == 0.25 && e.Limit == 0.1
		}},
		{"nothing in range", []string{g}, Options{Since: Bound{Time: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}, func(err error) bool {
			var e *OutOfRangeError
			return errors.As(err, &e) && e.Lines == 30
		}},
		{"relative bound on stdin", nil, Options{Since: Bound{Relative: true, Offset: -time.Minute}}, func(err error) bool {
			var e *BoundError
			return errors.As(err, &e) && e.Code == BoundStdin
		}},
		{"empty range", []string{g}, Options{Since: Bound{Relative: true, Offset: -time.Minute}, Until: Bound{Relative: true, Offset: -2 * time.Minute}}, func(err error) bool {
			return errors.Is(err, ErrEmptyRange)
		}},
		{"no worker key field", []string{g}, Options{By: "upstream_addr"}, func(err error) bool {
			var e *FieldError
			return errors.As(err, &e) && !e.Host && e.Path == g
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.opt.MaxRejectRatio == 0 {
				tt.opt.MaxRejectRatio = 1
			}
			_, err := Read(context.Background(), tt.paths, strings.NewReader(gunicornLines(5)), tt.opt)
			if !tt.check(err) {
				t.Errorf("got error %v (%T), want the refusal", err, err)
			}
			if err != nil && strings.Contains(err.Error(), "--") {
				t.Errorf("error %q names a flag", err)
			}
		})
	}
}

// TestReadCorpus reads the gunicorn corpus (access log, error log,
// snapshots) and checks the counts against truth.json, computed from the
// same files by another program.
func TestReadCorpus(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "gunicorn-sync-17")
	var truth struct {
		Logs map[string]struct {
			AccessLines int64   `json:"access_lines"`
			Seconds     float64 `json:"total_request_time_s"`
			PerPID      map[string]struct {
				Requests int64 `json:"requests"`
			} `json:"per_pid"`
		} `json:"logs"`
		ErrorLog struct {
			Booting int `json:"booting_worker_lines"`
		} `json:"error_log"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &truth); err != nil {
		t.Fatal(err)
	}
	want := truth.Logs["access.log"]
	run, err := Read(context.Background(),
		[]string{filepath.Join(dir, "access.log"), filepath.Join(dir, "error.log")}, nil,
		Options{MaxRejectRatio: 1, Loc: time.UTC, PS: []string{filepath.Join(dir, "ps-aefF.log")}})
	if err != nil {
		t.Fatal(err)
	}
	if run.Family != parse.FamilyGunicorn {
		t.Errorf("family: got %q, want gunicorn", run.Family)
	}
	kinds := map[parse.Kind]int{}
	for _, in := range run.Inputs {
		kinds[in.Kind]++
		if in.Kind == parse.KindAccess && (in.Lines != want.AccessLines || in.Parsed != want.AccessLines || in.Rejected != 0) {
			t.Errorf("access.log lines, parsed, rejected: got %d, %d, %d, want %d, %d, 0", in.Lines, in.Parsed, in.Rejected, want.AccessLines, want.AccessLines)
		}
	}
	if kinds[parse.KindAccess] != 1 || kinds[parse.KindErrorLog] != 1 || kinds[parse.KindSnapshots] != 1 {
		t.Errorf("kinds: got %v, want one access log, one error log, one snapshots file", kinds)
	}
	rep, err := run.Report(0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, w := range rep.Workers {
		if w.Requests > 0 {
			got[w.Key] = w.Requests
		}
	}
	if len(got) != len(want.PerPID) {
		t.Errorf("workers with requests: got %d, want %d", len(got), len(want.PerPID))
	}
	for pid, w := range want.PerPID {
		if got[pid] != w.Requests {
			t.Errorf("pid %s requests: got %d, want %d", pid, got[pid], w.Requests)
		}
	}
	if run.Procs == nil || len(run.Procs.Workers) < truth.ErrorLog.Booting {
		t.Errorf("workers known from the error log and snapshots: got %v, want at least the %d booted", run.Procs, truth.ErrorLog.Booting)
	}
	// The partial's workers were released with the report: a second
	// report would have none, so there is none.
	if again, err := run.Report(0); err == nil || again != nil {
		t.Errorf("second report: got %v, %v; want an error", again, err)
	}
	if n := len(run.Partial.Workers()); n != 0 {
		t.Errorf("workers held by the partial after the report: got %d, want 0", n)
	}
}

// TestReadSample reads snapshots written as skewer sample writes them.
func TestReadSample(t *testing.T) {
	var b []byte
	at := time.Date(2026, 11, 25, 17, 40, 5, 0, time.UTC)
	for i := range 3 {
		b = parse.AppendSampleHeader(b, at.Add(time.Duration(i)*5*time.Second))
		b = parse.AppendSampleRow(b, parse.SampleRow{PID: 100, PPID: 1, StartTicks: 10, CPUMillis: 50, RSSKiB: 1000, Args: "gunicorn: master [app]"})
		b = parse.AppendSampleRow(b, parse.SampleRow{PID: 101, PPID: 100, StartTicks: 11, CPUMillis: int64(1000 * i), RSSKiB: 2000, Args: "gunicorn: worker [app]"})
		b = parse.AppendSampleRow(b, parse.SampleRow{PID: 102, PPID: 100, StartTicks: 12, CPUMillis: int64(3000 * i), RSSKiB: 3000, Args: "gunicorn: worker [app]"})
	}
	path := write(t, filepath.Join(t.TempDir(), "ps.log"), string(b))
	run, err := Read(context.Background(), []string{path}, nil, Options{Loc: time.UTC, MaxRejectRatio: 1})
	if err != nil {
		t.Fatal(err)
	}
	in := run.Inputs[0]
	if in.Kind != parse.KindSnapshots || in.Format != "ps" || in.Parsed != 9 || in.Rejected != 0 || in.Note != "3 snapshots" {
		t.Errorf("input: got kind %s format %s parsed %d rejected %d note %q, want snapshots ps 9 0 \"3 snapshots\"", in.Kind, in.Format, in.Parsed, in.Rejected, in.Note)
	}
	if run.Family != parse.FamilyGunicorn || run.Procs == nil || len(run.Procs.Workers) != 2 {
		t.Fatalf("family, procs: got %q, %+v, want gunicorn with 2 workers", run.Family, run.Procs)
	}
}
