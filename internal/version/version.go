// Package version says which build of skewer is running: the version,
// commit and build date that `make build` and `make dist` stamp with
// -ldflags, else what the Go toolchain recorded in the binary (the module
// version of `go install ...@v1.2.3`, the commit of a build from a
// checkout).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the linker: go build -ldflags "-X
// github.com/skewer-dev/skewer/internal/version.version=v1.2.3 ...".
var (
	version string
	commit  string
	date    string
)

// Info is what a build says about itself; an empty field is unknown.
type Info struct {
	Version string // v1.2.3, a pseudo-version, or "devel"
	Commit  string // the VCS revision, "+dirty" when the tree had changes
	Date    string // RFC 3339: the build's, or with Committed the commit's
	// Committed says Date is the commit's time (from the VCS stamp), not
	// the build's.
	Committed bool
	Go        string // the toolchain and the target, go1.26.0 linux/amd64
}

// Get returns the linker's stamps, else what debug.ReadBuildInfo holds.
func Get() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return From(version, commit, date, bi)
}

// From is Get with the stamps and the build information given.
func From(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date, Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		if in.Version == "" {
			in.Version = "devel"
		}
		return in
	}
	if bi.GoVersion != "" {
		in.Go = bi.GoVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		in.Version = bi.Main.Version
	}
	if in.Version == "" {
		in.Version = "devel"
	}
	if in.Commit == "" && rev != "" {
		in.Commit = rev
		if dirty {
			in.Commit += "+dirty"
		}
	}
	if in.Date == "" && at != "" {
		in.Date, in.Committed = at, true
	}
	return in
}

// String is one line: skewer v1.2.3 (commit 0123abc, built 2026-12-02T07:40:00Z, go1.26.0 linux/amd64).
func (in Info) String() string {
	var parts []string
	if in.Commit != "" {
		c, dirty := strings.CutSuffix(in.Commit, "+dirty")
		if len(c) > 12 {
			c = c[:12]
		}
		if dirty {
			c += "+dirty"
		}
		parts = append(parts, "commit "+c)
	}
	switch {
	case in.Date != "" && in.Committed:
		parts = append(parts, "committed "+in.Date)
	case in.Date != "":
		parts = append(parts, "built "+in.Date)
	}
	parts = append(parts, in.Go)
	return fmt.Sprintf("skewer %s (%s)", in.Version, strings.Join(parts, ", "))
}
