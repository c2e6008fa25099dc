package parse

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadRegularRefuses: a configuration or baseline that is a FIFO, a
// device or too large is an error, at once: never a hang on a FIFO, never
// memory exhausted by /dev/zero. Each read runs under a deadline.
func TestReadRegularRefuses(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	big := filepath.Join(dir, "big.conf")
	if err := os.WriteFile(big, []byte("# "+strings.Repeat("x", MaxConfSize)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	incFIFO := filepath.Join(dir, "inc.conf")
	if err := os.WriteFile(incFIFO, []byte("http { include "+fifo+"; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	globFIFO := filepath.Join(dir, "glob.conf")
	if err := os.WriteFile(globFIFO, []byte("http { include "+filepath.Join(dir, "fi*")+"; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		read    func() error
		wantErr string
	}{
		{"baseline from a FIFO", func() error { _, err := ReadRegular(fifo, MaxBaselineSize); return err },
			fifo + ": a named pipe (FIFO), not a regular file"},
		{"baseline from /dev/zero", func() error { _, err := ReadRegular("/dev/zero", MaxBaselineSize); return err },
			"/dev/zero: a character device, not a regular file"},
		{"baseline from a folder", func() error { _, err := ReadRegular(dir, MaxBaselineSize); return err },
			dir + ": a folder, not a regular file"},
		{"nginx.conf is /dev/zero", func() error { _, err := ReadNginxConf("/dev/zero"); return err },
			"/dev/zero: a character device, not a regular file"},
		{"nginx.conf over 1 MiB", func() error { _, err := ReadNginxConf(big); return err },
			big + ": larger than 1 MiB"},
		{"include of a FIFO", func() error { _, err := ReadNginxConf(incFIFO); return err },
			incFIFO + ":1: include " + fifo + ": " + fifo + ": a named pipe (FIFO), not a regular file"},
		{"include glob matching a FIFO", func() error { _, err := ReadNginxConf(globFIFO); return err },
			globFIFO + ":1: include " + filepath.Join(dir, "fi*") + ": " + fifo + ": a named pipe (FIFO), not a regular file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- tt.read() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("still reading after 10s")
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("got error %v, want %q", err, tt.wantErr)
			}
			var nr *NotRegularError
			var tl *TooLargeError
			if !errors.As(err, &nr) && !errors.As(err, &tl) {
				t.Errorf("got %T, want a *NotRegularError or a *TooLargeError", err)
			}
		})
	}
}
