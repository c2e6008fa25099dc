package aggregate

// peakWindowBusy is the most request seconds worker pw served in one
// window of the automatic (or --window) width, over that width: 1 for a
// sync worker busy for a whole window. Requests count in the window they
// ended in, so one long request can take a window past 1. False when the
// worker served no timed request or the run has no windows.
func (ps *Populations) peakWindowBusy(pw *popWorker) (float64, bool) {
	if pw.cells.len() == 0 || ps.width <= 0 || ps.auto <= 0 || ps.auto%ps.width != 0 {
		return 0, false
	}
	var most int64
	eachRebinned(pw.cells, ps.width, ps.auto, func(_ int64, c winCell) {
		most = max(most, c.durSum)
	})
	return float64(most) / float64(ps.auto), true
}

// aliveConcurrency is a worker's mean concurrency over its alive interval:
// request seconds ÷ seconds alive. Whole-second stamps are truncated, so
// the interval's last second is counted whole.
func aliveConcurrency(durSum int64, a Alive, subSecond bool) (float64, bool) {
	d := a.To - a.From
	if !subSecond {
		d += 1e6
	}
	if d <= 0 {
		return 0, false
	}
	return float64(durSum) / float64(d), true
}
