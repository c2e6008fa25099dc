package procfs

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// Recording says which processes Record lists, how often and until when.
type Recording struct {
	FS FS
	// Select chooses the processes of each snapshot; with Select.Master,
	// recording stops when that process exits.
	Select Selector
	// Interval is the time between snapshots. Count stops after that many
	// snapshots, Duration once it has passed; 0 is no limit.
	Interval time.Duration
	Count    int
	Duration time.Duration
	// Now is the clock that stamps each snapshot.
	Now func() time.Time
	// Start is called once, with the first full listing and how many
	// processes could not be read, before the first snapshot is written;
	// an error stops the recording.
	Start func(procs []Proc, denied int) error
	// Write is given each snapshot: its time and the processes selected.
	Write func(at time.Time, procs []Proc) error
}

// Record lists the processes at once and then once per interval until the
// count or duration is reached, the master exits or ctx is done; ctx is
// checked between snapshots only, so that every snapshot written is whole.
func Record(ctx context.Context, r Recording) error {
	start := time.Now()
	ticker := time.NewTicker(r.Interval)
	defer ticker.Stop()
	var base Proc // the master as first seen
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		at := r.Now()
		procs, denied, err := r.FS.ReadAll()
		if err != nil {
			return err
		}
		if n == 1 {
			if base, err = r.master(procs); err != nil {
				return err
			}
			if err := r.Start(procs, denied); err != nil {
				return err
			}
		} else if r.Select.Master != 0 && !alive(procs, base) {
			return &MasterError{PID: r.Select.Master, Problem: MasterExited}
		}
		if err := r.Write(at, r.Select.Select(procs)); err != nil {
			return err
		}
		if r.Count > 0 && n >= r.Count {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case t := <-ticker.C:
			if r.Duration > 0 && !onTime(t.Sub(start), r.Interval, r.Duration) {
				return nil
			}
		}
	}
}

// onTime reports whether a tick that came age after the start is due within
// d. A ticker keeps its phase, so the tick is due at the multiple of the
// interval nearest to age, whatever the delay in delivering it; a tick
// missed because a snapshot was slow is skipped, so that a duration ends on
// time.
func onTime(age, interval, d time.Duration) bool {
	k := (age + interval/2) / interval
	return k*interval <= d
}

// master finds the master process in the first listing.
func (r Recording) master(procs []Proc) (Proc, error) {
	pid := r.Select.Master
	if pid == 0 {
		return Proc{}, nil
	}
	for _, p := range procs {
		if p.PID == pid {
			if Lineage(procs, r.Select.Self)[pid] {
				return p, &MasterError{PID: pid, Problem: MasterIsSelf}
			}
			return p, nil
		}
	}
	// Not in the listing: say why (gone, or hidden from this user).
	_, err := r.FS.Read(pid)
	if err == nil || Vanished(err) {
		return Proc{}, &MasterError{PID: pid, Problem: MasterMissing}
	}
	return Proc{}, &MasterError{PID: pid, Err: err}
}

// alive reports whether the process first seen as base is still in procs:
// same PID and start time (a reused PID is another process).
func alive(procs []Proc, base Proc) bool {
	for _, p := range procs {
		if p.PID == base.PID {
			return p.StartTicks == base.StartTicks
		}
	}
	return false
}

// MasterProblem is what is wrong with the master process of a recording.
type MasterProblem uint8

// Problems with the master process.
const (
	MasterUnreadable MasterProblem = iota // Err says why
	MasterMissing                         // no such process
	MasterIsSelf                          // the recorder itself or one of its parents
	MasterExited                          // exited, or its PID names another process now
)

// MasterError is a master process that cannot be recorded.
type MasterError struct {
	PID     int
	Problem MasterProblem
	Err     error
}

func (e *MasterError) Error() string {
	switch e.Problem {
	case MasterMissing:
		return fmt.Sprintf("master %d: no such process", e.PID)
	case MasterIsSelf:
		return fmt.Sprintf("master %d: that is the recorder itself or one of its parents, which are never recorded", e.PID)
	case MasterExited:
		return fmt.Sprintf("master %d exited (or its PID now names another process): recording stopped", e.PID)
	}
	return fmt.Sprintf("master %d: %v", e.PID, e.Err)
}

func (e *MasterError) Unwrap() error { return e.Err }

// SampleWriter writes the snapshots of a recording to W in the skewer-sample
// v1 layout (parse reads it back), each with a single Write, so that with a
// file opened for appending every snapshot is written whole or not at all;
// a W that buffers (a Flush method) is flushed after each.
type SampleWriter struct {
	W   io.Writer
	buf []byte
}

// Write writes the snapshot of procs taken at at.
func (s *SampleWriter) Write(at time.Time, procs []Proc) error {
	b := parse.AppendSampleHeader(s.buf[:0], at)
	for _, p := range procs {
		b = parse.AppendSampleRow(b, parse.SampleRow{
			PID: int64(p.PID), PPID: int64(p.PPID), StartTicks: p.StartTicks,
			CPUMillis: p.CPUMillis, RSSKiB: p.RSSKiB, Args: p.Args,
		})
	}
	s.buf = b
	if _, err := s.W.Write(b); err != nil {
		return err
	}
	if f, ok := s.W.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}
