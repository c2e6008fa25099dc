package aggregate

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// TestWindowsKeepServedCells: an hour of 1 s windows over 50 workers, one
// request a second, keeps the 3600 cells served, not 180000 live workers;
// each window still counts and writes all 50 (49 zeros implied by their
// alive intervals), as a window read back from JSON has them.
func TestWindowsKeepServedCells(t *testing.T) {
	const workers, seconds = 50, 3600
	recs := make([]parse.Record, 0, seconds)
	for i := range seconds {
		recs = append(recs, winRecDur(fmt.Sprint(1000+i%workers), winAt("10:00:00").Add(time.Duration(i)*time.Second), time.Millisecond))
	}
	rep := Finish(winPartial(time.Second, recs), nil, Options{})
	if len(rep.Windows) != seconds {
		t.Fatalf("got %d windows, want %d", len(rep.Windows), seconds)
	}
	kept := 0
	for _, w := range rep.Windows {
		if w.Requests != nil || w.RequestSeconds != nil || w.CPUSeconds != nil {
			t.Fatalf("window %s: got maps of every live worker, want the cells served only", w.Start)
		}
		kept += len(w.cells.served)
	}
	if kept != seconds {
		t.Errorf("cells kept: got %d, want %d (one per request)", kept, seconds)
	}
	w := rep.Windows[7]
	req, secs, cpu := w.Counts()
	if len(req) != workers || req["1007"] != 1 || req["1008"] != 0 || len(secs) != workers || secs["1007"] != 0.001 || len(cpu) != 0 {
		t.Errorf("counts of window 7: got %d requests (1007: %d), %d request seconds (1007: %v), %d cpu; want %d, 1, %d, 0.001, 0",
			len(req), req["1007"], len(secs), secs["1007"], len(cpu), workers, workers)
	}
	if n, live := w.RequestsOf("1008"); n != 0 || !live {
		t.Errorf("RequestsOf 1008: got %d, %v; want 0, live", n, live)
	}
	if w.Skew.Workers != workers || w.RequestTotal() != 1 {
		t.Errorf("got skew over %d workers, total %d; want %d, 1", w.Skew.Workers, w.RequestTotal(), workers)
	}
	// JSON: the same document as a window with the maps in it.
	plain := w
	plain.Requests, plain.RequestSeconds, plain.CPUSeconds = req, secs, cpu
	plain.cells = nil
	a, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(plain)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("JSON:\ngot  %s\nwant %s", a, b)
	}
}
