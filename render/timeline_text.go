package render

import (
	"fmt"
	"io"

	"github.com/skewer-dev/skewer/aggregate"
)

// Timeline writes the text view of skewer timeline: the summary line, the
// charts of opt, the dominance table and the footnotes.
func Timeline(w io.Writer, rep *aggregate.Report, opt ChartOptions) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", fitWords(Summary(rep), opt.Wrap, "")); err != nil {
		return err
	}
	if err := Charts(w, rep, opt); err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	if err := DominanceTable(w, rep, opt.Color); err != nil {
		return err
	}
	if notes := Footnotes(rep); len(notes) > 0 && !opt.Quiet {
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
		for _, n := range notes {
			if _, err := fmt.Fprintf(w, "%s\n", fitWords("note: "+n, opt.Wrap, "      ")); err != nil {
				return err
			}
		}
	}
	return nil
}
