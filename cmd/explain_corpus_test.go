package cmd_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// explanation is the part of skewer.explain/v1 the tests read.
type explanation struct {
	Schema  string `json:"schema"`
	Verdict struct {
		Harm    string `json:"harm"`
		Summary string `json:"summary"`
	} `json:"verdict"`
	Mechanisms []struct {
		Name       string   `json:"name"`
		Confidence string   `json:"confidence"`
		Evidence   []string `json:"evidence"`
	} `json:"mechanisms"`
	HarmEvidence []struct {
		Signal      string  `json:"signal"`
		Worker      string  `json:"worker"`
		Value       float64 `json:"value"`
		WindowStart string  `json:"window_start"`
	} `json:"harm_evidence"`
	Memory struct {
		Pattern string `json:"pattern"`
	} `json:"memory"`
	Changes []struct {
		From  string `json:"from"`
		Cause string `json:"cause"`
	} `json:"changes"`
	Advice []struct {
		Fact string `json:"fact"`
	} `json:"advice"`
	ToSettle []string `json:"to_settle"`
}

func explainJSON(t *testing.T, args ...string) explanation {
	t.Helper()
	code, out, errOut := chkMain(t, append([]string{"explain", "-o", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var e explanation
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if e.Schema != "skewer.explain/v1" {
		t.Errorf("schema: got %q", e.Schema)
	}
	return e
}

func mechNames(e explanation) []string {
	var out []string
	for _, m := range e.Mechanisms {
		out = append(out, m.Name)
	}
	return out
}

// busyAndGini scans an access log by itself: the most request seconds any
// PID served in one window of width seconds over the width, and the median
// Gini of requests over the PIDs seen in each window with at least 10
// requests per PID. scale turns the log's duration into seconds.
func busyAndGini(t *testing.T, path string, width int64, scale float64) (busy float64, gini float64, busiestThird float64) {
	log := testutil.ReadAccessLog(t, path)
	dur := map[int64]map[string]float64{}
	for _, l := range log {
		w := testutil.WindowStart(l.End, width)
		if dur[w] == nil {
			dur[w] = map[string]float64{}
		}
		dur[w][l.PID] += l.Dur * scale
	}
	for _, m := range dur {
		for _, s := range m {
			busy = max(busy, s/float64(width))
		}
	}
	pids := log.PIDs()
	type win struct {
		n int64
		g float64
	}
	var ws []win
	for _, m := range log.Counts(width) {
		var xs []float64
		var n int64
		for _, p := range pids {
			if c, ok := m[p]; ok {
				xs = append(xs, float64(c))
				n += c
			}
		}
		if len(pids) <= 5 { // few workers, none restarted: all are live
			xs = xs[:0]
			for _, p := range pids {
				xs = append(xs, float64(m[p]))
			}
		}
		if n >= 10*int64(len(xs)) {
			ws = append(ws, win{n, testutil.Gini(xs)})
		}
	}
	var gs []float64
	for _, w := range ws {
		gs = append(gs, w.g)
	}
	slices.SortFunc(ws, func(a, b win) int { return int(a.n - b.n) })
	var top []float64
	for _, w := range ws[len(ws)-(len(ws)+2)/3:] {
		top = append(top, w.g)
	}
	return busy, testutil.Median(gs), testutil.Median(top)
}

func TestExplainCorpus(t *testing.T) {
	corpus := testutil.Corpus(t)
	t.Run("gunicorn-sync-17", func(t *testing.T) {
		busy, g, _ := busyAndGini(t, filepath.Join(corpus, "gunicorn-sync-17", "access.log"), 5, 1e-6)
		if busy >= 0.8 || g >= 0.1 {
			t.Fatalf("own scan: busiest %.3f, median gini %.3f: the corpus is not the benign, even case", busy, g)
		}
		e := explainJSON(t, filepath.Join(corpus, "gunicorn-sync-17"))
		if e.Verdict.Harm != "benign" {
			t.Errorf("harm: got %q, want benign (own scan: busiest %.3f)", e.Verdict.Harm, busy)
		}
		names := mechNames(e)
		if len(names) == 0 || names[0] != "even" && names[0] != "restart_generations" ||
			!slices.Contains(names, "even") || !slices.Contains(names, "restart_generations") {
			t.Errorf("mechanisms: got %v, want even and restart_generations, one of them first", names)
		}
	})
	t.Run("nginx-proxy gunicorn", func(t *testing.T) {
		busy, g, top := busyAndGini(t, filepath.Join(corpus, "nginx-proxy", "gunicorn-access.log"), 5, 1)
		if busy >= 0.8 || g < 0.3 || top < 0.3 {
			t.Fatalf("own scan: busiest %.3f, median gini %.3f, busiest third %.3f: not the pinned case", busy, g, top)
		}
		e := explainJSON(t, "--family", "gunicorn", filepath.Join(corpus, "nginx-proxy"))
		if e.Verdict.Harm != "benign" {
			t.Errorf("harm: got %q, want benign", e.Verdict.Harm)
		}
		if names := mechNames(e); len(names) == 0 || names[0] != "keepalive_pinning" {
			t.Errorf("mechanisms: got %v, want keepalive_pinning first", names)
		}
		// gevent_pywsgi: the busiest worker of a window was compared with
		// the others on the same path, and was not twice as slow.
		lat := false
		for _, ev := range e.HarmEvidence {
			if ev.Signal == "latency" {
				lat = true
				if ev.Value >= 2 {
					t.Errorf("latency evidence: got %+v, want under 2×", ev)
				}
			}
		}
		if !lat {
			t.Errorf("harm evidence: got %+v, want a latency comparison", e.HarmEvidence)
		}
	})
	t.Run("nginx-proxy nginx connections", func(t *testing.T) {
		path := filepath.Join(corpus, "nginx-proxy", "access.json.log.gz")
		own := testutil.CountConnections(nginxJSONConns(t, path), 75)
		if own.Moved != 0 || own.Reused == 0 {
			t.Fatalf("own count: %d reused, %d moved: not the pinned case", own.Reused, own.Moved)
		}
		e := explainJSON(t, "--family", "nginx", path)
		if len(e.Mechanisms) == 0 || e.Mechanisms[0].Name != "keepalive_pinning" || e.Mechanisms[0].Confidence != "proven" {
			t.Fatalf("mechanisms: got %+v, want keepalive_pinning proven first", e.Mechanisms)
		}
		want := fmt.Sprintf("%d connections (nginx $connection): %d carried more than one request", own.Seen, own.Reused)
		if ev := strings.Join(e.Mechanisms[0].Evidence, "; "); !strings.Contains(ev, want) || !strings.Contains(ev, " 0 moved") {
			t.Errorf("evidence: got %q, want %q and 0 moved", ev, want)
		}
		// Own count of connections that carried exactly 1000 requests (the
		// nginx keepalive_requests default): their worker and last request.
		n, last, pid := map[string]int{}, map[string]float64{}, map[string]string{}
		for _, r := range nginxJSONConns(t, path) {
			n[r.ID]++
			last[r.ID] = max(last[r.ID], r.End)
			pid[r.ID] = r.Worker
		}
		var runs []string
		for id, c := range n {
			if c == 1000 {
				at := time.Unix(int64(last[id]), 0).UTC().Format("15:04:05")
				runs = append(runs, pid[id]+"'s connection closed after exactly 1000 requests at "+at)
			}
		}
		if len(runs) == 0 {
			t.Fatal("own count: no connection of exactly 1000 requests")
		}
		capped := 0
		for _, c := range e.Changes {
			if strings.Contains(c.Cause, "exactly 1000") {
				capped++
				if !slices.ContainsFunc(runs, func(r string) bool { return strings.HasPrefix(c.Cause, r) }) || !strings.HasSuffix(c.Cause, "[nginx-keepalive-requests]") {
					t.Errorf("cause %q: not one of the own runs %q citing nginx-keepalive-requests", c.Cause, runs)
				}
			}
		}
		if capped == 0 {
			t.Errorf("changes: got %+v, want one caused by a run of exactly 1000 requests (own runs %q)", e.Changes, runs)
		}
	})
	t.Run("seed-question", func(t *testing.T) {
		r2 := seedFit(t, filepath.Join(corpus, "seed-question", "ps-aefF-sort-rss.txt"))
		if r2 < 0.9 {
			t.Fatalf("own fit: r² %.3f", r2)
		}
		e := explainJSON(t, filepath.Join(corpus, "seed-question"))
		if e.Verdict.Harm != "unknown" || e.Memory.Pattern != "grows_with_work" {
			t.Errorf("got harm %q memory %q, want unknown, grows_with_work (own r² %.3f)", e.Verdict.Harm, e.Memory.Pattern, r2)
		}
		if !slices.ContainsFunc(e.ToSettle, func(s string) bool { return strings.Contains(s, "skewer sample") }) {
			t.Errorf("to_settle: got %q, want skewer sample named", e.ToSettle)
		}
		// Own reading of the STIME column: the workers whose STIME differs
		// from the one most of them share were forked later.
		rows := psRows(t, filepath.Join(corpus, "seed-question", "ps-aefF-sort-rss.txt"))
		byStime := map[string][]string{}
		for _, r := range rows {
			byStime[r[7]] = append(byStime[r[7]], r[1])
		}
		boot := ""
		for st, pids := range byStime {
			if len(pids) > len(byStime[boot]) {
				boot = st
			}
		}
		var later []string
		for _, r := range rows {
			if r[7] != boot {
				later = append(later, r[1]+" started "+r[7])
			}
		}
		ev := strings.Join(e.Mechanisms[0].Evidence, "; ")
		want := fmt.Sprintf("%d of %d workers of master %s were replaced: %d share STIME %s", len(later), len(rows), rows[0][2], len(byStime[boot]), boot)
		if !strings.Contains(ev, want) {
			t.Errorf("evidence: got %q, want %q", ev, want)
		}
		for _, l := range later {
			if !strings.Contains(ev, l) {
				t.Errorf("evidence: got %q, want %q named", ev, l)
			}
		}
	})
}

// psRows are the fields of a ps -aefF file's rows, header left out.
func psRows(t *testing.T, path string) [][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		out = append(out, strings.Fields(line))
	}
	return out
}

// seedFit is r² of RSS against TIME over the rows of a ps -aefF file,
// read by column position.
func seedFit(t *testing.T, path string) float64 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var xs, ys []float64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n")[1:] {
		f := strings.Fields(line)
		rss, _ := strconv.ParseFloat(f[5], 64)
		var h, m, s float64
		fmt.Sscanf(f[9], "%f:%f:%f", &h, &m, &s)
		xs, ys = append(xs, h*3600+m*60+s), append(ys, rss)
	}
	var mx, my float64
	for i := range xs {
		mx += xs[i] / float64(len(xs))
		my += ys[i] / float64(len(xs))
	}
	var sxy, sxx, syy float64
	for i := range xs {
		sxy += (xs[i] - mx) * (ys[i] - my)
		sxx += (xs[i] - mx) * (xs[i] - mx)
		syy += (ys[i] - my) * (ys[i] - my)
	}
	return sxy * sxy / (sxx * syy)
}

// handLog writes a gunicorn sync run: per 10 s window, each PID of busy
// serves 10 requests of 0.9 s (0.9 busy) and each PID of quiet 10 requests
// of 1 ms (0.001 busy), for 6 windows; the error log names the class.
func handLog(t *testing.T, busy, quiet []int) string {
	dir := t.TempDir()
	var b strings.Builder
	const start = 1795000000 // a minute boundary
	for s := int64(0); s < 60; s++ {
		ts := time.Unix(start+s, 0).UTC().Format("02/Jan/2006:15:04:05 -0700")
		for _, p := range busy {
			fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 2 \"-\" \"t\" pid=<%d> 900000\n", ts, p)
		}
		for _, p := range quiet {
			fmt.Fprintf(&b, "127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 2 \"-\" \"t\" pid=<%d> 1000\n", ts, p)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "access.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	el := fmt.Sprintf("[%s] [100] [INFO] Using worker: sync\n", time.Unix(start, 0).UTC().Format("2006-01-02 15:04:05 -0700"))
	if err := os.WriteFile(filepath.Join(dir, "error.log"), []byte(el), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExplainHandMade(t *testing.T) {
	tests := []struct {
		name        string
		busy, quiet []int
		want        string
		busyValue   float64
	}{
		// By hand: 10 requests × 0.9 s in a 10 s window = 0.9 busy; 10 × 1 ms = 0.001.
		{"harmful", []int{201}, []int{202, 203}, "harmful", 0.9},
		{"capacity", []int{201, 202, 203}, []int{204}, "capacity", 0.9},
		{"benign", nil, []int{201, 202}, "benign", 0.001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := explainJSON(t, "--window", "10s", handLog(t, tt.busy, tt.quiet))
			if e.Verdict.Harm != tt.want {
				t.Fatalf("harm: got %q, want %q (%s)", e.Verdict.Harm, tt.want, e.Verdict.Summary)
			}
			if len(e.HarmEvidence) == 0 || math.Abs(e.HarmEvidence[0].Value-tt.busyValue) > 1e-9 {
				t.Errorf("harm_evidence: got %+v, want first value %g", e.HarmEvidence, tt.busyValue)
			}
		})
	}
}
