// Package ingest reads the inputs of a run — access logs, gunicorn error logs
// and process snapshots, given as files, directories or standard input —
// into one merged aggregate.Partial: it finds and classifies the inputs,
// refuses mixes that would count wrong, reads large files in parallel
// chunks and merges the partial results. Its errors are typed values and
// facts; a command words them with its own option names.
package ingest

import (
	"math"
	"regexp"
	"time"

	"github.com/skewer-dev/skewer/parse"
)

// Options say how the inputs of a run are read.
type Options struct {
	// Format reads every access log (a format string, a named format);
	// nil detects the format of each file from its first lines.
	Format *parse.Format
	// Conf names the format of each access log by its access_log
	// directive, when Format is nil.
	Conf *parse.NginxConf
	// FormatFamily skips access logs detected as another family's format.
	FormatFamily parse.Family
	// Family is the server family to account; "" accepts the only one
	// present.
	Family parse.Family
	// Leave are input files to leave out, by path as a walk names them:
	// a log of the same traffic as another one that is read.
	Leave []string
	// Excludes are path globs of requests dropped before accounting.
	Excludes []string
	// Strict refuses a run with any rejected line; MaxRejectRatio refuses
	// one with more than this share of rejected lines (negative: no limit).
	Strict         bool
	MaxRejectRatio float64
	// By keys workers by this field of the format instead of the PID.
	By string
	// MaxKeys is the most distinct worker keys a run takes (0: no limit);
	// more is an *aggregate.TooManyKeysError.
	MaxKeys int
	// HostField reads each line's host from this field; HostFromDir takes
	// it from the per-host folder a file is in.
	HostField   string
	HostFromDir bool

	// PS are files read as process snapshots whatever their content.
	PS []string
	// PSColumns name the columns of ps output without a header line.
	PSColumns []string
	// PSTime is when a single snapshot without a time line was taken, nil
	// when unknown.
	PSTime *time.Time
	// Loc is the zone of times printed without one; ZoneDefault says it was
	// not chosen, so that times read in it are noted.
	Loc         *time.Location
	ZoneDefault bool
	// Master and Match tell the workers in snapshots apart from other
	// processes (by default: by server titles).
	Master int64
	Match  *regexp.Regexp

	// Windows accounts per time window of Width (0: automatic).
	Windows bool
	Width   time.Duration
	// Since and Until bound the lines accounted.
	Since, Until Bound

	// Rejected is called with each rejected line shown ("file:line:
	// reason"), the first few only, as soon as they are known.
	Rejected func(string)
	// Progress, when not nil, counts the bytes of the access logs read.
	Progress *Progress
	// ShowAll calls Rejected with every rejected line, not the first few.
	ShowAll bool
	// Explain words why an input was skipped for the report; nil uses
	// Skip.String.
	Explain func(Skip) string
}

// Bound is a limit of the lines accounted: a time, or an offset from the
// last line of the access logs.
type Bound struct {
	Time     time.Time     // when not Relative; zero: no bound
	Offset   time.Duration // when Relative: negative, from the last line
	Relative bool
}

// set reports whether b bounds anything.
func (b Bound) set() bool { return b.Relative || !b.Time.IsZero() }

// micros is the bound as unix µs, 0 when not set.
func (b Bound) micros() int64 {
	if b.Time.IsZero() {
		return 0
	}
	return b.Time.UnixMicro()
}

// maxShownRejections is how many rejected lines are shown.
const maxShownRejections = 5

// shownLimit is how many rejected lines Rejected is called with.
func (opt *Options) shownLimit() int {
	if opt.ShowAll {
		return math.MaxInt
	}
	return maxShownRejections
}
