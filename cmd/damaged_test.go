package cmd_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// completeLines is how many whole lines a gzip stream yields before it
// fails, read with the standard library's reader (not skewer's) and, when
// it is installed, with zcat.
func completeLines(t *testing.T, gz []byte) int {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(zr)
	n := bytes.Count(text, []byte("\n"))
	if zcat, err := exec.LookPath("zcat"); err == nil {
		c := exec.Command(zcat)
		c.Stdin = bytes.NewReader(gz)
		out, _ := c.Output() // fails on the damage, by design
		if z := bytes.Count(out, []byte("\n")); z != n {
			t.Fatalf("zcat gives %d complete lines, compress/gzip %d", z, n)
		}
	}
	return n
}

type damagedDoc struct {
	Lines struct {
		Total, Parsed, Rejected int
		RejectedByReason        map[string]int `json:"rejected_by_reason"`
	}
	Warnings []string
}

// TestTruncatedGzip: a gzip cut short, named or walked, yields its complete
// lines and one rejected line, so that --strict applies.
func TestTruncatedGzip(t *testing.T) {
	log, err := os.ReadFile(filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "demo", "gunicorn-sync-17", "access.log"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(log)
	zw.Close()
	full := buf.Bytes()
	for _, cut := range []int{len(full) / 3, len(full) * 2 / 3, len(full) - 5} {
		gz := full[:cut]
		want := completeLines(t, gz)
		dir := t.TempDir()
		path := filepath.Join(dir, "access.log.2.gz")
		if err := os.WriteFile(path, gz, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, arg := range []string{path, dir} {
			var out, errOut bytes.Buffer
			code := cmd.Run(context.Background(), []string{"report", "-o", "json", arg}, cmd.IO{Out: &out, ErrOut: &errOut})
			if code != cmd.ExitOK {
				t.Fatalf("cut %d, %s: exit %d, stderr %q", cut, arg, code, errOut.String())
			}
			var doc damagedDoc
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Lines.Parsed != want || doc.Lines.Rejected != 1 || doc.Lines.RejectedByReason["compressed stream truncated"] != 1 {
				t.Errorf("cut %d, %s: got %+v, want %d parsed and 1 rejected (compressed stream truncated)", cut, arg, doc.Lines, want)
			}
			if !slices.ContainsFunc(doc.Warnings, func(w string) bool { return strings.Contains(w, "damaged after line "+strconv.Itoa(want)+" ") }) {
				t.Errorf("cut %d, %s: warnings %q, want one saying where the damage is", cut, arg, doc.Warnings)
			}
			if !strings.Contains(errOut.String(), "compressed stream truncated") {
				t.Errorf("cut %d, %s: stderr %q, want the damage named", cut, arg, errOut.String())
			}
			errOut.Reset()
			if code := cmd.Run(context.Background(), []string{"report", "--strict", arg}, cmd.IO{Out: io.Discard, ErrOut: &errOut}); code != cmd.ExitError {
				t.Errorf("cut %d, %s --strict: exit %d, want 2", cut, arg, code)
			}
		}
	}
	t.Run("zero padding", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "padded.log.gz")
		if err := os.WriteFile(path, append(append([]byte{}, full...), make([]byte, 4096)...), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		if code := cmd.Run(context.Background(), []string{"report", "-o", "json", "--strict", path}, cmd.IO{Out: &out, ErrOut: &errOut}); code != cmd.ExitOK {
			t.Fatalf("exit %d, stderr %q", code, errOut.String())
		}
		var doc damagedDoc
		json.Unmarshal(out.Bytes(), &doc)
		if want := bytes.Count(log, []byte("\n")); doc.Lines.Parsed != want || doc.Lines.Rejected != 0 {
			t.Errorf("got %+v, want %d parsed, none rejected", doc.Lines, want)
		}
	})
}
