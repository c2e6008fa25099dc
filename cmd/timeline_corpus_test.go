package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// tlDoc is the part of a skewer.report/v1 document with windows that the
// timeline corpus tests compare.
type tlDoc struct {
	Lines struct {
		Parsed int64 `json:"parsed"`
	} `json:"lines"`
	WindowSeconds *float64 `json:"window_seconds"`
	Workers       []struct {
		Key      string `json:"key"`
		Requests int64  `json:"requests"`
	} `json:"workers"`
	Windows []struct {
		Start    string           `json:"start"`
		End      string           `json:"end"`
		Requests map[string]int64 `json:"requests"`
	} `json:"windows"`
	Dominance *struct {
		Changes []struct {
			At   string `json:"at"`
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"changes"`
		Longest []struct {
			Key     string `json:"key"`
			Windows int    `json:"windows"`
		} `json:"longest"`
	} `json:"dominance"`
}

// runTimelineJSON runs skewer with args, wants no stderr, and decodes its
// JSON.
func runTimelineJSON(t *testing.T, args ...string) tlDoc {
	t.Helper()
	var doc tlDoc
	if stderr := runJSON(t, cmd.ExitOK, &doc, args...); stderr != "" {
		t.Errorf("skewer %s: stderr %q, want nothing", strings.Join(args, " "), stderr)
	}
	if doc.WindowSeconds == nil {
		t.Fatalf("skewer %s: window_seconds null", strings.Join(args, " "))
	}
	return doc
}

// tlCorpusLogs are the corpus access logs the timeline is checked on.
var tlCorpusLogs = []string{
	filepath.Join("gunicorn-sync-17", "access.log"),
	filepath.Join("nginx-proxy", "gunicorn-access.log"),
	filepath.Join("nginx-proxy", "access-pid.log"),
}

// TestCorpusTimelineTotals checks, on the real corpus logs, that the
// requests per window add up exactly to the report's per-PID totals and to
// lines.parsed, and that they equal a count of the raw lines done here.
func TestCorpusTimelineTotals(t *testing.T) {
	corpus := testutil.Corpus(t)
	for _, name := range tlCorpusLogs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(corpus, name)
			raw := testutil.ReadAccessLog(t, path)
			// Both logs run about 17:28:53-17:35:28 or 17:50:56-17:57:32
			// (395 and 396 s): 1 s windows would be about 396 > 90; 5 s
			// windows from 17:28:50 to 17:35:25 (17:50:55 to 17:57:30)
			// are 395 / 5 + 1 = 80. windowCount recomputes this from the
			// lines.
			auto := runTimelineJSON(t, "timeline", "-o", "json", path)
			if got := *auto.WindowSeconds; got != 5 {
				t.Errorf("timeline: window_seconds: got %g, want 5", got)
			}
			if got, want := len(auto.Windows), raw.WindowCount(5); got != want || want != 80 {
				t.Errorf("timeline: windows: got %d, want %d (80 by hand)", got, want)
			}
			minutes := runTimelineJSON(t, "report", "--window", "1m", "-o", "json", path)
			if got := *minutes.WindowSeconds; got != 60 {
				t.Errorf("report --window 1m: window_seconds: got %g, want 60", got)
			}
			if got, want := len(minutes.Windows), raw.WindowCount(60); got != want {
				t.Errorf("report --window 1m: windows: got %d, want %d", got, want)
			}

			// The report's per-PID totals, from the same run as the
			// 1 m windows, and from the raw lines.
			totals := map[string]int64{}
			for _, w := range minutes.Workers {
				totals[w.Key] = w.Requests
			}
			rawTotals := map[string]int64{}
			for _, l := range raw {
				rawTotals[l.PID]++
			}
			if !mapsEqual(totals, rawTotals) {
				t.Errorf("report per-PID totals: got %v, want the raw count %v", totals, rawTotals)
			}
			if minutes.Lines.Parsed != int64(len(raw)) || auto.Lines.Parsed != int64(len(raw)) {
				t.Errorf("lines.parsed: got %d (report) and %d (timeline), want %d lines", minutes.Lines.Parsed, auto.Lines.Parsed, len(raw))
			}

			for _, run := range []struct {
				name  string
				doc   tlDoc
				width int64
			}{{"timeline (automatic, 5s)", auto, 5}, {"report --window 1m", minutes, 60}} {
				sums := map[string]int64{}
				var all int64
				for _, w := range run.doc.Windows {
					for k, n := range w.Requests {
						sums[k] += n
						all += n
					}
				}
				if !mapsEqual(sums, totals) {
					t.Errorf("%s: requests summed over windows per PID: got %v, want the report's %v", run.name, sums, totals)
				}
				if all != minutes.Lines.Parsed {
					t.Errorf("%s: requests summed over windows: got %d, want lines.parsed %d", run.name, all, minutes.Lines.Parsed)
				}
				// Per window and PID, against the raw count.
				want := raw.PerWindow(run.width)
				for _, w := range run.doc.Windows {
					got := map[string]int64{}
					for k, n := range w.Requests {
						if n > 0 {
							got[k] = n
						}
					}
					if !mapsEqual(got, want[w.Start]) {
						t.Errorf("%s: window %s: got %v, want the raw count %v", run.name, w.Start, got, want[w.Start])
					}
					delete(want, w.Start)
				}
				if len(want) > 0 {
					t.Errorf("%s: %d windows with lines are missing from the report", run.name, len(want))
				}
			}
		})
	}
}

func mapsEqual(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// corpusPhase is one row of a corpus phases.tsv.
type corpusPhase struct {
	name       string
	load       bool  // connections > 0
	start, end int64 // unix seconds
}

func readPhases(t *testing.T, path string) []corpusPhase {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusPhase
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 {
			if len(f) < 8 || f[0] != "phase" || f[1] != "connections" || f[6] != "start_utc" || f[7] != "end_utc" {
				t.Fatalf("%s: unexpected header %q", path, line)
			}
			continue
		}
		start, err1 := time.Parse(time.RFC3339, f[6])
		end, err2 := time.Parse(time.RFC3339, f[7])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: line %d: %v %v", path, i+1, err1, err2)
		}
		out = append(out, corpusPhase{name: f[0], load: f[1] != "0", start: start.Unix(), end: end.Unix()})
	}
	return out
}

// phaseOf assigns a second to a phase by the rule of truth.json: start ≤ ts
// ≤ end; on a shared boundary second a load phase wins over an idle gap,
// and the later of two load phases wins. "" when no phase holds it.
func phaseOf(phases []corpusPhase, ts int64) string {
	best := -1
	for i, p := range phases {
		if ts < p.start || ts > p.end {
			continue
		}
		if best < 0 || p.load && (!phases[best].load || i > best) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return phases[best].name
}

// truthPhase is one row of a truth.json per-phase table.
type truthPhase struct {
	Phase    string `json:"phase"`
	Requests int64  `json:"requests"`
	Top5     []struct {
		PID      json.Number `json:"pid"`
		Requests int64       `json:"requests"`
	} `json:"top5_pids"`
}

// TestCorpusTimelinePhases checks that the windows show the load phases of
// phases.tsv: windows inside an idle gap have no requests, windows inside a
// load phase have some, and 1 s windows summed per phase give truth.json's
// per-phase counts.
func TestCorpusTimelinePhases(t *testing.T) {
	corpus := testutil.Corpus(t)
	tests := []struct {
		dir, log, table string
		idle            []string // idle gaps inside the log's span
	}{
		{dir: "gunicorn-sync-17", log: "access.log", table: "phases", idle: []string{"idle1", "idle2"}},
		{dir: "nginx-proxy", log: "gunicorn-access.log", table: "phases_gunicorn_access_log", idle: []string{"idle1", "idle2"}},
		{dir: "nginx-proxy", log: "access-pid.log", table: "phases_nginx_access_pid_log", idle: []string{"idle1", "idle2"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Join(tt.dir, tt.log), func(t *testing.T) {
			path := filepath.Join(corpus, tt.dir, tt.log)
			phases := readPhases(t, filepath.Join(corpus, tt.dir, "phases.tsv"))
			byName := map[string]corpusPhase{}
			for _, p := range phases {
				byName[p.name] = p
			}

			// 5 s windows: e.g. idle1 of gunicorn-sync-17, 17:31:08 to
			// 17:31:53, holds the windows 17:31:10 to 17:31:50 (8 of them),
			// which must be empty; requests stamped 17:31:08 still belong
			// to p3-c4 and those of 17:31:53 to p4-c8.
			doc := runTimelineJSON(t, "timeline", "--window", "5s", "-o", "json", path)
			idleWindows := map[string]int{}
			for _, w := range doc.Windows {
				start, end := mustUnix(t, w.Start), mustUnix(t, w.End)
				var total int64
				for _, n := range w.Requests {
					total += n
				}
				for _, p := range phases {
					if start > p.start && end <= p.end && !p.load {
						idleWindows[p.name]++
						if total != 0 {
							t.Errorf("window %s inside %s: got %d requests, want 0", w.Start, p.name, total)
						}
					}
					if start >= p.start && end <= p.end && p.load && total == 0 {
						t.Errorf("window %s inside load phase %s: got 0 requests, want some", w.Start, p.name)
					}
				}
			}
			for _, name := range tt.idle {
				p := byName[name]
				// The 5 s windows that start after the gap's first second
				// and end by its last.
				want := 0
				for s := p.start + 1; s+5 <= p.end; s++ {
					if s%5 == 0 {
						want++
					}
				}
				if idleWindows[name] != want || want == 0 {
					t.Errorf("%s: got %d empty windows inside it, want %d (and at least 1)", name, idleWindows[name], want)
				}
			}

			// 1 s windows summed per phase, against truth.json.
			doc = runTimelineJSON(t, "timeline", "--window", "1s", "-o", "json", path)
			perPhase := map[string]int64{}
			perPhasePID := map[string]map[string]int64{}
			for _, w := range doc.Windows {
				name := phaseOf(phases, mustUnix(t, w.Start))
				if perPhasePID[name] == nil {
					perPhasePID[name] = map[string]int64{}
				}
				for k, n := range w.Requests {
					perPhase[name] += n
					perPhasePID[name][k] += n
				}
			}
			if perPhase[""] != 0 {
				t.Errorf("requests outside every phase: got %d, want 0", perPhase[""])
			}
			for _, tp := range readTruthPhases(t, filepath.Join(corpus, tt.dir, "truth.json"), tt.table) {
				if perPhase[tp.Phase] != tp.Requests {
					t.Errorf("%s: got %d requests, want %d (truth.json)", tp.Phase, perPhase[tp.Phase], tp.Requests)
				}
				for _, top := range tp.Top5 {
					if got := perPhasePID[tp.Phase][top.PID.String()]; got != top.Requests {
						t.Errorf("%s: %s got %d requests, want %d (truth.json)", tp.Phase, top.PID, got, top.Requests)
					}
				}
			}
		})
	}
}

func readTruthPhases(t *testing.T, path, table string) []truthPhase {
	t.Helper()
	var out []truthPhase
	if err := readTruthKey(t, path, table, &out); err != nil || len(out) == 0 {
		t.Fatalf("%s: no %s table (%v)", path, table, err)
	}
	return out
}

func mustUnix(t *testing.T, s string) int64 {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts.Unix()
}

// TestCorpusTimelineDominance checks the busiest-worker analysis on the
// corpus: behind nginx's upstream keep-alive one gunicorn worker carries
// most phases, and sync workers without keep-alive share every window.
func TestCorpusTimelineDominance(t *testing.T) {
	corpus := testutil.Corpus(t)

	t.Run("nginx-proxy/gunicorn-access.log", func(t *testing.T) {
		dir := filepath.Join(corpus, "nginx-proxy")
		// truth.json's per-phase tables name the busiest PID of each load
		// phase: 21637 in p1, p3, p4, p6 and p7, 21631 in p2 (its 1000
		// requests are one keep-alive connection) and p5.
		topPhases := map[string][]string{}
		for _, tp := range readTruthPhases(t, filepath.Join(dir, "truth.json"), "phases_gunicorn_access_log") {
			if len(tp.Top5) > 0 {
				pid := tp.Top5[0].PID.String()
				topPhases[pid] = append(topPhases[pid], tp.Phase)
			}
		}
		if got := topPhases["21637"]; len(got) != 5 {
			t.Fatalf("truth.json: 21637 busiest in %v, want 5 phases", got)
		}
		doc := runTimelineJSON(t, "timeline", "--window", "30s", "-o", "json", filepath.Join(dir, "gunicorn-access.log"))
		d := doc.Dominance
		if d == nil || len(d.Longest) == 0 {
			t.Fatalf("dominance: got %+v, want a longest stretch", d)
		}
		if d.Longest[0].Key != "21637" {
			t.Errorf("longest stretch on top: got %s (%d windows), want 21637", d.Longest[0].Key, d.Longest[0].Windows)
		}
		for _, s := range d.Longest[1:] {
			if s.Windows >= d.Longest[0].Windows {
				t.Errorf("stretch of %s: %d windows, want fewer than 21637's %d", s.Key, s.Windows, d.Longest[0].Windows)
			}
		}
		// The changes of the lead: TestCorpusDominanceNginxProxy.
	})

	t.Run("gunicorn-sync-17/access.log", func(t *testing.T) {
		// Sync workers share the load evenly (README: Gini 0.006-0.023 per
		// phase): count from the raw lines how many 5 s windows have a
		// worker with at least 1.25 times the requests of every other (or
		// the only one with requests). With none, no worker was ever on top.
		path := filepath.Join(corpus, "gunicorn-sync-17", "access.log")
		clearLeads := 0
		for _, counts := range testutil.ReadAccessLog(t, path).PerWindow(5) {
			var ns []int64
			for _, n := range counts {
				ns = append(ns, n)
			}
			sort.Slice(ns, func(i, j int) bool { return ns[i] > ns[j] })
			if len(ns) == 1 || len(ns) > 1 && float64(ns[0]) >= 1.25*float64(ns[1]) {
				clearLeads++
			}
		}
		doc := runTimelineJSON(t, "timeline", "--window", "5s", "-o", "json", path)
		if doc.Dominance == nil {
			t.Fatal("dominance: got null")
		}
		if clearLeads == 0 && (len(doc.Dominance.Changes) != 0 || len(doc.Dominance.Longest) != 0) {
			t.Errorf("dominance: got %+v, want no worker on top (no window with a clear leader in the raw count)", *doc.Dominance)
		}
		if clearLeads > 0 && len(doc.Dominance.Longest) == 0 {
			t.Errorf("dominance: got no worker on top, want some (%d windows with a clear leader in the raw count)", clearLeads)
		}
	})
}
