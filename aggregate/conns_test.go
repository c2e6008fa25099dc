package aggregate

import (
	"math/rand"
	"reflect"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// connLine is a whole-second line served by worker on client port port of
// 10.0.0.1, ending endSec seconds after t0.
func connLine(worker string, endSec int64, port string) parse.Record {
	r := line(worker, endSec, 1000, 200)
	r.Conn, r.ConnPort, r.Client = []byte(port), true, []byte("10.0.0.1")
	return r
}

// serialLine is a line on nginx connection conn, its seq-th request.
func serialLine(worker string, endSec int64, conn string, seq int64) parse.Record {
	r := line(worker, endSec, 1000, 200)
	r.Conn, r.ConnRequests = []byte(conn), seq
	return r
}

func TestConnections(t *testing.T) {
	tests := []struct {
		name string
		recs []parse.Record
		want Connections
	}{
		{"one pinned connection", []parse.Record{connLine("1", 0, "5000"), connLine("1", 10, "5000"), connLine("1", 20, "5000")},
			Connections{Source: "client_port", Seen: 1, Reused: 1, Requests: 3, RequestsPerConnectionMedian: 3, RequestsPerConnectionP95: 3, RequestsPerConnectionMax: 3, ByWorker: map[string]int64{"1": 1}, StayedRequestsMedian: 3}},
		{"a port reused after the gap is a new connection", []parse.Record{connLine("1", 0, "5000"), connLine("2", 76, "5000")},
			Connections{Source: "client_port", Seen: 2, Requests: 2, RequestsPerConnectionMedian: 1, RequestsPerConnectionP95: 1, RequestsPerConnectionMax: 1, ByWorker: map[string]int64{"1": 1, "2": 1}}},
		{"within the gap on two workers: moved", []parse.Record{connLine("1", 0, "5000"), connLine("2", 75, "5000")},
			Connections{Source: "client_port", Seen: 1, Reused: 1, Moved: 1, Requests: 2, RequestsPerConnectionMedian: 2, RequestsPerConnectionP95: 2, RequestsPerConnectionMax: 2, ByWorker: map[string]int64{"1": 1, "2": 1},
				// One request each: by chance 1 - (½² + ½²) moves.
				MovedRequestsMedian: 2, MovedByChance: 0.5}},
		{"a late request bridges two connections", []parse.Record{connLine("1", 0, "5000"), connLine("1", 100, "5000"), connLine("1", 50, "5000")},
			Connections{Source: "client_port", Seen: 1, Reused: 1, Requests: 3, RequestsPerConnectionMedian: 3, RequestsPerConnectionP95: 3, RequestsPerConnectionMax: 3, ByWorker: map[string]int64{"1": 1}, StayedRequestsMedian: 3}},
		{"two clients on one port are two connections", []parse.Record{connLine("1", 0, "5000"), func() parse.Record {
			r := connLine("2", 1, "5000")
			r.Client = []byte("10.0.0.2")
			return r
		}()},
			Connections{Source: "client_port", Seen: 2, Requests: 2, RequestsPerConnectionMedian: 1, RequestsPerConnectionP95: 1, RequestsPerConnectionMax: 1, ByWorker: map[string]int64{"1": 1, "2": 1}}},
		{"nginx restarted within the gap", []parse.Record{serialLine("1", 0, "7", 1), serialLine("1", 1, "7", 2), serialLine("1", 2, "7", 1)},
			Connections{Source: "connection", Seen: 1, Reused: 1, Requests: 3, RequestsPerConnectionMedian: 3, RequestsPerConnectionP95: 3, RequestsPerConnectionMax: 3, IDRestarts: 1, ByWorker: map[string]int64{"1": 1}, StayedRequestsMedian: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feed(nil, tt.recs...).connections(false, false)
			got.spans, got.MovedExamples = nil, nil
			tt.want.SplitGapSeconds = 75
			if !reflect.DeepEqual(*got, tt.want) {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// TestConnectionsMergeOrder: the connections of a log do not depend on the
// order of its lines or on how it was cut into partials.
func TestConnectionsMergeOrder(t *testing.T) {
	var recs []parse.Record
	rng := rand.New(rand.NewSource(1))
	for i := range 2000 {
		port := []string{"5000", "5001", "5002", "5003"}[rng.Intn(4)]
		recs = append(recs, connLine([]string{"1", "2", "3"}[rng.Intn(3)], int64(i*rng.Intn(40)/10), port))
	}
	want := feed(nil, recs...).connections(false, false)
	for trial := range 5 {
		rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
		cut := 1 + rng.Intn(len(recs)-1)
		p := feed(nil, recs[:cut]...)
		q := feed(nil, recs[cut:]...)
		if trial%2 == 0 {
			p, q = q, p
		}
		p.Merge(q)
		got := p.connections(false, false)
		got.spans, want.spans = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: got %+v, want %+v", trial, got, want)
		}
	}
}

func TestConnectionsDistinct(t *testing.T) {
	p := feed(nil, connLine("1", 0, "5000"), connLine("1", 30, "5000"), connLine("1", 40, "5001"), connLine("2", 200, "5002"))
	c := p.connections(false, false)
	at := func(s int64) time.Time { return time.UnixMicro(t0 + s*sec) }
	tests := []struct {
		worker   string
		from, to int64
		want     int
	}{
		{"1", 0, 60, 2},
		{"1", 35, 60, 1},
		{"1", 41, 60, 0},
		{"2", 0, 60, 0},
		{"2", 0, 201, 1},
	}
	for _, tt := range tests {
		if got := c.Distinct(WorkerKey{Key: tt.worker}, at(tt.from), at(tt.to)); got != tt.want {
			t.Errorf("Distinct(%s, %d, %d): got %d, want %d", tt.worker, tt.from, tt.to, got, tt.want)
		}
	}
}
