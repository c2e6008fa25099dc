package cmd

import "testing"

// TestStdIOEnvironment: StdIO reads colour and CI choices from the
// environment once; commands read them from IO.
func TestStdIOEnvironment(t *testing.T) {
	tests := []struct {
		name            string
		noColor, term   string
		actions, sum    string
		wantNoColor     bool
		wantActions     bool
		wantStepSummary string
	}{
		{name: "nothing set", term: "xterm"},
		{name: "NO_COLOR set", noColor: "1", term: "xterm", wantNoColor: true},
		{name: "NO_COLOR empty counts as unset", noColor: "", term: "xterm"},
		{name: "TERM=dumb", term: "dumb", wantNoColor: true},
		{name: "GitHub Actions", term: "xterm", actions: "true", sum: "/tmp/sum.md", wantActions: true, wantStepSummary: "/tmp/sum.md"},
		{name: "GITHUB_ACTIONS other than true", term: "xterm", actions: "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor)
			t.Setenv("TERM", tt.term)
			t.Setenv("GITHUB_ACTIONS", tt.actions)
			t.Setenv("GITHUB_STEP_SUMMARY", tt.sum)
			s := StdIO()
			if s.NoColor != tt.wantNoColor || s.GitHubActions != tt.wantActions || s.StepSummary != tt.wantStepSummary {
				t.Errorf("NoColor, GitHubActions, StepSummary: got %v, %v, %q, want %v, %v, %q",
					s.NoColor, s.GitHubActions, s.StepSummary, tt.wantNoColor, tt.wantActions, tt.wantStepSummary)
			}
		})
	}
}

func TestColorAllowed(t *testing.T) {
	tests := []struct {
		name string
		s    IO
		want bool
	}{
		{name: "terminal", s: IO{OutTerminal: true}, want: true},
		{name: "terminal, no colour", s: IO{OutTerminal: true, NoColor: true}},
		{name: "not a terminal", s: IO{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := colorAllowed(tt.s); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
