package render

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// tlWin is a hand-filled window starting at start (RFC 3339) and lasting
// width; its skew is that of the request counts, as Finish computes it.
func tlWin(start string, width time.Duration, reqs map[string]int64, secs, cpu map[string]float64) aggregate.Window {
	t, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	if reqs == nil {
		reqs = map[string]int64{}
	}
	if secs == nil {
		secs = map[string]float64{}
	}
	if cpu == nil {
		cpu = map[string]float64{}
	}
	var xs []float64
	for _, n := range reqs {
		xs = append(xs, float64(n))
	}
	return aggregate.Window{
		Start:          stampOf(t),
		End:            stampOf(t.Add(width)),
		Requests:       reqs,
		RequestSeconds: secs,
		CPUSeconds:     cpu,
		Skew:           aggregate.ComputeSkew(xs),
	}
}

// tlReport is a report with the given windows, workers in the given order
// (busiest first, as Finish sorts them) and the windows' dominance.
func tlReport(width time.Duration, keys []string, ws ...aggregate.Window) *aggregate.Report {
	secs := width.Seconds()
	rep := &aggregate.Report{Schema: aggregate.Schema, WindowSeconds: &secs, Windows: ws, Warnings: []string{}}
	for _, k := range keys {
		rep.Workers = append(rep.Workers, aggregate.Worker{Key: k})
	}
	if len(ws) > 0 {
		rep.Span = aggregate.Span{Start: ws[0].Start, End: ws[len(ws)-1].End}
	}
	d := aggregate.ComputeDominance(ws, nil, nil)
	rep.Dominance = &d
	return rep
}

// tlReportExits is tlReport with the dominance of the workers' exits.
func tlReportExits(width time.Duration, keys []string, exits map[string]aggregate.Exit, ws ...aggregate.Window) *aggregate.Report {
	rep := tlReport(width, keys, ws...)
	d := aggregate.ComputeDominance(ws, nil, exits)
	rep.Dominance = &d
	return rep
}

// tlMinutes is one-minute windows from start, window i with counts[i].
func tlMinutes(start string, counts ...reqs) []aggregate.Window {
	t, err := time.Parse(time.RFC3339, start)
	if err != nil {
		panic(err)
	}
	ws := make([]aggregate.Window, len(counts))
	for i, c := range counts {
		ws[i] = tlWin(t.Add(time.Duration(i)*time.Minute).Format(time.RFC3339), time.Minute, c, nil, nil)
	}
	return ws
}

type reqs = map[string]int64
type secs = map[string]float64

// timelineCases are the reports of the golden files windows_<name>.*.
var timelineCases = []struct {
	name string
	rep  *aggregate.Report
	top  int
}{
	{
		// Hourly windows: 26564 on top at 00:00 and 01:00 (6/4 = 1.5 times
		// the next, 60%; 41/30 = 1.37, 41%), 15708 at 02:00 (63/30 = 2.1,
		// 63%), 03:00 has nobody alive, at 04:00 15708 and 41 tie at 2
		// (nobody on top) and at 05:00 41 leads 6/1 (86%): no lead held
		// three windows, so no change. Totals: 15708 110, 26564 77, 3 36,
		// 41 8; top 2 folds 3 and 41 into others.
		name: "normal",
		top:  2,
		rep: tlReport(time.Hour, []string{"15708", "26564", "3", "41"},
			tlWin("2026-10-07T00:00:00Z", time.Hour,
				reqs{"26564": 6, "15708": 4, "3": 0},
				secs{"26564": 1.5, "15708": 0.25, "3": 0},
				secs{"26564": 2, "15708": 1.125}),
			tlWin("2026-10-07T01:00:00Z", time.Hour,
				reqs{"26564": 41, "15708": 30, "3": 29},
				secs{"26564": 10.25, "15708": 7.5, "3": 7.25},
				secs{"26564": 4, "15708": 3.5, "3": 1}),
			tlWin("2026-10-07T02:00:00Z", time.Hour,
				reqs{"26564": 30, "15708": 63, "3": 7},
				secs{"26564": 7.5, "15708": 15.75, "3": 1.75},
				secs{"26564": 2.5, "15708": 6}),
			tlWin("2026-10-07T03:00:00Z", time.Hour, nil, nil, nil),
			tlWin("2026-10-07T04:00:00Z", time.Hour,
				reqs{"15708": 2, "41": 2},
				secs{"15708": 0.5, "41": 0.5},
				nil),
			tlWin("2026-10-07T05:00:00Z", time.Hour,
				reqs{"15708": 1, "41": 6},
				secs{"15708": 0.25, "41": 1.5},
				nil),
		),
	},
	{
		// Keys from several hosts with characters that matter to a
		// terminal (escape), to markdown (| * _) and to CSV (, "); 30 s
		// windows, so times carry seconds; no request times, no CPU.
		// web|1/12 leads the first three windows (5/1, 5/1, alone), the
		// ESC key the next three (6 of 8, 6 of 7, alone): a takeover at
		// 17:15:30 from web|1/12's 100% at 17:15:00 to 75%.
		name: "escape",
		top:  0,
		rep: tlReport(30*time.Second, []string{"web|1/12", "a\x1b[31m*_/9", "db,\"2\"/7"},
			tlWin("2026-11-25T17:14:00Z", 30*time.Second,
				reqs{"web|1/12": 5, "db,\"2\"/7": 1}, nil, nil),
			tlWin("2026-11-25T17:14:30Z", 30*time.Second,
				reqs{"web|1/12": 5, "db,\"2\"/7": 1, "a\x1b[31m*_/9": 0}, nil, nil),
			tlWin("2026-11-25T17:15:00Z", 30*time.Second,
				reqs{"web|1/12": 4, "db,\"2\"/7": 0, "a\x1b[31m*_/9": 0}, nil, nil),
			tlWin("2026-11-25T17:15:30Z", 30*time.Second,
				reqs{"web|1/12": 1, "db,\"2\"/7": 1, "a\x1b[31m*_/9": 6}, nil, nil),
			tlWin("2026-11-25T17:16:00Z", 30*time.Second,
				reqs{"web|1/12": 1, "a\x1b[31m*_/9": 6}, nil, nil),
			tlWin("2026-11-25T17:16:30Z", 30*time.Second,
				reqs{"a\x1b[31m*_/9": 3}, nil, nil),
		),
	},
	{
		// Every kind of change, in 1-minute windows of one day (the
		// tables drop the date): 11 alone 17:00-17:02; 12 leads 8/2
		// 17:03-17:05 (takeover from 11's 100% to 80%); 12 and 13 at
		// 10/9, 9/10, 10/10 17:06-17:08, 100% together, neither 1.25
		// times the other (pair: 13 joins 12, from 12's 80%, 47.4% +
		// 52.6%); nothing 17:09-17:10; 14 alone 17:11-17:13 (after 2m
		// idle, from 12, first of the pair's tie at 17:08 by key, 50%);
		// 14 exits at 17:14:20 for max_requests and 15 is alone
		// 17:14-17:16 (exit, from 14's 100%).
		name: "kinds",
		top:  5,
		rep: tlReportExits(time.Minute, []string{"12", "11", "13", "14", "15"},
			map[string]aggregate.Exit{"14": {At: stamp("2026-11-25T17:14:20Z"), Reason: "max_requests"}},
			tlMinutes("2026-11-25T17:00:00Z",
				reqs{"11": 4}, reqs{"11": 4}, reqs{"11": 4},
				reqs{"12": 8, "11": 2}, reqs{"12": 8, "11": 2}, reqs{"12": 8, "11": 2},
				reqs{"12": 10, "13": 9}, reqs{"12": 9, "13": 10}, reqs{"12": 10, "13": 10},
				reqs{"11": 0}, reqs{"11": 0},
				reqs{"14": 3}, reqs{"14": 3}, reqs{"14": 3},
				reqs{"15": 3}, reqs{"15": 3}, reqs{"15": 3},
			)...),
	},
	{
		// One worker on top throughout, with an idle worker and an empty
		// window: no change.
		name: "steady",
		top:  5,
		rep: tlReport(24*time.Hour, []string{"101", "102"},
			tlWin("2026-10-01T00:00:00Z", 24*time.Hour, reqs{"101": 90, "102": 10}, nil, nil),
			tlWin("2026-10-02T00:00:00Z", 24*time.Hour, reqs{"101": 0, "102": 0}, nil, nil),
			tlWin("2026-10-03T00:00:00Z", 24*time.Hour, reqs{"101": 70, "102": 30}, nil, nil),
		),
	},
	{
		// Windows asked for, but no line had a time.
		name: "none",
		rep:  tlReport(time.Minute, nil),
	},
}

func TestTimelineGolden(t *testing.T) {
	for _, c := range timelineCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WindowsCSV(&b, c.rep); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, "windows_"+c.name+".csv", b.Bytes())
			b.Reset()
			if err := TimelineMarkdown(&b, c.rep, c.top); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, "windows_"+c.name+".md", b.Bytes())
			b.Reset()
			if err := DominanceTable(&b, c.rep, false); err != nil {
				t.Fatal(err)
			}
			testutil.Golden(t, "windows_"+c.name+".txt", b.Bytes())
			if strings.ContainsFunc(b.String(), func(r rune) bool { return r != '\n' && isControl(r) }) {
				t.Errorf("got a control character in plain output:\n%q", b.String())
			}
		})
	}
}

// TestWindowsCSVReadsBack parses the CSV with encoding/csv and checks one row
// per window and worker (one with an empty key for a window with none),
// times and numbers a spreadsheet reads, and the counts of the report.
func TestWindowsCSVReadsBack(t *testing.T) {
	for _, c := range timelineCases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WindowsCSV(&b, c.rep); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatalf("got %v, want a CSV that parses", err)
			}
			if got, want := strings.Join(recs[0], ","), strings.Join(windowsCSVHeader, ","); got != want {
				t.Errorf("got header %s, want %s", got, want)
			}
			type cell struct{ start, key string }
			want := map[cell]int64{}
			for _, w := range c.rep.Windows {
				if len(w.Requests) == 0 {
					want[cell{w.Start.String(), ""}] = -1
				}
				for k, n := range w.Requests {
					want[cell{w.Start.String(), Clean(k)}] = n
				}
			}
			body := recs[1:]
			if len(body) != len(want) {
				t.Errorf("got %d rows, want %d (one per window and worker)", len(body), len(want))
			}
			prev := ""
			for i, r := range body {
				if _, err := time.Parse(time.RFC3339, r[0]); err != nil {
					t.Errorf("row %d: got window_start %q, want RFC 3339", i+1, r[0])
				}
				if _, err := time.Parse(time.RFC3339, r[1]); err != nil {
					t.Errorf("row %d: got window_end %q, want RFC 3339", i+1, r[1])
				}
				if r[0] < prev {
					t.Errorf("row %d: got window %s after %s, want time order", i+1, r[0], prev)
				}
				prev = r[0]
				for j := 3; j < len(r); j++ {
					if r[j] == "" {
						continue
					}
					if _, err := strconv.ParseFloat(r[j], 64); err != nil {
						t.Errorf("row %d: got %s %q, want a plain number", i+1, recs[0][j], r[j])
					}
				}
				n, ok := want[cell{r[0], r[2]}]
				if !ok {
					t.Errorf("row %d: got window %s worker %q, want no such row", i+1, r[0], r[2])
					continue
				}
				delete(want, cell{r[0], r[2]})
				if got := r[3]; n >= 0 && got != strconv.FormatInt(n, 10) || n < 0 && got != "" {
					t.Errorf("row %d: got requests %q, want %d (-1: empty)", i+1, got, n)
				}
			}
			for c := range want {
				t.Errorf("got no row for window %s worker %q", c.start, c.key)
			}
		})
	}
}

// TestWindowsCSVOrder checks workers come by key, numerically, within a
// window, and a worker only in the CPU map still gets a row with empty
// request cells. By hand: requests 3, 1, 0 (total 4): 100's share 3/4,
// gini Σ(2i−n−1)x₍ᵢ₎/(nΣx) = (−2·0 + 0·1 + 2·3)/(3·4) = 0.5, top-1 3/4.
func TestWindowsCSVOrder(t *testing.T) {
	rep := tlReport(time.Minute, nil,
		tlWin("2026-10-07T00:00:00Z", time.Minute, reqs{"100": 3, "9": 1, "20": 0}, nil, secs{"100": 0.5, "7": 0.25}))
	var b bytes.Buffer
	if err := WindowsCSV(&b, rep); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range recs[1:] {
		keys = append(keys, r[2])
	}
	if got, want := strings.Join(keys, " "), "7 9 20 100"; got != want {
		t.Errorf("got keys %s, want %s", got, want)
	}
	if got, want := strings.Join(recs[1], ","), "2026-10-07T00:00:00Z,2026-10-07T00:01:00Z,7,,,0.25,,0.5,0.75"; got != want {
		t.Errorf("got row %s, want %s", got, want)
	}
	if got, want := strings.Join(recs[4], ","), "2026-10-07T00:00:00Z,2026-10-07T00:01:00Z,100,3,,0.5,0.75,0.5,0.75"; got != want {
		t.Errorf("got row %s, want %s", got, want)
	}
}

func TestDominanceTableColor(t *testing.T) {
	rep := timelineCases[1].rep // escape: keys with ESC
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := DominanceTable(&b, rep, color); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		bold := strings.Count(out, "\x1b[1m")
		rest := strings.NewReplacer("\x1b[1m", "", "\x1b[0m", "").Replace(out)
		if strings.Contains(rest, "\x1b") {
			t.Errorf("color %v: got an escape from a key:\n%q", color, out)
		}
		if want := map[bool]int{false: 0, true: 2}[color]; bold != want {
			t.Errorf("color %v: got %d bold titles, want %d", color, bold, want)
		}
	}
}

func TestDominanceTableNone(t *testing.T) {
	tests := []struct {
		name string
		d    *aggregate.Dominance
		want string
	}{
		{"no windows", nil, ""},
		{"nobody on top", &aggregate.Dominance{}, "no change of the busiest worker: no window had a worker clearly on top (1.25 times the next)\n"},
		{
			"one worker on top",
			&aggregate.Dominance{Longest: []aggregate.Stretch{{Key: "7\x1b", Start: stamp("2026-10-07T00:00:00Z"), End: stamp("2026-10-07T01:00:00Z"), Windows: 1}}},
			"no change of the busiest worker: only 7? was ever on top (longest run 1 window)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := &aggregate.Report{Dominance: tt.d}
			var b bytes.Buffer
			if err := DominanceTable(&b, rep, true); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// tlFailWriter fails every write.
type tlFailWriter struct{}

var errTLWrite = errors.New("disk full")

func (tlFailWriter) Write([]byte) (int, error) { return 0, errTLWrite }

func TestTimelineWriteError(t *testing.T) {
	rep := timelineCases[0].rep
	for name, f := range map[string]func() error{
		"csv":       func() error { return WindowsCSV(tlFailWriter{}, rep) },
		"markdown":  func() error { return TimelineMarkdown(tlFailWriter{}, rep, 2) },
		"dominance": func() error { return DominanceTable(tlFailWriter{}, rep, false) },
		"text": func() error {
			return Timeline(tlFailWriter{}, rep, ChartOptions{Top: 2, Metric: "requests", Width: 80})
		},
	} {
		if err := f(); !errors.Is(err, errTLWrite) {
			t.Errorf("%s: got %v, want %v", name, err, errTLWrite)
		}
	}
}

// TestTimelineText: the text view is the summary, the charts, the dominance
// table and the notes, in that order, each as its own function writes it.
func TestTimelineText(t *testing.T) {
	for _, c := range timelineCases {
		t.Run(c.name, func(t *testing.T) {
			opt := ChartOptions{Top: c.top, Metric: "requests", Width: 80}
			var want bytes.Buffer
			want.WriteString(Summary(c.rep) + "\n\n")
			if err := Charts(&want, c.rep, opt); err != nil {
				t.Fatal(err)
			}
			want.WriteString("\n")
			if err := DominanceTable(&want, c.rep, false); err != nil {
				t.Fatal(err)
			}
			if notes := Footnotes(c.rep); len(notes) > 0 {
				want.WriteString("\nnote: " + strings.Join(notes, "\nnote: ") + "\n")
			}
			var got bytes.Buffer
			if err := Timeline(&got, c.rep, opt); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}
