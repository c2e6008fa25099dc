package aggregate

// DominanceOf is ComputeDominance over the report's windows by metric
// (WindowRequests when nil), with the report's exits. With several hosts
// the lead is found per host, over that host's workers alone (the kernel
// balances the workers of a host, never across hosts): each change and
// stretch names its host, and they come grouped by host, in the order of
// the windows' host_skew, each host's in the order ComputeDominance gives.
// A host's window has a CPU skew, for WindowComparableCPU, when the whole
// window has one and the host's busiest worker used 10× its CPU resolution.
func (rep *Report) DominanceOf(metric func(Window) map[string]float64) Dominance {
	exits := rep.Exits()
	if len(rep.Windows) == 0 || len(rep.Windows[0].HostSkew) == 0 {
		return ComputeDominance(rep.Windows, metric, exits)
	}
	res := make(map[string]float64, len(rep.Workers))
	for _, w := range rep.Workers {
		if w.CPUResolutionSeconds != nil {
			res[w.Key] = *w.CPUResolutionSeconds
		}
	}
	var hosts []string
	per := map[string][]Window{}
	for _, w := range rep.Windows {
		for _, hw := range rep.HostWindows(w) {
			if _, ok := per[hw.Host]; !ok {
				hosts = append(hosts, hw.Host)
			}
			if w.CPUSkew != nil {
				hw.Window.CPUSkew = windowCPUSkew(hw.Window, res)
			}
			per[hw.Host] = append(per[hw.Host], hw.Window)
		}
	}
	out := Dominance{Changes: []Takeover{}, Longest: []Stretch{}, Stretches: []Stretch{}}
	for _, h := range hosts {
		d := ComputeDominance(per[h], metric, exits)
		for _, c := range d.Changes {
			c.Host = &h
			out.Changes = append(out.Changes, c)
		}
		for _, s := range d.Longest {
			s.Host = &h
			out.Longest = append(out.Longest, s)
		}
		for _, s := range d.Stretches {
			s.Host = &h
			out.Stretches = append(out.Stretches, s)
		}
	}
	return out
}
