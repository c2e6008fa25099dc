package check

import (
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that what it accepts is
// well-formed, and that the condition's text, spaces removed, parses to the
// same threshold.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"gini<0.35", "gini < 0.35", "top1_share<=.5", "active_workers>=12", "workers==1e3",
		"idle_workers!=-1", "gini<=baseline+0.05", "effective_workers>=baseline*0.9",
		"max_mean<baseline/2", "gini<=0.05+baseline", "cpu_top10_share>baseline-1",
		"gini=0.3", "gini=>0.3", "gnii<0.3", "gini<", "<0.3", "gini<baseline*x", "gini≤0.3",
		"top0_share<1", "gini<1-baseline", "gini<basline", "\xff<1", "gini<0x10", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		th, err := Parse(s, "-t")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "threshold ") {
				t.Errorf("Parse(%q): error %q does not name the threshold", s, err)
			}
			return
		}
		if !Known(th.Metric) || !th.Op.Valid() || strings.ContainsFunc(th.Text, func(r rune) bool { return r == ' ' || r == '\t' }) {
			t.Errorf("Parse(%q) = %+v: not well-formed", s, th)
		}
		again, err := Parse(th.Text, "-t")
		if err != nil || again != th {
			t.Errorf("Parse(%q) = %+v, but its text parses to %+v, %v", s, th, again, err)
		}
	})
}
