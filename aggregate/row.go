package aggregate

import (
	"math"
	"strconv"

	"github.com/DataDog/sketches-go/ddsketch"
)

// worker is what snapshots and the error log know of worker k. They are of
// one host and keyed without one.
func (pr *Procs) worker(k WorkerKey) *ProcWorker {
	if pr == nil || k.Host != "" {
		return nil
	}
	return pr.Workers[k.Key]
}

// fill copies what the snapshots and error log know into a row.
func (pw *ProcWorker) fill(r *Worker, requests int64) {
	pid := pw.PID
	r.PID = &pid
	if pw.CPUMillis >= 0 {
		c := float64(pw.CPUMillis) / 1e3
		r.CPUSeconds = &c
		res := float64(max(pw.CPUStepMillis, 1)) / 1e3
		r.CPUResolutionSeconds = &res
		pw.fillRate(r)
		if requests > 0 {
			per := c / float64(requests)
			r.CPUSecondsPerRequest = &per
		}
	}
	if pw.RSSPeakKiB >= 0 {
		b := pw.RSSPeakKiB * 1024
		r.RSSPeakBytes = &b
	}
	if pw.RSSLastKiB >= 0 {
		b := pw.RSSLastKiB * 1024
		r.RSSLastBytes = &b
	}
	r.StartText, r.PPID = pw.StartText, pw.PPID
	if pw.Born > 0 {
		r.Born = StampMicros(pw.Born, false)
		if pw.BornPrecision > 0 {
			p := float64(pw.BornPrecision) / 1e6
			r.BornPrecisionSeconds = &p
		}
	}
	if pw.Exited > 0 {
		r.Exited = StampMicros(pw.Exited, false)
	}
	if pw.ExitReason != "" {
		reason := pw.ExitReason
		r.ExitReason = &reason
	}
	if r.FirstSeen.IsZero() && pw.First > 0 {
		r.FirstSeen = StampMicros(pw.First, false)
		r.LastSeen = StampMicros(pw.Last, false)
	}
}

// row is the worker's row; scratch is a sketch the rows share (see
// quantiles).
func (w *workerAcc) row(key WorkerKey, total int64, durations, subSecond bool, scratch **ddsketch.DDSketch) Worker {
	r := Worker{ID: key, Key: key.String(), Requests: w.requests}
	if pid, err := strconv.ParseInt(key.Key, 10, 64); err == nil && key.Host == "" {
		r.PID = &pid
	}
	if total > 0 {
		r.Share = float64(w.requests) / float64(total)
	}
	r.Status = StatusCounts{Class2xx: w.status[0], Class3xx: w.status[1], Class4xx: w.status[2], Class5xx: w.status[3], Other: w.status[4]}
	if w.timed {
		r.FirstSeen = StampMicros(w.first, subSecond)
		r.LastSeen = StampMicros(w.last, subSecond)
	}
	if durations && w.durN > 0 {
		secs := float64(w.durSum) / 1e6
		r.RequestSeconds = &secs
		// Untimed lines (a format without a time) say nothing of how long
		// the worker was alive.
		if alive := w.aliveMicros(subSecond); w.timed && alive > 0 {
			mc := float64(w.durSum) / float64(alive)
			r.MeanConcurrency = &mc
		}
		r.P50Seconds, r.P95Seconds, r.P99Seconds = w.quantiles(scratch)
		if subSecond {
			pk := w.peak.peak
			r.PeakConcurrency = &pk
		}
	}
	return r
}

// aliveMicros is how long the worker was seen alive: from the start of its
// first request to the end of its last. Whole-second end stamps are
// truncated, so a second is added to cover the last one.
func (w *workerAcc) aliveMicros(subSecond bool) int64 {
	d := w.last - w.aliveStart
	if !subSecond {
		d += 1e6
	}
	return d
}

// fillRate copies the CPU rate and its bounds into a row.
func (pw *ProcWorker) fillRate(r *Worker) {
	rt := pw.Rate
	if rt == nil {
		return
	}
	rate, lo := rt.Rate, rt.Low
	r.CPURate, r.CPURateLow, r.Rate = &rate, &lo, rt
	if !math.IsInf(rt.High, 1) {
		hi := rt.High
		r.CPURateHigh = &hi
	}
	from := "start"
	switch {
	case rt.FromC:
		from = "ps_percent"
	case rt.AgeLow == rt.AgeHigh:
		from = "snapshots"
	}
	r.CPURateFrom = &from
}
