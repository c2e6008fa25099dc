package cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
)

// junitArgs is a check that passes, writing its JUnit report to path.
func junitArgs(t *testing.T, path string) []string {
	return []string{"check", "--junit", path, "-t", "requests>0", chkFixture(t, "even.log")}
}

// TestCheckJUnitTargets: --junit resolves symlinks, replaces only regular
// files (or creates absent ones), writes a FIFO or character device
// directly, and refuses anything else without touching it.
func TestCheckJUnitTargets(t *testing.T) {
	chkQuietCI(t)
	t.Run("symlink to a regular file", func(t *testing.T) {
		dir := t.TempDir()
		real := chkWrite(t, filepath.Join(dir, "real.xml"), "old")
		link := filepath.Join(dir, "link.xml")
		if err := os.Symlink("real.xml", link); err != nil {
			t.Fatal(err)
		}
		if code, _, stderr := chkRun(t, junitArgs(t, link)...); code != cmd.ExitOK {
			t.Fatalf("exit code: got %d, want 0 (stderr %q)", code, stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s: got mode %v (%v), want the symlink kept", link, fi.Mode(), err)
		}
		chkJUnit(t, real)
	})
	t.Run("dangling symlink", func(t *testing.T) {
		dir := t.TempDir()
		link := filepath.Join(dir, "link.xml")
		if err := os.Symlink(filepath.Join(dir, "sub", "..", "new.xml"), link); err != nil {
			t.Fatal(err)
		}
		os.Mkdir(filepath.Join(dir, "sub"), 0o755)
		if code, _, stderr := chkRun(t, junitArgs(t, link)...); code != cmd.ExitOK {
			t.Fatalf("exit code: got %d, want 0 (stderr %q)", code, stderr)
		}
		if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("%s: got mode %v (%v), want the symlink kept", link, fi.Mode(), err)
		}
		chkJUnit(t, filepath.Join(dir, "new.xml"))
	})
	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(t.TempDir(), "junit.fifo")
		if err := syscall.Mkfifo(fifo, 0o644); err != nil {
			t.Skip(err)
		}
		got := make(chan string)
		go func() {
			b, _ := os.ReadFile(fifo)
			got <- string(b)
		}()
		if code, _, stderr := chkRun(t, junitArgs(t, fifo)...); code != cmd.ExitOK {
			t.Fatalf("exit code: got %d, want 0 (stderr %q)", code, stderr)
		}
		select {
		case s := <-got:
			if !strings.Contains(s, "<testsuites") {
				t.Errorf("read from the FIFO %q, want the JUnit document", s)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("nothing written to the FIFO")
			os.WriteFile(fifo, nil, 0) // releases the reader
		}
		if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
			t.Errorf("%s: got mode %v (%v), want the FIFO kept", fifo, fi.Mode(), err)
		}
	})
	for _, dev := range []struct {
		name  string
		minor int
		code  int
	}{{"null", 3, cmd.ExitOK}, {"full", 7, cmd.ExitError}} {
		t.Run("character device "+dev.name, func(t *testing.T) {
			node := filepath.Join(t.TempDir(), dev.name)
			if err := syscall.Mknod(node, syscall.S_IFCHR|0o666, 1<<8|dev.minor); err != nil {
				t.Skipf("mknod: %v", err)
			}
			code, _, stderr := chkRun(t, junitArgs(t, node)...)
			if code != dev.code {
				t.Errorf("exit code: got %d, want %d (stderr %q)", code, dev.code, stderr)
			}
			if fi, err := os.Lstat(node); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
				t.Errorf("%s: got mode %v (%v), want the device kept", node, fi.Mode(), err)
			}
		})
	}
	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		code, _, stderr := chkRun(t, junitArgs(t, dir)...)
		if code != cmd.ExitError {
			t.Errorf("exit code: got %d, want 2 (stderr %q)", code, stderr)
		}
		if want := "skewer: --junit: " + dir + ": is a directory\n"; stderr != want {
			t.Errorf("stderr: got %q, want %q", stderr, want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("%s: got %s, want it left empty", dir, entries[0].Name())
		}
	})
	t.Run("step summary directory", func(t *testing.T) {
		dir := t.TempDir()
		code, _, stderr := chkRunCI(t, true, dir, "check", "-t", "requests>0", chkFixture(t, "even.log"))
		if code != cmd.ExitError || !strings.Contains(stderr, "GITHUB_STEP_SUMMARY: "+dir+": is a directory") {
			t.Errorf("got exit %d, stderr %q; want 2 and is a directory", code, stderr)
		}
	})
}
