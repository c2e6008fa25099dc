package ingest

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"

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
	// A file is opened again to be read (keep); standard input is read on
	// from here.
	var count *atomic.Int64
	if src.Path == "-" {
		count = opt.Progress.counter()
	}
	rc, err := parse.OpenCounting(src, stdin, count)
	if err != nil {
		if src.Walked {
			// One unreadable file does not stop a folder: it is listed
			// as ignored, with the reason.
			return nil, in, &Skip{Code: aggregate.SkipUnreadable, Kind: in.Kind, Why: unreadableWhy(src.Path, err)}, nil
		}
		return nil, in, nil, err
	}
	// Sized for the sample only: a regular file is opened again to be
	// read, and a stream kept is read through a full-size reader.
	br := sampleBuffers.get(rc, sampleSize)
	sample, perr := br.Peek(sampleSize)
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
		sampleBuffers.put(br)
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
		return keep(&candidate{src: src, kind: p.d.Kind}, br, rc), in, nil, nil
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
	return keep(&candidate{src: src, kind: parse.KindAccess, format: f, host: host, statusBytes: p.d.StatusBytes, count: opt.Progress.counter()}, br, rc), in, nil, nil
}

// keep holds a candidate's stream open until it is read only when it cannot
// be opened again from its start: standard input, a pipe, a device. A
// regular file is closed after classification and opened again to be read,
// so that a folder of thousands of logs never holds more than a few open.
func keep(c *candidate, br *bufio.Reader, rc io.Closer) *candidate {
	if c.src.Path != "-" {
		if info, err := os.Stat(c.src.Path); err == nil && info.Mode().IsRegular() {
			rc.Close()
			sampleBuffers.put(br) // nothing detection made refers to the sample
			return c
		}
	}
	c.br, c.closer = br, rc
	return c
}

// reader returns the candidate's lines from the start: the stream kept from
// classification, or the file opened again. close releases it.
func (c *candidate) reader() (io.Reader, error) {
	if c.br != nil {
		return c.br, nil
	}
	rc, err := parse.OpenCounting(c.src, nil, c.count)
	if err != nil {
		return nil, err
	}
	c.closer = rc
	c.lent = readBuffers.get(rc, 0)
	return c.lent, nil
}

// close closes what the candidate holds open, if anything, and gives back
// the buffer it was read with.
func (c *candidate) close() {
	if c.closer != nil {
		c.closer.Close()
		c.closer = nil
	}
	if c.lent != nil {
		readBuffers.put(c.lent)
		c.lent = nil
	}
	c.br = nil
}

// sampleSize is how much of an input detection reads.
const sampleSize = 64 << 10

// bufferList keeps buffers of one size for the next file: a folder of
// 20,000 small logs would otherwise allocate a 64 KiB sample buffer and a
// 1 MiB read buffer for each. It keeps at most its capacity (a sync.Pool
// would drop them at every collection, which so many files cause).
type bufferList chan *bufio.Reader

// get returns a buffer of size bytes (parse.NewBufferedReader's when 0)
// reading from r.
func (l bufferList) get(r io.Reader, size int) *bufio.Reader {
	select {
	case br := <-l:
		br.Reset(r)
		return br
	default:
	}
	if size == 0 {
		return parse.NewBufferedReader(r)
	}
	return bufio.NewReaderSize(r, size)
}

// put gives br back once nothing reads from it or refers to its bytes.
func (l bufferList) put(br *bufio.Reader) {
	br.Reset(nil)
	select {
	case l <- br:
	default:
	}
}

// sampleBuffers and readBuffers are the buffers files are detected and
// read with, lent to one file at a time.
var (
	sampleBuffers = make(bufferList, 4)
	readBuffers   = make(bufferList, 4)
)

// unreadableWhy is why a file cannot be read, without its name, which the
// listing gives.
func unreadableWhy(path string, err error) string {
	return strings.TrimPrefix(err.Error(), path+": ")
}
