package cmd_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestExplainHosts explains the two hand-made hosts of testdata/logs/hosts
// (see its README): web-a balances its 4 slots evenly (12 to 14 requests
// each per 5 s window) with two slots restarted half-way, web-b sends 38 to
// 40 of about 55 requests a window to PID 201. Judged per host, web-a is
// even with restart generations and web-b's skew persists in its busiest
// windows; pooled over both hosts neither would show.
func TestExplainHosts(t *testing.T) {
	dir := filepath.Join(testutil.ModuleRoot(t), "testdata", "logs", "hosts")
	e := explainJSON(t, "--window", "5s", "--workers", "4", "--host-from-dir", dir)
	want := []struct{ name, host string }{{"even", "web-a"}, {"restart_generations", "web-a"}, {"keepalive_pinning", "web-b"}}
	if len(e.Mechanisms) != len(want) {
		t.Fatalf("mechanisms: got %v, want %v", mechNames(e), want)
	}
	for i, w := range want {
		m := e.Mechanisms[i]
		if m.Name != w.name || len(m.Evidence) == 0 || !strings.HasPrefix(m.Evidence[0], "host "+w.host+": ") {
			t.Errorf("mechanism %d: got %s %q, want %s on host %s", i, m.Name, m.Evidence, w.name, w.host)
		}
		for _, ev := range m.Evidence {
			if !strings.HasPrefix(ev, "host "+w.host+": ") {
				t.Errorf("%s: evidence %q names another host", m.Name, ev)
			}
		}
	}
	if e.Verdict.Harm != "benign" {
		t.Errorf("harm: got %q, want benign (%s)", e.Verdict.Harm, e.Verdict.Summary)
	}
}
