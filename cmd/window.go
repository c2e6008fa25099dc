package cmd

import (
	"errors"
	"fmt"
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
	since, until ingest.Bound
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

func (fl *windowFlags) validate(alwaysOn bool) error {
	fl.on = alwaysOn || fl.Window != ""
	if fl.Window != "" && fl.Window != "auto" {
		flag := fl.flag
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
