package inputflags

import (
	"errors"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/parse"
)

// TestWordErrors: the typed errors of ingest, parse and aggregate are
// said with the flags that fix them, in the words skewer has always used,
// and the typed error stays in the chain.
func TestWordErrors(t *testing.T) {
	families := &ingest.FamiliesError{Families: []parse.Family{parse.FamilyGunicorn, parse.FamilyNginx}, Paths: [][]string{{"a.log"}, {"b.log", "c.log"}}}
	tests := []struct {
		name      string
		logFormat string
		err       error
		want      string
	}{
		{"named file not a log", "", &ingest.SkipError{Path: "x.txt", Skip: ingest.Skip{Code: aggregate.SkipNotLog}},
			"x.txt: no line looks like a known access log (gunicorn, nginx, uWSGI, JSON); pass --log-format with the server's format string (Apache LogFormat and php-fpm access.format too; see skewer formats)"},
		{"stdin without a worker field", "", &ingest.SkipError{Path: "-", Skip: ingest.Skip{Code: aggregate.SkipNoWorker}},
			"standard input: access log without a worker field: " + noWorkerHelp},
		{"format given does not match", "", &ingest.SkipError{Path: "x.log", Skip: ingest.Skip{Code: aggregate.SkipFormat, Lines: 7}},
			"x.log: none of its first 7 lines matches --log-format"},
		{"detected another family's format", "", &ingest.SkipError{Path: "x.log", Skip: ingest.Skip{Code: aggregate.SkipFormat, Want: parse.FamilyNginx}},
			"x.log: detected an unknown server's format, not --format nginx"},
		{"error log of another family", "", &ingest.SkipError{Path: "e.log", Skip: ingest.Skip{Code: aggregate.SkipOtherFamily, Kind: parse.KindErrorLog, Family: parse.FamilyGunicorn, Want: parse.FamilyNginx}},
			"e.log: gunicorn error log, not --family nginx"},
		{"no access log", "", &ingest.NoAccessError{Skipped: []ingest.Skipped{
			{Path: "a", Skip: ingest.Skip{Code: aggregate.SkipEmpty}},
			{Path: "b", Skip: ingest.Skip{Code: aggregate.SkipOther, Why: "a config"}},
			{Path: "c", Skip: ingest.Skip{Code: aggregate.SkipOtherFamily, Family: parse.FamilyNginx, Want: parse.FamilyGunicorn}},
			{Path: "d", Skip: ingest.Skip{Code: aggregate.SkipEmpty}},
		}}, "no access lines: none of the inputs is an access log with a worker field (a: empty file; b: not an access log: a config; c: nginx access log, not --family gunicorn; and 1 more)"},
		{"several families", "", families,
			"the inputs hold logs of 2 server families: gunicorn (a.log) and nginx (b.log, c.log); a run accounts one: pass --family gunicorn or --family nginx, or fewer files"},
		{"by field", "", &ingest.FieldError{Path: "a.log", Err: errors.New("no field x")}, "a.log: --by: no field x"},
		{"host field", "", &ingest.FieldError{Path: "a.log", Host: true, Err: errors.New("no field x")}, "a.log: --host-field: no field x"},
		{"named file unread", "%(p)s", &ingest.NothingParsedError{Path: "a.log", Lines: 3, Format: "gunicorn", Reason: "most common reason: bad time"},
			"a.log: none of its 3 lines was read as a gunicorn access log (most common reason: bad time); check --log-format against a line of the log, or leave it out to detect the format"},
		{"run unread", "", &ingest.NothingParsedError{Lines: 3, Reason: "the input is empty"}, "no access lines: 3 lines read, none parsed (the input is empty)"},
		{"out of range", "", &ingest.OutOfRangeError{Lines: 9}, "none of the 9 lines read falls between --since and --until"},
		{"out of range on both sides", "", &ingest.OutOfRangeError{Lines: 9, Early: 4, Late: 5}, "none of the 9 lines read falls between --since and --until"},
		{"since after every line", "", &ingest.OutOfRangeError{Lines: 9, Early: 8, Since: time.Date(2001, 1, 1, 0, 0, 0, 0, time.UTC), LastEarly: time.Date(2000, 1, 1, 0, 0, 0, 500000, time.UTC)},
			"--since 2001-01-01T00:00:00Z: all 8 parsed lines end before it, the last at 2000-01-01T00:00:00.0005Z"},
		{"strict", "", &ingest.RejectError{Rejected: 1, Total: 4, Strict: true}, "1 of 4 lines rejected (--strict); the first are listed above"},
		{"reject ratio", "", &ingest.RejectError{Rejected: 1, Total: 4, Ratio: 0.25, Limit: 0.1}, "1 of 4 lines rejected (0.2500 > --max-reject-ratio 0.1)"},
		{"empty range", "", ingest.ErrEmptyRange, "--since is not before --until"},
		{"relative bound, no time", "", &ingest.BoundError{Path: "a.log", Code: ingest.BoundNoTime}, "a.log: no timed line at the end of the file for a relative --since/--until"},
		{"ps columns", "", &parse.ColumnsError{Unknown: "rsss"}, `--ps-columns: unknown column "rsss": want ps -o names such as pid, ppid, rss, vsz, etimes, etime, times, time, pcpu, stime, lstart, psr, args`},
		{"ps columns without pid", "", &parse.ColumnsError{}, "--ps-columns: no pid column (e.g. --ps-columns pid,ppid,rss,etimes,times,args for ps -eo pid=,ppid=,rss=,etimes=,times=,args=)"},
		{"ps without header", "", &parse.HeaderlessError{Name: "ps.txt", Line: 2},
			"ps.txt:2: ps output without a header line: name its columns with --ps-columns (e.g. --ps-columns pid,ppid,rss,etimes,times,args for ps -eo pid=,ppid=,rss=,etimes=,times=,args=)"},
		{"ps time out of range", "", &parse.PSTimeError{Time: -1, OutRange: true}, "--ps-time: -1 µs is not a time between 1970 and 9999"},
		{"ps time for several snapshots", "", &parse.PSTimeError{Name: "ps.txt", Untimed: 2},
			"ps.txt: --ps-time gives the time of a single snapshot, but the file holds 2 snapshots without a timestamp line"},
		{"nginx configuration", "", &parse.ConfError{Msg: "x matches two", Sep: "; "}, "x matches two; name the format with --log-format-name"},
		{"nginx configuration of a JSON log", "", &parse.ConfError{Msg: "log_format j writes JSON objects", Sep: ": ", Fix: parse.FixNoConf},
			"log_format j writes JSON objects: read its log without --nginx-conf; JSON logs are recognised by their content"},
		{"snapshot families", "", &aggregate.FamiliesError{Names: []string{"gunicorn", "nginx"}},
			"the snapshots hold workers of 2 server families (gunicorn, nginx); pass --family gunicorn or --family nginx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fl := &Flags{LogFormat: tt.logFormat}
			got := fl.Word(tt.err)
			if got.Error() != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("the chain lost the typed error %T", tt.err)
			}
		})
	}
}

// TestReadReportWindows: a window size that makes too many windows is named
// by the flag that set it.
func TestReadReportWindows(t *testing.T) {
	for _, flag := range []string{"--window", "--each-window"} {
		many := &aggregate.TooManyWindowsError{Width: time.Second, Span: 48 * time.Hour, Smallest: 2 * time.Second}
		got := wordWindows(many, flag)
		want := flag + " 1s makes more than 100000 windows over the span of 48h0m0s: the smallest size allowed is 2s"
		if got.Error() != want || !errors.Is(got, many) {
			t.Errorf("got %v, want %s wrapping the typed error", got, want)
		}
	}
}
