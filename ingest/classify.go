package ingest

import (
	"errors"
	"fmt"
	"io"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// probe is an opened input and what detection made of it.
type probe struct {
	d      parse.Detection
	sample []byte
	atEOF  bool
	// fixed is the format the options give for this access log (nil:
	// detected), and note what says where it came from.
	fixed *parse.Format
	note  string
	want  parse.Family // the family named by the format option
}

// rules decide, in order, whether a detected input is read as an access
// log; the first that finds a reason to skip it wins.
var rules = []struct {
	name string
	skip func(p *probe) *Skip
}{
	{"matches the format given", func(p *probe) *Skip {
		if p.fixed == nil {
			return nil
		}
		if matched, lines := p.fixed.Matches(p.sample, p.atEOF); matched == 0 && lines > 0 {
			return &Skip{Code: aggregate.SkipFormat, Lines: lines}
		}
		return nil
	}},
	{"is not empty", detected(func(p *probe) *Skip {
		if p.d.Kind == parse.KindEmpty {
			return &Skip{Code: aggregate.SkipEmpty}
		}
		return nil
	})},
	{"looks like a log", detected(func(p *probe) *Skip {
		if p.d.Kind == parse.KindUnknown {
			return &Skip{Code: aggregate.SkipNotLog}
		}
		return nil
	})},
	{"is an access log", detected(func(p *probe) *Skip {
		if p.d.Kind != parse.KindAccess {
			return &Skip{Code: aggregate.SkipOther, Why: p.d.Why}
		}
		return nil
	})},
	{"has one clear worker field", detected(func(p *probe) *Skip {
		if p.d.Suggest != "" {
			return &Skip{Code: aggregate.SkipWorkerUnclear, Suggest: p.d.Suggest}
		}
		return nil
	})},
	{"has a worker field", detected(func(p *probe) *Skip {
		if !p.d.Format.HasWorker() {
			return &Skip{Code: aggregate.SkipNoWorker}
		}
		return nil
	})},
	{"is of the family of the format named", detected(func(p *probe) *Skip {
		if p.want.Known() && p.d.Format.Family != p.want {
			return &Skip{Code: aggregate.SkipFormat, Family: p.d.Format.Family, Want: p.want}
		}
		return nil
	})},
}

// detected applies a rule to detected formats only: a format given is not
// second-guessed.
func detected(rule func(p *probe) *Skip) func(p *probe) *Skip {
	return func(p *probe) *Skip {
		if p.fixed != nil {
			return nil
		}
		return rule(p)
	}
}

// classify opens and detects one source. It returns a candidate for inputs
// to read, the input's description either way, and why a walked input is
// skipped. A named input that cannot be read is a *SkipError.
func classify(src parse.Source, stdin io.Reader, opt *Options, forcePS bool) (*candidate, aggregate.Input, *Skip, error) {
	in := aggregate.Input{Path: src.Path, Kind: parse.KindUnknown}
	rc, err := parse.Open(src, stdin)
	if err != nil {
		return nil, in, nil, err
	}
	br := parse.NewBufferedReader(rc)
	sample, perr := br.Peek(64 << 10)
	if perr != nil && perr != io.EOF && !errors.Is(perr, io.ErrUnexpectedEOF) && len(sample) == 0 {
		rc.Close()
		return nil, in, nil, fmt.Errorf("%s: %w", src.Path, perr)
	}
	p := &probe{d: parse.Detect(sample, perr != nil), sample: sample, atEOF: perr != nil, want: opt.FormatFamily}
	if forcePS {
		p.d.Kind = parse.KindSnapshots
	}
	in.Kind = p.d.Kind
	skip := func(s Skip) (*candidate, aggregate.Input, *Skip, error) {
		rc.Close()
		s.Kind = in.Kind
		if s.Code != aggregate.SkipEmpty && (!src.Walked || src.Path == "-") {
			return nil, in, nil, &SkipError{Path: src.Path, Skip: s}
		}
		return nil, in, &s, nil
	}
	if opt.Format != nil || opt.Conf != nil {
		if p.d.Kind == parse.KindAccess || p.d.Kind == parse.KindUnknown {
			p.fixed = opt.Format
			if p.fixed == nil {
				f, why, err := opt.Conf.FormatFor(src.Path)
				if err != nil {
					return skip(Skip{Code: aggregate.SkipFormat, Err: err})
				}
				p.fixed, p.note = f, why
			}
		}
	}
	if p.d.Kind == parse.KindSnapshots || p.d.Kind == parse.KindErrorLog && p.d.Server == "gunicorn" {
		if p.d.Kind == parse.KindErrorLog && opt.Family != "" && opt.Family != parse.FamilyGunicorn {
			return skip(Skip{Code: aggregate.SkipOtherFamily, Family: parse.FamilyGunicorn, Want: opt.Family})
		}
		return &candidate{src: src, kind: p.d.Kind, br: br, closer: rc}, in, nil, nil
	}
	for _, r := range rules {
		if s := r.skip(p); s != nil {
			return skip(*s)
		}
	}
	f := p.d.Format
	if p.fixed != nil {
		f = p.fixed
		in.Kind = parse.KindAccess
	}
	if opt.By != "" {
		g, err := f.KeyBy(opt.By)
		if err != nil {
			rc.Close()
			return nil, in, nil, &FieldError{Path: src.Path, Err: err}
		}
		f = g
	}
	if opt.HostField != "" {
		g, err := f.HostBy(opt.HostField)
		if err != nil {
			rc.Close()
			return nil, in, nil, &FieldError{Path: src.Path, Host: true, Err: err}
		}
		f = g
	}
	if f.Zoneless() {
		f = f.In(opt.Loc) // uWSGI's date and zone-less strftime times
	}
	host := ""
	if opt.HostFromDir {
		host = parse.HostFromDir(src)
	}
	in.Format = f.Name
	in.Note = f.Note
	if p.note != "" {
		in.Note = p.note
	}
	return &candidate{src: src, kind: parse.KindAccess, format: f, host: host, br: br, closer: rc}, in, nil, nil
}
