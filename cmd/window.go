package cmd

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/spf13/cobra"
)

// windowFlags are --window, --since and --until.
type windowFlags struct {
	Window string
	Since  string
	Until  string

	on           bool          // per-window accounting wanted
	width        time.Duration // 0: automatic
	since, until timeBound
}

// timeBound is a --since/--until value: an absolute time, or an offset
// from the last line of the logs ("-2h").
type timeBound struct {
	set      bool
	abs      int64 // unix µs
	relative time.Duration
	isRel    bool
}

func addWindowFlags(c *cobra.Command, fl *windowFlags, windowHelp string) {
	c.Flags().StringVar(&fl.Window, "window", "", windowHelp)
	addRangeFlags(c, fl)
}

// addRangeFlags adds --since and --until.
func addRangeFlags(c *cobra.Command, fl *windowFlags) {
	f := c.Flags()
	f.StringVar(&fl.Since, "since", "", "account lines from `TIME` on: RFC 3339, or relative to the last line like -2h")
	f.StringVar(&fl.Until, "until", "", "account lines before `TIME`: RFC 3339, or relative to the last line like -30m")
}

// parseWindow reads a window size: a Go duration, or a number of days with
// the d suffix (1d, 7d; 1.5d is 36h, as 1.5h is a Go duration).
func parseWindow(s string) (time.Duration, error) {
	var d time.Duration
	if strings.HasSuffix(s, "d") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64)
		ns := n * float64(24*time.Hour)
		// NaN, Inf and sizes past time.Duration would convert to whatever
		// the platform makes of them.
		if err != nil || math.IsNaN(ns) || math.Abs(ns) >= math.MaxInt64 {
			return 0, fmt.Errorf("--window %q: want a duration such as 30s, 10m, 1h or 1d", s)
		}
		d = time.Duration(ns)
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("--window %q: want a duration such as 30s, 10m, 1h or 1d", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("--window %q: want a positive duration", s)
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("--window %q: want whole seconds (log times have one-second resolution)", s)
	}
	return d, nil
}

func parseBound(flag, s string) (timeBound, error) {
	if s == "" {
		return timeBound{}, nil
	}
	if strings.HasPrefix(s, "-") {
		d, err := time.ParseDuration(s)
		if err != nil || d >= 0 {
			return timeBound{}, fmt.Errorf("%s %q: want an RFC 3339 time or a negative offset from the last line such as -2h", flag, s)
		}
		return timeBound{set: true, isRel: true, relative: d}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return timeBound{}, fmt.Errorf("%s %q: want an RFC 3339 time such as 2026-11-25T17:30:00Z, or an offset such as -2h", flag, s)
	}
	return timeBound{set: true, abs: t.UnixMicro()}, nil
}

func (fl *windowFlags) validate(alwaysOn bool) error {
	fl.on = alwaysOn || fl.Window != ""
	if fl.Window != "" && fl.Window != "auto" {
		d, err := parseWindow(fl.Window)
		if err != nil {
			return err
		}
		fl.width = d
	}
	var err error
	if fl.since, err = parseBound("--since", fl.Since); err != nil {
		return err
	}
	if fl.until, err = parseBound("--until", fl.Until); err != nil {
		return err
	}
	if fl.since.set && fl.until.set && !fl.since.isRel && !fl.until.isRel && fl.since.abs >= fl.until.abs {
		return errors.New("--since is not before --until")
	}
	return nil
}

// newPartial makes a partial with the run's filters and windows.
func (fl *inputFlags) newPartial() *aggregate.Partial {
	p := aggregate.NewPartial(fl.Excludes)
	if fl.windowFlags.on {
		p.SetWindows(fl.windowFlags.width)
	}
	p.SetRange(fl.windowFlags.since.abs, fl.windowFlags.until.abs)
	return p
}

// resolveBounds turns relative --since/--until into times: offsets from
// the last line of the access logs, read from the end of each file.
func (fl *inputFlags) resolveBounds(cands []*candidate) error {
	w := &fl.windowFlags
	if !w.since.isRel && !w.until.isRel {
		return nil
	}
	var last int64
	for _, c := range cands {
		t, err := fileLastTime(c)
		if err != nil {
			return err
		}
		last = max(last, t)
	}
	if w.since.isRel {
		w.since.abs = last + int64(w.since.relative/time.Microsecond)
	}
	if w.until.isRel {
		w.until.abs = last + int64(w.until.relative/time.Microsecond)
	}
	if w.since.set && w.until.set && w.since.abs >= w.until.abs {
		return errors.New("--since is not before --until")
	}
	return nil
}

// fileLastTime reads the last line times of a plain access log.
func fileLastTime(c *candidate) (int64, error) {
	if c.src.Path == "-" {
		return 0, errors.New("a relative --since/--until needs files, not standard input: give an RFC 3339 time")
	}
	f, err := os.Open(c.src.Path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := io.ReadFull(f, head); err == nil && (head[0] == 0x1f && head[1] == 0x8b || head[0] == 0x28 && head[1] == 0xb5) {
		return 0, fmt.Errorf("%s: a relative --since/--until needs plain files, not compressed ones: give an RFC 3339 time", c.src.Path)
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	off := max(0, info.Size()-256<<10)
	tail := make([]byte, info.Size()-off)
	if _, err := f.ReadAt(tail, off); err != nil && err != io.EOF {
		return 0, fmt.Errorf("%s: %w", c.src.Path, err)
	}
	if off == 0 {
		tail = append([]byte{'\n'}, tail...) // the first line is whole
	}
	t, ok := c.format.LastTime(tail)
	if !ok {
		return 0, fmt.Errorf("%s: no timed line at the end of the file for a relative --since/--until", c.src.Path)
	}
	return t, nil
}
