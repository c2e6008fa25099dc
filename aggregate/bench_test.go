package aggregate

import (
	"testing"

	"github.com/skewer-dev/skewer/parse"
)

// benchRecords is a day of whole-second lines over 17 workers.
func benchRecords(n int) []parse.Record {
	recs := make([]parse.Record, n)
	for i := range recs {
		recs[i] = line(string(rune('a'+i%17)), int64(i)*86400/int64(n), 1000, 200)
	}
	return recs
}

// benchPaths are the paths of BenchmarkAdd's windows_paths: more than a
// window cell keeps the times of.
var benchPaths = [][]byte{[]byte("/api/v1/orders"), []byte("/api/v1/users/me"), []byte("/healthz"),
	[]byte("/static/app.js"), []byte("/api/v1/search"), []byte("/login"), []byte("/")}

// BenchmarkAdd measures accounting a line, with the per-window accounting
// every run now does and without it, and with paths (whose request times
// the window cells keep).
func BenchmarkAdd(b *testing.B) {
	recs := benchRecords(1 << 16)
	for _, tc := range []struct {
		name    string
		windows bool
		paths   bool
	}{{"windows", true, false}, {"nowindows", false, false}, {"windows_paths", true, true}} {
		b.Run(tc.name, func(b *testing.B) {
			if tc.paths {
				for i := range recs {
					recs[i].SetPath(benchPaths[i%len(benchPaths)])
				}
			}
			p := NewPartial(nil)
			p.win.on = tc.windows
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p.Add(&recs[i%len(recs)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
	}
}

// BenchmarkFinish measures finishing a day of 17 workers, window_skew and
// rate_skew included.
func BenchmarkFinish(b *testing.B) {
	recs := benchRecords(1 << 16)
	for b.Loop() {
		b.StopTimer()
		p := feed(nil, recs...)
		b.StartTimer()
		Finish(p, nil, Options{})
	}
}
