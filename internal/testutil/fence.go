package testutil

import (
	"fmt"
	"strings"
)

// Unfence checks the stop-commands fences of a GitHub Actions job's output
// and returns the output without them: each "::stop-commands::TOKEN" line
// has a token of 16 or more characters and is ended by a "::TOKEN::" line
// later in the output, and no fence is left open.
func Unfence(out string) (string, error) {
	var kept []string
	token := ""
	lines := strings.SplitAfter(out, "\n")
	for i, line := range lines {
		body := strings.TrimSuffix(line, "\n")
		if token == "" {
			if t, ok := strings.CutPrefix(body, "::stop-commands::"); ok {
				if len(t) < 16 {
					return "", fmt.Errorf("line %d: stop-commands token %q shorter than 16 characters", i+1, t)
				}
				token = t
				continue
			}
		} else if body == "::"+token+"::" {
			token = ""
			continue
		}
		kept = append(kept, line)
	}
	if token != "" {
		return "", fmt.Errorf("stop-commands %s never ended", token)
	}
	return strings.Join(kept, ""), nil
}
