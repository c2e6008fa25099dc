package aggregate

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sort"
)

// latPaths is how many paths a window cell keeps request times of: the
// ones whose path hashes are smallest. Which paths those are does not
// depend on the order lines came in (a path among the smallest of the
// whole cell is among the smallest of any part of it, so its counts are
// whole), and the same paths win in every worker's cell of a window, so
// that workers compare on the same paths.
const latPaths = 4

// latSubBits is how many bits below the leading one a latency bin keeps:
// 8 bins per doubling, a value within 1/16 of its bin's middle.
const latSubBits = 3

// cellLat is a window cell's request times on up to latPaths paths, by
// ascending path hash.
type cellLat struct {
	paths []pathLat
}

// pathLat is the request times of one path in one cell, a log histogram.
type pathLat struct {
	hash uint64
	name string
	bins []latBin // by bin
}

// latBin counts the request times of one bin.
type latBin struct {
	bin uint16
	n   uint32
}

// latMaxName is the longest path name kept; the hash is of the whole path.
const latMaxName = 120

// pathHash is a 64-bit hash of a path, eight bytes a step: fixed (not
// seeded per process), so that a run's choice of paths is the same on
// every run.
func pathHash(p []byte) uint64 {
	h := uint64(len(p)) * 0x9e3779b97f4a7c15
	for len(p) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(p)) * 0xff51afd7ed558ccd
		h ^= h >> 32
		p = p[8:]
	}
	var t uint64
	for i, c := range p {
		t |= uint64(c) << (8 * i)
	}
	h = (h ^ t) * 0xc4ceb9fe1a85ec53
	return h ^ h>>29
}

// latBinOf is the bin of a request time in µs: 8 bins per power of two.
func latBinOf(us int64) uint16 {
	if us <= 0 {
		return 0
	}
	u := uint64(us)
	e := bits.Len64(u) // 1..63
	var top uint64
	if e > latSubBits+1 {
		top = u >> (e - latSubBits - 1)
	} else {
		top = u << (latSubBits + 1 - e)
	}
	return uint16(e<<latSubBits | int(top&(1<<latSubBits-1)))
}

// latBinMicros is the middle of bin b in µs.
func latBinMicros(b uint16) float64 {
	if b == 0 {
		return 0
	}
	e := int(b >> latSubBits)
	sub := float64(b & (1<<latSubBits - 1))
	lo := float64(uint64(1)<<(e-1)) * (1 + sub/(1<<latSubBits))
	return lo * (1 + 0.5/(1<<latSubBits+sub))
}

// add counts a request time of the path (hash h) in the cell, keeping the
// latPaths smallest hashes.
func (c *cellLat) add(h uint64, path []byte, us int64) {
	i := 0 // a linear search: at most latPaths
	for i < len(c.paths) && c.paths[i].hash < h {
		i++
	}
	if i == len(c.paths) || c.paths[i].hash != h {
		if i >= latPaths {
			return
		}
		if len(c.paths) == latPaths {
			c.paths = c.paths[:latPaths-1]
		}
		c.paths = slices.Insert(c.paths, i, pathLat{hash: h, name: string(path[:min(len(path), latMaxName)])})
	}
	c.paths[i].addBin(latBinOf(us), 1)
}

// addBin adds n request times of bin b.
func (p *pathLat) addBin(b uint16, n uint32) {
	// A path's times fall in a few bins: a linear search.
	j := 0
	for j < len(p.bins) && p.bins[j].bin < b {
		j++
	}
	if j < len(p.bins) && p.bins[j].bin == b {
		p.bins[j].n = satAdd32(p.bins[j].n, n)
		return
	}
	p.bins = slices.Insert(p.bins, j, latBin{b, n})
}

func satAdd32(a, b uint32) uint32 {
	if a > 1<<32-1-b {
		return 1<<32 - 1
	}
	return a + b
}

// mergeLat is the request times of a and b together, made anew (neither
// is changed): the latPaths smallest hashes of both.
func mergeLat(a, b *cellLat) *cellLat {
	if a == nil && b == nil {
		return nil
	}
	out := &cellLat{}
	var i, j int
	for len(out.paths) < latPaths {
		var p pathLat
		switch {
		case a != nil && i < len(a.paths) && (b == nil || j >= len(b.paths) || a.paths[i].hash < b.paths[j].hash):
			p = a.paths[i].clone()
			i++
		case b != nil && j < len(b.paths) && (a == nil || i >= len(a.paths) || b.paths[j].hash < a.paths[i].hash):
			p = b.paths[j].clone()
			j++
		case a != nil && b != nil && i < len(a.paths) && j < len(b.paths):
			p = a.paths[i].clone()
			for _, x := range b.paths[j].bins {
				p.addBin(x.bin, x.n)
			}
			i, j = i+1, j+1
		default:
			return out
		}
		out.paths = append(out.paths, p)
	}
	return out
}

func (p pathLat) clone() pathLat {
	p.bins = slices.Clone(p.bins)
	return p
}

// addLat counts a request time of a path in the cell.
func (c *winCell) addLat(h uint64, path []byte, us int64) {
	if c.lat == nil {
		c.lat = &cellLat{}
	}
	c.lat.add(h, path, us)
}

// Times are request times of one path: a log histogram, each time within
// 1/16 of its bin's middle.
type Times struct {
	bins []latBin
	n    int64
}

// Requests is how many request times there are.
func (t Times) Requests() int64 { return t.n }

// Quantile is the q-quantile in seconds, by nearest rank (the ⌈q·n⌉-th
// smallest time), 0 without times.
func (t Times) Quantile(q float64) float64 {
	rank := int64(q*float64(t.n) + 0.999999999)
	rank = max(1, min(rank, t.n))
	var seen int64
	for _, b := range t.bins {
		seen += int64(b.n)
		if seen >= rank {
			return latBinMicros(b.bin) / 1e6
		}
	}
	return 0
}

func (t *Times) addAll(bins []latBin) {
	for _, b := range bins {
		t.n += int64(b.n)
		j := sort.Search(len(t.bins), func(j int) bool { return t.bins[j].bin >= b.bin })
		if j < len(t.bins) && t.bins[j].bin == b.bin {
			t.bins[j].n = satAdd32(t.bins[j].n, b.n)
			continue
		}
		t.bins = slices.Insert(t.bins, j, b)
	}
}

// SamePath is one path's request times in a window: of one worker, and of
// the window's other workers together.
type SamePath struct {
	Path         string // cut at 120 bytes
	Worker, Rest Times
}

// SamePaths returns the request times of the paths worker key served in
// the window that some other worker served too, by ascending path hash. A
// cell keeps the times of its four paths of smallest hash (the same paths
// win in every cell), so a window whose workers served many paths is
// compared on those four. Nil for a window without cells (made by hand)
// or when key served nothing in it.
func (w Window) SamePaths(key string) []SamePath {
	c := w.cells
	if c == nil {
		return nil
	}
	j, ok := c.t.indexOf(key)
	if !ok {
		return nil
	}
	var mine *cellLat
	lo, hi := c.t.span(c.host)
	for _, s := range c.served {
		if s.worker == j {
			mine = s.lat
		}
	}
	if mine == nil || j < lo || j >= hi {
		return nil
	}
	out := make([]SamePath, len(mine.paths))
	for i, p := range mine.paths {
		out[i].Path = p.name
		out[i].Worker.addAll(p.bins)
	}
	for _, s := range c.served {
		if s.worker == j || s.lat == nil {
			continue
		}
		for _, p := range s.lat.paths {
			i := sort.Search(len(mine.paths), func(i int) bool { return mine.paths[i].hash >= p.hash })
			if i < len(mine.paths) && mine.paths[i].hash == p.hash {
				out[i].Rest.addAll(p.bins)
			}
		}
	}
	return slices.DeleteFunc(out, func(sp SamePath) bool { return sp.Rest.n == 0 })
}
