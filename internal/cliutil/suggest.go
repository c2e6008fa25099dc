// Package cliutil holds command-line helpers that know cobra but nothing of
// skewer: suggestions for a mistyped name, and a usage text that lists
// flags in groups within a width.
package cliutil

import "strings"

// Suggest returns the names within two edits of typed, or that start with
// it (when it has 3 letters or more), in their order: what a user who
// typed it may have meant.
func Suggest(typed string, names []string) []string {
	var out []string
	for _, n := range names {
		if distance(typed, n) <= 2 || len(typed) >= 3 && strings.HasPrefix(n, typed) {
			out = append(out, n)
		}
	}
	return out
}

// distance is the Levenshtein distance of a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
