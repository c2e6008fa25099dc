package render

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// headerOf returns the column heads of the worker table in table output:
// the line above the first line of dashes, split on runs of two spaces.
func headerOf(t *testing.T, out string) []string {
	t.Helper()
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if i > 0 && strings.HasPrefix(l, "-----") {
			heads := regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(lines[i-1]), -1)
			return heads
		}
	}
	return nil // a table without rows
}

// TestTableFitsWidth: at a terminal's width every line of table output fits
// but the per-host table's (a worker table down to worker and requests
// always does in these cases); the columns left out are the first of dropOrder that the table has, and
// the footer names them in that order. Width 0 (not a terminal) is the
// golden output, checked by TestGolden.
func TestTableFitsWidth(t *testing.T) {
	for _, c := range reportCases {
		var whole bytes.Buffer
		if err := Table(&whole, c.report(), c.opt); err != nil {
			t.Fatal(err)
		}
		all := headerOf(t, whole.String())
		for _, width := range []int{64, 80, 120} {
			t.Run(fmt.Sprintf("%s/%d", c.name, width), func(t *testing.T) {
				opt := c.opt
				opt.Width = width
				var out bytes.Buffer
				if err := Table(&out, c.report(), opt); err != nil {
					t.Fatal(err)
				}
				hosts := false // the per-host table is not fitted (yet)
				for i, l := range strings.Split(out.String(), "\n") {
					hosts = strings.HasPrefix(l, "per host:") || hosts && l != ""
					if n := len([]rune(l)); n > width && !hosts {
						t.Errorf("line %d: got %d columns, want at most %d: %q", i+1, n, width, l)
					}
				}
				kept := headerOf(t, out.String())
				var dropped []string
				for _, h := range all {
					if !slices.Contains(kept, h) {
						dropped = append(dropped, h)
					}
				}
				var want []string
				for _, h := range dropOrder {
					if slices.Contains(all, h) && len(want) < len(dropped) {
						want = append(want, h)
					}
				}
				slices.SortFunc(dropped, func(a, b string) int {
					return slices.Index(dropOrder, a) - slices.Index(dropOrder, b)
				})
				if !slices.Equal(dropped, want) {
					t.Errorf("left out %q, want the first of dropOrder: %q", dropped, want)
				}
				footer := strings.Contains(out.String(), "--wide shows every column")
				switch {
				case len(dropped) == 0 && footer:
					t.Errorf("a footer, but no column was left out:\n%s", out.String())
				case len(dropped) > 0 && !strings.Contains(strings.Join(strings.Fields(out.String()), " "), "("+strings.Join(dropped, ", ")+" left out to fit"):
					t.Errorf("the footer does not name %q:\n%s", dropped, out.String())
				}
			})
		}
	}
}
