package cmd

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/ingest"
	"github.com/spf13/cobra"
)

// windowFlags are --window, --since and --until.
type windowFlags struct {
	Window string
	Since  string
	Until  string

	flag         string        // the flag that sets Window: --window unless set
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

// parseWindow reads a --window size: a Go duration, or a number of days
// with the d suffix (1d, 7d; 1.5d is 36h, as 1.5h is a Go duration).
func parseWindow(s string) (time.Duration, error) { return parseWindowFlag("--window", s) }

// parseWindowFlag reads the window size s given with flag.
func parseWindowFlag(flag, s string) (time.Duration, error) {
	var d time.Duration
	if strings.HasSuffix(s, "d") {
		n, err := strconv.ParseFloat(strings.TrimSuffix(s, "d"), 64)
		ns := n * float64(24*time.Hour)
		// NaN, Inf and sizes past time.Duration would convert to whatever
		// the platform makes of them.
		if err != nil || math.IsNaN(ns) || math.Abs(ns) >= math.MaxInt64 {
			return 0, fmt.Errorf("%s %q: want a duration such as 30s, 10m, 1h or 1d", flag, s)
		}
		d = time.Duration(ns)
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%s %q: want a duration such as 30s, 10m, 1h or 1d", flag, s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%s %q: want a positive duration", flag, s)
	}
	if d%time.Second != 0 {
		return 0, fmt.Errorf("%s %q: want whole seconds (log times have one-second resolution)", flag, s)
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
		flag := fl.flag
		if flag == "" {
			flag = "--window"
		}
		d, err := parseWindowFlag(flag, fl.Window)
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

// bound is the flag's value as ingest takes it.
func (b timeBound) bound() ingest.Bound {
	if b.isRel {
		return ingest.Bound{Relative: true, Offset: b.relative}
	}
	if !b.set {
		return ingest.Bound{}
	}
	return ingest.Bound{Time: time.UnixMicro(b.abs).UTC()}
}
