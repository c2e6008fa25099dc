package parse

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The skewer-sample v1 layout, written by `skewer sample` and read by
// ReadSnapshots: a header line per snapshot, then one row per process,
// fields separated by one space, no column header:
//
//	# skewer-sample v1 2026-11-25T17:40:05.000Z
//	26468 1 4263321 15230 52164 gunicorn: master [app]
//
// The fields are pid, ppid, start_ticks, cpu_ms, rss_kib and args.

// SampleHeader starts the header line of every skewer-sample snapshot.
const SampleHeader = "# skewer-sample v1 "

// SampleTime is the layout of a snapshot's time: RFC 3339 with
// milliseconds, so that snapshots taken less than a second apart do not
// share a time.
const SampleTime = "2006-01-02T15:04:05.000Z07:00"

// sampleLayout is the columns of a skewer-sample v1 row.
var sampleLayout = newLayout([]psCol{cPID, cPPID, cTicks, cMillis, cRSS, cCmd}, true)

// MaxSampleArgs is the most bytes of a command line a row keeps: enough
// to tell gunicorn's master from its workers, and far below MaxLine, so
// that every row written is read back.
const MaxSampleArgs = 4096

// SampleRow is one process of a skewer-sample v1 snapshot.
type SampleRow struct {
	PID, PPID  int64
	StartTicks int64 // clock ticks since boot
	CPUMillis  int64 // user+system, cumulative
	RSSKiB     int64
	Args       string // one line: control characters already replaced
}

// AppendSampleHeader appends the header line of a snapshot taken at at.
func AppendSampleHeader(b []byte, at time.Time) []byte {
	b = append(b, SampleHeader...)
	b = at.UTC().AppendFormat(b, SampleTime)
	return append(b, '\n')
}

// AppendSampleRow appends one process row. Its command line is cut to
// MaxSampleArgs bytes (at a character boundary) and kept on one line, so
// that ReadSnapshots reads every row it writes.
func AppendSampleRow(b []byte, r SampleRow) []byte {
	b = strconv.AppendInt(b, r.PID, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.PPID, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.StartTicks, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.CPUMillis, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, r.RSSKiB, 10)
	b = append(b, ' ')
	args := r.Args
	if len(args) > MaxSampleArgs {
		n := MaxSampleArgs
		for n > 0 && !utf8.RuneStart(args[n]) {
			n--
		}
		args = args[:n]
	}
	for i := 0; i < len(args); i++ {
		c := args[i]
		if c == '\n' || c == '\r' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, '\n')
}
