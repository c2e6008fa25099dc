package render

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "curl/8.0 ünïcode", "curl/8.0 ünïcode"},
		{"C0 and DEL", "a\x1b[31mb\x7f", "a?[31mb?"},
		{"C1 as UTF-8", "a\u0085b\u009bc", "a?b?c"},
		{"raw 0x9B CSI byte", "a\x9b31mb", "a?31mb"},
		{"other invalid UTF-8", "a\xffb\xc3", "a?b?"},
		{"bidi embeddings and overrides", "a\u202ab\u202ec\u202dd", "a?b?c?d"},
		{"bidi isolates", "\u2066x\u2067y\u2068z\u2069", "?x?y?z?"},
		{"neighbours kept", "\u2029\u206a\u202f", "\u2029\u206a\u202f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Clean(tt.in); got != tt.want {
				t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// unclean reports the first byte offset of s that a terminal or a bidi
// renderer would act on, or -1.
func unclean(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, n := utf8.DecodeRuneInString(s[i:]); n == 1 {
				return i
			}
		}
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f || r >= 0x80 && r <= 0x9f ||
			r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return i
		}
	}
	return -1
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "\x9b", "\u202e", "\xc2\x9b", "\u2066"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clean(s)
		if i := unclean(got); i >= 0 || !utf8.ValidString(got) {
			t.Fatalf("Clean(%q) = %q: unclean at %d", s, got, i)
		}
		if Clean(got) != got {
			t.Fatalf("Clean is not idempotent on %q", s)
		}
	})
}

func TestJSONEscapesControls(t *testing.T) {
	var b strings.Builder
	v := map[string]string{"ua": "a\u0085b\u202ec\u2066d\x9be##[x"}
	if err := encodeJSON(&b, v, true); err != nil {
		t.Fatal(err)
	}
	if i := unclean(b.String()); i >= 0 || strings.Contains(b.String(), "##[") {
		t.Errorf("got %q: unclean at %d", b.String(), i)
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(b.String()), &back); err != nil {
		t.Fatal(err)
	}
	if got, want := back["ua"], "a\u0085b\u202ec\u2066d\ufffde##[x"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
