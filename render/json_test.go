package render

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestJSONWindowsStreamed: the document written a window at a time is the
// one encoding/json writes for the whole report, keys that need escaping
// and empty windows included.
func TestJSONWindowsStreamed(t *testing.T) {
	odd := timeline{start: "2026-11-25T17:30:00Z", size: time.Minute,
		reqs: []map[string]int64{{"<a&b>": 3, "\u2028x": 1}, {}, {"<a&b>": 1}}, secsPer: map[string]float64{"<a&b>": 0.25}}
	for name, tl := range map[string]timeline{"takeover": takeover, "crowd": crowd, "days": days, "seconds": seconds, "odd": odd, "none": {start: "2026-11-25T17:30:00Z", size: time.Minute}} {
		t.Run(name, func(t *testing.T) {
			rep := tl.report(t)
			var want, got bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetIndent("", "  ")
			if err := enc.Encode(rep); err != nil {
				t.Fatal(err)
			}
			if err := JSON(&got, rep, Options{}); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("got\n%s\nwant\n%s", got.String(), want.String())
			}
		})
	}
}
