package procfs

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// TestOnTime: a duration D takes the snapshots due at 0, interval, ... up to
// D, whatever the delay in delivering a tick.
func TestOnTime(t *testing.T) {
	const s = time.Second
	tests := []struct {
		name               string
		age, interval, dur time.Duration
		want               bool
	}{
		{"first tick", 5*s + 3*time.Millisecond, 5 * s, time.Hour, true},
		{"last tick, early", time.Hour - time.Millisecond, 5 * s, time.Hour, true},
		{"last tick, late", time.Hour + 2*s, 5 * s, time.Hour, true},
		{"tick after the last", time.Hour + 5*s, 5 * s, time.Hour, false},
		{"duration not a multiple", 15 * s, 5 * s, 13 * s, false},
		{"duration not a multiple, last", 10 * s, 5 * s, 13 * s, true},
		{"duration shorter than the interval", 5 * s, 5 * s, 2 * s, false},
		{"missed ticks are skipped", 3*time.Hour + 100*time.Millisecond, 5 * s, time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := onTime(tt.age, tt.interval, tt.dur); got != tt.want {
				t.Errorf("onTime(%v, %v, %v): got %v, want %v", tt.age, tt.interval, tt.dur, got, tt.want)
			}
		})
	}
}

// countingWriter counts the Write and Flush calls it is given.
type countingWriter struct {
	bytes.Buffer
	writes, flushes int
}

func (w *countingWriter) Write(b []byte) (int, error) { w.writes++; return w.Buffer.Write(b) }
func (w *countingWriter) Flush() error                { w.flushes++; return nil }

// TestSampleWriter: each snapshot is one Write followed by a Flush, and the
// snapshot parser reads back what was written.
func TestSampleWriter(t *testing.T) {
	at := time.Date(2026, 11, 25, 17, 40, 5, 123_000_000, time.UTC)
	snaps := [][]Proc{
		{
			{PID: 26468, PPID: 1, StartTicks: 4263321, CPUMillis: 15230, RSSKiB: 52164, Args: "gunicorn: master [app]"},
			{PID: 26471, PPID: 26468, StartTicks: 4263390, CPUMillis: 981270, RSSKiB: 140332, Args: "gunicorn: worker [app]"},
		},
		{}, // nothing selected: the header alone
		{{PID: 26471, PPID: 26468, StartTicks: 4263390, CPUMillis: 981300, RSSKiB: 140400, Args: "[kworker/0:1]"}},
	}
	w := &countingWriter{}
	sw := SampleWriter{W: w}
	for i, procs := range snaps {
		if err := sw.Write(at.Add(time.Duration(i)*5*time.Second), procs); err != nil {
			t.Fatal(err)
		}
		if w.writes != i+1 || w.flushes != i+1 {
			t.Fatalf("after snapshot %d: got %d writes and %d flushes, want %d of each", i+1, w.writes, w.flushes, i+1)
		}
	}
	const want = "# skewer-sample v1 2026-11-25T17:40:05.123Z\n" +
		"26468 1 4263321 15230 52164 gunicorn: master [app]\n" +
		"26471 26468 4263390 981270 140332 gunicorn: worker [app]\n" +
		"# skewer-sample v1 2026-11-25T17:40:10.123Z\n" +
		"# skewer-sample v1 2026-11-25T17:40:15.123Z\n" +
		"26471 26468 4263390 981300 140400 [kworker/0:1]\n"
	if got := w.String(); got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	back, _, err := parse.ReadSnapshots(strings.NewReader(want), "ps.log", parse.PSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(snaps) {
		t.Fatalf("read back %d snapshots, want %d", len(back), len(snaps))
	}
	for i, s := range back {
		if s.Time != at.Add(time.Duration(i)*5*time.Second).UnixMicro() || len(s.Procs) != len(snaps[i]) {
			t.Errorf("snapshot %d: got time %d and %d processes, want %d and %d", i+1, s.Time, len(s.Procs), at.Add(time.Duration(i)*5*time.Second).UnixMicro(), len(snaps[i]))
			continue
		}
		for j, p := range s.Procs {
			q := snaps[i][j]
			if p.PID != int64(q.PID) || p.PPID != int64(q.PPID) || p.CPUMillis != q.CPUMillis || p.RSSKiB != q.RSSKiB || p.Args != q.Args {
				t.Errorf("snapshot %d row %d: got %+v, want %+v", i+1, j+1, p, q)
			}
		}
	}
}

// failingWriter fails every Write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestSampleWriterError(t *testing.T) {
	sw := SampleWriter{W: failingWriter{}}
	if err := sw.Write(time.Unix(0, 0), nil); err == nil || err.Error() != "disk full" {
		t.Errorf("got %v, want disk full", err)
	}
}
