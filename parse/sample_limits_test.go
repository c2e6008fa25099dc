package parse

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestSampleWritesWhatItReads writes rows whose command lines no real
// reader would keep (1.4 MB, line breaks, a cut through a UTF-8 character)
// and reads them back: every row is read, none skipped, and each command
// line is what was written, cut to MaxSampleArgs.
func TestSampleWritesWhatItReads(t *testing.T) {
	args := []string{
		"gunicorn: worker [app]",
		strings.Repeat("python -c x ", 1_400_000/12),
		strings.Repeat("é", MaxSampleArgs), // cut inside a character
		"two\nlines\rand a CR",
		"tab\tinside",
		"",
		"  leading and trailing spaces  ",
	}
	b := AppendSampleHeader(nil, time.Date(2026, 11, 25, 17, 40, 5, 0, time.UTC))
	for i, a := range args {
		b = AppendSampleRow(b, SampleRow{PID: int64(100 + i), PPID: 1, StartTicks: 5, CPUMillis: 10, RSSKiB: 20, Args: a})
	}
	snaps, st, err := ReadSnapshots(bytes.NewReader(b), "ps.log", PSOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != 0 || len(snaps) != 1 || len(snaps[0].Procs) != len(args) {
		t.Fatalf("got %d snapshots, %d skipped lines (%q), want 1 snapshot of %d rows", len(snaps), st.Skipped, st.Shown, len(args))
	}
	for i, p := range snaps[0].Procs {
		if len(p.Args) > MaxSampleArgs || !utf8.ValidString(p.Args) {
			t.Errorf("row %d: got %d bytes of args (valid UTF-8: %v), want at most %d", i, len(p.Args), utf8.ValidString(p.Args), MaxSampleArgs)
		}
		if want := args[i]; len(want) <= MaxSampleArgs && !strings.ContainsAny(want, "\n\r") && p.Args != strings.TrimSpace(want) && p.Args != want {
			t.Errorf("row %d: got args %q, want %q", i, p.Args, want)
		}
		if !strings.HasPrefix(args[i], p.Args) && !strings.ContainsAny(args[i], "\n\r") && p.Args != strings.TrimSpace(args[i]) {
			t.Errorf("row %d: got args %.40q, want a prefix of %.40q", i, p.Args, args[i])
		}
	}
}
