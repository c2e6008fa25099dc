package testutil

import (
	"bufio"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// This file is the tests' second method: an access log read, counted and
// summed without skewer's parser or aggregation, so that expected figures
// never come from the code under test. Keep it that way: nothing here may
// import a skewer package.

// AccessLine is one access-log line as ReadAccessLog reads it.
type AccessLine struct {
	End   int64  // the bracketed end time, unix seconds
	PID   string // the worker
	Dur   float64
	DurOK bool // Dur is the last field, "rt=" trimmed, in the log's own unit
}

// AccessLog is the lines of an access log in file order.
type AccessLog []AccessLine

// ReadAccessLog reads every line of an access log with a plain string
// search: the end time from the bracketed [dd/Mon/yyyy:HH:MM:SS +zzzz]
// (whole seconds), the PID from the digits after "pid=" (with or without
// gunicorn's <>) or, for a bare gunicorn %(p)s, between the last < and >,
// and the last field as a duration when it is a number. A line without a
// time or a PID fails the test.
func ReadAccessLog(t testing.TB, path string) AccessLog {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out AccessLog
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		i := strings.IndexByte(line, '[')
		j := strings.IndexByte(line, ']')
		if i < 0 || j < i {
			t.Fatalf("%s:%d: no [time]", path, n)
		}
		ts, err := time.Parse("02/Jan/2006:15:04:05 -0700", line[i+1:j])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		pid := accessPID(line)
		if pid == "" {
			t.Fatalf("%s:%d: no pid= or <pid>", path, n)
		}
		l := AccessLine{End: ts.Unix(), PID: pid}
		fs := strings.Fields(line)
		if d, err := strconv.ParseFloat(strings.TrimPrefix(fs[len(fs)-1], "rt="), 64); err == nil {
			l.Dur, l.DurOK = d, true
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// accessPID is the digits after " pid=" (a leading < skipped), or those
// between the line's last < and the > after it; "" when there are none.
func accessPID(line string) string {
	var rest string
	if _, after, ok := strings.Cut(line, " pid="); ok {
		rest = strings.TrimPrefix(after, "<")
	} else if a := strings.LastIndexByte(line, '<'); a >= 0 {
		rest = line[a+1:]
		if !strings.Contains(rest, ">") {
			return ""
		}
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// Span is the first and the last end time of a log that is not empty.
func (l AccessLog) Span() (lo, hi int64) {
	lo, hi = l[0].End, l[0].End
	for _, x := range l {
		lo, hi = min(lo, x.End), max(hi, x.End)
	}
	return lo, hi
}

// FirstLast is each PID's first and last end time.
func (l AccessLog) FirstLast() (first, last map[string]int64) {
	first, last = map[string]int64{}, map[string]int64{}
	for _, x := range l {
		if f, ok := first[x.PID]; !ok || x.End < f {
			first[x.PID] = x.End
		}
		last[x.PID] = max(last[x.PID], x.End)
	}
	return first, last
}

// PIDs is the log's PIDs in the order of their first line.
func (l AccessLog) PIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range l {
		if !seen[x.PID] {
			seen[x.PID] = true
			out = append(out, x.PID)
		}
	}
	return out
}

// WindowStart is the start of the window of width seconds, aligned to the
// Unix epoch (so to UTC), that holds the second ts.
func WindowStart(ts, width int64) int64 {
	return ts - ts%width
}

// Counts counts the lines per window of width seconds (keyed by the
// window's start, unix seconds) and PID.
func (l AccessLog) Counts(width int64) map[int64]map[string]int64 {
	out := map[int64]map[string]int64{}
	for _, x := range l {
		start := WindowStart(x.End, width)
		if out[start] == nil {
			out[start] = map[string]int64{}
		}
		out[start][x.PID]++
	}
	return out
}

// PerWindow is Counts keyed by the window's start as RFC 3339 in UTC.
func (l AccessLog) PerWindow(width int64) map[string]map[string]int64 {
	out := map[string]map[string]int64{}
	for start, per := range l.Counts(width) {
		out[Stamp(start)] = per
	}
	return out
}

// WindowCount is how many windows of width seconds lie from the first to
// the last line.
func (l AccessLog) WindowCount(width int64) int {
	lo, hi := l.Span()
	return int(hi/width - lo/width + 1)
}

// Stamp is the second ts as RFC 3339 in UTC, as skewer's JSON writes it.
func Stamp(ts int64) string {
	return time.Unix(ts, 0).UTC().Format(time.RFC3339)
}

// Gini is Σi Σj |xi − xj| / (2 n² mean), worked out pair by pair (skewer
// sorts instead); 0 when every x is 0.
func Gini(xs []float64) float64 {
	var sum, diffs float64
	for _, x := range xs {
		sum += x
		for _, y := range xs {
			diffs += math.Abs(x - y)
		}
	}
	if sum == 0 {
		return 0
	}
	return diffs / (2 * float64(len(xs)) * sum)
}

// Median is the middle of xs, or the mean of the two middle values.
func Median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
