package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestNeutraliseLine(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"::error::x", `\::error::x`},
		{"  \t::add-mask::x", "  \t\\::add-mask::x"},
		{"a ::error:: b", "a ::error:: b"},
		{"x ##[error]y ##[group]", `x #\#[error]y #\#[group]`},
		{"::1 ##[", `\::1 #\#[`},
	}
	for _, tt := range tests {
		if got := string(NeutraliseLine([]byte(tt.in))); got != tt.want {
			t.Errorf("NeutraliseLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestGuard(t *testing.T) {
	tests := []struct {
		name   string
		token  string
		writes []string
		cmds   string
		want   string
	}{
		{"plain, split writes", "", []string{"a\n  ::er", "ror::x\nlast"}, "", "a\n  \\::error::x\nlast"},
		{"nothing written", "T0123456789abcdef", nil, "", ""},
		{"fenced", "T0123456789abcdef", []string{"::stop-commands::T0123456789abcdef\n", "x"}, "",
			"::stop-commands::T0123456789abcdef\n\\::stop-commands::T0123456789abcdef\nx\n::T0123456789abcdef::\n"},
		{"commands outside the fence", "T0123456789abcdef", []string{"row\n"}, "::error title=a::b ##[x]\n",
			"::stop-commands::T0123456789abcdef\nrow\n::T0123456789abcdef::\n::error title=a::b #\\#[x]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			g := NewGuard(&b, tt.token)
			for _, w := range tt.writes {
				if n, err := g.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write: got %d, %v", n, err)
				}
			}
			if tt.cmds != "" {
				if err := g.Commands([]byte(tt.cmds)); err != nil {
					t.Fatal(err)
				}
			}
			if err := g.Close(); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if tok := NewStopToken(); len(tok) < 16 || strings.ContainsAny(tok, ": \n") || tok == NewStopToken() {
		t.Errorf("NewStopToken: got %q, want 16+ random characters", tok)
	}
}
