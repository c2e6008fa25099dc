package parse

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// TestSampleRoundTrip writes snapshots as skewer sample does and reads
// them back with ReadSnapshots: the same times and values.
func TestSampleRoundTrip(t *testing.T) {
	at := []time.Time{
		time.Date(2026, 11, 25, 17, 40, 5, 0, time.UTC),
		// 250 ms later, in another zone: written in UTC, milliseconds kept
		time.Date(2026, 11, 25, 18, 40, 5, 250e6, time.FixedZone("CET", 3600)),
	}
	rows := [][]SampleRow{
		{
			{PID: 26468, PPID: 1, StartTicks: 4263321, CPUMillis: 15230, RSSKiB: 52164, Args: "gunicorn: master [app]"},
			{PID: 26471, PPID: 26468, StartTicks: 4263390, CPUMillis: 981270, RSSKiB: 140332, Args: "gunicorn: worker [app]"},
		},
		{
			{PID: 26471, PPID: 26468, StartTicks: 4263390, CPUMillis: 981300, RSSKiB: 140336, Args: "gunicorn: worker [app]"},
			{PID: 7, PPID: 2, StartTicks: 12, CPUMillis: 0, RSSKiB: 0, Args: "[kworker/0:1]"},
		},
	}
	var b []byte
	for i := range at {
		b = AppendSampleHeader(b, at[i])
		for _, r := range rows[i] {
			b = AppendSampleRow(b, r)
		}
	}
	if want := "# skewer-sample v1 2026-11-25T17:40:05.000Z\n"; !bytes.HasPrefix(b, []byte(want)) {
		t.Fatalf("first line: got %q, want %q", b[:bytes.IndexByte(b, '\n')+1], want)
	}
	snaps, st, err := ReadSnapshots(bytes.NewReader(b), "ps.log", PSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 0 || len(snaps) != len(at) {
		t.Fatalf("snapshots, skipped lines: got %d, %d, want %d, 0 (shown %q)", len(snaps), st.Skipped, len(at), st.Shown)
	}
	for i, s := range snaps {
		if !s.HasTime || s.Time != at[i].UnixMicro() {
			t.Errorf("snapshot %d time: got %d (HasTime %v), want %d", i, s.Time, s.HasTime, at[i].UnixMicro())
		}
		if len(s.Procs) != len(rows[i]) {
			t.Fatalf("snapshot %d: got %d rows, want %d", i, len(s.Procs), len(rows[i]))
		}
		for k, p := range s.Procs {
			w := rows[i][k]
			if p.PID != w.PID || p.PPID != w.PPID || p.CPUMillis != w.CPUMillis || p.RSSKiB != w.RSSKiB || p.Args != w.Args {
				t.Errorf("snapshot %d row %d: got pid %d ppid %d cpu_ms %d rss_kib %d args %q, want %d %d %d %d %q",
					i, k, p.PID, p.PPID, p.CPUMillis, p.RSSKiB, p.Args, w.PID, w.PPID, w.CPUMillis, w.RSSKiB, w.Args)
			}
			if p.StartText != strconv.FormatInt(w.StartTicks, 10) {
				t.Errorf("snapshot %d row %d start: got %q, want the start ticks %d", i, k, p.StartText, w.StartTicks)
			}
		}
	}
}
