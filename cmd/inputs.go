package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/ingest"
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
	MaxKeys        int
	quiet          bool // -q: no rejected lines shown
	procFlags
	windowFlags
}

// maxKeysCeiling is the largest --max-keys: each key costs memory in
// every window it serves in.
const maxKeysCeiling = 10_000_000

// noWorkerHelp tells how to add a worker PID to each server's log.
const noWorkerHelp = `add the worker PID to the log: gunicorn --access-logformat '... %(p)s' (prints <pid>), ` +
	`nginx log_format '... $pid' (nginx's own worker) or '... $upstream_http_x_worker_pid' ` +
	`(an X-Worker-PID header set by the app behind nginx)`

// readReport reads the inputs of a run and finishes its report; windowFlag
// is the flag that sets the window size, to name it in errors.
func readReport(ctx context.Context, s IO, paths []string, fl inputFlags, workers int, windowFlag string) (*aggregate.Report, error) {
	_, rep, err := readRun(ctx, s, paths, fl, workers, windowFlag)
	return rep, err
}

// readRun is readReport that also returns the run (what the inputs said
// beyond the report).
func readRun(ctx context.Context, s IO, paths []string, fl inputFlags, workers int, windowFlag string) (*ingest.Run, *aggregate.Report, error) {
	opt, err := readOptions(s, paths, &fl, workers)
	if err != nil {
		return nil, nil, err
	}
	run, err := ingest.Read(ctx, paths, s.In, opt)
	if err != nil {
		return nil, nil, fl.word(err)
	}
	rep, err := finishRun(run, workers, windowFlag)
	return run, rep, err
}

// readOptions checks what a run needs before it reads and gives its options.
func readOptions(s IO, paths []string, fl *inputFlags, workers int) (ingest.Options, error) {
	fl.quiet = s.Quiet
	if workers > fl.MaxKeys {
		return ingest.Options{}, fmt.Errorf("--workers %d: more than --max-keys (%d); raise --max-keys if the server really has that many worker slots", workers, fl.MaxKeys)
	}
	opt, err := fl.options(s)
	if err == nil && len(paths) == 0 && s.InTerminal {
		err = errors.New("no input: give access log files or directories, or pipe a log into skewer (see 'skewer report --help')")
	}
	return opt, err
}

// finishRun finishes the report of a run.
func finishRun(run *ingest.Run, workers int, windowFlag string) (*aggregate.Report, error) {
	rep, err := run.Report(workers)
	if err != nil {
		return nil, wordWindows(err, windowFlag)
	}
	return rep, nil
}

// wordWindows names the flag that set a window size too small for the span.
func wordWindows(err error, flag string) error {
	var long *aggregate.SpanTooLongError
	if errors.As(err, &long) {
		return &wordedError{long.Error() + ": read a part of them with --since and --until", err}
	}
	var many *aggregate.TooManyWindowsError
	if !errors.As(err, &many) {
		return err
	}
	return &wordedError{fmt.Sprintf("%s %s makes more than %d windows over the span of %s: the smallest size allowed is %s",
		flag, many.Width, aggregate.MaxWindows, many.Span, many.Smallest), err}
}

// options turns the flags into the options of ingest.Read.
func (fl *inputFlags) options(s IO) (ingest.Options, error) {
	fixed, conf, err := ingest.ChooseFormat(ingest.FormatSpec{Name: fl.Format, LogFormat: fl.LogFormat,
		NginxConf: fl.NginxConf, LogFormatName: fl.LogFormatName, Fields: fl.Fields, By: fl.By})
	if err != nil {
		return ingest.Options{}, fl.wordFormat(err)
	}
	opt := ingest.Options{
		Format: fixed, Conf: conf, FormatFamily: parse.Family(fl.Format), Family: parse.Family(fl.Family),
		Excludes: fl.Excludes, Strict: fl.Strict, MaxRejectRatio: fl.MaxRejectRatio,
		By: fl.By, MaxKeys: fl.MaxKeys, HostField: fl.HostField, HostFromDir: fl.HostFromDir,
		PS: fl.PS, PSTime: fl.psTime, Loc: fl.loc, ZoneDefault: fl.TZ == "UTC", Master: fl.Master, Match: fl.match,
		Windows: fl.on, Width: fl.width, Since: fl.since, Until: fl.until,
		Rejected: func(r string) { fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(r)) },
		ShowAll:  s.Verbose,
		Explain:  fl.explain,
	}
	if s.Quiet {
		// -q: no samples of rejected lines (--strict still names the
		// count). It also means --progress never, once that flag exists.
		opt.Rejected = nil
	}
	if fl.PSColumns != "" {
		opt.PSColumns = strings.Split(fl.PSColumns, ",")
	}
	return opt, nil
}

// formatFlags name the flag of each part of an ingest.FormatSpec.
var formatFlags = [...]string{ingest.OptLogFormat: "--log-format", ingest.OptNginxConf: "--nginx-conf",
	ingest.OptLogFormatName: "--log-format-name", ingest.OptFields: "--field"}

// wordFormat says an error of ingest.ChooseFormat with its flag.
func (fl *inputFlags) wordFormat(err error) error {
	var (
		bad      *ingest.FormatError
		noWorker *ingest.NoWorkerFieldError
	)
	switch {
	case errors.As(err, &bad) && bad.Value != "":
		return &wordedError{fmt.Sprintf("%s %q: %v", formatFlags[bad.Option], bad.Value, bad.Err), err}
	case errors.As(err, &bad):
		return &wordedError{formatFlags[bad.Option] + ": " + wordParse(bad.Err).Error(), err}
	case errors.As(err, &noWorker):
		what := "--format " + fl.Format
		if fl.LogFormat != "" {
			what = fmt.Sprintf("--log-format %q", fl.LogFormat)
		}
		return &wordedError{fmt.Sprintf("%s has no worker PID field: %s (or pass --by FIELD)", what, noWorkerHelp), err}
	}
	return err
}

// wordedError says a library error in the words of the command line.
type wordedError struct {
	msg string
	err error
}

func (e *wordedError) Error() string { return e.msg }
func (e *wordedError) Unwrap() error { return e.err }

// word says an error of ingest.Read with the flags that change the outcome.
func (fl *inputFlags) word(err error) error {
	var (
		skip     *ingest.SkipError
		none     *ingest.NoAccessError
		families *ingest.FamiliesError
		field    *ingest.FieldError
		unread   *ingest.NothingParsedError
		outside  *ingest.OutOfRangeError
		rejected *ingest.RejectError
		bound    *ingest.BoundError
		keys     *aggregate.TooManyKeysError
	)
	var msg string
	switch {
	case errors.As(err, &skip):
		msg = fmt.Sprintf("%s: %s", ingest.Name(skip.Path), fl.explain(skip.Skip))
	case errors.As(err, &none) && len(none.Skipped) == 1 && none.Skipped[0].Path == "-" && none.Skipped[0].Skip.Code == aggregate.SkipEmpty:
		msg = "no input on standard input"
	case errors.As(err, &none):
		msg = fmt.Sprintf("no access lines: none of the inputs is an access log with a worker field (%s)", none.Describe(fl.explain))
	case errors.As(err, &families):
		names := make([]string, len(families.Families))
		for i, f := range families.Families {
			names[i] = string(f)
		}
		msg = fmt.Sprintf("the inputs hold logs of %d server families: %s; a run accounts one: pass --family %s, or fewer files",
			len(names), families.List(), strings.Join(names, " or --family "))
	case errors.As(err, &field):
		flag := "--by"
		if field.Host {
			flag = "--host-field"
		}
		msg = fmt.Sprintf("%s: %s: %v", field.Path, flag, field.Err)
	case errors.As(err, &unread) && unread.Path != "":
		msg = fmt.Sprintf("%s: none of its %d lines was read as a %s access log (%s)%s", unread.Path, unread.Lines, unread.Format, unread.Reason, fl.formatHint())
	case errors.As(err, &unread):
		msg = fmt.Sprintf("no access lines: %d lines read, none parsed (%s)%s", unread.Lines, unread.Reason, fl.formatHint())
	case errors.As(err, &outside):
		msg = wordOutOfRange(outside, time.Now())
	case errors.As(err, &rejected) && rejected.Strict && fl.quiet:
		msg = fmt.Sprintf("%d of %d lines rejected (--strict)", rejected.Rejected, rejected.Total)
	case errors.As(err, &rejected) && rejected.Strict:
		msg = fmt.Sprintf("%d of %d lines rejected (--strict); the first are listed above", rejected.Rejected, rejected.Total)
	case errors.As(err, &rejected):
		msg = fmt.Sprintf("%d of %d lines rejected (%.4f > --max-reject-ratio %g)", rejected.Rejected, rejected.Total, rejected.Ratio, rejected.Limit)
	case errors.As(err, &keys):
		msg = fmt.Sprintf("more than %d distinct worker keys: is --by right? (--max-keys raises the limit)", keys.Max)
	case errors.Is(err, ingest.ErrEmptyRange):
		msg = "--since is not before --until"
	case errors.As(err, &bound):
		switch bound.Code {
		case ingest.BoundStdin:
			msg = "a relative --since/--until needs files, not standard input: give an RFC 3339 time"
		case ingest.BoundCompressed:
			msg = bound.Path + ": a relative --since/--until needs plain files, not compressed ones: give an RFC 3339 time"
		default:
			msg = bound.Path + ": no timed line at the end of the file for a relative --since/--until"
		}
	default:
		return wordParse(err)
	}
	return &wordedError{msg, err}
}

// wordParse says an error of parse or aggregate with the flags that fix it.
func wordParse(err error) error {
	var (
		cols     *parse.ColumnsError
		headless *parse.HeaderlessError
		psTime   *parse.PSTimeError
		syntax   *parse.AmbiguousSyntaxError
		conf     *parse.ConfError
		families *aggregate.FamiliesError
		window   *parse.ZstdWindowError
	)
	var msg string
	switch {
	case errors.As(err, &window) && window.Window > 0:
		msg = fmt.Sprintf("%s: its zstd frame needs a %d MiB window, more than the %d MiB skewer decodes: decompress it first with zstd -d --long=31",
			window.Path, window.Window>>20, parse.MaxZstdWindow>>20)
	case errors.As(err, &window):
		msg = fmt.Sprintf("%s: a zstd frame needs a larger window than the first frame of the file (at most %d MiB): decompress it first with zstd -d --long=31",
			window.Path, parse.MaxZstdWindow>>20)
	case errors.As(err, &cols) && cols.Unknown == "":
		msg = "--ps-columns: no pid column (e.g. --ps-columns " + parse.PSColumnsExample + ")"
	case errors.As(err, &cols):
		msg = fmt.Sprintf("--ps-columns: unknown column %q: want %s", cols.Unknown, parse.PSColumnNames)
	case errors.As(err, &headless):
		msg = fmt.Sprintf("%s:%d: ps output without a header line: name its columns with --ps-columns (e.g. --ps-columns %s)", headless.Name, headless.Line, parse.PSColumnsExample)
	case errors.As(err, &psTime) && psTime.OutRange:
		msg = fmt.Sprintf("--ps-time: %d µs is not a time between 1970 and 9999", psTime.Time)
	case errors.As(err, &psTime):
		msg = fmt.Sprintf("%s: --ps-time gives the time of a single snapshot, but the file holds %d snapshots without a timestamp line", psTime.Name, psTime.Untimed)
	case errors.As(err, &syntax):
		msg = fmt.Sprintf("format %q is valid in apache and phpfpm syntax, where %s: pass --format apache or --format phpfpm", syntax.Spec, syntax.Diff)
	case errors.As(err, &conf) && conf.Fix == parse.FixNoConf:
		msg = conf.Msg + conf.Sep + "read its log without --nginx-conf; JSON logs are recognised by their content"
	case errors.As(err, &conf):
		msg = conf.Msg + conf.Sep + "name the format with --log-format-name"
	case errors.As(err, &families):
		msg = fmt.Sprintf("the snapshots hold workers of %d server families (%s); pass --family %s",
			len(families.Names), strings.Join(families.Names, ", "), strings.Join(families.Names, " or --family "))
	default:
		return err
	}
	return &wordedError{msg, err}
}

// explain says why an input was skipped, naming the flags that would read it.
func (fl *inputFlags) explain(s ingest.Skip) string {
	switch s.Code {
	case aggregate.SkipNotLog:
		return "no line looks like a known access log (gunicorn, nginx, uWSGI, JSON); pass --log-format with the server's format string (Apache LogFormat and php-fpm access.format too; see skewer formats)"
	case aggregate.SkipNoWorker:
		return "access log without a worker field: " + noWorkerHelp
	case aggregate.SkipWorkerUnclear:
		return fmt.Sprintf("cannot tell which field is the worker PID; if it is the first bare number after the user agent, pass --log-format '%s', or the server's own format string (Apache: LogFormat with %%P, php-fpm: access.format with %%p)", s.Suggest)
	case aggregate.SkipOtherFamily:
		what := "access log"
		if s.Kind == parse.KindErrorLog {
			what = "error log"
		}
		return fmt.Sprintf("%s %s, not --family %s", string(s.Family), what, s.Want)
	case aggregate.SkipFormat:
		switch {
		case s.Err != nil:
			return wordParse(s.Err).Error()
		case s.Want != "":
			return fmt.Sprintf("detected %s format, not --format %s", s.Family.Owner(), s.Want)
		}
		return fmt.Sprintf("none of its first %d lines matches --log-format", s.Lines)
	}
	return s.String()
}

func (fl *inputFlags) formatHint() string {
	if fl.LogFormat != "" {
		return "; check --log-format against a line of the log, or leave it out to detect the format"
	}
	return ""
}

// wordOutOfRange says where the lines of a run with none between --since
// and --until fell: a --since after every line (in the future, say) or an
// --until before every line is named with the line nearest to it.
func wordOutOfRange(e *ingest.OutOfRangeError, now time.Time) string {
	stamp := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	switch {
	case e.Early > 0 && e.Late == 0:
		future := ""
		if e.Since.After(now) {
			future = " is in the future"
		}
		return fmt.Sprintf("--since %s%s: all %d parsed lines end before it, the last at %s",
			stamp(e.Since), future, e.Early, stamp(e.LastEarly))
	case e.Late > 0 && e.Early == 0:
		return fmt.Sprintf("--until %s: all %d parsed lines end at or after it, the first at %s",
			stamp(e.Until), e.Late, stamp(e.FirstLate))
	}
	return fmt.Sprintf("none of the %d lines read falls between --since and --until", e.Lines)
}
