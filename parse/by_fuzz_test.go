package parse

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzByPreserved: a --by value is the worker key byte for byte, in a text
// format (any bytes but the quote and line ends nginx escapes) and in JSON
// (any valid UTF-8, escaped as encoding/json does).
func FuzzByPreserved(f *testing.F) {
	for _, s := range []string{"web-1", "10.0.0.1:8000, 10.0.0.2:8000", "\x1b[31mred", "\u202eevil", "é", " lead", "a\\x22b", "\xff\xfe"} {
		f.Add(s)
	}
	text, err := mustNginx(f, `$msec $status "$http_x_worker" $pid`).KeyBy("http_x_worker")
	if err != nil {
		f.Fatal(err)
	}
	js, err := mustJSON(f, map[string]string{"worker": "w"}).KeyBy("w")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, v string) {
		if v == "" || v == "-" {
			return
		}
		if !strings.ContainsAny(v, "\"\r\n") {
			line := `1795629056.866 200 "` + v + `" 21643` + "\n"
			g, err := scanLines(text, []byte(line))
			if err != nil || len(g) != 1 || g[0].Reason != ReasonNone || g[0].Worker != v {
				t.Fatalf("text line %q: got %+v (error %v), want worker %q", line, g, err, v)
			}
		}
		if utf8.ValidString(v) {
			q, _ := json.Marshal(v)
			line := `{"msec":1795629056.866,"status":200,"w":` + string(q) + "}\n"
			g, err := scanLines(js, []byte(line))
			if err != nil || len(g) != 1 || g[0].Reason != ReasonNone || g[0].Worker != v {
				t.Fatalf("JSON line %q: got %+v (error %v), want worker %q", line, g, err, v)
			}
		}
	})
}
