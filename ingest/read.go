package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// Run is what reading the inputs of a run gave: one merged partial, the
// inputs as the report lists them, the process lifecycles and warnings.
type Run struct {
	Partial  *aggregate.Partial
	Inputs   []aggregate.Input
	Family   parse.Family
	Procs    *aggregate.Procs
	Warnings []string
	// WorkerClass is the class a gunicorn error log names ("Using worker:
	// NAME"), "" when none does.
	WorkerClass string
	// StatusBytes says an access log read printed statuses as b'200 OK'
	// (gunicorn ≤ 22 with gevent_pywsgi).
	StatusBytes bool

	opt      Options
	skips    []Skip // why each input was skipped, if it was
	reported bool   // Report was called: the partial is released
}

// candidate is an input to read: an access log, snapshots or an error log.
type candidate struct {
	src    parse.Source
	kind   parse.Kind
	format *parse.Format
	index  int    // position in Run.Inputs
	host   string // from the per-host folder
	// statusBytes says detection saw statuses printed as b'200 OK'.
	statusBytes bool
	br          io.Reader
	closer      io.Closer
	lent        *bufio.Reader // from readBuffers, while the file is read
	count       *atomic.Int64 // where the bytes read are counted, or nil
}

// Read reads every input of a run into one merged partial. paths are
// files, directories (walked) or "-" for stdin; none reads stdin.
func Read(ctx context.Context, paths []string, stdin io.Reader, opt Options) (*Run, error) {
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	if opt.Explain == nil {
		opt.Explain = Skip.String
	}
	sources, dups, err := parse.Expand(append(slices.Clip(paths), opt.PS...))
	if err != nil {
		return nil, err
	}
	run := &Run{Warnings: dups, opt: opt}
	var cands, aux []*candidate
	defer func() {
		for _, c := range append(cands, aux...) {
			c.close()
		}
	}()
	for _, src := range sources {
		if slices.Contains(opt.Leave, src.Path) {
			continue
		}
		c, in, skip, err := classify(src, stdin, &opt, slices.Contains(opt.PS, src.Path))
		if err != nil {
			return nil, err
		}
		run.Inputs = append(run.Inputs, in)
		run.skips = append(run.skips, Skip{})
		if skip != nil {
			run.skip(len(run.Inputs)-1, *skip)
		}
		if c == nil {
			continue
		}
		c.index = len(run.Inputs) - 1
		if c.kind == parse.KindAccess {
			cands = append(cands, c)
		} else {
			aux = append(aux, c)
		}
	}
	cands, err = run.oneFamily(cands)
	if err != nil {
		return nil, err
	}
	for _, c := range cands {
		run.StatusBytes = run.StatusBytes || c.statusBytes
	}
	if len(cands) == 0 && len(aux) == 0 {
		e := &NoAccessError{}
		for i, s := range run.skips {
			if s.Code != aggregate.SkipNone {
				e.Skipped = append(e.Skipped, Skipped{Path: run.Inputs[i].Path, Skip: s})
			}
		}
		return nil, e
	}
	if err := run.resolveBounds(cands); err != nil {
		return nil, err
	}
	run.Partial = run.newPartial()
	if len(cands) > 0 {
		if err := run.readAccess(ctx, cands); err != nil {
			return nil, err
		}
	}
	if run.Family == "" {
		run.Family = opt.Family
	}
	if err := run.readProcs(aux); err != nil {
		return nil, err
	}
	return run, nil
}

// Report finishes the run into its report; workers is the configured
// number of worker slots (0: unknown). A window size that would make too
// many windows is an *aggregate.TooManyWindowsError. The partial's
// per-worker state is released once the report is made, so a run has one
// report.
func (run *Run) Report(workers int) (*aggregate.Report, error) {
	if run.reported {
		return nil, errors.New("ingest: the run's report was already made")
	}
	if err := run.Partial.CheckWindows(); err != nil {
		return nil, err
	}
	rep := aggregate.Finish(run.Partial, run.Inputs, aggregate.Options{
		Workers: workers, Family: string(run.Family), Procs: run.Procs,
		KeyName: run.opt.By, Hosts: run.opt.HostField != "" || run.opt.HostFromDir,
		Release: true,
	})
	run.reported = true
	rep.Warnings = append(rep.Warnings, run.Warnings...)
	return rep, nil
}

// newPartial makes a partial with the run's filters and windows.
func (run *Run) newPartial() *aggregate.Partial {
	p := aggregate.NewPartial(run.opt.Excludes)
	p.SetMaxKeys(run.opt.MaxKeys)
	if run.opt.Windows {
		p.SetWindows(run.opt.Width)
	}
	p.SetRange(run.opt.Since.micros(), run.opt.Until.micros())
	return p
}

// readAccess reads the access logs into the run's partial.
func (run *Run) readAccess(ctx context.Context, cands []*candidate) error {
	opt := run.opt
	opt.Progress.setTotal(cands)
	all, parts, damaged, err := readAll(ctx, cands, run.newPartial, opt.Rejected, opt.shownLimit())
	if err != nil {
		return err
	}
	run.Warnings = append(run.Warnings, damaged...)
	// With hosts inside the lines, two files may hold two hosts' traffic.
	if opt.HostField == "" {
		if err := sameTraffic(cands, parts); err != nil {
			return err
		}
	}
	for i, c := range cands {
		p := parts[i]
		in := &run.Inputs[c.index]
		in.Parsed = p.Parsed
		in.Rejected = p.Rejected
		in.Lines = p.Parsed + p.Excluded + p.OutOfRange + p.Rejected
		if p.Parsed+p.Excluded == 0 && p.Rejected > 0 && !c.src.Walked {
			return &NothingParsedError{Path: c.src.Path, Lines: p.Rejected, Format: c.format.Name, Reason: topReason(p)}
		}
		run.Family = c.format.Family
	}
	run.Partial.Merge(all)
	all = run.Partial
	total := all.Parsed + all.Excluded + all.Rejected
	if all.Parsed+all.Excluded == 0 && all.OutOfRange > 0 {
		return run.outOfRange(all, total)
	}
	if all.Parsed+all.Excluded == 0 {
		return &NothingParsedError{Lines: total, Reason: topReason(all)}
	}
	if rej := all.Rejected; rej > 0 {
		if opt.Strict {
			return &RejectError{Rejected: rej, Total: total, Strict: true}
		}
		if ratio := float64(rej) / float64(total); opt.MaxRejectRatio >= 0 && ratio > opt.MaxRejectRatio {
			return &RejectError{Rejected: rej, Total: total, Ratio: ratio, Limit: opt.MaxRejectRatio}
		}
	}
	return nil
}

// oneFamily keeps the candidates of one server family: the one asked for,
// or the only one present.
func (run *Run) oneFamily(cands []*candidate) ([]*candidate, error) {
	want := run.opt.Family
	byFamily := map[parse.Family][]string{}
	var keep []*candidate
	for _, c := range cands {
		if want != "" && c.format.Family != want {
			s := Skip{Code: aggregate.SkipOtherFamily, Family: c.format.Family, Want: want, Kind: parse.KindAccess}
			run.skip(c.index, s)
			c.close()
			continue
		}
		byFamily[c.format.Family] = append(byFamily[c.format.Family], c.src.Path)
		keep = append(keep, c)
	}
	if len(byFamily) > 1 {
		e := &FamiliesError{}
		for f := range byFamily {
			e.Families = append(e.Families, f)
		}
		sort.Slice(e.Families, func(i, j int) bool { return e.Families[i] < e.Families[j] })
		for _, f := range e.Families {
			e.Paths = append(e.Paths, byFamily[f])
		}
		return nil, e
	}
	return keep, nil
}

// skip marks input i skipped.
func (run *Run) skip(i int, s Skip) {
	why := run.opt.Explain(s)
	run.Inputs[i].Ignored = &why
	run.Inputs[i].Skip = s.Code
	run.skips[i] = s
}

// sameTraffic refuses two logs of one family that cover the same time: the
// same requests logged twice (text and JSON, a copy, two formats) would
// count twice. Rotated files meet at a second or so of out-of-order lines;
// two copies of one log share their first and last time and line count.
func sameTraffic(cands []*candidate, parts []*aggregate.Partial) error {
	const second = int64(time.Second / time.Microsecond)
	for i := range cands {
		for j := i + 1; j < len(cands); j++ {
			a, b := parts[i], parts[j]
			if !a.Timed || !b.Timed || cands[i].host != cands[j].host {
				continue // other hosts serve their own traffic at the same time
			}
			lo, hi := max(a.First, b.First), min(a.Last, b.Last)
			overlap := hi - lo
			shorter := min(a.Last-a.First, b.Last-b.First)
			copies := a.First == b.First && a.Last == b.Last && a.Parsed+a.Excluded == b.Parsed+b.Excluded
			if copies || overlap > second && (overlap > 60*second || 2*overlap > shorter) {
				return &SameTrafficError{Paths: [2]string{cands[i].src.Path, cands[j].src.Path},
					Richer: richer(cands[i].format, cands[j].format),
					From:   time.UnixMicro(lo).UTC(), To: time.UnixMicro(hi).UTC()}
			}
		}
	}
	return nil
}

func topReason(p *aggregate.Partial) string {
	best, n := parse.ReasonNone, int64(0)
	for r, c := range p.RejectedBy {
		if c > n || c == n && r < best {
			best, n = r, c
		}
	}
	if n == 0 {
		return "the input is empty"
	}
	return fmt.Sprintf("most common reason: %s", best)
}

// SameTrafficError is two logs of one family that cover the same time: the
// same requests logged twice would count twice.
type SameTrafficError struct {
	Paths    [2]string
	Richer   int // index in Paths of the log with more to say
	From, To time.Time
}

func (e *SameTrafficError) Error() string {
	return fmt.Sprintf("%s and %s cover the same time (%s to %s): the same traffic logged twice would be counted twice; pass one of them",
		e.Paths[0], e.Paths[1], e.From.Format(time.RFC3339), e.To.Format(time.RFC3339))
}

// richer is 0 or 1: the format that identifies connections, else the one
// with more fields, else the first. JSON logs name every field, so a JSON
// log with a connection key wins over its text twin.
func richer(a, b *parse.Format) int {
	conn := func(f *parse.Format) bool {
		for _, n := range f.FieldNames() {
			if n == "connection" || n == "remote_port" {
				return true
			}
		}
		return f.Name == "json"
	}
	switch {
	case conn(a) != conn(b):
		if conn(b) {
			return 1
		}
		return 0
	case len(b.FieldNames()) > len(a.FieldNames()):
		return 1
	}
	return 0
}

// outOfRange says where the lines of a run with none between the bounds
// fell.
func (run *Run) outOfRange(all *aggregate.Partial, total int64) error {
	e := &OutOfRangeError{Lines: all.OutOfRange + total, Early: all.Early, Late: all.OutOfRange - all.Early,
		Since: run.opt.Since.Time, Until: run.opt.Until.Time}
	if e.Early > 0 {
		e.LastEarly = time.UnixMicro(all.LastEarly).UTC()
	}
	if e.Late > 0 {
		e.FirstLate = time.UnixMicro(all.FirstLate).UTC()
	}
	return e
}
