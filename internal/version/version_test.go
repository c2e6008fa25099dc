package version

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestFrom(t *testing.T) {
	goTarget := "go1.26.0 " + runtime.GOOS + "/" + runtime.GOARCH
	checkout := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "9e10251c0ab1d2e3f4a5b6c7d8e9f0a1b2c3d4e5"},
		{Key: "vcs.time", Value: "2026-12-02T07:33:11Z"},
		{Key: "vcs.modified", Value: "true"},
	}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "v1.2.3"}}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  string
	}{
		{"ldflags", "v1.2.3", "0123456789abcdef", "2026-12-02T08:00:00Z", installed,
			"skewer v1.2.3 (commit 0123456789ab, built 2026-12-02T08:00:00Z, " + goTarget + ")"},
		{"go install", "", "", "", installed, "skewer v1.2.3 (" + goTarget + ")"},
		{"checkout", "", "", "", checkout,
			"skewer devel (commit 9e10251c0ab1+dirty, committed 2026-12-02T07:33:11Z, " + goTarget + ")"},
		{"nothing recorded", "", "", "", &debug.BuildInfo{GoVersion: "go1.26.0", Main: debug.Module{Version: "(devel)"}},
			"skewer devel (" + goTarget + ")"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := From(tt.version, tt.commit, tt.date, tt.bi).String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
