package cmd

import "path"

// pathMatch checks a glob's syntax.
func pathMatch(glob string) (bool, error) {
	return path.Match(glob, "/")
}
