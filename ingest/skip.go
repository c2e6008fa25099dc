package ingest

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// Skip is why an input is not read, with the facts that say more.
type Skip struct {
	Code aggregate.Skip
	// Family is the family of the log skipped (SkipOtherFamily, SkipFormat).
	Family parse.Family
	// Want is the family asked for (SkipOtherFamily, SkipFormat).
	Want parse.Family
	// Kind is what the input was detected as.
	Kind parse.Kind
	// Lines is how many first lines did not match the format given.
	Lines int
	// Suggest is a format string that would read the log
	// (SkipWorkerUnclear).
	Suggest string
	// Why says what the input is (SkipOther).
	Why string
	// Err is why an nginx configuration gives no format for it
	// (SkipFormat).
	Err error
}

// String says why in words that name no option.
func (s Skip) String() string {
	switch s.Code {
	case aggregate.SkipEmpty:
		return "empty file"
	case aggregate.SkipNotLog:
		return "no line looks like a known access log (gunicorn, nginx, uWSGI, JSON)"
	case aggregate.SkipNoWorker:
		return "access log without a worker field"
	case aggregate.SkipWorkerUnclear:
		return fmt.Sprintf("cannot tell which field is the worker PID; the format may be %s", s.Suggest)
	case aggregate.SkipOtherFamily:
		return fmt.Sprintf("%s %s, not of family %s", s.Family, s.kindName(), s.Want)
	case aggregate.SkipFormat:
		switch {
		case s.Err != nil:
			return s.Err.Error()
		case s.Want != "":
			return fmt.Sprintf("detected %s format, not %s", s.Family.Owner(), s.Want)
		}
		return fmt.Sprintf("none of its first %d lines matches the format given", s.Lines)
	}
	if s.Code == aggregate.SkipUnreadable {
		return "unreadable: " + s.Why
	}
	return "not an access log: " + s.Why
}

func (s Skip) kindName() string {
	if s.Kind == parse.KindErrorLog {
		return "error log"
	}
	return "access log"
}

// SkipError is a named input that cannot be read (a file skipped in a
// directory walk is listed instead).
type SkipError struct {
	Path string // "-" for standard input
	Skip Skip
}

func (e *SkipError) Error() string { return fmt.Sprintf("%s: %s", Name(e.Path), e.Skip) }

// Name names an input path in messages: "standard input" for "-".
func Name(path string) string {
	if path == "-" {
		return "standard input"
	}
	return path
}

// Skipped is an input skipped in a directory walk.
type Skipped struct {
	Path string
	Skip Skip
}

// NoAccessError is a run in which no input is an access log with a worker
// field.
type NoAccessError struct {
	Skipped []Skipped
}

func (e *NoAccessError) Error() string {
	return "no access lines: none of the inputs is an access log with a worker field (" + e.Describe(Skip.String) + ")"
}

// Describe lists the first few skipped inputs, each with its reason as
// word says it.
func (e *NoAccessError) Describe(word func(Skip) string) string {
	var parts []string
	for _, s := range e.Skipped {
		parts = append(parts, fmt.Sprintf("%s: %s", s.Path, word(s.Skip)))
	}
	if len(parts) == 0 {
		return "no files"
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}

// FamiliesError is a run whose access logs are of several server families.
type FamiliesError struct {
	Families []parse.Family // sorted
	Paths    [][]string     // the logs of each family
}

func (e *FamiliesError) Error() string {
	return fmt.Sprintf("the inputs hold logs of %d server families: %s; a run accounts one", len(e.Families), e.List())
}

// List names each family with its logs: "gunicorn (a.log) and nginx (b.log)".
func (e *FamiliesError) List() string {
	var parts []string
	for i, f := range e.Families {
		parts = append(parts, fmt.Sprintf("%s (%s)", f, strings.Join(e.Paths[i], ", ")))
	}
	return strings.Join(parts, " and ")
}

// FieldError is a worker key or host field the format lacks.
type FieldError struct {
	Path string
	Host bool // the host field, else the worker key field
	Err  error
}

func (e *FieldError) Error() string {
	what := "worker key field"
	if e.Host {
		what = "host field"
	}
	return fmt.Sprintf("%s: %s: %v", e.Path, what, e.Err)
}

func (e *FieldError) Unwrap() error { return e.Err }

// NothingParsedError is an input (Path), or a whole run (Path ""), of
// which no line was read as an access line.
type NothingParsedError struct {
	Path   string
	Lines  int64
	Format string // the format of Path
	Reason string // the most common reason for rejecting a line
}

func (e *NothingParsedError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("%s: none of its %d lines was read as a %s access log (%s)", e.Path, e.Lines, e.Format, e.Reason)
	}
	return fmt.Sprintf("no access lines: %d lines read, none parsed (%s)", e.Lines, e.Reason)
}

// OutOfRangeError is a run of which no line falls between the bounds.
type OutOfRangeError struct {
	Lines int64
	// Early lines were before Since, the latest at LastEarly; Late lines
	// at or after Until, the earliest at FirstLate. Lines without a time
	// are in neither.
	Early, Late          int64
	Since, Until         time.Time // zero: not set
	LastEarly, FirstLate time.Time
}

func (e *OutOfRangeError) Error() string {
	return fmt.Sprintf("none of the %d lines read falls between the time bounds", e.Lines)
}

// RejectError is a run with more rejected lines than allowed.
type RejectError struct {
	Rejected, Total int64
	Strict          bool    // any rejected line was too many
	Ratio, Limit    float64 // else, the share rejected and the share allowed
}

func (e *RejectError) Error() string {
	if e.Strict {
		return fmt.Sprintf("%d of %d lines rejected (strict); the first are listed above", e.Rejected, e.Total)
	}
	return fmt.Sprintf("%d of %d lines rejected (%.4f > %g)", e.Rejected, e.Total, e.Ratio, e.Limit)
}

// ErrEmptyRange is a start bound that is not before the end bound.
var ErrEmptyRange = errors.New("the start bound is not before the end bound")

// BoundError is a relative bound that cannot be resolved from an input.
type BoundError struct {
	Path string
	Code BoundProblem
}

// BoundProblem is why a relative bound cannot be resolved.
type BoundProblem uint8

// Problems with relative bounds.
const (
	BoundStdin      BoundProblem = iota // standard input cannot be read from its end
	BoundCompressed                     // nor can a compressed file
	BoundNoTime                         // no timed line at the end of the file
)

func (e *BoundError) Error() string {
	switch e.Code {
	case BoundStdin:
		return "a relative bound needs files, not standard input"
	case BoundCompressed:
		return fmt.Sprintf("%s: a relative bound needs plain files, not compressed ones", e.Path)
	}
	return fmt.Sprintf("%s: no timed line at the end of the file for a relative bound", e.Path)
}
