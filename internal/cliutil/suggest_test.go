package cliutil

import (
	"slices"
	"testing"
)

func TestSuggest(t *testing.T) {
	commands := []string{"check", "completion", "explain", "formats", "help", "report", "sample", "timeline", "version"}
	tests := []struct {
		name  string
		typed string
		names []string
		want  []string
	}{
		{"swapped letters", "reprot", commands, []string{"report"}},
		{"one letter short", "repor", commands, []string{"report"}},
		{"dropped letter", "compleion", commands, []string{"completion"}},
		{"prefix", "time", commands, []string{"timeline"}},
		{"nothing close", "frobnicate", commands, nil},
		{"two flags close", "treshold", []string{"threshold", "thresholds", "baseline"}, []string{"threshold", "thresholds"}},
		{"short prefix is not enough", "ch", commands, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Suggest(tt.typed, tt.names); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"reprot", "report", 2}, {"report", "report", 0}, {"flaw", "lawn", 2},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q): got %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
