package aggregate

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// fuzzRecords turns bytes into records, 12 bytes a record: a worker among
// five, an end time within an hour, a duration up to parse.MaxDuration (or
// none), a status, which of parts partials the record goes to, and a path
// among seven (more than a window cell keeps the times of) or none.
func fuzzRecords(data []byte, parts int) (recs []parse.Record, part []int) {
	for len(data) >= 12 {
		b := data[:12]
		data = data[12:]
		dur := int64(binary.LittleEndian.Uint32(b[4:8])) * 20_117 % (parse.MaxDuration + 1)
		if b[8]&0x0f == 0 {
			dur = -1
		}
		recs = append(recs, parse.Record{
			Time:     t0 + int64(binary.LittleEndian.Uint16(b[2:4]))*int64(time.Second)/1000*55,
			HasTime:  true,
			Worker:   []byte{'1' + b[0]%5},
			Duration: dur,
			Status:   []int{200, 302, 404, 500, 0}[b[1]%5],
		})
		if b[10]%8 != 0 {
			recs[len(recs)-1].SetPath(fuzzPaths[b[10]%8])
		}
		part = append(part, int(b[9])%parts)
	}
	return recs, part
}

var fuzzPaths = [][]byte{nil, []byte("/a"), []byte("/b"), []byte("/c"), []byte("/d"), []byte("/e"), []byte("/f"), []byte("/x")}

// FuzzMergeOrder: records split among partials in any way and merged in
// any order give the report of one pass over them, windows included (with
// the request times per path of their cells), at a fixed window size or
// the automatic one, which each partial coarsens on its own.
func FuzzMergeOrder(f *testing.F) {
	f.Add([]byte("0123456789ab0123456789abzzzzzzzzzzzzyyyyyyyyyyyy"), uint8(3), uint8(1))
	f.Add(make([]byte, 120), uint8(2), uint8(0))
	f.Add([]byte("0123456789ab0123456789a\x00zzzzzzzzzzzzyyyyyyyyyyy\x01"), uint8(11), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, parts, rot uint8) {
		k := 1 + int(parts)%5
		recs, part := fuzzRecords(data, k)
		opt := Options{Workers: 6, Family: "gunicorn"}
		width := time.Minute
		if parts&8 != 0 {
			width = 0
		}
		newPartial := func() *Partial {
			p := NewPartial([]string{"/x*"})
			p.SetWindows(width)
			return p
		}
		whole := newPartial()
		ps := make([]*Partial, k)
		for i := range ps {
			ps[i] = newPartial()
		}
		for i := range recs {
			whole.Add(&recs[i])
			ps[part[i]].Add(&recs[i])
		}
		want := Finish(whole, nil, opt)
		merged := newPartial()
		for i := range ps {
			merged.Merge(ps[(i+int(rot))%k])
		}
		got := Finish(merged, nil, opt)
		// Pairs of consecutive requests follow the order of the lines,
		// which records scattered over partials do not keep
		// (FuzzMergeNext checks them over chunks).
		got.nextSame, want.nextSame = nil, nil
		if !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			t.Fatalf("%d records in %d partials merged from %d: got\n%s\nwant\n%s", len(recs), k, rot, g, w)
		}
	})
}

// FuzzMergeNext: records cut into consecutive chunks, each read into its
// own partial and joined in order with MergeNext, give the pairs of
// consecutive requests of one pass.
func FuzzMergeNext(f *testing.F) {
	f.Add([]byte("0123456789ab0123456789abzzzzzzzzzzzzyyyyyyyyyyyy"), uint8(3))
	f.Add(make([]byte, 120), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, parts uint8) {
		k := 1 + int(parts)%5
		recs, _ := fuzzRecords(data, k)
		opt := Options{Workers: 6, Family: "gunicorn"}
		newPartial := func() *Partial {
			p := NewPartial(nil)
			p.SetWindows(0)
			return p
		}
		whole := newPartial()
		for i := range recs {
			whole.Add(&recs[i])
		}
		var merged *Partial
		for c := range k {
			p := newPartial()
			for i := c * len(recs) / k; i < (c+1)*len(recs)/k; i++ {
				p.Add(&recs[i])
			}
			if merged == nil {
				merged = p
			} else {
				merged.MergeNext(p)
			}
		}
		got, want := Finish(merged, nil, opt).nextSame, Finish(whole, nil, opt).nextSame
		if len(got) == 0 && len(want) == 0 {
			return
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%d records in %d chunks: got %v, want %v", len(recs), k, got, want)
		}
	})
}

// FuzzDurationSum: each worker's sum of request times equals the sum
// math/big makes of the same durations (saturated at the largest int64),
// whichever partial each record went to.
func FuzzDurationSum(f *testing.F) {
	f.Add([]byte("0123456789ab0123456789abzzzzzzzzzzzz"), uint8(2), uint8(0))
	f.Add(make([]byte, 240), uint8(1), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, parts, scale uint8) {
		k := 1 + int(parts)%4
		recs, part := fuzzRecords(data, k)
		want := map[string]*big.Int{}
		for i := range recs {
			// Scale up so that some runs pass what an int64 holds.
			if recs[i].Duration > 0 {
				recs[i].Duration = min(recs[i].Duration<<(scale%8), parse.MaxDuration)
			}
			w := string(recs[i].Worker)
			if want[w] == nil {
				want[w] = new(big.Int)
			}
			if recs[i].Duration > 0 {
				want[w].Add(want[w], big.NewInt(recs[i].Duration))
			}
		}
		ps := make([]*Partial, k)
		for i := range ps {
			ps[i] = NewPartial(nil)
		}
		for i := range recs {
			ps[part[i]].Add(&recs[i])
		}
		merged := NewPartial(nil)
		for _, p := range ps {
			merged.Merge(p)
		}
		maxSum := big.NewInt(math.MaxInt64)
		for key, w := range merged.workers {
			sum := want[key.Key]
			if sum == nil {
				t.Fatalf("worker %q: not among the records", key.Key)
			}
			if sum.Cmp(maxSum) > 0 {
				sum = maxSum
			}
			if got := big.NewInt(w.durSum); got.Cmp(sum) != 0 {
				t.Errorf("worker %s: got %v µs, want %v", key.Key, got, sum)
			}
			delete(want, key.Key)
		}
		if len(want) > 0 {
			t.Errorf("workers %v: missing from the partial", want)
		}
	})
}
