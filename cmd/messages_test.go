package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
)

// TestInputMessages: messages that say what is wrong with the input in its
// own terms.
func TestInputMessages(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bz := write("access.log.bz2", []byte("BZh91AY&SY\x00\x01\x02"))
	xz := write("access.log.xz", []byte("\xfd7zXZ\x00\x00\x04"))
	logDir := filepath.Join(dir, "logs")
	os.Mkdir(logDir, 0o755)
	write("logs/access.log", []byte(`127.0.0.1 - - [25/Nov/2026:17:29:40 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16473> 647`+"\n"))
	link := filepath.Join(dir, "link")
	if err := os.Symlink("logs", link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantStderr string
	}{
		{"bzip2", []string{"report", bz}, "", cmd.ExitError, "skewer: " + bz + ": compressed with bzip2, which skewer does not read: decompress first\n"},
		{"xz", []string{"report", xz}, "", cmd.ExitError, "skewer: " + xz + ": compressed with xz, which skewer does not read: decompress first\n"},
		{"xz on stdin", []string{"report"}, "\xfd7zXZ\x00\x00\x04", cmd.ExitError, "skewer: standard input: compressed with xz, which skewer does not read: decompress first\n"},
		{"empty stdin", []string{"report"}, "", cmd.ExitError, "skewer: no input on standard input\n"},
		{"max reject ratio NaN", []string{"report", "--max-reject-ratio", "NaN", link}, "", cmd.ExitError, "skewer: --max-reject-ratio NaN: want a ratio from 0 to 1 (see 'skewer report --help')\n"},
		{"symlink to a folder", []string{"report", "-o", "csv", link}, "", cmd.ExitOK, ""},
		{"since in the future", []string{"report", "--since", "9000-01-01T00:00:00Z", link}, "", cmd.ExitError,
			"skewer: --since 9000-01-01T00:00:00Z is in the future: all 1 parsed lines end before it, the last at 2026-11-25T17:29:40Z\n"},
		{"until before every line", []string{"report", "--until", "2000-01-01T00:00:00Z", link}, "", cmd.ExitError,
			"skewer: --until 2000-01-01T00:00:00Z: all 1 parsed lines end at or after it, the first at 2026-11-25T17:29:40Z\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := cmd.Run(context.Background(), tt.args, cmd.IO{In: strings.NewReader(tt.stdin), Out: &out, ErrOut: &errOut})
			if code != tt.wantCode {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, errOut.String())
			}
			if tt.wantCode == cmd.ExitError && errOut.String() != tt.wantStderr {
				t.Errorf("stderr: got %q, want %q", errOut.String(), tt.wantStderr)
			}
			if tt.wantCode == cmd.ExitOK && !strings.Contains(out.String(), "\n16473,16473,1,") {
				t.Errorf("stdout: got %q, want the worker of %s", out.String(), link)
			}
		})
	}
}

// TestWalkedUnreadable: a file of a folder that cannot be read is listed
// in inputs[].ignored with the reason, and the rest of the folder is read;
// named on the command line, it is an error.
func TestWalkedUnreadable(t *testing.T) {
	dir := t.TempDir()
	line := `127.0.0.1 - - [25/Nov/2026:17:29:40 +0000] "GET / HTTP/1.1" 200 3 "-" "curl/7.88.1" pid=<16473> 647` + "\n"
	os.WriteFile(filepath.Join(dir, "access.log"), []byte(line), 0o644)
	bz := filepath.Join(dir, "access.log.1.bz2")
	os.WriteFile(bz, []byte("BZh91AY&SY\x00\x01"), 0o644)
	var out, errOut bytes.Buffer
	if code := cmd.Run(context.Background(), []string{"report", "-o", "json", dir}, cmd.IO{Out: &out, ErrOut: &errOut}); code != cmd.ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var doc struct {
		Inputs []struct {
			Path    string
			Ignored *string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range doc.Inputs {
		if in.Path == bz {
			found = true
			if want := "unreadable: compressed with bzip2, which skewer does not read: decompress first"; in.Ignored == nil || *in.Ignored != want {
				t.Errorf("%s: ignored %v, want %q", bz, in.Ignored, want)
			}
		}
	}
	if !found {
		t.Errorf("inputs %+v: %s not listed", doc.Inputs, bz)
	}
}

// TestSnapshotsOnlyInputs: a run of process snapshots alone says what it
// read on its inputs line, not just the family.
func TestSnapshotsOnlyInputs(t *testing.T) {
	dir := t.TempDir()
	ps := "UID       PID  PPID  C      SZ     RSS PSR STIME TTY     TIME CMD\n" +
		"my-user 15708 26468  6 1000306 3648504   1 Oct06   ? 08:46:19 gunicorn: worker [my-service]\n" +
		"my-user 23004 26468  1  320150  927524   0 Oct07   ? 02:07:55 gunicorn: worker [my-service]\n" +
		"my-user 26564 26468  0  273339  740200   3 Oct04   ? 01:43:20 gunicorn: worker [my-service]\n"
	for _, name := range []string{"a.txt", "b.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(ps), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"one file", []string{"report", filepath.Join(dir, "a.txt")}, "inputs: 1 process snapshot file, 3 rows (gunicorn)\n"},
		{"two files", []string{"report", dir}, "inputs: 2 process snapshot files, 6 rows (gunicorn)\n"},
		{"markdown", []string{"report", "-o", "markdown", filepath.Join(dir, "a.txt")}, "Inputs: 1 process snapshot file, 3 rows (gunicorn)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := cmd.Run(context.Background(), tt.args, cmd.IO{Out: &out, ErrOut: &errOut}); code != cmd.ExitOK {
				t.Fatalf("exit %d, stderr %q", code, errOut.String())
			}
			got := ""
			for _, l := range strings.SplitAfter(out.String(), "\n") {
				if strings.HasPrefix(strings.ToLower(l), "inputs:") {
					got = l
					break
				}
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
