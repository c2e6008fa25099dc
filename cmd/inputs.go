package cmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
)

// inputFlags are the input options shared by every command that reads logs.
type inputFlags struct {
	LogFormat      string
	Format         string
	Family         string
	Excludes       []string
	Strict         bool
	MaxRejectRatio float64
	NginxConf      string
	LogFormatName  string
	Fields         []string
	By             string
	HostField      string
	HostFromDir    bool
	procFlags
	windowFlags
}

// loaded is what reading the inputs of a run gave.
type loaded struct {
	partial  *aggregate.Partial
	inputs   []aggregate.Input
	family   string
	warnings []string
	procs    *aggregate.Procs
}

// maxShownRejections is how many rejected lines are named on stderr.
const maxShownRejections = 5

// noWorkerHelp tells how to add a worker PID to each server's log.
const noWorkerHelp = `add the worker PID to the log: gunicorn --access-logformat '... %(p)s' (prints <pid>), ` +
	`nginx log_format '... $pid' (nginx's own worker) or '... $upstream_http_x_worker_pid' ` +
	`(an X-Worker-PID header set by the app behind nginx)`

// candidate is an input file to read: an access log, snapshots or an error
// log (kind).
type candidate struct {
	src    parse.Source
	kind   parse.Kind
	format *parse.Format
	index  int    // position in inputs
	host   string // --host-from-dir
	br     io.Reader
	closer io.Closer
}

// load reads every input of a run into one merged partial.
func load(ctx context.Context, s IO, paths []string, fl inputFlags) (*loaded, error) {
	fc, err := fl.formats()
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		if s.InTerminal {
			return nil, errors.New("no input: give access log files or directories, or pipe a log into skewer (see 'skewer report --help')")
		}
		paths = []string{"-"}
	}
	sources, dups, err := parse.Expand(append(paths, fl.PS...))
	if err != nil {
		return nil, err
	}
	ld := &loaded{warnings: dups, partial: fl.newPartial()}
	var cands, aux []*candidate
	defer func() {
		for _, c := range append(cands, aux...) {
			if c.closer != nil {
				c.closer.Close()
			}
		}
	}()
	for _, src := range sources {
		c, in, err := classify(src, s.In, fc, fl, isPSFile(src, fl.PS))
		if err != nil {
			return nil, err
		}
		ld.inputs = append(ld.inputs, in)
		if c == nil {
			continue
		}
		c.index = len(ld.inputs) - 1
		if c.kind == parse.KindAccess {
			cands = append(cands, c)
		} else {
			aux = append(aux, c)
		}
	}
	cands, err = oneFamily(cands, ld, fl.Family)
	if err != nil {
		return nil, err
	}
	if len(cands) == 0 && len(aux) == 0 {
		return nil, fmt.Errorf("no access lines: none of the inputs is an access log with a worker field (%s)", describeIgnored(ld.inputs))
	}
	if err := fl.resolveBounds(cands); err != nil {
		return nil, err
	}
	ld.partial = fl.newPartial()
	if len(cands) > 0 {
		if err := readAccess(ctx, s, ld, cands, fl); err != nil {
			return nil, err
		}
	}
	if ld.family == "" {
		ld.family = fl.Family
	}
	if err := readProcs(s, ld, aux, fl); err != nil {
		return nil, err
	}
	return ld, nil
}

// readAccess reads the access logs into the run's partial.
func readAccess(ctx context.Context, s IO, ld *loaded, cands []*candidate, fl inputFlags) error {
	parts, rejections, err := readAll(ctx, cands, fl.newPartial)
	if err != nil {
		return err
	}
	for _, r := range rejections {
		fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(r))
	}
	// With hosts inside the lines, two files may hold two hosts' traffic.
	if fl.HostField == "" {
		if err := sameTraffic(cands, parts); err != nil {
			return err
		}
	}
	for i, c := range cands {
		p := parts[i]
		in := &ld.inputs[c.index]
		in.Parsed = p.Parsed
		in.Rejected = p.Rejected
		in.Lines = p.Parsed + p.Excluded + p.OutOfRange + p.Rejected
		if p.Parsed+p.Excluded == 0 && p.Rejected > 0 && !c.src.Walked {
			return fmt.Errorf("%s: none of its %d lines was read as a %s access log (%s)%s", c.src.Path, p.Rejected, c.format.Name, topReason(p), formatHint(fl))
		}
		ld.partial.Merge(p)
		ld.family = c.format.Family
	}
	total := ld.partial.Parsed + ld.partial.Excluded + ld.partial.Rejected
	if ld.partial.Parsed+ld.partial.Excluded == 0 && ld.partial.OutOfRange > 0 {
		return fmt.Errorf("none of the %d lines read falls between --since and --until", ld.partial.OutOfRange+total)
	}
	if ld.partial.Parsed+ld.partial.Excluded == 0 {
		return fmt.Errorf("no access lines: %d lines read, none parsed (%s)%s", total, topReason(ld.partial), formatHint(fl))
	}
	if rej := ld.partial.Rejected; rej > 0 {
		if fl.Strict {
			return fmt.Errorf("%d of %d lines rejected (--strict); the first are listed above", rej, total)
		}
		if ratio := float64(rej) / float64(total); fl.MaxRejectRatio >= 0 && ratio > fl.MaxRejectRatio {
			return fmt.Errorf("%d of %d lines rejected (%.4f > --max-reject-ratio %g)", rej, total, ratio, fl.MaxRejectRatio)
		}
	}
	return nil
}

func formatHint(fl inputFlags) string {
	if fl.LogFormat != "" {
		return "; check --log-format against a line of the log, or leave it out to detect the format"
	}
	return ""
}

// classify opens and detects one source. It returns a candidate for access
// logs with a worker field, and the input's description either way.
func classify(src parse.Source, stdin io.Reader, fc *formatChoice, fl inputFlags, forcePS bool) (*candidate, aggregate.Input, error) {
	want := fl.Format
	in := aggregate.Input{Path: src.Path, Kind: string(parse.KindUnknown)}
	rc, err := parse.Open(src, stdin)
	if err != nil {
		return nil, in, err
	}
	br := parse.NewBufferedReader(rc)
	sample, perr := br.Peek(64 << 10)
	if perr != nil && perr != io.EOF && !errors.Is(perr, io.ErrUnexpectedEOF) && len(sample) == 0 {
		rc.Close()
		return nil, in, fmt.Errorf("%s: %w", src.Path, perr)
	}
	d := parse.Detect(sample, perr != nil)
	if forcePS {
		d.Kind = parse.KindSnapshots
	}
	in.Kind = string(d.Kind)
	ignore := func(why string) (*candidate, aggregate.Input, error) {
		rc.Close()
		if !src.Walked && src.Path != "-" {
			return nil, in, fmt.Errorf("%s: %s", src.Path, why)
		}
		if src.Path == "-" {
			return nil, in, fmt.Errorf("standard input: %s", why)
		}
		in.Ignored = &why
		return nil, in, nil
	}
	f := d.Format
	fixed, note := fc.fixed, ""
	if fc.conf != nil && fixed == nil && (d.Kind == parse.KindAccess || d.Kind == parse.KindUnknown) {
		g, why, err := fc.conf.FormatFor(src.Path)
		if err != nil {
			return ignore(err.Error())
		}
		fixed, note = g, why
	}
	switch {
	case d.Kind == parse.KindSnapshots || d.Kind == parse.KindErrorLog && d.Server == "gunicorn":
		if d.Kind == parse.KindErrorLog && fl.Family != "" && fl.Family != "gunicorn" {
			return ignore(fmt.Sprintf("gunicorn error log, not --family %s", fl.Family))
		}
		return &candidate{src: src, kind: d.Kind, br: br, closer: rc}, in, nil
	case fixed != nil && (d.Kind == parse.KindAccess || d.Kind == parse.KindUnknown):
		if matched, lines := fixed.Matches(sample, perr != nil); matched == 0 && lines > 0 {
			return ignore(fmt.Sprintf("none of its first %d lines matches --log-format", lines))
		}
		f = fixed
		in.Kind = string(parse.KindAccess)
	case d.Kind == parse.KindEmpty:
		why := "empty file"
		in.Ignored = &why
		rc.Close()
		return nil, in, nil
	case d.Kind == parse.KindUnknown:
		return ignore("no line looks like a known access log (gunicorn, nginx, uWSGI, JSON); pass --log-format with the server's format string (Apache LogFormat and php-fpm access.format too; see skewer formats)")
	case d.Kind != parse.KindAccess:
		return ignore("not an access log: " + d.Why)
	case d.Suggest != "":
		return ignore(fmt.Sprintf("cannot tell which field is the worker PID; if it is the first bare number after the user agent, pass --log-format '%s', or the server's own format string (Apache: LogFormat with %%P, php-fpm: access.format with %%p)", d.Suggest))
	case !f.HasWorker():
		return ignore("access log without a worker field: " + noWorkerHelp)
	}
	if fixed == nil && slices.Contains(familyNames, want) && f.Family != want {
		return ignore(fmt.Sprintf("detected %s format, not --format %s", familyName(f.Family), want))
	}
	if fl.By != "" {
		g, err := f.KeyBy(fl.By)
		if err != nil {
			rc.Close()
			return nil, in, fmt.Errorf("%s: --by: %w", src.Path, err)
		}
		f = g
	}
	if fl.HostField != "" {
		g, err := f.HostBy(fl.HostField)
		if err != nil {
			rc.Close()
			return nil, in, fmt.Errorf("%s: --host-field: %w", src.Path, err)
		}
		f = g
	}
	if f.Zoneless() {
		f = f.In(fl.loc) // uWSGI's date and zone-less strftime times: --tz
	}
	host := ""
	if fl.HostFromDir {
		host = parse.HostFromDir(src)
	}
	in.Format = f.Name
	in.Note = f.Note
	if note != "" {
		in.Note = note
	}
	return &candidate{src: src, kind: parse.KindAccess, format: f, host: host, br: br, closer: rc}, in, nil
}

func familyName(f string) string {
	if f == "" {
		return "an unknown server's"
	}
	return f
}

// oneFamily keeps the candidates of one server family: --family, or the only
// one present.
func oneFamily(cands []*candidate, ld *loaded, family string) ([]*candidate, error) {
	byFamily := map[string][]string{}
	var keep []*candidate
	for _, c := range cands {
		if family != "" && c.format.Family != family {
			why := fmt.Sprintf("%s access log, not --family %s", c.format.Family, family)
			ld.inputs[c.index].Ignored = &why
			c.closer.Close()
			c.closer = nil
			continue
		}
		byFamily[c.format.Family] = append(byFamily[c.format.Family], c.src.Path)
		keep = append(keep, c)
	}
	if len(byFamily) > 1 {
		var names, parts []string
		for f := range byFamily {
			names = append(names, f)
		}
		sort.Strings(names)
		for _, f := range names {
			parts = append(parts, fmt.Sprintf("%s (%s)", f, strings.Join(byFamily[f], ", ")))
		}
		return nil, fmt.Errorf("the inputs hold logs of %d server families: %s; a run accounts one: pass --family %s, or fewer files",
			len(names), strings.Join(parts, " and "), strings.Join(names, " or --family "))
	}
	return keep, nil
}

// rejection is a rejected line shown on stderr.
type rejection struct {
	path   string
	line   int64
	reason string
}

func (r rejection) String() string { return fmt.Sprintf("%s:%d: %s", r.path, r.line, r.reason) }

// job is one stream of lines to parse: a whole input, or one chunk of a
// large plain file.
type job struct {
	cand  int
	chunk *parse.Chunk
	part  *aggregate.Partial
	lines int64
	shown []rejection
	err   error
}

// readAll reads the candidates into one partial each. Inputs are read in
// parallel, and large plain files in chunks, on every core.
func readAll(ctx context.Context, cands []*candidate, newPartial func() *aggregate.Partial) ([]*aggregate.Partial, []string, error) {
	procs := runtime.GOMAXPROCS(0)
	var jobs []*job
	for i, c := range cands {
		var chunks []parse.Chunk
		if !c.format.SubSecond() {
			// Peak concurrency (sub-second stamps) needs one stream.
			var err error
			if chunks, err = parse.Split(c.src, procs); err != nil {
				return nil, nil, err
			}
		}
		if len(chunks) < 2 {
			jobs = append(jobs, &job{cand: i})
			continue
		}
		c.closer.Close()
		c.closer = nil
		for k := range chunks {
			jobs = append(jobs, &job{cand: i, chunk: &chunks[k]})
		}
	}
	sem := make(chan struct{}, procs)
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			j.err = j.run(ctx, cands[j.cand], newPartial)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	parts := make([]*aggregate.Partial, len(cands))
	before := make([]int64, len(cands)) // lines in earlier chunks of the same input
	var shown []string
	for _, j := range jobs {
		if j.err != nil {
			return nil, nil, j.err
		}
		for _, r := range j.shown {
			r.line += before[j.cand]
			if len(shown) < maxShownRejections {
				shown = append(shown, r.String())
			}
		}
		before[j.cand] += j.lines
		if parts[j.cand] == nil {
			parts[j.cand] = j.part
		} else {
			parts[j.cand].Merge(j.part)
		}
	}
	return parts, shown, nil
}

// run parses the job's lines into its own partial.
func (j *job) run(ctx context.Context, c *candidate, newPartial func() *aggregate.Partial) error {
	in := c.br
	if j.chunk != nil {
		f, err := os.Open(c.src.Path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = io.NewSectionReader(f, j.chunk.Offset, j.chunk.Length)
	}
	j.part = newPartial()
	if c.host != "" {
		j.part.SetHost(c.host)
	}
	r := parse.NewReader(in, c.format)
	for r.Scan() {
		if reason := r.Reason(); reason != parse.ReasonNone {
			j.part.Reject(reason)
			if len(j.shown) < maxShownRejections {
				j.shown = append(j.shown, rejection{path: c.src.Path, line: r.Line(), reason: string(reason)})
			}
			continue
		}
		j.part.Add(r.Record())
		if r.Line()&0xffff == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
	}
	j.lines = r.Line()
	if err := r.Err(); err != nil {
		return fmt.Errorf("%s: line %d: %w", c.src.Path, r.Line()+1, err)
	}
	return nil
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
				return fmt.Errorf("%s and %s cover the same time (%s to %s): the same traffic logged twice would be counted twice; pass one of them",
					cands[i].src.Path, cands[j].src.Path,
					time.UnixMicro(lo).UTC().Format(time.RFC3339), time.UnixMicro(hi).UTC().Format(time.RFC3339))
			}
		}
	}
	return nil
}

func describeIgnored(ins []aggregate.Input) string {
	var parts []string
	for _, in := range ins {
		if in.Ignored != nil {
			parts = append(parts, fmt.Sprintf("%s: %s", in.Path, *in.Ignored))
		}
	}
	if len(parts) == 0 {
		return "no files"
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
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

// finishReport turns what load read into the run's report.
func finishReport(ld *loaded, fl inputFlags, workers int) *aggregate.Report {
	rep := aggregate.Finish(ld.partial, ld.inputs, aggregate.Options{
		Workers: workers, Family: ld.family, Procs: ld.procs,
		KeyName: fl.By, Hosts: fl.HostField != "" || fl.HostFromDir,
	})
	rep.Warnings = append(rep.Warnings, ld.warnings...)
	return rep
}
