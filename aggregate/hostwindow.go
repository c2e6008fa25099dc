package aggregate

// HostWindow is one host's part of a window of a report with several
// hosts: the window as that host's kernel balanced it.
type HostWindow struct {
	Host string
	// Window has the host's workers only (requests, request and CPU
	// seconds), the host's idle slots and the host's skew; no HostSkew.
	Window Window
}

// HostWindows splits w into one window per host, in the order of
// w.HostSkew; nil when w has no HostSkew (one host). A worker's host is its
// row's host, so a report read back from JSON splits the same way.
func (rep *Report) HostWindows(w Window) []HostWindow {
	if len(w.HostSkew) == 0 {
		return nil
	}
	if out := cellHostWindows(w); out != nil {
		return out
	}
	hostOf := make(map[string]string, len(rep.Workers))
	for _, r := range rep.Workers {
		if r.Host != nil {
			hostOf[r.Key] = *r.Host
		}
	}
	out := make([]HostWindow, len(w.HostSkew))
	at := make(map[string]int, len(w.HostSkew))
	for i, hs := range w.HostSkew {
		at[hs.Host] = i
		out[i] = HostWindow{Host: hs.Host, Window: Window{
			Start: w.Start, End: w.End,
			Requests: map[string]int64{}, RequestSeconds: map[string]float64{}, CPUSeconds: map[string]float64{},
			Skew: hs.Skew, IdleSlots: hs.IdleSlots,
		}}
	}
	part := func(key string) *Window {
		h, ok := hostOf[key]
		if !ok {
			return nil
		}
		i, ok := at[h]
		if !ok {
			return nil
		}
		return &out[i].Window
	}
	req, secs, cpu := w.Counts()
	for k, n := range req {
		if hw := part(k); hw != nil {
			hw.Requests[k] = n
		}
	}
	for k, s := range secs {
		if hw := part(k); hw != nil {
			hw.RequestSeconds[k] = s
		}
	}
	for k, s := range cpu {
		if hw := part(k); hw != nil {
			hw.CPUSeconds[k] = s
		}
	}
	return out
}

// cellHostWindows splits a window of Finish by the hosts of its table,
// keeping each host's served cells; nil for a window without cells, or
// with a worker without a host (its row names none, so HostWindows leaves
// it out).
func cellHostWindows(w Window) []HostWindow {
	c := w.cells
	if c == nil || c.host >= 0 {
		return nil
	}
	at := make(map[string]int, len(c.t.hosts))
	for h, th := range c.t.hosts {
		at[th.name] = h
	}
	out := make([]HostWindow, len(w.HostSkew))
	for i, hs := range w.HostSkew {
		h, ok := at[hs.Host]
		if !ok || hs.Host == "" {
			return nil
		}
		part := &windowCells{t: c.t, index: c.index, start: c.start, end: c.end, host: h}
		lo, hi := c.t.span(h)
		for _, s := range c.served {
			if s.worker >= lo && s.worker < hi {
				part.served = append(part.served, s)
			}
		}
		out[i] = HostWindow{Host: hs.Host, Window: Window{Start: w.Start, End: w.End, Skew: hs.Skew, IdleSlots: hs.IdleSlots, cells: part}}
	}
	return out
}
