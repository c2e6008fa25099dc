package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// Markdown writes the report as a GitHub-flavoured markdown document: the
// inputs, the plain-words summary, a table of the top workers, the skew
// metrics and the notes.
func Markdown(w io.Writer, rep *aggregate.Report, opt Options) error {
	ew := &errWriter{w: w}
	ew.printf("# skewer report\n\n")
	mdInputs(ew, rep)
	ew.printf("%s.\n\n", Summary(rep))
	if rows := hostRows(rep); rows != nil {
		ew.printf("## Hosts\n\n%s.\n\n", mdText(hostIntro(rep.WindowSkew)))
		mdRow(ew, hostHead)
		ew.printf("| :--- | :---%s |\n", strings.Repeat(" | ---:", len(hostHead)-2))
		for _, r := range rows {
			mdRow(ew, r)
		}
		ew.printf("\n")
	}
	mdWorkers(ew, rep, opt)
	ew.printf("\n## Skew\n\n")
	mdSkew(ew, rep)
	if lines := windowLines(rep); len(lines) > 0 {
		ew.printf("\n## Windows\n\n%s\n", mdText(lines[0]))
		for _, l := range lines[1:] {
			ew.printf("%s- %s\n", strings.Repeat("  ", (len(l)-len(strings.TrimLeft(l, " ")))/4), mdText(strings.TrimSpace(l)))
		}
	}
	if notes := Footnotes(rep); len(notes) > 0 && !opt.Quiet {
		ew.printf("\n## Notes\n\n")
		for _, n := range notes {
			ew.printf("- %s\n", mdText(n))
		}
	}
	if opt.Why != nil {
		ew.printf("\n## Why\n\n")
		for _, l := range WhyLines(opt.Why) {
			ew.printf("- %s\n", mdText(strings.TrimPrefix(l, "why: ")))
		}
	}
	return ew.err
}

func mdInputs(ew *errWriter, rep *aggregate.Report) {
	l := rep.Lines
	ew.printf("Inputs:")
	if l.Total > 0 {
		ew.printf(" %d access lines, %d parsed, %d rejected", l.Total, l.Parsed, l.Rejected)
	} else if other := otherInputs(rep); other != "" {
		ew.printf(" %s", mdText(other))
	}
	if rep.Excluded > 0 {
		ew.printf(", %d excluded", rep.Excluded)
	}
	if rep.Family != "" {
		ew.printf(" (%s)", mdText(rep.Family))
	}
	ew.printf("\n\n")
	for _, in := range rep.Inputs {
		if in.Ignored != nil {
			ew.printf("- %s: skipped (%s)\n", mdText(in.Path), mdText(shortIgnored(in)))
			continue
		}
		ew.printf("- %s: %s", mdText(in.Path), mdText(inputLine(in)))
		if in.Note != "" {
			ew.printf(" (%s)", mdText(in.Note))
		}
		ew.printf("\n")
	}
	if len(rep.Inputs) > 0 {
		ew.printf("\n")
	}
	if !rep.Span.Start.IsZero() && !rep.Span.End.IsZero() {
		ew.printf("Span: %s to %s (%s)\n\n", rep.Span.Start, rep.Span.End, spanDuration(rep))
	}
}

func mdWorkers(ew *errWriter, rep *aggregate.Report, opt Options) {
	cs := columns(rep)
	head := tableHeader(cs, rep)
	mdRow(ew, head)
	align := make([]string, len(head))
	align[0] = ":---"
	for i := 1; i < len(align); i++ {
		align[i] = "---:"
	}
	ew.printf("| %s |\n", strings.Join(align, " | "))
	shown, others, folded := rep.Fold(opt.Top)
	for _, w := range shown {
		mdRow(ew, tableRow(cs, w, w.Key))
	}
	if others != nil {
		mdRow(ew, tableRow(cs, *others, fmt.Sprintf("others (%d)", folded)))
	}
}

func mdRow(ew *errWriter, cells []string) {
	esc := make([]string, len(cells))
	for i, c := range cells {
		esc[i] = mdText(c)
	}
	ew.printf("| %s |\n", strings.Join(esc, " | "))
}

// mdSkew writes the skew metrics as a table, one column per measured
// quantity.
func mdSkew(ew *errWriter, rep *aggregate.Report) {
	var skews []aggregate.Skew
	head := []string{"metric"}
	if rep.Lines.Total > 0 {
		skews = append(skews, rep.Skew)
		head = append(head, "requests")
	}
	if rep.RequestSecondsSkew != nil {
		skews = append(skews, *rep.RequestSecondsSkew)
		head = append(head, "request seconds")
	}
	if rep.CPUSkew != nil {
		skews = append(skews, *rep.CPUSkew)
		head = append(head, "cpu seconds")
	}
	metrics := []struct {
		name string
		cell func(aggregate.Skew) string
	}{
		{"workers", func(s aggregate.Skew) string { return fmt.Sprint(s.Workers) }},
		{"active workers", func(s aggregate.Skew) string { return fmt.Sprint(s.ActiveWorkers) }},
		{"gini", func(s aggregate.Skew) string { return fmt.Sprintf("%.3f", s.Gini) }},
		{"top 1 share", func(s aggregate.Skew) string { return percent(s.TopShare["1"]) }},
		{"top 3 share", func(s aggregate.Skew) string { return percent(s.TopShare["3"]) }},
		{"top 5 share", func(s aggregate.Skew) string { return percent(s.TopShare["5"]) }},
		{"max/mean", func(s aggregate.Skew) string { return fixed(s.MaxMean, 2) }},
		{"cv", func(s aggregate.Skew) string { return fixed(s.CV, 3) }},
		{"jain", func(s aggregate.Skew) string { return fixed(s.Jain, 3) }},
		{"effective workers", func(s aggregate.Skew) string { return fixed(s.EffectiveWorkers, 1) }},
	}
	mdRow(ew, head)
	ew.printf("| :---%s |\n", strings.Repeat(" | ---:", len(skews)))
	for _, m := range metrics {
		cells := []string{m.name}
		for _, s := range skews {
			cells = append(cells, m.cell(s))
		}
		mdRow(ew, cells)
	}
}

// mdEscaper backslash-escapes what would end a table cell (|) or start
// inline markup; the backslash itself first, so that a logged backslash
// cannot escape the next character.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, `|`, `\|`, "`", "\\`", `*`, `\*`, `_`, `\_`,
	`[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`,
)

// mdText makes a string safe for one line of markdown: control characters
// stripped (so no escape sequence and no line break gets through) and
// markup characters escaped.
func mdText(s string) string {
	return mdEscaper.Replace(Clean(s))
}
