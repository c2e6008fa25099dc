package aggregate

// setWindowCPUSkews gives each window its CPU skew: over the same live
// workers as its Skew (those whose CPU time is known) and its idle slots.
// A window's CPU skew is null when the report's is (CPU under 10× the
// source's resolution over the run), and when the busiest worker of the
// window used under 10× the resolution of its CPU time in it: with ps TIME
// a window holds a whole second or none, and 1 s against 0 s is no skew.
func (rep *Report) setWindowCPUSkews() {
	if rep.CPUSkew == nil {
		return
	}
	res := make(map[string]float64, len(rep.Workers))
	for _, w := range rep.Workers {
		if w.CPUResolutionSeconds != nil {
			res[w.Key] = *w.CPUResolutionSeconds
		}
	}
	for i := range rep.Windows {
		rep.Windows[i].CPUSkew = windowCPUSkew(rep.Windows[i], res)
	}
}

// windowCPUSkew is the skew of w's CPU seconds, or nil when the busiest
// worker's CPU is under 10× its resolution (res, by key; 1 s when unknown).
func windowCPUSkew(w Window, res map[string]float64) *Skew {
	_, _, cpu := w.Counts()
	if len(cpu) == 0 {
		return nil
	}
	xs := make([]float64, 0, len(cpu)+w.IdleSlots)
	busiest, busiestKey := -1.0, ""
	for k, c := range cpu {
		xs = append(xs, c)
		if c > busiest || c == busiest && keyLess(k, busiestKey) {
			busiest, busiestKey = c, k
		}
	}
	r, ok := res[busiestKey]
	if !ok || r <= 0 {
		r = 1
	}
	if !(busiest >= resolutionFactor*r) {
		return nil
	}
	for range w.IdleSlots {
		xs = append(xs, 0)
	}
	s := ComputeSkew(xs)
	return &s
}

// WindowComparableCPU is the CPU metric of ComputeDominance that takes a
// window's CPU seconds only when they can be compared (the window has a
// CPU skew): other windows count as windows without traffic, so that CPU
// within the resolution neither leads nor breaks a lead.
func WindowComparableCPU(w Window) map[string]float64 {
	if w.CPUSkew == nil {
		return nil
	}
	_, _, cpu := w.Counts()
	return cpu
}
