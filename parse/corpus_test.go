package parse

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// truthLog is a log's entry in a corpus folder's truth.json, computed by
// the corpus's own Python script.
type truthLog struct {
	TotalLines        int64            `json:"total_lines"`
	FirstTS           string           `json:"first_ts"`
	LastTS            string           `json:"last_ts"`
	StatusCounts      map[string]int64 `json:"status_counts"`
	TotalRequestTimeS float64          `json:"total_request_time_s"`
	PerPID            map[string]struct {
		Requests int64 `json:"requests"`
	} `json:"per_pid"`
}

// tally is what a test counts over a log.
type tally struct {
	lines, rejected int64
	perPID          map[string]int64
	durationUS      int64
	status          map[string]int64
	first, last     int64 // unix seconds
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		s = s[:j]
	}
	return s
}

// secondsToMicros converts a logged decimal number of seconds.
func secondsToMicros(t *testing.T, s string) int64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("duration %q: %v", s, err)
	}
	return int64(math.Round(v * 1e6))
}

// countBySplitting counts a log with plain string splitting: the PID between
// two markers, the request time by the format's own rule. It shares no code
// with the parser.
func countBySplitting(t *testing.T, path, pidFrom, pidTo string, dur func(line string) int64) tally {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := tally{perPID: map[string]int64{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		c.lines++
		c.perPID[between(line, pidFrom, pidTo)]++
		c.durationUS += dur(line)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// countByReader counts a log with a parse Reader.
func countByReader(t *testing.T, path string, f *Format) tally {
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	c := tally{perPID: map[string]int64{}, status: map[string]int64{}, first: math.MaxInt64, last: math.MinInt64}
	r := NewReader(file, f)
	for r.Scan() {
		c.lines++
		if r.Reason() != ReasonNone {
			if c.rejected++; c.rejected <= 3 {
				t.Errorf("%s:%d: %s", path, r.Line(), r.Reason())
			}
			continue
		}
		rec := r.Record()
		c.perPID[string(rec.Worker)]++
		c.durationUS += rec.Duration
		if rec.Status == 0 {
			c.status["socket"]++
		} else {
			c.status[strconv.Itoa(rec.Status)]++
		}
		sec := rec.Time / 1e6
		c.first, c.last = min(c.first, sec), max(c.last, sec)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

func detectFile(t *testing.T, path string) *Format {
	file, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	br := NewBufferedReader(file)
	sample, err := br.Peek(64 << 10)
	d := Detect(sample, err != nil)
	if d.Format == nil || !d.Format.HasWorker() {
		t.Fatalf("Detect(%s): got %+v, want an access log with a worker", path, describe(d))
	}
	return d.Format
}

// TestCorpusPerPID counts requests per PID in the corpus logs three ways:
// the parse Reader (with the server's format string and with the detected
// one), plain string splitting, and truth.json.
func TestCorpusPerPID(t *testing.T) {
	corpus := testutil.Corpus(t)
	lastField := func(line string) int64 {
		v, err := strconv.ParseInt(line[strings.LastIndexByte(line, ' ')+1:], 10, 64)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		return v
	}
	tests := []struct {
		dir, file, spec, pidFrom, pidTo string
		dur                             func(line string) int64
	}{
		{"gunicorn-sync-17", "access.log", corpusGunicornSync, "pid=<", ">", lastField},
		{"nginx-proxy", "gunicorn-access.log", corpusGunicornGevent, "pid=<", ">",
			func(line string) int64 { return secondsToMicros(t, between(line, " rt=", " ")) }},
		{"nginx-proxy", "access-pid.log", corpusNginxPID, "pid=", " ",
			func(line string) int64 { return secondsToMicros(t, between(line, " rt=", " ")) }},
	}
	for _, tt := range tests {
		t.Run(tt.dir+"/"+tt.file, func(t *testing.T) {
			path := filepath.Join(corpus, tt.dir, tt.file)
			var truth struct {
				Logs map[string]truthLog `json:"logs"`
			}
			b, err := os.ReadFile(filepath.Join(corpus, tt.dir, "truth.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &truth); err != nil {
				t.Fatal(err)
			}
			want, found := truth.Logs[tt.file]
			if !found {
				t.Fatalf("truth.json has no entry for %s", tt.file)
			}
			wantPerPID := map[string]int64{}
			for pid, v := range want.PerPID {
				wantPerPID[pid] = v.Requests
			}
			first, err1 := time.Parse(time.RFC3339, want.FirstTS)
			last, err2 := time.Parse(time.RFC3339, want.LastTS)
			if err1 != nil || err2 != nil {
				t.Fatalf("truth.json times: %v, %v", err1, err2)
			}

			split := countBySplitting(t, path, tt.pidFrom, tt.pidTo, tt.dur)
			if !reflect.DeepEqual(split.perPID, wantPerPID) {
				t.Fatalf("string splitting disagrees with truth.json:\ngot  %v\nwant %v", split.perPID, wantPerPID)
			}
			wantUS := int64(math.Round(want.TotalRequestTimeS * 1e6))
			if split.durationUS != wantUS {
				t.Fatalf("string splitting: request time got %d µs, truth.json %d µs", split.durationUS, wantUS)
			}

			formats := map[string]*Format{"format string": mustCompile(t, tt.spec), "detected": detectFile(t, path)}
			for name, f := range formats {
				got := countByReader(t, path, f)
				if got.lines != want.TotalLines || got.rejected != 0 {
					t.Errorf("%s: lines, rejected: got %d, %d, want %d, 0", name, got.lines, got.rejected, want.TotalLines)
				}
				if !reflect.DeepEqual(got.perPID, split.perPID) {
					t.Errorf("%s: per PID:\ngot  %v\nwant %v", name, got.perPID, split.perPID)
				}
				if got.durationUS != wantUS {
					t.Errorf("%s: request time: got %d µs, want %d µs", name, got.durationUS, wantUS)
				}
				if !reflect.DeepEqual(got.status, want.StatusCounts) {
					t.Errorf("%s: status: got %v, want %v", name, got.status, want.StatusCounts)
				}
				if got.first != first.Unix() || got.last != last.Unix() {
					t.Errorf("%s: first, last: got %s, %s, want %s, %s", name,
						time.Unix(got.first, 0).UTC().Format(time.RFC3339), time.Unix(got.last, 0).UTC().Format(time.RFC3339), want.FirstTS, want.LastTS)
				}
			}
		})
	}
}

func mustCompile(t testing.TB, spec string) *Format {
	t.Helper()
	f, err := CompileLogFormat(spec)
	if err != nil {
		t.Fatalf("CompileLogFormat(%q): got error %v, want nil", spec, err)
	}
	return f
}
