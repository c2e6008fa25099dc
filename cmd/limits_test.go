package cmd_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
)

// TestKeyLimits checks the cap on distinct worker keys and the --workers
// maximum it sets: exit 2 with a message that names the cap, whatever the
// command, and --max-keys to raise it.
func TestKeyLimits(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 1001 {
		fmt.Fprintf(&b, "127.0.0.1 - - [25/Nov/2026:17:28:%02d +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" pid=<%d> 632\n", i%60, 10000+i)
	}
	log := filepath.Join(dir, "access.log")
	if err := os.WriteFile(log, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string
	}{
		{"report past the cap", []string{"report", "--max-keys", "1000", log}, 2,
			"skewer: more than 1000 distinct worker keys: is --by right? (--max-keys raises the limit)\n"},
		{"timeline past the cap", []string{"timeline", "--max-keys", "1000", log}, 2,
			"skewer: more than 1000 distinct worker keys: is --by right? (--max-keys raises the limit)\n"},
		{"check past the cap", []string{"check", "-t", "gini<1", "--max-keys", "1000", log}, 2,
			"skewer: more than 1000 distinct worker keys: is --by right? (--max-keys raises the limit)\n"},
		{"at the cap", []string{"report", "--max-keys", "1001", log}, 0, ""},
		{"default cap", []string{"report", log}, 0, ""},
		{"--workers past the cap", []string{"report", "--workers", "100000000000", log}, 2,
			"skewer: --workers 100000000000: more than --max-keys (100000); raise --max-keys if the server really has that many worker slots\n"},
		{"--workers at a raised cap", []string{"report", "--max-keys", "200000", "--workers", "150000", log}, 0, ""},
		{"--max-keys 0", []string{"report", "--max-keys", "0", log}, 2,
			"skewer: --max-keys 0: want 1 to 10000000 (see 'skewer report --help')\n"},
		{"--max-keys past its ceiling", []string{"report", "--max-keys", "10000001", log}, 2,
			"skewer: --max-keys 10000001: want 1 to 10000000 (see 'skewer report --help')\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := cmd.Run(context.Background(), tt.args, cmd.IO{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr})
			if code != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if tt.wantCode != 0 && stderr.String() != tt.wantStderr {
				t.Errorf("stderr: got %q, want %q", stderr.String(), tt.wantStderr)
			}
		})
	}
}
