package render

import (
	"bytes"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/parse"
)

// FuzzFormatsClean: whatever text a log puts in worker keys, input paths,
// notes and warnings, no output format writes a C0 or C1 control or a
// bidirectional control, nor invalid UTF-8.
func FuzzFormatsClean(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[2J", "\x9b31m", "\u202eevil", "\xc2\x9b", "\u2066x\u2069", "a\x00b", "=cmd|' /C calc'!A0", "::error::x", "##[group]", "\xff\xfe"} {
		f.Add(s, "17")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		recs := []parse.Record{
			rec("17:00:00", a, 250_000, 200, ""),
			rec("17:00:01", b, 500_000, 500, ""),
			rec("17:00:02", a+b, 100_000, 200, ""),
		}
		p := aggregate.NewPartial(nil)
		p.SetWindows(time.Second)
		for i := range recs {
			p.Add(&recs[i])
		}
		inputs := []aggregate.Input{{Path: a, Kind: parse.KindAccess, Format: "nginx", Note: b, Lines: 3, Parsed: 3}}
		rep := aggregate.Finish(p, inputs, aggregate.Options{})
		rep.Warnings = append(rep.Warnings, a, b)
		for _, format := range Formats {
			var out bytes.Buffer
			if err := Write(&out, format, rep, Options{}); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			if i := unclean(out.String()); i >= 0 || !utf8.Valid(out.Bytes()) {
				t.Fatalf("%s output of %q, %q: unclean at %d: %q", format, a, b, i, out.String()[max(0, i-20):min(out.Len(), i+20)])
			}
		}
		var out bytes.Buffer
		if err := Charts(&out, rep, ChartOptions{}); err != nil {
			t.Fatalf("charts: %v", err)
		}
		if i := unclean(out.String()); i >= 0 || !utf8.Valid(out.Bytes()) {
			t.Fatalf("charts of %q, %q: unclean at %d", a, b, i)
		}
	})
}
