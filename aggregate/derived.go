package aggregate

// Concentration says how few workers did most of the work: the fewest
// workers that together did at least 90% of it, and the share they did.
type Concentration struct {
	// Workers is how many workers, busiest first, it took.
	Workers int
	// Share is the part of the work they did.
	Share float64
	// Total is the work of every worker: requests, or CPU seconds.
	Total float64
}

// concentrationShare is the part of the work Concentration counts workers
// for.
const concentrationShare = 0.9

// concentration over values sorted from the largest down.
func concentration(desc []float64) Concentration {
	var c Concentration
	for _, x := range desc {
		c.Total += x
	}
	if c.Total == 0 {
		return c
	}
	var cum float64
	for _, x := range desc {
		c.Workers++
		cum += x
		if cum >= concentrationShare*c.Total {
			break
		}
	}
	c.Share = cum / c.Total
	return c
}

// Fold splits the rows for a view of the top workers: the first top rows
// and, when more than one row is left, an "others" row that sums the rest
// (requests, shares, request and CPU seconds, statuses; first and last seen
// over them); folded is how many rows it sums. top <= 0 keeps every row.
func (r *Report) Fold(top int) (shown []Worker, others *Worker, folded int) {
	if top <= 0 || len(r.Workers) <= top+1 {
		return r.Workers, nil, 0
	}
	shown = r.Workers[:top]
	o := Worker{Key: "others"}
	var secs, cpu, cpuShare float64
	hasSecs, hasCPU := false, false
	for _, w := range r.Workers[top:] {
		if w.CPUSeconds != nil {
			cpu += *w.CPUSeconds
			hasCPU = true
		}
		if w.CPUShare != nil {
			cpuShare += *w.CPUShare
		}
		o.Requests += w.Requests
		o.Share += w.Share
		if w.RequestSeconds != nil {
			secs += *w.RequestSeconds
			hasSecs = true
		}
		o.Status.Add(w.Status)
		o.FirstSeen = earliest(o.FirstSeen, w.FirstSeen)
		o.LastSeen = latest(o.LastSeen, w.LastSeen)
	}
	if hasSecs {
		o.RequestSeconds = &secs
	}
	if hasCPU {
		o.CPUSeconds, o.CPUShare = &cpu, &cpuShare
	}
	return shown, &o, len(r.Workers) - top
}

// earliest is the earlier known stamp of a and b.
func earliest(a, b Stamp) Stamp {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// latest is the later known stamp of a and b.
func latest(a, b Stamp) Stamp {
	if a.IsZero() || !b.IsZero() && b.After(a) {
		return b
	}
	return a
}

// RequestTotal is the window's requests over every worker.
func (w Window) RequestTotal() int64 {
	var n int64
	if c := w.cells; c != nil {
		for _, s := range c.served {
			n += s.requests
		}
		return n
	}
	for _, r := range w.Requests {
		n += r
	}
	return n
}
