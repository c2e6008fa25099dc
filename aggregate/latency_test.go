package aggregate

import (
	"math"
	"slices"
	"sort"
	"testing"
	"time"
)

// TestLatBins: every request time from 1 µs to an hour lies within 1/16 of
// its bin's middle, and bins grow with the time.
func TestLatBins(t *testing.T) {
	prev := uint16(0)
	for us := int64(1); us < 3_600_000_000; us += 1 + us/50 {
		b := latBinOf(us)
		if b < prev {
			t.Fatalf("bin of %d µs is %d, below %d of a smaller time", us, b, prev)
		}
		prev = b
		if mid := latBinMicros(b); math.Abs(mid-float64(us)) > float64(us)/16 {
			t.Fatalf("%d µs: bin %d has middle %.1f, more than 1/16 away", us, b, mid)
		}
	}
}

// TestCellLatKeepsSmallestHashes: of seven paths, a cell keeps the four of
// smallest hash with all their times, whatever the order the lines came
// in or the cells were merged.
func TestCellLatKeepsSmallestHashes(t *testing.T) {
	paths := []string{"/a", "/b", "/c", "/d", "/e", "/f", "/g"}
	type line struct {
		path string
		us   int64
	}
	var lines []line
	for i := range 70 {
		lines = append(lines, line{paths[i%7], int64(1000 * (1 + i))})
	}
	byHash := slices.Clone(paths)
	sort.Slice(byHash, func(i, j int) bool { return pathHash([]byte(byHash[i])) < pathHash([]byte(byHash[j])) })
	check := func(name string, c *cellLat) {
		t.Helper()
		if len(c.paths) != latPaths {
			t.Fatalf("%s: %d paths kept, want %d", name, len(c.paths), latPaths)
		}
		for i, p := range c.paths {
			var n uint32
			for _, b := range p.bins {
				n += b.n
			}
			if p.name != byHash[i] || n != 10 {
				t.Errorf("%s: path %d is %s with %d times, want %s with 10", name, i, p.name, n, byHash[i])
			}
		}
	}
	one := &cellLat{}
	for _, l := range lines {
		one.add(pathHash([]byte(l.path)), []byte(l.path), l.us)
	}
	check("in order", one)
	rev := &cellLat{}
	for i := len(lines) - 1; i >= 0; i-- {
		rev.add(pathHash([]byte(lines[i].path)), []byte(lines[i].path), lines[i].us)
	}
	check("reversed", rev)
	// Three parts cut by path and time, merged both ways.
	parts := []*cellLat{{}, {}, {}}
	for i, l := range lines {
		parts[(i/5+len(l.path))%3].add(pathHash([]byte(l.path)), []byte(l.path), l.us)
	}
	a := mergeLat(mergeLat(parts[0], parts[1]), parts[2])
	b := mergeLat(parts[2], mergeLat(parts[1], parts[0]))
	check("merged", a)
	if !equalLat(a, b) || !equalLat(a, one) {
		t.Errorf("merge order changed the cell")
	}
}

func equalLat(a, b *cellLat) bool {
	return slices.EqualFunc(a.paths, b.paths, func(x, y pathLat) bool {
		return x.hash == y.hash && x.name == y.name && slices.Equal(x.bins, y.bins)
	})
}

// TestSamePaths: a worker's times on a path against the other workers'
// in one window, by nearest rank, within 1/16 of the exact values the test
// computes from its own lines.
func TestSamePaths(t *testing.T) {
	p := NewPartial(nil)
	p.SetWindows(time.Minute)
	var a, rest []float64
	for i := range 40 {
		r := line("1", int64(i), int64(100_000+i*5_000), 200)
		r.SetPath([]byte("/api"))
		p.Add(&r)
		a = append(a, float64(100_000+i*5_000)/1e6)
		for _, w := range []string{"2", "3"} {
			r := line(w, int64(i), int64(40_000+i*1_000), 200)
			r.SetPath([]byte("/api"))
			p.Add(&r)
			rest = append(rest, float64(40_000+i*1_000)/1e6)
			r = line(w, int64(i), 9_000_000, 200)
			r.SetPath([]byte("/slow")) // served by the rest only: not compared
			p.Add(&r)
		}
	}
	rep := Finish(p, nil, Options{})
	sp := rep.Windows[0].SamePaths("1")
	if len(sp) != 1 || sp[0].Path != "/api" {
		t.Fatalf("got %+v, want /api only", sp)
	}
	rank := func(xs []float64, q float64) float64 {
		s := slices.Sorted(slices.Values(xs))
		return s[int(math.Ceil(q*float64(len(s))))-1]
	}
	for _, c := range []struct {
		name string
		got  Times
		xs   []float64
	}{{"worker", sp[0].Worker, a}, {"rest", sp[0].Rest, rest}} {
		if c.got.Requests() != int64(len(c.xs)) {
			t.Errorf("%s: %d requests, want %d", c.name, c.got.Requests(), len(c.xs))
		}
		for _, q := range []float64{0.5, 0.95} {
			if g, w := c.got.Quantile(q), rank(c.xs, q); math.Abs(g-w) > w/16 {
				t.Errorf("%s q%.2f: got %g, want %g within 1/16", c.name, q, g, w)
			}
		}
	}
	if sp := rep.Windows[0].SamePaths("nobody"); sp != nil {
		t.Errorf("unknown worker: got %+v", sp)
	}
}
