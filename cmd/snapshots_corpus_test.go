package cmd_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// snapDoc is the part of a skewer.report/v1 document the snapshot tests
// read; CPUSkew stays raw to tell null from absent.
type snapDoc struct {
	Workers []struct {
		Key             string   `json:"key"`
		RequestSeconds  *float64 `json:"request_seconds"`
		MeanConcurrency *float64 `json:"mean_concurrency"`
		PeakWindowBusy  *float64 `json:"peak_window_busy"`
		AliveFrom       *string  `json:"alive_from"`
		AliveTo         *string  `json:"alive_to"`
		CPUSeconds      *float64 `json:"cpu_seconds"`
		CPURate         *float64 `json:"cpu_rate"`
		CPURateLow      *float64 `json:"cpu_rate_low"`
		CPURateHigh     *float64 `json:"cpu_rate_high"`
		CPURateFrom     *string  `json:"cpu_rate_from"`
		CPUResolution   *float64 `json:"cpu_resolution_seconds"`
	} `json:"workers"`
	WindowSkew *struct {
		WindowSeconds float64 `json:"window_seconds"`
	} `json:"window_skew"`
	CPUSkew            json.RawMessage `json:"cpu_skew"`
	RequestSecondsSkew json.RawMessage `json:"request_seconds_skew"`
	Warnings           []string        `json:"warnings"`
}

// runSnap runs skewer with args and -o json and decodes its report.
func runSnap(t *testing.T, args ...string) snapDoc {
	t.Helper()
	var doc snapDoc
	runJSON(t, cmd.ExitOK, &doc, append(args, "-o", "json")...)
	return doc
}

// seedRow is a worker row of the seed snapshot, read here by splitting its
// fields: UID PID PPID C SZ RSS PSR STIME TTY TIME CMD.
type seedRow struct {
	pid   string
	c     float64
	stime string
	cpu   float64 // TIME in seconds
}

func readSeed(t *testing.T, path string) []seedRow {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows []seedRow
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(line)
		if i == 0 {
			continue
		}
		c, _ := strconv.ParseFloat(f[3], 64)
		hms := strings.Split(f[9], ":")
		h, _ := strconv.Atoi(hms[0])
		m, _ := strconv.Atoi(hms[1])
		s, _ := strconv.Atoi(hms[2])
		rows = append(rows, seedRow{pid: f[1], c: c, stime: f[7], cpu: float64(h*3600 + m*60 + s)})
	}
	return rows
}

// TestCorpusSeedRates checks the seed snapshot's CPU rates: with --ps-time
// from STIME (a day, or a minute for 17:44) and TIME, narrowed by C; without
// it, C alone. In both, the three youngest workers rank highest.
func TestCorpusSeedRates(t *testing.T) {
	path := filepath.Join(testutil.Corpus(t), "seed-question", "ps-aefF-sort-rss.txt")
	rows := readSeed(t, path)
	if len(rows) != 17 {
		t.Fatalf("got %d seed rows, want 17", len(rows))
	}
	at := time.Date(2026, time.October, 12, 21, 0, 0, 0, time.UTC)
	doc := runSnap(t, "report", "--ps", path, "--ps-time", at.Format(time.RFC3339))
	got := map[string]int{}
	for i, w := range doc.Workers {
		got[w.Key] = i
	}
	for _, r := range rows {
		// The start's bounds by hand: "Oct06" is [Oct 6 00:00, Oct 7
		// 00:00), "17:44" is [17:44, 17:45) on the snapshot's day.
		var from, to time.Time
		if strings.Contains(r.stime, ":") {
			hm := strings.Split(r.stime, ":")
			h, _ := strconv.Atoi(hm[0])
			m, _ := strconv.Atoi(hm[1])
			from = time.Date(2026, time.October, 12, h, m, 0, 0, time.UTC)
			to = from.Add(time.Minute)
		} else {
			d, _ := strconv.Atoi(r.stime[3:])
			from = time.Date(2026, time.October, d, 0, 0, 0, 0, time.UTC)
			to = from.AddDate(0, 0, 1)
		}
		// TIME is truncated to the second, C to the percent.
		lo := math.Max(r.cpu/at.Sub(from).Seconds(), r.c/100)
		hi := math.Min((r.cpu+1)/at.Sub(to).Seconds(), (r.c+1)/100)
		w := doc.Workers[got[r.pid]]
		if w.CPURateLow == nil || w.CPURateHigh == nil || w.CPURate == nil {
			t.Fatalf("%s: got no rate bounds", r.pid)
		}
		if math.Abs(*w.CPURateLow-lo) > 1e-12 || math.Abs(*w.CPURateHigh-hi) > 1e-12 || *w.CPURate < lo || *w.CPURate > hi {
			t.Errorf("%s: got rate %v in [%v, %v], want within [%v, %v]", r.pid, *w.CPURate, *w.CPURateLow, *w.CPURateHigh, lo, hi)
		}
		if w.CPURateFrom == nil || *w.CPURateFrom != "start" {
			t.Errorf("%s: got cpu_rate_from %v, want start", r.pid, w.CPURateFrom)
		}
	}
	wantTop := []string{"15708", "23004", "27887"}
	if top := topByRate(doc); !equalStrings(top, wantTop) {
		t.Errorf("--ps-time: got top rates %v, want %v", top, wantTop)
	}

	// Without --ps-time: ps's C, whole percent, as the issue lists it.
	doc = runSnap(t, "report", "--ps", path)
	wantC := map[string]float64{"15708": 0.06, "23004": 0.01, "27887": 0.01}
	for _, w := range doc.Workers {
		want := wantC[w.Key]
		if w.CPURate == nil || *w.CPURate != want || w.CPURateHigh == nil || math.Abs(*w.CPURateHigh-(want+0.01)) > 1e-12 {
			t.Errorf("%s: got rate %v up to %v, want %v up to %v", w.Key, w.CPURate, w.CPURateHigh, want, want+0.01)
		}
	}
	if top := topByRate(doc); !equalStrings(top, wantTop) {
		t.Errorf("C: got top rates %v, want %v", top, wantTop)
	}
	_, out, _ := runSkewer(t, "report", "--ps", path)
	for _, want := range []string{
		"by CPU rate (CPU seconds ÷ seconds alive) 15708 leads at 6–7% of a core,",
		"compare workers of different ages",
		"--ps-time (when it was taken) gives ages from STIME",
	} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("report without --ps-time: got\n%s\nwant it to contain %q", out, want)
		}
	}
}

// TestCorpusSeedWrongTime gives the seed snapshot a time months too late:
// 15708's C of 6% cannot hold with 31579 s of CPU since Oct 6 (about 0.4% by
// Dec 30), and a note says so.
func TestCorpusSeedWrongTime(t *testing.T) {
	path := filepath.Join(testutil.Corpus(t), "seed-question", "ps-aefF-sort-rss.txt")
	doc := runSnap(t, "report", "--ps", path, "--ps-time", "2026-12-30T21:00:00Z")
	if !hasWarning(doc.Warnings, "worker 15708: ps's lifetime CPU percentage is outside the rate") {
		t.Errorf("got warnings %q, want the cross-check note on 15708", doc.Warnings)
	}
}

// topByRate is the three workers of the highest cpu_rate, the higher low
// bound first among equal rates.
func topByRate(doc snapDoc) []string {
	ws := doc.Workers
	sort.SliceStable(ws, func(i, j int) bool {
		if *ws[i].CPURate != *ws[j].CPURate {
			return *ws[i].CPURate > *ws[j].CPURate
		}
		return *ws[i].CPURateLow > *ws[j].CPURateLow
	})
	var keys []string
	for _, w := range ws[:3] {
		keys = append(keys, w.Key)
	}
	sort.Strings(keys)
	return keys
}

func equalStrings(a, b []string) bool {
	sort.Strings(b)
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// TestCorpusCPUBelowResolution reads snapshots whose workers used a few
// seconds of CPU: cpu_seconds match truth.json, cpu_skew is null with a
// note, the table shows <1 for workers under a second, and check fails on a
// cpu_ metric with the reason.
func TestCorpusCPUBelowResolution(t *testing.T) {
	for _, tc := range []struct{ dir, log, ps, block, field string }{
		{"gunicorn-sync-17", "access.log", "ps-aefF.log", "ps", "cpu_s_in_window"},
		{"gunicorn-sync-17", "access.log", "ps-eo.log", "ps", "cpu_s_in_window_ps_eo_times"},
		{"nginx-proxy", "gunicorn-access.log", "ps-aefF.log", "ps_gunicorn", "cpu_s_in_window"},
	} {
		t.Run(tc.dir+"/"+tc.ps, func(t *testing.T) {
			dir := filepath.Join(testutil.Corpus(t), tc.dir)
			args := []string{"report", filepath.Join(dir, tc.log), "--ps", filepath.Join(dir, tc.ps)}
			doc := runSnap(t, args...)
			if string(doc.CPUSkew) != "null" {
				t.Errorf("got cpu_skew %s, want null", doc.CPUSkew)
			}
			if !hasWarning(doc.Warnings, "cpu_skew is null: CPU below ps resolution") {
				t.Errorf("got warnings %q, want the resolution note", doc.Warnings)
			}
			var block struct {
				Workers map[string]map[string]any `json:"workers"`
			}
			if err := readTruthKey(t, filepath.Join(dir, "truth.json"), tc.block, &block); err != nil {
				t.Fatal(err)
			}
			zero := 0
			for _, w := range doc.Workers {
				tw, ok := block.Workers[w.Key]
				if !ok {
					continue
				}
				want, _ := tw[tc.field].(float64)
				if w.CPUSeconds == nil || *w.CPUSeconds != want || w.CPUResolution == nil || *w.CPUResolution != 1 {
					t.Errorf("%s: got cpu_seconds %v at resolution %v, want %v at 1", w.Key, w.CPUSeconds, w.CPUResolution, want)
				}
				if want == 0 {
					zero++
				}
			}
			_, out, _ := runSkewer(t, args...)
			if !strings.Contains(out, "cpu seconds:      null (below the resolution of the snapshots)") {
				t.Errorf("got table\n%s\nwant the null cpu seconds line", out)
			}
			if zero > 0 && !strings.Contains(out, "   <1 ") {
				t.Errorf("got table\n%s\nwant <1 for the %d workers under a second", out, zero)
			}
			check := append([]string{"check"}, args[1:]...)
			code, out, _ := runSkewer(t, append(check, "--threshold", "cpu_gini!=0.5")...)
			if code != cmd.ExitCheckFailed || !strings.Contains(out, "cpu_gini is null: CPU below ps resolution") {
				t.Errorf("check: got exit %d and\n%s\nwant %d and the reason", code, out, cmd.ExitCheckFailed)
			}
		})
	}
}

func hasWarning(ws []string, prefix string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, prefix) {
			return true
		}
	}
	return false
}

// TestCorpusConcurrencyOverAlive works out each worker's mean concurrency
// over its alive interval and its busiest window from the log itself (end
// stamps to the second, durations from the last field).
func TestCorpusConcurrencyOverAlive(t *testing.T) {
	for _, tc := range []struct {
		dir, log string
		unit     float64 // the duration field in seconds: %(D)s µs, %(L)s s
	}{
		{"gunicorn-sync-17", "access.log", 1e-6},
		{"nginx-proxy", "gunicorn-access.log", 1},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			path := filepath.Join(testutil.Corpus(t), tc.dir, tc.log)
			doc := runSnap(t, "report", path)
			if doc.WindowSkew == nil || doc.WindowSkew.WindowSeconds <= 0 {
				t.Fatal("got no window width")
			}
			width := int64(doc.WindowSkew.WindowSeconds)
			sum, perWindow := logDurations(t, path, tc.unit, width)
			for _, w := range doc.Workers {
				from, err1 := time.Parse(time.RFC3339, *w.AliveFrom)
				to, err2 := time.Parse(time.RFC3339, *w.AliveTo)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				// Whole-second stamps: the last second counts whole.
				alive := to.Sub(from).Seconds() + 1
				want := sum[w.Key] / alive
				if w.MeanConcurrency == nil || math.Abs(*w.MeanConcurrency-want) > 1e-9 {
					t.Errorf("%s: got mean_concurrency %v, want %v", w.Key, w.MeanConcurrency, want)
				}
				var peak float64
				for _, s := range perWindow[w.Key] {
					peak = math.Max(peak, s/float64(width))
				}
				if w.PeakWindowBusy == nil || math.Abs(*w.PeakWindowBusy-peak) > 1e-9 {
					t.Errorf("%s: got peak_window_busy %v, want %v", w.Key, w.PeakWindowBusy, peak)
				}
			}
		})
	}
}

// logDurations sums each PID's durations, in all and per window of width
// seconds by end stamp; a line whose last field is not a number adds
// nothing.
func logDurations(t *testing.T, path string, unit float64, width int64) (map[string]float64, map[string]map[int64]float64) {
	t.Helper()
	sum, per := map[string]float64{}, map[string]map[int64]float64{}
	for _, l := range testutil.ReadAccessLog(t, path) {
		if !l.DurOK {
			continue
		}
		secs := l.Dur * unit
		sum[l.PID] += secs
		if per[l.PID] == nil {
			per[l.PID] = map[int64]float64{}
		}
		per[l.PID][testutil.WindowStart(l.End, width)] += secs
	}
	return sum, per
}

// TestZeroDurations gives a log whose every duration is 0 (static files):
// request_seconds_skew is null with a note.
func TestZeroDurations(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := range 6 {
		b.WriteString("127.0.0.1 - - [25/Nov/2026:17:28:5" + strconv.Itoa(i) + ` +0000] "GET /s.css HTTP/1.1" 200 3 "-" "curl" pid=<` + strconv.Itoa(100+i%2) + "> 0\n")
	}
	path := filepath.Join(dir, "access.log")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := runSnap(t, "report", path)
	if string(doc.RequestSecondsSkew) != "null" || !hasWarning(doc.Warnings, "request_seconds_skew is null: every request took 0 s") {
		t.Errorf("got request_seconds_skew %s and warnings %q, want null and the note", doc.RequestSecondsSkew, doc.Warnings)
	}
}

// TestTimelineCPUBelowResolution refuses a CPU chart of CPU below the
// snapshots' resolution and says why.
func TestTimelineCPUBelowResolution(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "gunicorn-sync-17")
	code, _, errOut := runSkewer(t, "timeline", "--metric", "cpu", filepath.Join(dir, "access.log"), "--ps", filepath.Join(dir, "ps-aefF.log"))
	want := "skewer: --metric cpu: CPU below ps resolution (the busiest worker used 2 s, under 10× the 1 s resolution); record with `skewer sample`\n"
	if code != cmd.ExitError || errOut != want {
		t.Errorf("got exit %d and %q, want %d and %q", code, errOut, cmd.ExitError, want)
	}
}
