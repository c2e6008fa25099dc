package cmd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/cmd"
)

// TestHostsDominancePerHost checks that the busiest worker is found per
// host. At 1 s windows web-b's 201 serves about 8 requests a second and
// web-a's workers 2 to 4 each: across hosts web-b/201 would top every
// window and web-a would never show. Per host, this test's own scan of
// web-a (requests per worker per second; a worker on top when it served at
// least 1.25 times the next, a pair impossible with four workers of similar
// counts) finds a worker on top in single seconds only — 102 at 17:00:03
// and 104 at 17:00:08 (each leads one window and the next second has
// someone else or nobody) — so web-a has no change (a change needs 3
// windows in a row) and two stretches of one window; web-b has 201 on top
// in all 30 seconds and no change either.
func TestHostsDominancePerHost(t *testing.T) {
	var out, errOut bytes.Buffer
	args := []string{"timeline", "--host-from-dir", "--workers", "4", "--window", "1s", "-o", "json", hostsDir}
	if code := cmd.Run(context.Background(), args, cmd.IO{In: strings.NewReader(""), Out: &out, ErrOut: &errOut}); code != cmd.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	var rep struct {
		Dominance struct {
			Changes []struct {
				Host *string `json:"host"`
			} `json:"changes"`
			Longest []struct {
				Key     string    `json:"key"`
				Start   time.Time `json:"start"`
				End     time.Time `json:"end"`
				Windows int       `json:"windows"`
				Host    *string   `json:"host"`
			} `json:"longest"`
		} `json:"dominance"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	// This test's own leads per host and second.
	var want []string
	for _, h := range []string{"web-a", "web-b"} {
		per := map[int64]map[string]int{}
		for _, l := range wsScan(t, filepath.Join(hostsDir, h, "access.log")) {
			if per[l.sec] == nil {
				per[l.sec] = map[string]int{}
			}
			per[l.sec][l.pid]++
		}
		secs := make([]int64, 0, len(per))
		for s := range per {
			secs = append(secs, s)
		}
		sort.Slice(secs, func(i, j int) bool { return secs[i] < secs[j] })
		type run struct {
			pid        string
			start, end int64
			n          int
		}
		var runs []run
		cur := run{}
		for _, s := range secs {
			var first, second int
			lead := ""
			for pid, n := range per[s] {
				switch {
				case n > first:
					second, first, lead = first, n, pid
				case n > second:
					second = n
				}
			}
			if float64(first) < 1.25*float64(second) {
				lead = ""
			}
			if lead != cur.pid {
				if cur.n > 0 {
					runs = append(runs, cur)
				}
				cur = run{pid: lead, start: s}
			}
			if lead != "" {
				cur.end, cur.n = s+1, cur.n+1
			}
		}
		if cur.n > 0 {
			runs = append(runs, cur)
		}
		best := map[string]run{}
		for _, r := range runs {
			if b, ok := best[r.pid]; !ok || r.n > b.n {
				best[r.pid] = r
			}
		}
		var rs []run
		for _, r := range best {
			rs = append(rs, r)
		}
		sort.Slice(rs, func(i, j int) bool {
			if rs[i].n != rs[j].n {
				return rs[i].n > rs[j].n
			}
			return rs[i].start < rs[j].start
		})
		for _, r := range rs {
			want = append(want, fmt.Sprintf("%s %s/%s %s %s %d", h, h, r.pid,
				time.Unix(r.start, 0).UTC().Format("15:04:05"), time.Unix(r.end, 0).UTC().Format("15:04:05"), r.n))
		}
	}
	wantText := "web-a web-a/102 17:00:03 17:00:04 1\nweb-a web-a/104 17:00:08 17:00:09 1\nweb-b web-b/201 17:00:00 17:00:30 30"
	if strings.Join(want, "\n") != wantText {
		t.Fatalf("this test's own scan: got\n%s\nwant (as in the comment)\n%s", strings.Join(want, "\n"), wantText)
	}
	var got []string
	for _, s := range rep.Dominance.Longest {
		host := "null"
		if s.Host != nil {
			host = *s.Host
		}
		got = append(got, fmt.Sprintf("%s %s %s %s %d", host, s.Key, s.Start.Format("15:04:05"), s.End.Format("15:04:05"), s.Windows))
	}
	if strings.Join(got, "\n") != wantText {
		t.Errorf("longest: got\n%s\nwant\n%s", strings.Join(got, "\n"), wantText)
	}
	if len(rep.Dominance.Changes) != 0 {
		t.Errorf("changes: got %d, want none", len(rep.Dominance.Changes))
	}
	// The table view: one line per host, in host order.
	var text bytes.Buffer
	args = []string{"timeline", "--host-from-dir", "--workers", "4", "--window", "1s", hostsDir}
	if code := cmd.Run(context.Background(), args, cmd.IO{In: strings.NewReader(""), Out: &text, ErrOut: &errOut}); code != cmd.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, line := range []string{
		"on web-a, no change of the busiest worker: no other worker held the lead 3 windows (longest on top: web-a/102, 1 window)\n\n" +
			"on web-b, no change of the busiest worker: only web-b/201 was ever on top (longest run 30 windows)\n",
	} {
		if !strings.Contains(text.String(), line) {
			t.Errorf("table: got\n%s\nwant it to contain\n%s", text.String(), line)
		}
	}
}
