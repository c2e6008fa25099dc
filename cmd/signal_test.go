package cmd_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// skewerBinary is the skewer the signal tests start: this test binary, which
// TestMain puts on PATH as skewer and which then runs cmd.Main, as main.go
// does. (Building skewer again here cost a whole second compile of the
// module on a cold cache.)
func skewerBinary(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("skewer")
	if err != nil {
		t.Fatalf("skewer is not on PATH (TestMain puts it there): %v", err)
	}
	return bin
}

// hangDeadline is how long a run may take to end after a signal before the
// test calls it a hang. It says nothing about speed.
const hangDeadline = 10 * time.Second

// signalCase is a skewer run in some state when the signal comes.
type signalCase struct {
	name string
	args []string
	// setup returns the stdin to give (nil for none) and a function to call
	// once the run has started, to reach its state.
	setup func(t *testing.T, dir string) (stdin io.Reader, feed func())
}

const goodLine = `127.0.0.1 - - [25/Nov/2026:17:29:40 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16473> 647` + "\n"

var signalCases = []signalCase{
	{
		name: "blocked opening a FIFO",
		args: []string{"report", "FIFO"},
		setup: func(t *testing.T, dir string) (io.Reader, func()) {
			if err := syscall.Mkfifo(filepath.Join(dir, "FIFO"), 0o644); err != nil {
				t.Skip(err)
			}
			return nil, nil
		},
	},
	{
		name: "reading a pipe whose writer stays open",
		args: []string{"report", "-"},
		setup: func(t *testing.T, dir string) (io.Reader, func()) {
			r, w := osPipe(t)
			return r, func() { w.Write([]byte(strings.Repeat(goodLine, 20))) }
		},
	},
	{
		name: "every line rejected from some point on",
		args: []string{"report", "--format", "gunicorn", "-"},
		setup: func(t *testing.T, dir string) (io.Reader, func()) {
			r, w := osPipe(t)
			go func() {
				junk := []byte(strings.Repeat("not an access line at all\n", 4096))
				w.Write([]byte(strings.Repeat(goodLine, 200))) // enough to detect the format
				for {
					if _, err := w.Write(junk); err != nil {
						return
					}
				}
			}()
			return r, nil
		},
	},
}

// osPipe is a pipe whose read end goes to a child as it is (exec.Cmd
// copies nothing, so Wait does not wait for the writer); the write end is
// closed when the test ends.
func osPipe(t *testing.T) (*os.File, *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// TestSignalsEndRun sends SIGINT and SIGTERM to a skewer process in each
// state: report, timeline and check end with 130 and 143 and write no
// report.
func TestSignalsEndRun(t *testing.T) {
	bin := skewerBinary(t)
	for _, sig := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		for _, c := range signalCases {
			for _, command := range []string{"report", "timeline", "check"} {
				t.Run(sig.sig.String()+"/"+command+"/"+c.name, func(t *testing.T) {
					dir := t.TempDir()
					stdin, feed := c.setup(t, dir)
					args := append([]string{command}, c.args[1:]...)
					if command == "check" {
						args = append([]string{"check", "-t", "gini<0.5"}, c.args[1:]...)
					}
					p := exec.Command(bin, args...)
					p.Dir = dir
					p.Stdin = stdin
					var out, errOut bytes.Buffer
					p.Stdout, p.Stderr = &out, &errOut
					if err := p.Start(); err != nil {
						t.Fatal(err)
					}
					if feed != nil {
						feed()
					}
					time.Sleep(300 * time.Millisecond) // into the state
					if err := p.Process.Signal(sig.sig); err != nil {
						t.Fatal(err)
					}
					done := make(chan error, 1)
					go func() { done <- p.Wait() }()
					select {
					case <-done:
					case <-time.After(hangDeadline):
						p.Process.Kill()
						<-done
						t.Fatalf("no exit %v after %v; stderr %q", sig.sig, hangDeadline, errOut.String())
					}
					if got := p.ProcessState.ExitCode(); got != sig.code {
						t.Errorf("exit code: got %d, want %d (stderr %q)", got, sig.code, errOut.String())
					}
					if out.Len() != 0 {
						t.Errorf("stdout: got %q, want nothing", out.String())
					}
				})
			}
		}
	}
}

// TestSampleSignalsEndNormally: SIGINT and SIGTERM end skewer sample with
// exit 0, every snapshot written whole.
func TestSampleSignalsEndNormally(t *testing.T) {
	bin := skewerBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			sleep := exec.Command("sleep", "30")
			if err := sleep.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
			time.Sleep(100 * time.Millisecond) // until /proc shows its command line
			master := sleep.Process.Pid
			p := exec.Command(bin, "sample", "--master", fmt.Sprint(master), "--interval", "50ms")
			var out, errOut bytes.Buffer
			p.Stdout, p.Stderr = &out, &errOut
			if err := p.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(300 * time.Millisecond)
			if err := p.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- p.Wait() }()
			select {
			case <-done:
			case <-time.After(hangDeadline):
				p.Process.Kill()
				<-done
				t.Fatalf("no exit %v after %v", sig, hangDeadline)
			}
			if got := p.ProcessState.ExitCode(); got != 0 || errOut.Len() != 0 {
				t.Errorf("got exit %d, stderr %q; want 0 and nothing", got, errOut.String())
			}
			snaps := strings.Split(out.String(), "# skewer-sample v1 ")
			if len(snaps) < 2 || !strings.HasSuffix(out.String(), "\n") {
				t.Fatalf("stdout: got %q, want whole snapshots", out.String())
			}
			for _, s := range snaps[1:] {
				if !strings.HasSuffix(s, " sleep 30\n") {
					t.Errorf("snapshot %q: want it whole, ending with the master's row", s)
				}
			}
		})
	}
}
