package parse

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// elTime is the expected unix microseconds of a UTC wall time, computed with
// time.Date rather than the parser's own civil arithmetic.
func elTime(day, h, m, s int) int64 {
	return time.Date(2026, 11, day, h, m, s, 0, time.UTC).UnixMicro()
}

// elRead reads text as an error log and fails the test on an error.
func elRead(t *testing.T, text string, loc *time.Location) ([]ErrorLogEvent, ErrorLogStats) {
	t.Helper()
	events, stats, err := ReadErrorLog(strings.NewReader(text), "error.log", loc)
	if err != nil {
		t.Fatalf("ReadErrorLog: got error %v, want none", err)
	}
	return events, stats
}

func TestReadErrorLogLines(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	const day = "[2026-11-25 17:28:39 +0000] "
	t0 := elTime(25, 17, 28, 39)
	tests := []struct {
		name    string
		line    string
		loc     *time.Location
		want    []ErrorLogEvent // Line is 1 for every event
		master  bool            // a master line that gives no event
		other   bool            // another gunicorn message, ignored
		masters []int64
	}{
		{name: "boot", line: day + "[16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "exit", line: day + "[16473] [INFO] Worker exiting (pid: 16473)",
			want: []ErrorLogEvent{{Time: t0, PID: 16473, Master: 16473, Kind: EventExit}}},
		{name: "autorestart", line: day + "[16473] [INFO] Autorestarting worker after current request.",
			want: []ErrorLogEvent{{Time: t0, PID: 16473, Master: 16473, Kind: EventAutorestart}}},
		{name: "timeout", line: day + "[40000] [CRITICAL] WORKER TIMEOUT (pid:40002)",
			want:    []ErrorLogEvent{{Time: t0, PID: 40002, Master: 40000, Kind: EventTimeout}},
			masters: []int64{40000}},
		{name: "20.1 signal", line: day + "[40000] [WARNING] Worker with pid 40003 was terminated due to signal 9",
			want:    []ErrorLogEvent{{Time: t0, PID: 40003, Master: 40000, Kind: EventSignal, Signal: "9"}},
			masters: []int64{40000}},
		{name: "21+ SIGKILL", line: day + "[50000] [ERROR] Worker (pid:50002) was sent SIGKILL! Perhaps out of memory?",
			want:    []ErrorLogEvent{{Time: t0, PID: 50002, Master: 50000, Kind: EventKilled, Signal: "SIGKILL"}},
			masters: []int64{50000}},
		{name: "21+ SIGTERM", line: day + "[50000] [ERROR] Worker (pid:50010) was sent SIGTERM!",
			want:    []ErrorLogEvent{{Time: t0, PID: 50010, Master: 50000, Kind: EventSignal, Signal: "SIGTERM"}},
			masters: []int64{50000}},
		{name: "24 SIGABRT", line: day + "[50000] [WARNING] Worker (pid:50010) was sent SIGABRT!",
			want:    []ErrorLogEvent{{Time: t0, PID: 50010, Master: 50000, Kind: EventSignal, Signal: "SIGABRT"}},
			masters: []int64{50000}},
		{name: "21 code", line: day + "[50000] [ERROR] Worker (pid:50010) was sent code 134!",
			want:    []ErrorLogEvent{{Time: t0, PID: 50010, Master: 50000, Kind: EventSignal, Signal: "code 134"}},
			masters: []int64{50000}},
		{name: "24 unnamed signal", line: day + "[50000] [WARNING] Worker (pid:50010) was sent signal 64!",
			want:    []ErrorLogEvent{{Time: t0, PID: 50010, Master: 50000, Kind: EventSignal, Signal: "64"}},
			masters: []int64{50000}},
		{name: "exited with code", line: day + "[50000] [ERROR] Worker (pid:50003) exited with code 3.",
			want:    []ErrorLogEvent{{Time: t0, PID: 50003, Master: 50000, Kind: EventExitCode, Signal: "code 3"}},
			masters: []int64{50000}},
		{name: "signal with control bytes", line: day + "[50000] [ERROR] Worker (pid:50010) was sent \x1b[31m!",
			want:    []ErrorLogEvent{{Time: t0, PID: 50010, Master: 50000, Kind: EventSignal}},
			masters: []int64{50000}},

		{name: "starting", line: day + "[16464] [INFO] Starting gunicorn 20.1.0", master: true, masters: []int64{16464}},
		{name: "listening", line: day + "[16464] [INFO] Listening at: http://127.0.0.1:18017 (16464)", master: true, masters: []int64{16464}},
		{name: "listening names another pid", line: day + "[7] [INFO] Listening at: unix:/run/g.sock (8)", master: true, masters: []int64{7, 8}},
		{name: "listening after reload", line: day + "[16464] [INFO] Listening at: http://127.0.0.1:18017", master: true, masters: []int64{16464}},
		{name: "using worker", line: day + "[16464] [INFO] Using worker: sync", master: true, masters: []int64{16464}},
		{name: "handling signal", line: day + "[16464] [INFO] Handling signal: term", master: true, masters: []int64{16464}},
		{name: "shutting down", line: day + "[16464] [INFO] Shutting down: Master", master: true, masters: []int64{16464}},
		{name: "reason", line: day + "[16464] [INFO] Reason: Worker failed to boot.", master: true, masters: []int64{16464}},
		{name: "arbiter booted", line: day + "[16464] [DEBUG] Arbiter booted", master: true, masters: []int64{16464}},

		{name: "zone-less time in loc", line: "[2026-11-25 12:28:39] [16466] [INFO] Booting worker with pid: 16466", loc: ny,
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "zone-less time in UTC by default", line: "[2026-11-25 17:28:39] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "zone -0500", line: "[2026-11-25 12:28:39 -0500] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "zone +05:30 and T", line: "[2026-11-25T22:58:39+05:30] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "zone Z", line: "[2026-11-25T17:28:39Z] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "zone UTC and milliseconds", line: "[2026-11-25 17:28:39,250 UTC] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0 + 250000, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "access-log time", line: "[25/Nov/2026:17:28:39 +0000] [16466] [INFO] Booting worker with pid: 16466",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},
		{name: "CRLF", line: day + "[16466] [INFO] Booting worker with pid: 16466\r",
			want: []ErrorLogEvent{{Time: t0, PID: 16466, Master: 16466, Kind: EventBoot}}},

		{name: "flask header", line: "[2026-11-25 17:28:54,100] ERROR in app: Exception on /error [GET]"},
		{name: "traceback", line: "Traceback (most recent call last):"},
		{name: "traceback frame", line: `  File "/srv/app/app/app.py", line 55, in error`},
		{name: "blank", line: ""},
		{name: "other worker message", line: day + "[16466] [ERROR] Error handling request /error", other: true},
		{name: "boot pid not a number", line: day + "[16466] [INFO] Booting worker with pid: x16466", other: true},
		{name: "boot pid 0", line: day + "[16466] [INFO] Booting worker with pid: 0", other: true},
		{name: "pid of 11 digits", line: day + "[16466] [INFO] Booting worker with pid: 12345678901", other: true},
		{name: "[pid] not a number", line: day + "[main] [INFO] Booting worker with pid: 16466"},
		{name: "no level", line: day + "[16466] Booting worker with pid: 16466"},
		{name: "31 November", line: "[2026-11-31 17:28:39 +0000] [16466] [INFO] Booting worker with pid: 16466"},
		{name: "31 November without zone", line: "[2026-11-31 17:28:39] [16466] [INFO] Booting worker with pid: 16466"},
		{name: "bad zone", line: "[2026-11-25 17:28:39 +2500] [16466] [INFO] Booting worker with pid: 16466"},
		{name: "exit without closing parenthesis", line: day + "[16473] [INFO] Worker exiting (pid: 16473", other: true},
		{name: "exit code out of range", line: day + "[50000] [ERROR] Worker (pid:50003) exited with code 99999.", other: true},
		{name: "signal line without pid", line: day + "[40000] [WARNING] Worker with pid  was terminated due to signal 9", other: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, stats := elRead(t, tt.line+"\n", tt.loc)
			for i := range tt.want {
				tt.want[i].Line = 1
			}
			if !reflect.DeepEqual(events, tt.want) {
				t.Errorf("events: got %+v, want %+v", events, tt.want)
			}
			if !slices.Equal(stats.MasterPIDs, tt.masters) {
				t.Errorf("MasterPIDs: got %v, want %v", stats.MasterPIDs, tt.masters)
			}
			want := ErrorLogStats{Lines: 1, MasterPIDs: stats.MasterPIDs}
			if tt.name == "using worker" {
				want.WorkerClass = "sync" // read from the line itself
			}
			switch {
			case len(tt.want) > 0:
				want.Events, want.Gunicorn = 1, 1
			case tt.master:
				want.Master, want.Gunicorn = 1, 1
			default:
				want.Ignored = 1
				if tt.other {
					want.Gunicorn = 1
				}
			}
			if !reflect.DeepEqual(stats, want) {
				t.Errorf("stats: got %+v, want %+v", stats, want)
			}
		})
	}
}

func TestReadErrorLogFixtures(t *testing.T) {
	boot := func(line int64, ts int64, pid int64) ErrorLogEvent {
		return ErrorLogEvent{Time: ts, Line: line, PID: pid, Master: pid, Kind: EventBoot}
	}
	exit := func(line int64, ts int64, pid int64) ErrorLogEvent {
		return ErrorLogEvent{Time: ts, Line: line, PID: pid, Master: pid, Kind: EventExit}
	}
	tests := []struct {
		file  string
		want  []ErrorLogEvent
		stats ErrorLogStats
	}{
		{
			// Cut from the corpus's gunicorn-sync-17/error.log: lines 1-5,
			// 21-37 (a Flask block), 4509-4511, 7484-7486, 7502.
			file: "sync-20.1.log",
			want: []ErrorLogEvent{
				boot(4, elTime(25, 17, 28, 39), 16466),
				boot(5, elTime(25, 17, 28, 39), 16467),
				{Time: elTime(25, 17, 33, 7), Line: 23, PID: 16473, Master: 16473, Kind: EventAutorestart},
				exit(24, elTime(25, 17, 33, 7), 16473),
				boot(25, elTime(25, 17, 33, 7), 17836),
				exit(27, elTime(25, 17, 35, 45), 17904),
				exit(28, elTime(25, 17, 35, 45), 17868),
			},
			stats: ErrorLogStats{Lines: 29, Gunicorn: 12, Events: 7, Master: 5, Ignored: 17, MasterPIDs: []int64{16464}, WorkerClass: "sync"},
		},
		{
			// Cut from the corpus's nginx-proxy/gunicorn-error.log: lines
			// 1-25 and 2355-2361.
			file: "gevent-20.1.log",
			want: []ErrorLogEvent{
				boot(4, elTime(25, 17, 50, 41), 21631),
				boot(5, elTime(25, 17, 50, 42), 21632),
				boot(6, elTime(25, 17, 50, 42), 21634),
				boot(7, elTime(25, 17, 50, 42), 21635),
				boot(8, elTime(25, 17, 50, 42), 21637),
				exit(27, elTime(25, 17, 57, 51), 21635),
				exit(28, elTime(25, 17, 57, 52), 21634),
				exit(29, elTime(25, 17, 57, 52), 21631),
				exit(30, elTime(25, 17, 57, 52), 21632),
				exit(31, elTime(25, 17, 57, 52), 21637),
			},
			stats: ErrorLogStats{Lines: 32, Gunicorn: 15, Events: 10, Master: 5, Ignored: 17, MasterPIDs: []int64{21629}, WorkerClass: "gevent_pywsgi"},
		},
		{
			// Hand-written in gunicorn 20.1's words (arbiter.py).
			file: "handwritten-20.1.log",
			want: []ErrorLogEvent{
				boot(4, elTime(25, 18, 0, 0), 40002),
				boot(5, elTime(25, 18, 0, 0), 40003),
				{Time: elTime(25, 18, 0, 31), Line: 6, PID: 40002, Master: 40000, Kind: EventTimeout},
				exit(7, elTime(25, 18, 0, 31), 40002),
				boot(8, elTime(25, 18, 0, 31), 40010),
				{Time: elTime(25, 18, 1, 5), Line: 9, PID: 40003, Master: 40000, Kind: EventSignal, Signal: "9"},
				boot(10, elTime(25, 18, 1, 5), 40011),
				exit(12, elTime(25, 18, 2, 0), 40010),
				exit(13, elTime(25, 18, 2, 0), 40011),
			},
			stats: ErrorLogStats{Lines: 14, Gunicorn: 14, Events: 9, Master: 5, MasterPIDs: []int64{40000}, WorkerClass: "sync"},
		},
		{
			// Hand-written in gunicorn 23.0's words (arbiter.py).
			file: "handwritten-23.log",
			want: []ErrorLogEvent{
				boot(4, elTime(25, 18, 10, 0), 50002),
				boot(5, elTime(25, 18, 10, 0), 50003),
				{Time: elTime(25, 18, 10, 30), Line: 6, PID: 50002, Master: 50000, Kind: EventKilled, Signal: "SIGKILL"},
				boot(7, elTime(25, 18, 10, 30), 50010),
				{Time: elTime(25, 18, 11, 1), Line: 8, PID: 50003, Master: 50000, Kind: EventTimeout},
				exit(9, elTime(25, 18, 11, 1), 50003),
				{Time: elTime(25, 18, 11, 1), Line: 10, PID: 50003, Master: 50000, Kind: EventExitCode, Signal: "code 1"},
				boot(11, elTime(25, 18, 11, 1), 50011),
				{Time: elTime(25, 18, 12, 0), Line: 12, PID: 50010, Master: 50000, Kind: EventSignal, Signal: "SIGTERM"},
				boot(13, elTime(25, 18, 12, 0), 50012),
				exit(15, elTime(25, 18, 13, 0), 50011),
				exit(16, elTime(25, 18, 13, 0), 50012),
			},
			stats: ErrorLogStats{Lines: 17, Gunicorn: 17, Events: 12, Master: 5, MasterPIDs: []int64{50000}, WorkerClass: "sync"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "errorlog", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			events, stats, err := ReadErrorLog(f, tt.file, nil)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !reflect.DeepEqual(events, tt.want) {
				t.Errorf("events:\ngot  %+v\nwant %+v", events, tt.want)
			}
			if !reflect.DeepEqual(stats, tt.stats) {
				t.Errorf("stats: got %+v, want %+v", stats, tt.stats)
			}
		})
	}
}

func TestReadErrorLogTooLong(t *testing.T) {
	boot := "[2026-11-25 17:28:39 +0000] [16466] [INFO] Booting worker with pid: 16466"
	// A line of exactly MaxLine bytes is read (its trailing blanks are
	// trimmed); one byte more and it is skipped.
	fits := boot + strings.Repeat(" ", MaxLine-len(boot))
	long := strings.Repeat("x", MaxLine+1)
	text := fits + "\n" + long + "\n" + long + "\r\n" + boot + "\n" + long
	events, stats := elRead(t, text, nil)
	var lines []int64
	for _, ev := range events {
		lines = append(lines, ev.Line)
	}
	if want := []int64{1, 4}; !slices.Equal(lines, want) {
		t.Errorf("event lines: got %v, want %v", lines, want)
	}
	want := ErrorLogStats{Lines: 5, Gunicorn: 2, Events: 2, TooLong: 3}
	if !reflect.DeepEqual(stats, want) {
		t.Errorf("stats: got %+v, want %+v", stats, want)
	}
}

func TestReadErrorLogEnds(t *testing.T) {
	boot := "[2026-11-25 17:28:39 +0000] [16466] [INFO] Booting worker with pid: 16466"
	tests := []struct {
		name   string
		text   string
		lines  int64
		events int
	}{
		{"empty", "", 0, 0},
		{"one newline", "\n", 1, 0},
		{"lone carriage return", "\r", 1, 0},
		{"no final newline", boot, 1, 1},
		{"final newline", boot + "\n", 1, 1},
		{"blank last line", boot + "\n\n", 2, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			events, stats := elRead(t, tt.text, nil)
			if stats.Lines != tt.lines || len(events) != tt.events {
				t.Errorf("got %d lines and %d events, want %d and %d", stats.Lines, len(events), tt.lines, tt.events)
			}
		})
	}
}

func TestReadErrorLogIOError(t *testing.T) {
	boom := errors.New("boom")
	text := "[2026-11-25 17:28:39 +0000] [16466] [INFO] Booting worker with pid: 16466\n" +
		"Traceback (most recent call last):\n  File"
	r := io.MultiReader(strings.NewReader(text), iotest.ErrReader(boom))
	events, stats, err := ReadErrorLog(r, "app/error.log", nil)
	if err == nil || err.Error() != "app/error.log:3: boom" {
		t.Fatalf("error: got %v, want app/error.log:3: boom", err)
	}
	if !errors.Is(err, boom) {
		t.Errorf("errors.Is(err, boom): got false, want true")
	}
	if len(events) != 1 || stats.Lines != 2 {
		t.Errorf("got %d events over %d lines, want 1 over 2", len(events), stats.Lines)
	}
}

// elTruth is the error-log part of a corpus truth.json.
type elTruth struct {
	TotalLines   int64   `json:"total_lines"`
	Booting      int     `json:"booting_worker_lines"`
	BootedPIDs   []int64 `json:"booted_worker_pids"`
	Autorestarts int     `json:"autorestart_lines"`
	Exiting      int     `json:"worker_exiting_lines"`
}

func TestReadErrorLogCorpus(t *testing.T) {
	corpus := testutil.Corpus(t)
	tests := []struct {
		dir, file, truthKey string
		boots, restarts     int
		master              int64
	}{
		{"gunicorn-sync-17", "error.log", "error_log", 34, 17, 16464},
		{"nginx-proxy", "gunicorn-error.log", "gunicorn_error_log", 5, 0, 21629},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(corpus, tt.dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			truth := readELTruth(t, filepath.Join(corpus, tt.dir, "truth.json"), tt.truthKey)
			events, stats, err := ReadErrorLog(bytes.NewReader(data), tt.file, nil)
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			count := map[string]int{}
			var booted []int64
			for _, ev := range events {
				count[ev.Kind]++
				if ev.Kind == EventBoot {
					booted = append(booted, ev.PID)
				}
			}
			slices.Sort(booted)
			// A second count, line by line with strings.Contains.
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			contains := func(s string) int {
				n := 0
				for _, l := range lines {
					if strings.Contains(l, s) {
						n++
					}
				}
				return n
			}
			checks := []struct {
				what          string
				got, want, by int
			}{
				{"lines", int(stats.Lines), int(truth.TotalLines), len(lines)},
				{"boot events", count[EventBoot], truth.Booting, contains("] Booting worker with pid: ")},
				{"autorestart events", count[EventAutorestart], truth.Autorestarts, contains("] Autorestarting worker after current request.")},
				{"exit events", count[EventExit], truth.Exiting, contains("] Worker exiting (pid: ")},
				{"other events", len(events) - count[EventBoot] - count[EventAutorestart] - count[EventExit], 0, 0},
			}
			for _, c := range checks {
				if c.got != c.want || c.got != c.by {
					t.Errorf("%s: got %d, want %d (truth.json) and %d (strings.Contains)", c.what, c.got, c.want, c.by)
				}
			}
			if count[EventBoot] != tt.boots || count[EventAutorestart] != tt.restarts {
				t.Errorf("boots, autorestarts: got %d, %d, want %d, %d", count[EventBoot], count[EventAutorestart], tt.boots, tt.restarts)
			}
			if !slices.Equal(booted, truth.BootedPIDs) {
				t.Errorf("booted PIDs: got %v, want %v", booted, truth.BootedPIDs)
			}
			if want := []int64{tt.master}; !slices.Equal(stats.MasterPIDs, want) {
				t.Errorf("MasterPIDs: got %v, want %v", stats.MasterPIDs, want)
			}
			if sum := stats.Events + stats.Master + stats.Ignored + stats.TooLong; sum != stats.Lines {
				t.Errorf("events+master+ignored+too long: got %d, want %d lines", sum, stats.Lines)
			}
		})
	}
}

func readELTruth(t *testing.T, path, key string) elTruth {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var truth elTruth
	if err := json.Unmarshal(doc[key], &truth); err != nil {
		t.Fatalf("%s: %s: %v", path, key, err)
	}
	slices.Sort(truth.BootedPIDs)
	return truth
}

var elBuffers = sync.Pool{New: func() any { return NewBufferedReader(nil) }}

var elKinds = map[string]bool{
	EventBoot: true, EventExit: true, EventAutorestart: true, EventTimeout: true,
	EventSignal: true, EventKilled: true, EventExitCode: true,
}

// FuzzReadErrorLog checks what must hold whatever the bytes: no panic, no
// error from an in-memory reader, every line counted once, events in file
// order with known kinds and positive PIDs, each master PID listed once.
func FuzzReadErrorLog(f *testing.F) {
	for _, name := range []string{"sync-20.1.log", "gevent-20.1.log", "handwritten-20.1.log", "handwritten-23.log"} {
		data, err := os.ReadFile(filepath.Join("testdata", "errorlog", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"",
		"\n\r\n",
		"[2026-11-25 17:28:39] [1] [INFO] Booting worker with pid: 1",
		"[2026-11-25 17:28:39,5 UTC] [1] [I] Worker (pid:2) was sent code 134!\r",
		"[25/Nov/2026:17:28:39 +0000] [1] [INFO] Worker (pid:2) exited with code -9.",
		"[2026-02-29 17:28:39 +0000] [1] [INFO] Listening at: x (99999999999)",
		"[2026-11-25 17:28:39 +0000] [1] [INFO] Worker with pid 3 was terminated due to signal \xff",
		"[2026-11-25 17:28:54,100] ERROR in app: Exception on /error [GET]",
		"[0000-01-01 00:00:00 -2359] [9999999999] [X] Worker exiting (pid: 9999999999)",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		br := elBuffers.Get().(*bufio.Reader)
		defer elBuffers.Put(br)
		br.Reset(bytes.NewReader(data))
		events, stats, err := ReadErrorLog(br, "fuzz", time.UTC)
		if err != nil {
			t.Fatalf("got error %v, want none", err)
		}
		lines := int64(bytes.Count(data, []byte("\n")))
		if len(data) > 0 && data[len(data)-1] != '\n' {
			lines++
		}
		if stats.Lines != lines {
			t.Fatalf("Lines: got %d, want %d", stats.Lines, lines)
		}
		if sum := stats.Events + stats.Master + stats.Ignored + stats.TooLong; sum != lines {
			t.Fatalf("events+master+ignored+too long: got %d, want %d", sum, lines)
		}
		if stats.Events != int64(len(events)) || stats.Gunicorn < stats.Events+stats.Master {
			t.Fatalf("stats %+v do not fit %d events", stats, len(events))
		}
		var last int64
		for _, ev := range events {
			if ev.Line <= last || ev.Line > lines || !elKinds[ev.Kind] || ev.PID < 1 || ev.Master < 1 {
				t.Fatalf("bad event %+v after line %d", ev, last)
			}
			last = ev.Line
			for _, c := range []byte(ev.Signal) {
				if c < ' ' || c > '~' {
					t.Fatalf("Signal %q holds a byte that is not printable ASCII", ev.Signal)
				}
			}
		}
		seen := map[int64]bool{}
		for _, pid := range stats.MasterPIDs {
			if seen[pid] || pid < 1 {
				t.Fatalf("MasterPIDs %v: %d listed twice or not a PID", stats.MasterPIDs, pid)
			}
			seen[pid] = true
		}
	})
}

func BenchmarkReadErrorLog(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testutil.Corpus(b), "gunicorn-sync-17", "error.log"))
	if err != nil {
		b.Fatal(err)
	}
	lines := bytes.Count(data, []byte("\n"))
	br := NewBufferedReader(nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		br.Reset(bytes.NewReader(data))
		if _, _, err := ReadErrorLog(br, "error.log", nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
