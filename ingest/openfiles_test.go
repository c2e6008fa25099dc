package ingest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestFolderOfManySmallLogs reads a folder of 1000 small logs in a process
// allowed 256 open files: a file is open only while it is read.
func TestFolderOfManySmallLogs(t *testing.T) {
	if dir := os.Getenv("SKEWER_TEST_MANY_FILES"); dir != "" {
		manyFilesChild(t, dir)
		return
	}
	dir := t.TempDir()
	const files = 1000
	for i := range files {
		// Each file its own minute, so that no two cover the same time.
		line := fmt.Sprintf("127.0.0.1 - - [25/Nov/2026:%02d:%02d:07 +0000] \"GET / HTTP/1.1\" 200 3 \"-\" \"curl/7.88.1\" pid=<%d> 632\n", i/60, i%60, 16480+i%3)
		write(t, filepath.Join(dir, fmt.Sprintf("access-%04d.log", i)), line+line)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFolderOfManySmallLogs$", "-test.count=1")
	cmd.Env = append(os.Environ(), "SKEWER_TEST_MANY_FILES="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "PASS") {
		t.Fatalf("child did not pass:\n%s", out)
	}
}

func manyFilesChild(t *testing.T, dir string) {
	lim := syscall.Rlimit{Cur: 256, Max: 256}
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Fatal(err)
	}
	run, err := Read(context.Background(), []string{dir}, nil, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := run.Partial.Parsed, int64(2000); got != want {
		t.Errorf("parsed: got %d, want %d", got, want)
	}
}
