package render

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/explain"
	"github.com/skewer-dev/skewer/internal/testutil"
	"github.com/skewer-dev/skewer/parse"
)

// rec is a hand-made access-log line: it ended at clock ("15:04:05", or
// "15:04:05.000" for sub-second logs such as nginx $msec) on 2026-11-25 UTC,
// took dur µs (-1: unknown) and was served by worker ("" for none).
func rec(clock, worker string, dur int64, status int, path string) parse.Record {
	t, err := time.Parse("15:04:05", clock)
	if err != nil {
		panic(err)
	}
	end := time.Date(2026, 11, 25, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	r := withPath(path)
	r.Time = end.UnixMicro()
	r.HasTime = true
	r.SubSecond = strings.Contains(clock, ".")
	r.Worker = []byte(worker)
	r.Duration = dur
	r.Status = status
	return r
}

// withPath returns a record whose Path() is path. parse.Record keeps its
// path unexported, so the record comes from parsing a one-line log; its
// other fields are the caller's to set.
func withPath(path string) parse.Record {
	if path == "" {
		return parse.Record{Duration: -1}
	}
	f, err := parse.CompileNginx(`$pid "$request"`)
	if err != nil {
		panic(err)
	}
	rd := parse.NewReader(strings.NewReader(`1 "GET `+path+` HTTP/1.1"`+"\n"), f)
	if !rd.Scan() || rd.Reason() != parse.ReasonNone {
		panic(fmt.Sprintf("path %q: %s", path, rd.Reason()))
	}
	r := *rd.Record()
	if got := string(r.Path()); got != path {
		panic(fmt.Sprintf("got path %q, want %q", got, path))
	}
	return r
}

// reportCase is a report built from hand-made records, rendered with opt.
type reportCase struct {
	name     string
	recs     []parse.Record
	excludes []string
	rejected int
	inputs   []aggregate.Input
	agg      aggregate.Options
	warnings []string
	opt      Options
}

func (c reportCase) report() *aggregate.Report {
	p := aggregate.NewPartial(c.excludes)
	for i := range c.recs {
		p.Add(&c.recs[i])
	}
	for range c.rejected {
		p.Reject(parse.ReasonNoMatch)
	}
	rep := aggregate.Finish(p, c.inputs, c.agg)
	rep.Warnings = append(rep.Warnings, c.warnings...)
	return rep
}

// The numbers each case must show are worked out by hand next to it; the
// golden files were checked against them.
var reportCases = []reportCase{
	normalCase(),
	{
		// 201 and 202 overlap (17:00:01–17:00:03), so 2 are alive at once and
		// --workers 4 pads 2 idle slots. 201: 3 requests, 3 s, alive
		// 16:59:59 to 17:00:04 + 1 s = 6 s, mean conc 0.5. 202: 1 request,
		// 2 s, alive 3 s, 0.667. Requests [3 1 0 0]: gini 20/32 = 0.625, top1
		// 75%, max/mean 3, cv √1.5 = 1.225, jain 16/40 = 0.4, effective 1.6.
		// Seconds [3 2 0 0]: gini 22/40 = 0.55, top1 60%, max/mean 2.4, cv
		// √1.6875/1.25 = 1.039, jain 25/52 = 0.481, effective 1.9.
		name: "idle",
		recs: []parse.Record{
			rec("17:00:00", "201", 1_000_000, 200, "/"),
			rec("17:00:02", "201", 1_000_000, 200, "/"),
			rec("17:00:03", "202", 2_000_000, 200, "/"),
			rec("17:00:04", "201", 1_000_000, 200, "/"),
		},
		agg: aggregate.Options{Workers: 4, Family: "gunicorn"},
		opt: Options{Top: 20},
	},
	{
		// Five workers with 5, 4, 3, 2, 1 requests of 0.1 s each, top 2: the
		// others row folds 303–305: 6 requests, 6/15 = 40.0%, 0.6 s, one 5xx,
		// first 17:00:09, last 17:00:14. 301: alive 16:59:59.9 to 17:00:04
		// + 1 s = 5.1 s, mean conc 0.5/5.1 = 0.098; 302: 0.4/4.1 = 0.098.
		// Requests [5 4 3 2 1]: gini 20/75 = 0.267, top1 33.3%, top3 80.0%,
		// max/mean 1.67, cv √2/3 = 0.471, jain 225/275 = 0.818, effective
		// 4.1; seconds are the same shape. 4 workers serve 14/15 = 93.3%.
		name: "fold",
		recs: func() []parse.Record {
			var rs []parse.Record
			sec := 0
			for i, n := range []int{5, 4, 3, 2, 1} {
				for range n {
					status := 200
					if i == 4 {
						status = 503
					}
					rs = append(rs, rec(time.Date(2026, 11, 25, 17, 0, sec, 0, time.UTC).Format("15:04:05"),
						[]string{"301", "302", "303", "304", "305"}[i], 100_000, status, "/"))
					sec++
				}
			}
			return rs
		}(),
		agg: aggregate.Options{Family: "gunicorn"},
		opt: Options{Top: 2},
	},
	{
		// No request times: seconds, concurrency and percentiles are null,
		// no request-seconds skew. Requests [2 1]: gini 2/12 = 0.167, top1
		// 66.7%, max/mean 1.33, cv 0.5/1.5 = 0.333, jain 9/10 = 0.900,
		// effective 1.8. Span 17:00:00 to 17:01:00.
		name: "nodur",
		recs: []parse.Record{
			rec("17:00:00", "401", -1, 200, "/"),
			rec("17:00:30", "401", -1, 200, "/"),
			rec("17:01:00", "402", -1, 404, "/"),
		},
		agg: aggregate.Options{Family: "gunicorn"},
		opt: Options{Top: 20},
	},
	{
		// Two lines without a worker are unattributed (outside the shares);
		// three /healthz lines are excluded, outside the span. Lines: 5 + 3
		// excluded = 8 parsed. Shares 2/3, 1/3. 501: 0.4 s, alive 16:59:59.8
		// to 17:00:01 + 1 s = 2.2 s, 0.182; 502: 0.4 s, alive 17:00:01.6 to
		// 17:00:02 + 1 s = 1.4 s, 0.286. Requests [2 1] as in nodur; seconds
		// [0.4 0.4]: gini 0, top1 50%, max/mean 1, cv 0, jain 1, effective 2.
		name:     "unattributed",
		excludes: []string{"/healthz"},
		recs: []parse.Record{
			rec("17:00:00", "501", 200_000, 200, "/a"),
			rec("17:00:01", "501", 200_000, 200, "/b"),
			rec("17:00:02", "502", 400_000, 200, "/a"),
			rec("17:00:03", "", 100_000, 502, "/a"),
			rec("17:00:04", "", 100_000, 502, "/c"),
			rec("17:00:05", "501", 1_000, 200, "/healthz"),
			rec("17:00:06", "502", 1_000, 200, "/healthz"),
			rec("17:00:07", "", 1_000, 200, "/healthz"),
		},
		agg: aggregate.Options{Family: "nginx"},
		opt: Options{Top: 20},
	},
	{
		// Millisecond stamps: peak concurrency is known. 601: [.1,.5),
		// [.2,.7), [.6,1.0): at most 2 at once; 1.3 s over 0.9 s alive = 1.444.
		// 602: [0,.3), [.1,.35), [.2,.4): all 3 at .2; 0.75 s over 0.4 s =
		// 1.875. Requests [3 3]: even. Seconds [1.3 0.75]: gini 1.1/8.2 =
		// 0.134, top1 63.4%, max/mean 1.27, cv 0.275/1.025 = 0.268, jain
		// 4.2025/4.505 = 0.933, effective 1.9. Span 17:00:00.300 to
		// 17:00:01.000 (700ms).
		name: "subsecond",
		recs: []parse.Record{
			rec("17:00:00.300", "602", 300_000, 200, "/"),
			rec("17:00:00.350", "602", 250_000, 200, "/"),
			rec("17:00:00.400", "602", 200_000, 200, "/"),
			rec("17:00:00.500", "601", 400_000, 200, "/"),
			rec("17:00:00.700", "601", 500_000, 200, "/"),
			rec("17:00:01.000", "601", 400_000, 200, "/"),
		},
		agg: aggregate.Options{Family: "nginx"},
		opt: Options{Top: 20},
	},
	{
		// Escape sequences in a warning, a worker key (--by a header) and an
		// input path must not reach the output; | must not break markdown.
		// Each worker: 1 request, 0.1 s over 1.1 s = 0.091.
		name: "escape",
		recs: []parse.Record{
			rec("17:00:00", "app|1\x1b]0;pwned\x07", 100_000, 200, "/"),
			rec("17:00:01", "7", 100_000, 200, "/"),
		},
		inputs: []aggregate.Input{{
			Path: "logs/\x1b[2Jevil|name.log", Kind: "access", Format: "nginx",
			Lines: 2, Parsed: 2,
		}},
		agg:      aggregate.Options{Family: "nginx"},
		warnings: []string{"\x1b[31mguessed time zone UTC for logs/evil.log\x1b[0m"},
		opt:      Options{Top: 20},
	},
	{
		// No line has a worker key: no rows, a zero skew (gini and top
		// shares 0, the rest unknown) and the summary says so.
		name: "none",
		recs: []parse.Record{
			rec("17:00:00", "", -1, 200, "/"),
			rec("17:00:01", "", -1, 200, "/"),
		},
		agg: aggregate.Options{Family: "nginx"},
		opt: Options{Top: 20},
	},
	hostsCase,
	whyCase(),
}

// whyCase is the normal case with a hand-made explanation: table and
// markdown end with its three why lines, JSON and CSV are the normal case's.
func whyCase() reportCase {
	c := normalCase()
	c.name = "why"
	c.opt.Why = &explain.Explanation{
		Verdict: explain.Verdict{Harm: explain.Harmful, Short: "2 of 6 windows, e.g. 101 0.90 busy while 102 0.00 idle"},
		Mechanisms: []explain.Mechanism{
			{Name: explain.MechPinning, Confidence: explain.Likely, Short: "busiest-third gini 0.500, quietest 0.600"},
			{Name: explain.MechRestarts, Confidence: explain.Possible},
		},
		Memory:   explain.Memory{Pattern: explain.Flat},
		Changes:  []explain.Change{{}},
		Advice:   []explain.Advice{{}, {}},
		ToSettle: []string{"log the client port"},
	}
	return c
}

// hostRecs are n requests of worker on host h, ending at clock.
func hostRecs(h, worker string, n int, clock string) []parse.Record {
	out := make([]parse.Record, n)
	for i := range out {
		out[i] = rec(clock, worker, -1, 200, "/")
		out[i].Host = []byte(h)
	}
	return out
}

// hostsCase is a run over two hosts, each with its own typical window. At
// 1 s only 2 of the 10 windows of each host have 10 requests per live
// worker, so the window size moves up to 5 s: windows 17:00:00 and
// 17:00:05. Host a serves [10 10] in both: median gini 0, top1 50%. Host
// b serves [20 0] (gini 20·2/(2·4·10) = 0.5, top1 100%) and [18 2] (gini
// 32/80 = 0.4, top1 90%): median gini 0.45, top1 95%, concentrated (0.45
// is 0.9 of the ceiling 0.5). Chance alone at 20 requests over 2 workers:
// (n−1)·2ν·C(20, ν)/2²⁰/(2·20) with ν = 11: 22·167960/1048576/40 =
// 0.088. Everyone is alive the whole run, so per alive-second is the
// span's gini: a [20 20] 0, b [38 2] 72/160 = 0.45. Over both hosts the
// four windows' ginis are 0, 0, 0.5, 0.4: median 0.2 (0.4 of the ceiling:
// uneven), top1 median of 0.5, 0.5, 1.0, 0.9 = 70%.
var hostsCase = reportCase{
	name: "hosts",
	recs: slices.Concat(
		hostRecs("a", "1", 10, "17:00:00"), hostRecs("a", "2", 10, "17:00:00"), hostRecs("b", "1", 20, "17:00:00"),
		hostRecs("a", "1", 10, "17:00:09"), hostRecs("a", "2", 10, "17:00:09"), hostRecs("b", "1", 18, "17:00:09"),
		hostRecs("b", "2", 2, "17:00:09"),
	),
	inputs: []aggregate.Input{
		{Path: "hosts/a/access.log", Kind: "access", Format: "gunicorn", Lines: 40, Parsed: 40},
		{Path: "hosts/b/access.log", Kind: "access", Format: "gunicorn", Lines: 40, Parsed: 40},
	},
	agg: aggregate.Options{Family: "gunicorn", Hosts: true},
	opt: Options{Top: 20},
}

var formatExt = map[string]string{"table": "txt", "json": "json", "csv": "csv", "markdown": "md", "html": "html"}

func TestGolden(t *testing.T) {
	for _, c := range reportCases {
		for _, format := range Formats {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				var buf bytes.Buffer
				if err := Write(&buf, format, c.report(), c.opt); err != nil {
					t.Fatal(err)
				}
				got := buf.Bytes()
				if i := bytes.IndexFunc(got, isControl); i >= 0 {
					t.Errorf("control character %q at byte %d", got[i], i)
				}
				testutil.Golden(t, "report_"+c.name+"."+formatExt[format], got)
			})
		}
	}
}

func isControl(r rune) bool {
	return r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0))
}

// TestCSVAllWorkers checks that --top does not fold a data format and that
// the CSV reads back with one row per worker and the same values as JSON.
func TestCSVAllWorkers(t *testing.T) {
	for _, c := range reportCases {
		t.Run(c.name, func(t *testing.T) {
			rep := c.report()
			var buf bytes.Buffer
			if err := CSV(&buf, rep, Options{Top: 1}); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(recs), len(rep.Workers)+1; got != want {
				t.Fatalf("got %d rows, want %d (header and every worker)", got, want)
			}
			// The header names are the JSON worker field names; status_X
			// the classes of the status object.
			var fields map[string]any
			b, _ := json.Marshal(aggregate.Worker{})
			if err := json.Unmarshal(b, &fields); err != nil {
				t.Fatal(err)
			}
			classes := map[string]bool{"2xx": true, "3xx": true, "4xx": true, "5xx": true, "other": true}
			for i, name := range recs[0] {
				if status, ok := strings.CutPrefix(name, "status_"); ok {
					if !classes[status] {
						t.Errorf("column %d %q: no status class %q in JSON", i, name, status)
					}
					continue
				}
				if _, ok := fields[name]; !ok {
					t.Errorf("column %d %q: no such JSON worker field", i, name)
				}
			}
			for i, w := range rep.Workers {
				if got, want := recs[i+1][0], Clean(w.Key); got != want {
					t.Errorf("row %d: got key %q, want %q", i+1, got, want)
				}
			}
		})
	}
}

// TestMarkdownTableShape checks that every row of a markdown table has as
// many cells as its header, whatever the strings from the logs hold.
func TestMarkdownTableShape(t *testing.T) {
	for _, c := range reportCases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Markdown(&buf, c.report(), c.opt); err != nil {
				t.Fatal(err)
			}
			cells := -1
			for i, line := range strings.Split(buf.String(), "\n") {
				if !strings.HasPrefix(line, "|") {
					cells = -1
					continue
				}
				n := mdCells(line)
				if cells < 0 {
					cells = n
				} else if n != cells {
					t.Errorf("line %d: got %d cells, want %d: %s", i+1, n, cells, line)
				}
			}
		})
	}
}

// mdCells counts the cells of a markdown table row: the unescaped pipes
// between the outer ones.
func mdCells(line string) int {
	n := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}

func TestMdText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{name: "plain", in: "access.log", want: "access.log"},
		{name: "pipe", in: "a|b", want: `a\|b`},
		{name: "backslash before pipe", in: `a\|b`, want: `a\\\|b`},
		{name: "escape sequence", in: "\x1b[31mred\x1b[0m", want: `?\[31mred?\[0m`},
		{name: "newline", in: "a\nb", want: "a?b"},
		{name: "markup", in: "*x* _y_ `z` <b>", want: "\\*x\\* \\_y\\_ \\`z\\` \\<b\\>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mdText(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVFloat(t *testing.T) {
	tests := []struct {
		name string
		in   *float64
		want string
	}{
		{name: "null", in: nil, want: ""},
		{name: "zero", in: ptr(0.0), want: "0"},
		{name: "microseconds", in: ptr(3.000001), want: "3.000001"},
		{name: "third", in: ptr(1.0 / 3), want: "0.3333333333333333"},
		{name: "large", in: ptr(1e21), want: "1000000000000000000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := csvFloat(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// stamp reads an RFC 3339 time as a report's JSON holds it.
func stamp(text string) aggregate.Stamp {
	var s aggregate.Stamp
	if err := json.Unmarshal([]byte(`"`+text+`"`), &s); err != nil {
		panic(err)
	}
	return s
}

// stampOf is the whole-second stamp of t.
func stampOf(t time.Time) aggregate.Stamp { return aggregate.StampMicros(t.UnixMicro(), false) }

// normalCase is a small gunicorn run with durations and every status class.
func normalCase() reportCase {
	return reportCase{
		// 101: 4 requests, 0.25+0.5+1.5+0.75 = 3.0 s; alive from 17:00:00−0.25 s
		// to 17:00:09, + 1 s for whole-second stamps = 10.25 s; mean conc
		// 3/10.25 = 0.293; 2xx 2, 3xx 1, 5xx 1.
		// 102: 2 requests, 0.2 s, alive 17:00:01.9 to 17:00:05 + 1 s = 4.1 s,
		// mean conc 0.049. 103: 2 requests, 2.5 s, alive 17:00:05 to
		// 17:00:08 + 1 s = 4 s, mean conc 0.625; one status-less line (other).
		// Shares 4/8, 2/8, 2/8. Requests [4 2 2]: gini 8/48 = 0.167, top1 50%,
		// max/mean 4/(8/3) = 1.50, cv √(8/9)/(8/3) = 0.354, jain 64/72 =
		// 0.889, effective 64/24 = 2.7. Seconds [3 0.2 2.5]: gini
		// 11.2/34.2 = 0.327, top1 3/5.7 = 52.6%, max/mean 3/1.9 = 1.58, cv
		// √(4.46/3)/1.9 = 0.642, jain 32.49/45.87 = 0.708, effective 2.1.
		// Lines: 8 parsed + 1 rejected = 9.
		name: "normal",
		recs: []parse.Record{
			rec("17:00:00", "101", 250_000, 200, "/"),
			rec("17:00:01", "101", 500_000, 200, "/api"),
			rec("17:00:02", "102", 100_000, 200, "/"),
			rec("17:00:03", "101", 1_500_000, 500, "/api"),
			rec("17:00:05", "102", 100_000, 404, "/missing"),
			rec("17:00:07", "103", 2_000_000, 200, "/report"),
			rec("17:00:08", "103", 500_000, 0, "/report"),
			rec("17:00:09", "101", 750_000, 302, "/login"),
		},
		rejected: 1,
		inputs: []aggregate.Input{{
			Path: "access.log", Kind: "access", Format: "gunicorn",
			Note:  "bare integer after the PID read as %(D)s microseconds",
			Lines: 9, Parsed: 8, Rejected: 1,
		}},
		agg: aggregate.Options{Family: "gunicorn"},
		opt: Options{Top: 20},
	}
}
