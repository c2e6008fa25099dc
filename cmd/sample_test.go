package cmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/procfs"
)

// fakeProc is one process of a fake /proc tree.
type fakeProc struct {
	pid, ppid          int
	comm               string
	utime, stime       int64 // clock ticks
	startTicks, rssPgs int64
	cmdline            string // NUL-separated as in /proc; "" for none
	vanished           bool   // the folder is there, its files are gone
}

// writeFakeProc writes ROOT/PID/stat and ROOT/PID/cmdline.
func writeFakeProc(t *testing.T, root string, p fakeProc) {
	t.Helper()
	dir := filepath.Join(root, strconv.Itoa(p.pid))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if p.vanished {
		return
	}
	// Fields 3-24 of proc(5); 14, 15, 22 and 24 are utime, stime,
	// starttime and rss, the rest filler.
	stat := fmt.Sprintf("%d (%s) S %d 0 0 0 -1 0 0 0 0 0 %d %d 0 0 20 0 1 0 %d 9999 %d 0 0 0\n",
		p.pid, p.comm, p.ppid, p.utime, p.stime, p.startTicks, p.rssPgs)
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "cmdline"), []byte(p.cmdline), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fakeMachine is skewer (31) started by `sh -c "skewer sample --match
// gunicorn"` (30) from a bash (20), next to a gunicorn master (40) with a
// titled worker (41), a zombie worker (42) with a child (44), a worker that
// exits while being read (43), an nginx (60) and a kernel thread (2).
var fakeMachine = []fakeProc{
	{pid: 1, ppid: 0, comm: "systemd", utime: 90, stime: 35, startTicks: 1, rssPgs: 3000, cmdline: "/sbin/init\x00"},
	{pid: 2, ppid: 0, comm: "kthreadd", startTicks: 1},
	{pid: 20, ppid: 1, comm: "bash", utime: 3, stime: 1, startTicks: 5000, rssPgs: 1200, cmdline: "-bash\x00"},
	{pid: 30, ppid: 20, comm: "sh", startTicks: 9000, rssPgs: 400, cmdline: "sh\x00-c\x00skewer sample --match gunicorn\x00"},
	{pid: 31, ppid: 30, comm: "skewer", utime: 1, startTicks: 9001, rssPgs: 2000, cmdline: "skewer\x00sample\x00--match\x00gunicorn\x00"},
	{pid: 40, ppid: 1, comm: "gunicorn", utime: 120, stime: 33, startTicks: 7000, rssPgs: 5120, cmdline: "gunicorn: master [app]\x00"},
	{pid: 41, ppid: 40, comm: "gunicorn: w (1)", utime: 98127, stime: 1, startTicks: 7010, rssPgs: 35083, cmdline: "gunicorn: worker [app]\x00"},
	{pid: 42, ppid: 40, comm: "python3", startTicks: 7011},
	{pid: 43, ppid: 40, vanished: true},
	{pid: 44, ppid: 42, comm: "convert", utime: 5, startTicks: 8000, rssPgs: 10, cmdline: "convert\x00in put.png\x00out.jpg\x00"},
	{pid: 60, ppid: 1, comm: "nginx", startTicks: 6000, rssPgs: 300, cmdline: "nginx: master process /usr/sbin/nginx\x00"},
}

func fakeTree(t *testing.T, procs []fakeProc) procfs.FS {
	t.Helper()
	root := t.TempDir()
	for _, p := range procs {
		writeFakeProc(t, root, p)
	}
	return procfs.FS{Root: root, PageSize: 4096}
}

// clock returns the times in turn, then the last one again.
func clock(t *testing.T, times ...string) func() time.Time {
	t.Helper()
	var ts []time.Time
	for _, s := range times {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, tm)
	}
	var mu sync.Mutex
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tm := ts[0]
		if len(ts) > 1 {
			ts = ts[1:]
		}
		return tm
	}
}

// writeLog records each Write and Flush, and can act after a number of
// writes.
type writeLog struct {
	mu      sync.Mutex
	writes  []string
	flushes int
	after   func(n int)
}

func (w *writeLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.writes = append(w.writes, string(p))
	n := len(w.writes)
	w.mu.Unlock()
	if w.after != nil {
		w.after(n)
	}
	return len(p), nil
}

func (w *writeLog) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.flushes++
	return nil
}

func (w *writeLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.writes, "")
}

// sampleFake runs `skewer sample ARGS` through its command (flags,
// validation) against a fake machine.
func sampleFake(ctx context.Context, fsys procfs.FS, self int, now func() time.Time, out io.Writer, args ...string) (stderr string, err error) {
	var errBuf bytes.Buffer
	c := newSampleCmd(IO{Out: out, ErrOut: &errBuf}, func(ctx context.Context, o *sampleOptions) error {
		o.Proc, o.Self, o.Now = fsys, self, now
		return runSample(ctx, o)
	})
	c.SetArgs(args)
	c.SetOut(io.Discard)
	c.SetErr(io.Discard)
	c.SilenceErrors, c.SilenceUsage = true, true
	err = c.ExecuteContext(ctx)
	return errBuf.String(), err
}

// TestSampleLayout checks the written text exactly. The numbers are worked
// by hand from fakeMachine: cpu_ms = (utime+stime) × 10, rss_kib = pages × 4.
func TestSampleLayout(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	now := clock(t, "2026-11-25T17:40:05.999+00:00", "2026-11-25T18:40:10.5+01:00")
	out := &writeLog{}
	stderr, err := sampleFake(context.Background(), fsys, 31, now, out, "--match", "gunicorn", "--count", "2", "--interval", "1ms")
	if err != nil {
		t.Fatalf("got error %v", err)
	}
	// 30 and 31 match but are skewer and its parent; 42 is a zombie (no
	// command line), 44 its child, both under the master; 43 vanished.
	snap := func(at string) string {
		return "# skewer-sample v1 " + at + "\n" +
			"40 1 7000 1530 20480 gunicorn: master [app]\n" +
			"41 40 7010 981280 140332 gunicorn: worker [app]\n" +
			"42 40 7011 0 0 [python3]\n" +
			"44 42 8000 50 40 convert in put.png out.jpg\n"
	}
	want := []string{snap("2026-11-25T17:40:05.999Z"), snap("2026-11-25T17:40:10.500Z")} // UTC, milliseconds
	if got := out.writes; !equalStrings(got, want) {
		t.Errorf("writes:\n%q\nwant one per snapshot:\n%q", got, want)
	}
	if out.flushes != 2 {
		t.Errorf("flushes: got %d, want 2", out.flushes)
	}
	if stderr != "" {
		t.Errorf("stderr: got %q, want nothing", stderr)
	}
}

func equalStrings(a, b []string) bool {
	return strings.Join(a, "\x00") == strings.Join(b, "\x00") && len(a) == len(b)
}

func TestSampleMaster(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	now := clock(t, "2026-11-25T17:40:05Z")
	var out bytes.Buffer
	if _, err := sampleFake(context.Background(), fsys, 31, now, &out, "--master", "42", "--count", "1"); err != nil {
		t.Fatal(err)
	}
	want := "# skewer-sample v1 2026-11-25T17:40:05.000Z\n42 40 7011 0 0 [python3]\n44 42 8000 50 40 convert in put.png out.jpg\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestSampleOutAppends: --out keeps what the file held and writes nothing
// to stdout.
func TestSampleOutAppends(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	name := filepath.Join(t.TempDir(), "ps.log")
	before := "# skewer-sample v1 2026-11-25T17:40:00.000Z\n60 1 6000 0 1200 nginx: master process /usr/sbin/nginx\n"
	if err := os.WriteFile(name, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout bytes.Buffer
	now := clock(t, "2026-11-25T17:40:05Z")
	if _, err := sampleFake(context.Background(), fsys, 31, now, &stdout, "--master", "60", "--count", "1", "--out", name); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if want := before + "# skewer-sample v1 2026-11-25T17:40:05.000Z\n60 1 6000 0 1200 nginx: master process /usr/sbin/nginx\n"; string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: got %q, want nothing", stdout.String())
	}
}

// TestSampleNotes: a --match that matches nothing yet still records (empty
// snapshots carry the time), and says so once.
func TestSampleNotes(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	now := clock(t, "2026-11-25T17:40:05Z", "2026-11-25T17:40:06Z")
	var out bytes.Buffer
	stderr, err := sampleFake(context.Background(), fsys, 31, now, &out, "--match", "uwsgi", "--count", "2", "--interval", "1ms")
	if err != nil {
		t.Fatal(err)
	}
	if want := "# skewer-sample v1 2026-11-25T17:40:05.000Z\n# skewer-sample v1 2026-11-25T17:40:06.000Z\n"; out.String() != want {
		t.Errorf("stdout: got %q, want %q", out.String(), want)
	}
	if want := "skewer: note: --match \"uwsgi\" matches no process yet\n"; stderr != want {
		t.Errorf("stderr: got %q, want %q", stderr, want)
	}
}

// TestSampleDuration: --duration 120ms at 50ms stops by itself after the
// snapshots due at 0, 50 and 100 ms (fewer when a loaded machine makes
// snapshots late: late ticks are skipped).
func TestSampleDuration(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	out := &writeLog{}
	if _, err := sampleFake(context.Background(), fsys, 31, time.Now, out, "--master", "60", "--duration", "120ms", "--interval", "50ms"); err != nil {
		t.Fatal(err)
	}
	if n := len(out.writes); n < 1 || n > 3 {
		t.Errorf("got %d snapshots, want 3 (1 to 3 on a loaded machine):\n%s", n, out.String())
	}
}

// TestSampleMasterGone: sampling stops when the master exits or its PID
// now names another process; what was written stays whole.
func TestSampleMasterGone(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, root string)
	}{
		{"exited", func(t *testing.T, root string) {
			if err := os.RemoveAll(filepath.Join(root, "40")); err != nil {
				t.Fatal(err)
			}
		}},
		{"pid reused", func(t *testing.T, root string) {
			writeFakeProc(t, root, fakeProc{pid: 40, ppid: 1, comm: "bash", startTicks: 9500, cmdline: "bash\x00"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fakeTree(t, fakeMachine)
			calls := 0
			now := func() time.Time {
				calls++
				if calls == 3 {
					tt.change(t, fsys.Root)
				}
				return time.Date(2026, 11, 25, 17, 40, calls, 0, time.UTC)
			}
			out := &writeLog{}
			_, err := sampleFake(context.Background(), fsys, 31, now, out, "--master", "40", "--interval", "1ms")
			if want := "--master 40 exited (or its PID now names another process): sampling stopped"; err == nil || err.Error() != want {
				t.Fatalf("got error %v, want %q", err, want)
			}
			if len(out.writes) != 2 || !strings.HasPrefix(out.writes[1], "# skewer-sample v1 2026-11-25T17:40:02.000Z\n40 1 7000 ") {
				t.Errorf("got writes %q, want 2 whole snapshots", out.writes)
			}
		})
	}
}

// TestSampleInterrupted: a cancelled context (a signal) stops sampling
// between snapshots, its normal end; every snapshot written is whole.
func TestSampleInterrupted(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &writeLog{after: func(n int) {
		if n == 2 {
			cancel()
		}
	}}
	now := clock(t, "2026-11-25T17:40:05Z", "2026-11-25T17:40:10Z")
	_, err := sampleFake(ctx, fsys, 31, now, out, "--master", "60", "--interval", "1ms")
	if err != nil {
		t.Fatalf("got error %v, want none", err)
	}
	want := "# skewer-sample v1 2026-11-25T17:40:05.000Z\n60 1 6000 0 1200 nginx: master process /usr/sbin/nginx\n" +
		"# skewer-sample v1 2026-11-25T17:40:10.000Z\n60 1 6000 0 1200 nginx: master process /usr/sbin/nginx\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestSampleFlags: what the flags set, defaults included.
func TestSampleFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want sampleOptions
	}{
		{"defaults", []string{"--match", "^gunicorn"}, sampleOptions{Interval: 5 * time.Second, Match: "^gunicorn"}},
		{"count", []string{"--master", "7", "--count", "3", "--interval", "250ms"}, sampleOptions{Interval: 250 * time.Millisecond, Master: 7, Count: 3, countSet: true}},
		{"duration and out", []string{"--master", "7", "--duration", "1h", "--out", "ps.log"}, sampleOptions{Interval: 5 * time.Second, Master: 7, Duration: time.Hour, durationSet: true, OutFile: "ps.log"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got *sampleOptions
			c := newSampleCmd(IO{}, func(_ context.Context, o *sampleOptions) error {
				got = o
				return nil
			})
			c.SetArgs(tt.args)
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			g := *got
			if (g.match != nil) != (g.Match != "") || (g.match != nil && g.match.String() != g.Match) {
				t.Errorf("compiled --match: got %v, want %q", g.match, g.Match)
			}
			if g.Proc.Root != procfs.DefaultRoot || g.Self != os.Getpid() || g.Now == nil || g.OS != runtime.GOOS {
				t.Errorf("machine: got root %q, self %d, system %q, want %q, %d, %q, and a clock", g.Proc.Root, g.Self, g.OS, procfs.DefaultRoot, os.Getpid(), runtime.GOOS)
			}
			g.IO, g.match, g.Proc, g.Self, g.Now, g.OS = IO{}, nil, procfs.FS{}, 0, nil, ""
			if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
		})
	}
}

// startSleep starts `sleep 30` as a child of the test, so of the in-process
// skewer, and returns its PID.
func startSleep(t *testing.T) int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("skewer sample reads Linux's /proc")
	}
	c := exec.Command("sleep", "30")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = c.Process.Kill()
		_ = c.Wait()
	})
	// Start returns once the exec began: until the kernel has set up the
	// new program's arguments, /proc shows an empty command line.
	cmdline := filepath.Join(procfs.DefaultRoot, strconv.Itoa(c.Process.Pid), "cmdline")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		if b, _ := os.ReadFile(cmdline); string(b) == "sleep\x0030\x00" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no command line after 10s", cmdline)
		}
	}
	return c.Process.Pid
}

var snapshotHeader = regexp.MustCompile(`(?m)^# skewer-sample v1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestSampleThisMachine runs skewer sample on the real /proc.
func TestSampleThisMachine(t *testing.T) {
	pid := startSleep(t)
	var out, errOut bytes.Buffer
	code := Run(context.Background(), []string{"sample", "--master", strconv.Itoa(pid), "--count", "2", "--interval", "100ms"}, IO{Out: &out, ErrOut: &errOut})
	if code != ExitOK || errOut.Len() != 0 {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", code, errOut.String())
	}
	// Each snapshot: the header, then the sleep alone (it has no children).
	row := regexp.MustCompile(fmt.Sprintf(`^%d %d [1-9]\d* \d+ \d+ sleep 30$`, pid, os.Getpid()))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want 4:\n%s", len(lines), out.String())
	}
	for i, l := range lines {
		if i%2 == 0 && !snapshotHeader.MatchString(l) || i%2 == 1 && !row.MatchString(l) {
			t.Errorf("line %d: got %q, want %s", i+1, l, map[bool]string{true: "a header", false: "a row " + row.String()}[i%2 == 0])
		}
	}

	// The snapshot parser reads it back.
	snaps, _, err := parse.ReadSnapshots(&out, "ps.log", parse.PSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snaps) != 2 {
		t.Fatalf("parse: got %d snapshots, want 2", len(snaps))
	}
	for i, s := range snaps {
		if len(s.Procs) != 1 || s.Procs[0].PID != int64(pid) || s.Procs[0].Args != "sleep 30" || !s.HasTime {
			t.Errorf("parse: snapshot %d: got %+v, want the sleep alone, with a time", i+1, s)
		}
	}
}

// TestSampleExitCodes runs cmd.Run on the real machine for its exit codes
// and error texts.
func TestSampleExitCodes(t *testing.T) {
	pid := strconv.Itoa(startSleep(t))
	missingDir := filepath.Join(t.TempDir(), "missing", "ps.log")
	cancelOnWrite := func() (context.Context, io.Writer) {
		ctx, cancel := context.WithCancel(context.Background())
		t.Cleanup(cancel)
		return ctx, &writeLog{after: func(int) { cancel() }}
	}
	tests := []struct {
		name       string
		args       []string
		interrupt  bool
		wantCode   int
		wantStderr string
	}{
		{"no selection", []string{"sample"}, false, ExitError,
			"skewer: pass --master PID or --match REGEX to choose the processes to record; skewer sample never records every process (see 'skewer sample --help')\n"},
		{"missing master", []string{"sample", "--master", "2147483647", "--count", "1"}, false, ExitError,
			"skewer: --master 2147483647: no such process\n"},
		{"master is skewer", []string{"sample", "--master", strconv.Itoa(os.Getpid()), "--count", "1"}, false, ExitError,
			fmt.Sprintf("skewer: --master %d: that is skewer itself or one of its parents, which are never recorded\n", os.Getpid())},
		{"master is a parent", []string{"sample", "--master", strconv.Itoa(os.Getppid()), "--count", "1"}, false, ExitError,
			fmt.Sprintf("skewer: --master %d: that is skewer itself or one of its parents, which are never recorded\n", os.Getppid())},
		{"out in a missing folder", []string{"sample", "--master", pid, "--count", "1", "--out", missingDir}, false, ExitError,
			"skewer: " + missingDir + ": no such file or directory\n"},
		{"interrupted", []string{"sample", "--master", pid, "--interval", "10ms"}, true, ExitOK, ""},
		{"ok", []string{"sample", "--master", pid, "--count", "1"}, false, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			var out io.Writer = &writeLog{}
			if tt.interrupt {
				ctx, out = cancelOnWrite()
			}
			var errOut bytes.Buffer
			code := Run(ctx, tt.args, IO{Out: out, ErrOut: &errOut})
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d", code, tt.wantCode)
			}
			if errOut.String() != tt.wantStderr {
				t.Errorf("stderr:\ngot  %q\nwant %q", errOut.String(), tt.wantStderr)
			}
			w := out.(*writeLog)
			if tt.wantCode == ExitError && len(w.writes) != 0 {
				t.Errorf("stdout: got %q, want nothing", w.String())
			}
			if tt.wantCode != ExitError && len(w.writes) != 1 {
				t.Errorf("got %d snapshots, want 1: %q", len(w.writes), w.writes)
			}
		})
	}
	if _, err := os.Stat(missingDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stat %s: got %v, want it absent", missingDir, err)
	}
}

// TestSampleSIGTERM: a real SIGTERM stops sampling between snapshots; it
// is sampling's normal end, exit status 0.
func TestSampleSIGTERM(t *testing.T) {
	pid := strconv.Itoa(startSleep(t))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	first := make(chan struct{})
	var once sync.Once
	out := &writeLog{after: func(int) { once.Do(func() { close(first) }) }}
	var errOut bytes.Buffer
	done := make(chan int)
	go func() {
		done <- Run(ctx, []string{"sample", "--master", pid, "--interval", "20ms"}, IO{Out: out, ErrOut: &errOut})
	}()
	<-first
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := <-done; code != ExitOK {
		t.Errorf("exit code: got %d, want %d", code, ExitOK)
	}
	if errOut.String() != "" {
		t.Errorf("stderr: got %q, want nothing", errOut.String())
	}
	for i, w := range out.writes {
		if !snapshotHeader.MatchString(strings.SplitN(w, "\n", 2)[0]) || !strings.HasSuffix(w, " sleep 30\n") {
			t.Errorf("write %d: got %q, want a whole snapshot", i+1, w)
		}
	}
}

// TestSampleReadBack reads skewer sample's output with the snapshot parser
// that `skewer report --ps` uses: every field comes back as written.
func TestSampleReadBack(t *testing.T) {
	fsys := fakeTree(t, fakeMachine)
	now := clock(t, "2026-11-25T17:40:05Z", "2026-11-25T17:40:10Z")
	var out bytes.Buffer
	if _, err := sampleFake(context.Background(), fsys, 31, now, &out, "--match", "gunicorn", "--count", "2", "--interval", "1ms"); err != nil {
		t.Fatal(err)
	}
	snaps, stats, err := parse.ReadSnapshots(&out, "ps.log", parse.PSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Skipped != 0 || stats.Rows != 8 {
		t.Errorf("stats: got %d rows, %d skipped %q; want 8 rows, none skipped", stats.Rows, stats.Skipped, stats.Shown)
	}
	// Start is unknown (-1) without the boot time; StartText keeps
	// start_ticks, which tells a reused PID apart.
	type row struct {
		pid, ppid, cpuMillis, rssKiB, start int64
		startText, args                     string
	}
	want := []row{
		{40, 1, 1530, 20480, -1, "7000", "gunicorn: master [app]"},
		{41, 40, 981280, 140332, -1, "7010", "gunicorn: worker [app]"},
		{42, 40, 0, 0, -1, "7011", "[python3]"},
		{44, 42, 50, 40, -1, "8000", "convert in put.png out.jpg"},
	}
	wantTimes := []string{"2026-11-25T17:40:05Z", "2026-11-25T17:40:10Z"}
	if len(snaps) != len(wantTimes) {
		t.Fatalf("got %d snapshots, want %d", len(snaps), len(wantTimes))
	}
	for i, s := range snaps {
		if got := time.UnixMicro(s.Time).UTC().Format(time.RFC3339); !s.HasTime || got != wantTimes[i] {
			t.Errorf("snapshot %d: time %s (HasTime %v), want %s", i+1, got, s.HasTime, wantTimes[i])
		}
		var got []row
		for _, p := range s.Procs {
			got = append(got, row{p.PID, p.PPID, p.CPUMillis, p.RSSKiB, p.Start, p.StartText, p.Args})
		}
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Errorf("snapshot %d:\ngot  %+v\nwant %+v", i+1, got, want)
		}
	}
}

// TestSampleNeedsLinux: on a system without Linux /proc (the darwin builds)
// skewer sample says so and exits 2, before it opens --out.
func TestSampleNeedsLinux(t *testing.T) {
	var errBuf bytes.Buffer
	out := filepath.Join(t.TempDir(), "ps.log")
	c := newSampleCmd(IO{Out: io.Discard, ErrOut: &errBuf}, func(ctx context.Context, o *sampleOptions) error {
		o.OS = "darwin"
		return runSample(ctx, o)
	})
	c.SetArgs([]string{"--match", "gunicorn", "--count", "1", "--out", out})
	c.SilenceErrors, c.SilenceUsage = true, true
	err := c.Execute()
	const want = "skewer sample needs Linux /proc, and this is darwin: run it on the Linux host of the server"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	if _, serr := os.Stat(out); !errors.Is(serr, fs.ErrNotExist) {
		t.Errorf("--out: got %v, want no file", serr)
	}
}
