package parse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// psFuzzSeeds are small inputs of every layout ReadSnapshots reads.
var psFuzzSeeds = []string{
	"UID        PID  PPID  C    SZ   RSS PSR STIME TTY          TIME CMD\nroot     21629 21608  0 10569 34128   0 17:50 ?        00:00:00 gunicorn: master [app:app]\n",
	"USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\nroot       21637  2.5  0.1 126204 41912 ?        R    17:50   0:07 gunicorn: worker [app:app]\n",
	"# 2026-11-25T17:52:15Z\n  PID  PPID   RSS    VSZ ELAPSED     TIME %CPU COMMAND\n21629 21608 34128  42276      93        0  0.1 gunicorn: master [app:app]\n",
	"Wed Nov 25 17:52:15 UTC 2026\n    ELAPSED     TIME   PID COMMAND\n 1-00:00:05 00:01:00     1 /sbin/init\n",
	"2026-11-25T17:52:15+00:00\n  PID                  STARTED   RSS CMD\n    1 Thu Nov  5 09:01:02 2026 12040 /sbin/init\n",
	"@1795628405\n  PID COMMAND                       RSS\n21629 gunicorn: master [app:app]  34128\n",
	"  PID  STARTED COMMAND\n    2   Nov 24 [kthreadd]\n",
	"# skewer-sample v1 2026-11-25T17:40:05Z\n21629 21608 4321 1530 34128 gunicorn: master [app:app]\n99 1 12 0 0\n# skewer-sample v1 2026-11-25T17:40:10Z\n",
	"# 2026-11-25T17:52:15Z\n21629 21608 34128 93 0 gunicorn: master [app:app]\n",
	"PID TIME CMD\n1 0 init\ngarbage\n2 0:0",
}

// FuzzReadSnapshots checks what must hold whatever the bytes: no panic, every
// line counted, rows with well-formed values, and the same result when the
// input arrives a byte at a time.
func FuzzReadSnapshots(f *testing.F) {
	for _, s := range psFuzzSeeds {
		f.Add([]byte(s), "", int64(0))
	}
	f.Add([]byte(psFuzzSeeds[8]), "pid,ppid,rss,etimes,times,args", int64(0))
	f.Add([]byte("  PID ELAPSED CMD\n    7      93 sleep 60\n"), "", int64(1795628405e6))
	files, _ := filepath.Glob(filepath.Join("testdata", "ps", "*"))
	corpus := filepath.Join(testutil.ModuleRoot(f), "..", "shared", "corpus")
	more, _ := filepath.Glob(filepath.Join(corpus, "*", "ps-*"))
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b[:min(len(b), 8<<10)], "", int64(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, cols string, tm int64) {
		opt := PSOptions{Time: tm}
		if cols != "" {
			opt.Columns = []string{cols}
		}
		snaps, st, err := ReadSnapshots(bytes.NewReader(data), "f", opt)
		checkSnapshots(t, data, opt, snaps, st, err)
		snaps2, st2, err2 := ReadSnapshots(iotest.OneByteReader(bytes.NewReader(data)), "f", opt)
		if !reflect.DeepEqual(snaps, snaps2) || !reflect.DeepEqual(st, st2) || !reflect.DeepEqual(err, err2) {
			t.Fatalf("a byte at a time: got %+v, %+v, %v, want %+v, %+v, %v", snaps2, st2, err2, snaps, st, err)
		}
	})
}

func checkSnapshots(t *testing.T, data []byte, opt PSOptions, snaps []Snapshot, st PSStats, err error) {
	t.Helper()
	if err != nil {
		if snaps != nil {
			t.Fatalf("error %v with %d snapshots", err, len(snaps))
		}
		return
	}
	if len(snaps) == 0 {
		t.Fatal("no snapshot and no error")
	}
	lines := int64(bytes.Count(data, []byte("\n")))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++
	}
	if st.Lines != lines || st.Skipped > st.Lines || st.Rows > st.Lines {
		t.Fatalf("Lines, Skipped, Rows: got %d, %d, %d for %d lines", st.Lines, st.Skipped, st.Rows, lines)
	}
	if len(st.Shown) != int(min(st.Skipped, maxPSShown)) {
		t.Fatalf("Shown: got %d, want %d", len(st.Shown), min(st.Skipped, maxPSShown))
	}
	for _, s := range st.Shown {
		if !strings.HasPrefix(s, "f:") || strings.ContainsAny(s, "\n") {
			t.Fatalf("Shown: got %q, want f:line: reason", s)
		}
	}
	var rows, line int64
	for _, s := range snaps {
		if s.Line <= line || s.Line > lines {
			t.Fatalf("snapshot Line: got %d after %d, want it in (%d, %d]", s.Line, line, line, lines)
		}
		line = s.Line
		if !s.HasTime && (s.Time != 0 || opt.Time != 0) {
			t.Fatalf("snapshot without a time: got Time %d, --ps-time %d", s.Time, opt.Time)
		}
		for _, p := range s.Procs {
			if p.PID <= 0 || p.PPID < -1 || p.CPUMillis < -1 || p.RSSKiB < -1 || p.Start < -1 {
				t.Fatalf("row %+v: a value out of range", p)
			}
			if strings.ContainsAny(p.Args, "\n") || strings.Trim(p.Args, " \t") != p.Args {
				t.Fatalf("row %+v: Args holds a newline or is not trimmed", p)
			}
		}
		rows += int64(len(s.Procs))
	}
	if rows != st.Rows {
		t.Fatalf("Rows: got %d, want %d", st.Rows, rows)
	}
}
