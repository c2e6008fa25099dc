package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/skewer-dev/skewer/aggregate"
)

// TestInputsListFirstFew: a run of 9 logs lists the first 5 and a count of
// the other 4; -v lists all 9; a run of 6 lists all 6 (a "1 more" line
// would take the place of the input it names).
func TestInputsListFirstFew(t *testing.T) {
	for _, tc := range []struct {
		inputs  int
		verbose bool
		listed  int
		more    string
	}{
		{9, false, 5, "  and 4 more inputs (all with -v)\n"},
		{9, true, 9, ""},
		{6, false, 6, ""},
	} {
		t.Run(fmt.Sprintf("%d verbose %v", tc.inputs, tc.verbose), func(t *testing.T) {
			rep := &aggregate.Report{}
			for i := range tc.inputs {
				rep.Inputs = append(rep.Inputs, aggregate.Input{Path: fmt.Sprintf("logs/a%d.log", i), Kind: "access", Format: "gunicorn", Lines: 10, Parsed: 10})
			}
			var b bytes.Buffer
			writeInputs(&errWriter{w: &b}, rep, tc.verbose, 0)
			out := b.String()
			for i := range tc.inputs {
				if got, want := strings.Contains(out, fmt.Sprintf("logs/a%d.log:", i)), i < tc.listed; got != want {
					t.Errorf("input %d listed %v, want %v:\n%s", i, got, want, out)
				}
			}
			if got := strings.Contains(out, "more inputs"); got != (tc.more != "") || !strings.Contains(out, tc.more) {
				t.Errorf("want the line %q:\n%s", tc.more, out)
			}
		})
	}
}
