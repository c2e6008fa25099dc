package render

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// formulaKeys are worker keys (from --by over a log field) that a
// spreadsheet would run as formulas, and what the CSV cell must hold.
var formulaKeys = []struct{ key, cell string }{
	{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
	{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
	{"-2+3", "'-2+3"},
	{"@SUM(A1)", "'@SUM(A1)"},
	{"\t=1", "'?=1"},
	{"\r=1", "'?=1"},
	{"12345", "12345"},
	{"host/=1", "host/=1"},
	{"::error::x", "'::error::x"},
	{" ::1", "' ::1"},
}

func TestCSVFormulaCells(t *testing.T) {
	var keys []string
	reqs := map[string]int64{}
	rep := &aggregate.Report{}
	for _, k := range formulaKeys {
		keys = append(keys, k.key)
		reqs[k.key] = 3
		rep.Workers = append(rep.Workers, aggregate.Worker{Key: k.key, Requests: 3, Share: 0.125})
	}
	tl := tlReport(time.Minute, keys, tlWin("2026-01-02T03:04:00Z", time.Minute, reqs, nil, nil))
	for _, tt := range []struct {
		name   string
		render func(*bytes.Buffer) error
		col    int
	}{
		{"report", func(b *bytes.Buffer) error { return CSV(b, rep, Options{}) }, 0},
		{"timeline", func(b *bytes.Buffer) error { return WindowsCSV(b, tl) }, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, r := range recs[1:] {
				got[r[tt.col]] = true
				for i, c := range r {
					if i != tt.col && c != "" && (c[0] == '=' || c[0] == '+' || c[0] == '@') {
						t.Errorf("column %d: cell %q starts a formula", i, c)
					}
				}
			}
			for _, k := range formulaKeys {
				if !got[k.cell] {
					t.Errorf("key %q: no cell %q in %q", k.key, k.cell, recs)
				}
			}
			if tt.name == "report" && recs[1][2] != "3" {
				t.Errorf("requests cell got %q, want 3 (numbers stay numbers)", recs[1][2])
			}
		})
	}
}
