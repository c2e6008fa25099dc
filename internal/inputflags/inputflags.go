// Package inputflags is the command line of reading logs, shared by every
// skewer command that does (report, timeline, check, explain): the input,
// filter, worker and window flags, their validation, the ingest.Options
// they make, and the wording of ingest's, parse's and aggregate's typed
// errors with those flags' names. Library packages name no flag; this one
// does.
package inputflags

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/ingest"
	"github.com/skewer-dev/skewer/internal/cliutil"
	"github.com/skewer-dev/skewer/parse"
	"github.com/skewer-dev/skewer/render"
	"github.com/spf13/cobra"
)

// Streams is what reading needs of a command's standard streams.
type Streams struct {
	In         io.Reader
	ErrOut     io.Writer // rejected lines
	InTerminal bool      // stdin is a terminal: no input unless paths
	// ProgressOut is stderr as given, for the progress line, which carries
	// no log content and must not wait in a guard for a line end;
	// ErrTerminal says whether it is a terminal.
	ProgressOut io.Writer
	ErrTerminal bool
	// Verbose shows every rejected line; Quiet none.
	Verbose, Quiet bool
}

// Flags are the input options shared by every command that reads logs.
type Flags struct {
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
	// Progress is --progress: auto, always or never (-q sets never).
	Progress string
	quiet    bool // -q: no rejected lines shown
	Proc
	Windows
}

// MaxKeysCeiling is the largest --max-keys: each key costs memory in
// every window it serves in.
const MaxKeysCeiling = 10_000_000

// noWorkerHelp tells how to add a worker PID to each server's log.
const noWorkerHelp = `add the worker PID to the log: gunicorn --access-logformat '... %(p)s' (prints <pid>), ` +
	`nginx log_format '... $pid' (nginx's own worker) or '... $upstream_http_x_worker_pid' ` +
	`(an X-Worker-PID header set by the app behind nginx)`

// ReadReport reads the inputs of a run and finishes its report; windowFlag
// is the flag that sets the window size, to name it in errors.
func ReadReport(ctx context.Context, s Streams, paths []string, fl Flags, workers int, windowFlag string) (*aggregate.Report, error) {
	_, rep, err := ReadRun(ctx, s, paths, fl, workers, windowFlag)
	return rep, err
}

// ReadRun is ReadReport that also returns the run (what the inputs said
// beyond the report).
func ReadRun(ctx context.Context, s Streams, paths []string, fl Flags, workers int, windowFlag string) (*ingest.Run, *aggregate.Report, error) {
	opt, err := Options(s, paths, &fl, workers)
	if err != nil {
		return nil, nil, err
	}
	opt.Progress = &ingest.Progress{}
	mode := fl.Progress
	if s.Quiet {
		mode = "never"
	}
	pl := startProgress(s.ProgressOut, s.ErrTerminal, mode, opt.Progress)
	if rejected := opt.Rejected; rejected != nil {
		opt.Rejected = func(r string) { pl.pause(func() { rejected(r) }) }
	}
	run, err := ingest.Read(ctx, paths, s.In, opt)
	pl.stop()
	if err != nil {
		return nil, nil, fl.Word(err)
	}
	rep, err := Finish(run, workers, windowFlag)
	return run, rep, err
}

// Options checks what a run needs before it reads and gives its options.
func Options(s Streams, paths []string, fl *Flags, workers int) (ingest.Options, error) {
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

// Finish finishes the report of a run.
func Finish(run *ingest.Run, workers int, windowFlag string) (*aggregate.Report, error) {
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
		return &WordedError{long.Error() + ": read a part of them with --since and --until", err}
	}
	var many *aggregate.TooManyWindowsError
	if !errors.As(err, &many) {
		return err
	}
	return &WordedError{fmt.Sprintf("%s %s makes more than %d windows over the span of %s: the smallest size allowed is %s",
		flag, many.Width, aggregate.MaxWindows, many.Span, many.Smallest), err}
}

// options turns the flags into the options of ingest.Read.
func (fl *Flags) options(s Streams) (ingest.Options, error) {
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
		Windows: fl.On, Width: fl.width, Since: fl.since, Until: fl.until,
		Rejected: func(r string) { fmt.Fprintf(s.ErrOut, "skewer: %s\n", render.Clean(r)) },
		ShowAll:  s.Verbose,
		Explain:  fl.explain,
	}
	if s.Quiet {
		// -q: no samples of rejected lines (--strict still names the
		// count). -q also means --progress never (ReadRun).
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
func (fl *Flags) wordFormat(err error) error {
	var (
		bad      *ingest.FormatError
		noWorker *ingest.NoWorkerFieldError
	)
	switch {
	case errors.As(err, &bad) && bad.Value != "":
		return &WordedError{fmt.Sprintf("%s %q: %v", formatFlags[bad.Option], bad.Value, bad.Err), err}
	case errors.As(err, &bad):
		return &WordedError{formatFlags[bad.Option] + ": " + wordParse(bad.Err).Error(), err}
	case errors.As(err, &noWorker):
		what := "--format " + fl.Format
		if fl.LogFormat != "" {
			what = fmt.Sprintf("--log-format %q", fl.LogFormat)
		}
		return &WordedError{fmt.Sprintf("%s has no worker PID field: %s (or pass --by FIELD)", what, noWorkerHelp), err}
	}
	return err
}

// WordedError says a library error in the words of the command line.
type WordedError struct {
	Msg string
	Err error
}

// Worded says err in the words of the command line.
func Worded(msg string, err error) error { return &WordedError{Msg: msg, Err: err} }

func (e *WordedError) Error() string { return e.Msg }
func (e *WordedError) Unwrap() error { return e.Err }

// Word says an error of ingest.Read with the flags that change the outcome.
func (fl *Flags) Word(err error) error {
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
	return &WordedError{msg, err}
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
	return &WordedError{msg, err}
}

// explain says why an input was skipped, naming the flags that would read it.
func (fl *Flags) explain(s ingest.Skip) string {
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

func (fl *Flags) formatHint() string {
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

// Windows are --window, --since and --until.
type Windows struct {
	Window string
	Since  string
	Until  string

	// Flag is the flag that sets Window, for messages: --window unless set.
	Flag string
	// On says per-window accounting is wanted (Validate sets it).
	On           bool
	width        time.Duration // 0: automatic
	since, until ingest.Bound
}

// AddWindow adds --window, with its help text, --since and --until.
func AddWindow(c *cobra.Command, fl *Windows, windowHelp string) {
	c.Flags().StringVar(&fl.Window, "window", "", windowHelp)
	AddRange(c, fl)
}

// AddRange adds --since and --until.
func AddRange(c *cobra.Command, fl *Windows) {
	f := c.Flags()
	f.StringVar(&fl.Since, "since", "", "account lines from `TIME` on: RFC 3339, or relative to the last line like -2h")
	f.StringVar(&fl.Until, "until", "", "account lines before `TIME`: RFC 3339, or relative to the last line like -30m")
}

// Validate checks the window flags and works out what they say; alwaysOn
// turns per-window accounting on without --window.
func (fl *Windows) Validate(alwaysOn bool) error {
	fl.On = alwaysOn || fl.Window != ""
	if fl.Window != "" && fl.Window != "auto" {
		flag := fl.Flag
		if flag == "" {
			flag = "--window"
		}
		d, err := ingest.ParseWidth(fl.Window)
		if err != nil {
			return fmt.Errorf("%s %w", flag, err)
		}
		fl.width = d
	}
	var err error
	if fl.since, err = ingest.ParseBound(fl.Since); err != nil {
		return fmt.Errorf("--since %w", err)
	}
	if fl.until, err = ingest.ParseBound(fl.Until); err != nil {
		return fmt.Errorf("--until %w", err)
	}
	if ingest.EmptyRange(fl.since, fl.until) {
		return errors.New("--since is not before --until")
	}
	return nil
}

// Proc are the options for process snapshots and error logs.
type Proc struct {
	PS        []string
	PSColumns string
	PSTime    string
	TZ        string
	Master    int64
	Match     string

	loc    *time.Location
	psTime *time.Time
	match  *regexp.Regexp
}

// addProc adds the flags of process snapshots.
func addProc(c *cobra.Command, fl *Proc) {
	f := c.Flags()
	f.StringArrayVar(&fl.PS, "ps", nil, "process snapshots `FILE` (ps -aefF, ps -ef, ps aux, ps -eo ..., skewer sample output); repeatable")
	f.StringVar(&fl.PSColumns, "ps-columns", "", "the `COLUMNS` of header-less ps output (ps -eo pid=,ppid=,...), e.g. pid,ppid,rss,times,args")
	f.StringVar(&fl.PSTime, "ps-time", "", "`TIME` a single snapshot without a timestamp line was taken (RFC 3339): ages from STIME and CPU rates")
	f.StringVar(&fl.TZ, "tz", "UTC", "`ZONE` of times printed without one (ps STIME, date output)")
	f.Int64Var(&fl.Master, "master", 0, "the master's `PID` in the snapshots: its children are the workers")
	f.StringVar(&fl.Match, "match", "", "find workers in the snapshots by command line `REGEX` instead of by server titles")
}

func (fl *Proc) validate() error {
	loc, err := time.LoadLocation(fl.TZ)
	if err != nil {
		return fmt.Errorf("--tz %q: %w", fl.TZ, err)
	}
	fl.loc = loc
	if fl.PSTime != "" {
		t, err := time.Parse(time.RFC3339, fl.PSTime)
		if err != nil {
			return fmt.Errorf("--ps-time %q: want an RFC 3339 time such as 2026-11-25T17:40:05Z", fl.PSTime)
		}
		fl.psTime = &t
	}
	if fl.Master < 0 {
		return fmt.Errorf("--master %d: want a PID", fl.Master)
	}
	if fl.Match != "" {
		re, err := regexp.Compile(fl.Match)
		if err != nil {
			return fmt.Errorf("--match %q: %w", fl.Match, err)
		}
		fl.match = re
	}
	if fl.Master > 0 && fl.match != nil {
		return fmt.Errorf("--master and --match: pass one of them")
	}
	return nil
}

// Add adds the input flags to c.
func Add(c *cobra.Command, fl *Flags) {
	f := c.Flags()
	f.StringVar(&fl.LogFormat, "log-format", "", "the server's access log format `FORMAT`, gunicorn style (%(h)s ... %(p)s %(D)s) or nginx style ($remote_addr ... $pid $request_time)")
	f.StringVar(&fl.Format, "format", "auto", "input format `NAME`: auto (detected per file), gunicorn, nginx, combined, common, json, uwsgi, apache, phpfpm; with --log-format, the string's syntax")
	f.StringVar(&fl.NginxConf, "nginx-conf", "", "read the log_format from this nginx configuration `FILE` (the one its access_log names for each log)")
	f.StringVar(&fl.LogFormatName, "log-format-name", "", "with --nginx-conf, the log_format `NAME` to use for every log")
	f.StringArrayVar(&fl.Fields, "field", nil, "JSON logs: map a `ROLE=NAME` (worker, time, duration, status, path, host, connection, connection_requests, client, client_port); repeatable")
	cliutil.CompleteValues(c, "format", ingest.FormatNames...)
	f.StringVar(&fl.Family, "family", "", "server family `NAME` to account when the inputs hold several: gunicorn, nginx, uwsgi, apache, phpfpm")
	cliutil.CompleteValues(c, "family", parse.FamilyNames()...)
	f.StringArrayVar(&fl.Excludes, "exclude-path", nil, "drop requests whose path matches `GLOB` (e.g. /healthz); repeatable")
	f.BoolVar(&fl.Strict, "strict", false, "exit 2 when any line is rejected")
	f.StringVar(&fl.By, "by", "", "key workers by this `FIELD` of the format instead of the PID (e.g. upstream_addr, upstream_http_x_worker_pid)")
	f.StringVar(&fl.HostField, "host-field", "", "read each line's host from this `FIELD`; workers are keyed host/pid")
	f.BoolVar(&fl.HostFromDir, "host-from-dir", false, "logs are in per-host folders (hosts/web1/access.log): key workers host/pid")
	addProc(c, &fl.Proc)
	f.Float64Var(&fl.MaxRejectRatio, "max-reject-ratio", 1, "exit 2 when more than this `RATIO` of lines is rejected")
	f.IntVar(&fl.MaxKeys, "max-keys", aggregate.DefaultMaxKeys, fmt.Sprintf("exit 2 past `N` distinct worker keys (at most %d); also the most --workers", MaxKeysCeiling))
	f.StringVar(&fl.Progress, "progress", "auto", "show a progress line on stderr while the logs are read: auto (when stderr is a terminal and reading takes over a second), always, never")
}

// Validate checks the input flags.
func (fl *Flags) Validate() error {
	if err := fl.Proc.validate(); err != nil {
		return err
	}
	if fl.MaxKeys < 1 || fl.MaxKeys > MaxKeysCeiling {
		return fmt.Errorf("--max-keys %d: want 1 to %d", fl.MaxKeys, MaxKeysCeiling)
	}
	if !slices.Contains(progressModes, fl.Progress) {
		return fmt.Errorf("--progress %q: want one of %s", fl.Progress, strings.Join(progressModes, ", "))
	}
	if !slices.Contains(ingest.FormatNames, fl.Format) {
		return fmt.Errorf("--format %q: want one of %s", fl.Format, strings.Join(ingest.FormatNames, ", "))
	}
	if fl.Family != "" && !parse.Family(fl.Family).Known() {
		return fmt.Errorf("--family %q: want one of %s", fl.Family, strings.Join(parse.FamilyNames(), ", "))
	}
	if fl.LogFormatName != "" && fl.NginxConf == "" {
		return fmt.Errorf("--log-format-name needs --nginx-conf")
	}
	if fl.NginxConf != "" && fl.LogFormat != "" {
		return fmt.Errorf("--nginx-conf and --log-format: pass one of them")
	}
	if !(fl.MaxRejectRatio >= 0 && fl.MaxRejectRatio <= 1) { // NaN too
		return fmt.Errorf("--max-reject-ratio %g: want a ratio from 0 to 1", fl.MaxRejectRatio)
	}
	for _, g := range fl.Excludes {
		if _, err := pathMatch(g); err != nil {
			return fmt.Errorf("--exclude-path %q: %w", g, err)
		}
	}
	return nil
}

// pathMatch checks a glob's syntax.
func pathMatch(glob string) (bool, error) {
	return path.Match(glob, "/")
}
