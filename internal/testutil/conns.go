package testutil

import (
	"sort"
)

// ConnRequest is one request with its connection's identity, as a test
// reads it from a log itself.
type ConnRequest struct {
	ID     string  // the connection id: nginx's $connection, or "ip:port"
	Worker string  // the worker that served it
	End    float64 // end of the request, unix seconds
}

// ConnCount is what a test counts of connections, without skewer.
type ConnCount struct {
	Seen, Reused, Moved int
	Requests            int
	Median              float64 // requests per connection
	ByWorker            map[string]int
}

// CountConnections groups requests by connection id, splits an id into
// two connections where two of its requests, in time order, are more than
// gap seconds apart, and counts the connections, those that carried more
// than one request, and those served by more than one worker.
func CountConnections(reqs []ConnRequest, gap float64) ConnCount {
	byID := map[string][]ConnRequest{}
	for _, r := range reqs {
		byID[r.ID] = append(byID[r.ID], r)
	}
	c := ConnCount{ByWorker: map[string]int{}}
	var sizes []float64
	count := func(conn []ConnRequest) {
		workers := map[string]bool{}
		for _, r := range conn {
			workers[r.Worker] = true
		}
		c.Seen++
		c.Requests += len(conn)
		sizes = append(sizes, float64(len(conn)))
		if len(conn) > 1 {
			c.Reused++
		}
		if len(workers) > 1 {
			c.Moved++
		}
		for w := range workers {
			c.ByWorker[w]++
		}
	}
	for _, rs := range byID {
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].End < rs[j].End })
		start := 0
		for i := 1; i <= len(rs); i++ {
			if i == len(rs) || rs[i].End-rs[i-1].End > gap {
				count(rs[start:i])
				start = i
			}
		}
	}
	c.Median = Median(sizes)
	return c
}
