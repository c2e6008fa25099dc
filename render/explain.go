package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/skewer-dev/skewer/explain"
)

// ExplainFormats are the outputs of skewer explain.
var ExplainFormats = []string{"table", "json", "markdown", "html"}

// WriteExplanations writes one explanation per server family: as a JSON
// document (an array of them with several families), or as text.
func WriteExplanations(w io.Writer, format string, exps []*explain.Explanation) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if len(exps) == 1 {
			return enc.Encode(exps[0])
		}
		return enc.Encode(exps)
	case "html":
		parts := make([]HTMLPart, len(exps))
		for i, e := range exps {
			parts[i] = HTMLPart{Report: e.Report, Why: e}
		}
		return HTML(w, parts, HTMLOptions{Title: "skewer explain", Top: htmlTop})
	case "table", "markdown":
		ew := &errWriter{w: w}
		md := format == "markdown"
		if md {
			ew.printf("# skewer explain\n")
		}
		for i, e := range exps {
			if i > 0 || md {
				ew.printf("\n")
			}
			lines := ExplainLines(e)
			if md {
				ew.printf("## %s\n\n", mdText(lines[0]))
				for _, l := range lines[1:] {
					ew.printf("- %s\n", mdText(l))
				}
				continue
			}
			for _, l := range TerminalLines(e, explainBudget) {
				ew.printf("%s\n", l)
			}
		}
		return ew.err
	}
	return fmt.Errorf("unknown output format %q (want %s)", format, strings.Join(ExplainFormats, ", "))
}

// htmlTop is how many workers an explanation's page lists; the rest fold.
const htmlTop = 20

// explainBudget is the most lines a family takes in table output.
const explainBudget = 15

// TerminalLines are an explanation for a terminal: short claims wrapped at
// 80 columns, most important first, at most budget lines; what does not fit
// is folded into a count (-o json and markdown list everything).
func TerminalLines(e *explain.Explanation, budget int) []string {
	class := "worker class unknown"
	if e.Server.WorkerClass != nil {
		class = *e.Server.WorkerClass
	}
	verdict := e.Verdict.Short
	if verdict == "" {
		verdict = e.Verdict.Summary
	}
	type claim struct{ kind, text string }
	claims := []claim{{"verdict", fmt.Sprintf("%s (%s): %s: %s", e.Server.Family, Clean(class), e.Verdict.Harm, Clean(verdict))}}
	for _, m := range e.Mechanisms {
		ev := m.Short
		if ev == "" && len(m.Evidence) > 0 {
			ev = m.Evidence[0]
		}
		claims = append(claims, claim{"mechanism", fmt.Sprintf("mechanism %s (%s): %s", m.Name, m.Confidence, Clean(ev))})
	}
	claims = append(claims, claim{"memory", fmt.Sprintf("memory %s: %s", e.Memory.Pattern, Clean(e.Memory.Evidence))})
	if n := len(e.Changes); n > 0 {
		c := e.Changes[0]
		times := "once"
		if n > 1 {
			times = fmt.Sprintf("%d times, first", n)
		}
		claims = append(claims, claim{"change", fmt.Sprintf("lead changed %s at %s: %s", times, c.At.Time().Format("15:04:05"), Clean(c.Cause))})
	}
	for _, a := range e.Advice {
		claims = append(claims, claim{"advice", fmt.Sprintf("advice: %s [%s]", a.Text, a.Fact)})
	}
	for _, t := range e.ToSettle {
		claims = append(claims, claim{"to settle", "to settle: " + Clean(t)})
	}
	for _, n := range e.Notes {
		claims = append(claims, claim{"note", "note: " + Clean(n)})
	}
	var out []string
	for i, c := range claims {
		ls := strings.Split(wrap(c.text, headlineWidth, "    "), "\n")
		rest := len(claims) - i - 1
		room := budget - len(out)
		if rest > 0 {
			room-- // keep a line for the fold
		}
		if len(ls) > room && i > 0 {
			kinds := make([]string, 0, rest+1)
			for _, c := range claims[i:] {
				kinds = append(kinds, c.kind)
			}
			out = append(out, fold(kinds))
			break
		}
		out = append(out, ls...)
	}
	return out
}

// fold counts the claims that did not fit, by kind: "(+1 advice, 2 to
// settle: ...)".
func fold(kinds []string) string {
	var order []string
	counts := map[string]int{}
	for _, k := range kinds {
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%d %s", counts[k], k)
	}
	return fmt.Sprintf("(+%s: -o json or -o markdown lists them)", strings.Join(parts, ", "))
}

// ExplainLines are an explanation's claims, one a line before wrapping:
// the verdict, each mechanism with its first evidence, memory, the first
// changes, advice with its fact, and what to log.
func ExplainLines(e *explain.Explanation) []string {
	class := "worker class unknown"
	if e.Server.WorkerClass != nil {
		class = *e.Server.WorkerClass
	}
	out := []string{fmt.Sprintf("%s (%s): %s: %s", e.Server.Family, class, e.Verdict.Harm, Clean(e.Verdict.Summary))}
	for _, m := range e.Mechanisms {
		ev := ""
		if len(m.Evidence) > 0 {
			ev = ": " + Clean(m.Evidence[0])
		}
		out = append(out, fmt.Sprintf("mechanism %s (%s)%s", m.Name, m.Confidence, ev))
	}
	out = append(out, fmt.Sprintf("memory %s: %s", e.Memory.Pattern, Clean(e.Memory.Evidence)))
	if n := len(e.Changes); n > 0 {
		c := e.Changes[0]
		more := ""
		if n > 1 {
			more = fmt.Sprintf(" (and %d more changes)", n-1)
		}
		out = append(out, fmt.Sprintf("lead changed at %s: %s%s", c.At.Time().Format("15:04:05"), Clean(c.Cause), more))
	}
	for _, a := range e.Advice {
		out = append(out, fmt.Sprintf("advice: %s [%s]", a.Text, a.Fact))
	}
	for _, t := range e.ToSettle {
		out = append(out, "to settle: "+t)
	}
	for _, n := range e.Notes {
		out = append(out, "note: "+Clean(n))
	}
	return out
}

// WhyLines are the three lines a report ends with: the verdict, the main
// mechanism, and what skewer explain adds, each with its figures.
func WhyLines(e *explain.Explanation) [3]string {
	verdict := e.Verdict.Short
	if verdict == "" {
		verdict = e.Verdict.Summary
	}
	mech := "no mechanism found"
	if len(e.Mechanisms) > 0 {
		m := e.Mechanisms[0]
		mech = fmt.Sprintf("%s (%s): %s", m.Name, m.Confidence, Clean(m.Short))
		if n := len(e.Mechanisms) - 1; n > 0 {
			mech += fmt.Sprintf(" (+%d)", n)
		}
	}
	more := "memory " + e.Memory.Pattern
	for _, c := range []struct {
		n    int
		noun string
	}{{len(e.Changes), "changes"}, {len(e.Advice), "advice"}, {len(e.ToSettle), "to settle"}} {
		if c.n == 1 && c.noun == "changes" {
			c.noun = "change"
		}
		if c.n > 0 {
			more += fmt.Sprintf(", %d %s", c.n, c.noun)
		}
	}
	return [3]string{
		fmt.Sprintf("why: %s: %s", e.Verdict.Harm, Clean(verdict)),
		"why: " + mech,
		"why: skewer explain: " + more,
	}
}
