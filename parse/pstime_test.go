package parse

import (
	"strings"
	"testing"
	"time"
)

// TestStimeBorn bounds a start printed as STIME or START by the snapshot's
// time: the bounds below are written out by hand from the calendar.
func TestStimeBorn(t *testing.T) {
	at := time.Date(2026, time.October, 12, 21, 0, 0, 0, time.UTC)
	d := func(mo time.Month, day, h, mi int) int64 {
		return time.Date(2026, mo, day, h, mi, 0, 0, time.UTC).UnixMicro()
	}
	tests := []struct {
		name, stime string
		from, to    int64
	}{
		{"today's minute", "17:44", d(time.October, 12, 17, 44), d(time.October, 12, 17, 45)},
		{"the snapshot's minute ends at the snapshot", "21:00", d(time.October, 12, 21, 0), d(time.October, 12, 21, 0)},
		{"a clock time after the snapshot is yesterday (ps start)", "22:10", d(time.October, 11, 22, 10), d(time.October, 11, 22, 11)},
		{"to the second (ps start)", "17:44:05", d(time.October, 12, 17, 44) + 5e6, d(time.October, 12, 17, 44) + 6e6},
		{"a day this year", "Oct06", d(time.October, 6, 0, 0), d(time.October, 7, 0, 0)},
		{"a day as bsdstart prints it", "Oct 6", d(time.October, 6, 0, 0), d(time.October, 7, 0, 0)},
		{"a day after the snapshot is last year", "Dec31", time.Date(2025, time.December, 31, 0, 0, 0, 0, time.UTC).UnixMicro(), d(time.January, 1, 0, 0)},
		{"a year", "2025", time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC).UnixMicro(), d(time.January, 1, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &psParser{loc: time.UTC}
			from, to, ok := p.stimeBorn([]byte(tt.stime), at.UnixMicro())
			if !ok || from != tt.from || to != tt.to {
				t.Errorf("got %v %v %v, want %v %v true", time.UnixMicro(from).UTC(), time.UnixMicro(to).UTC(), ok,
					time.UnixMicro(tt.from).UTC(), time.UnixMicro(tt.to).UTC())
			}
		})
	}
	for _, bad := range []string{"25:00", "Foo06", "Feb30", "2027", "17:4", "4263321"} {
		p := &psParser{loc: time.UTC}
		if _, _, ok := p.stimeBorn([]byte(bad), at.UnixMicro()); ok {
			t.Errorf("%q: got ok, want not a start", bad)
		}
	}
}

// TestStimeBornZone reads STIME in --tz: 17:44 in Berlin (CEST, UTC+2 in
// October) is 15:44 UTC.
func TestStimeBornZone(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip(err)
	}
	p := &psParser{loc: loc}
	at := time.Date(2026, time.October, 12, 21, 0, 0, 0, time.UTC).UnixMicro()
	from, _, ok := p.stimeBorn([]byte("17:44"), at)
	want := time.Date(2026, time.October, 12, 15, 44, 0, 0, time.UTC).UnixMicro()
	if !ok || from != want {
		t.Errorf("got %v, want %v", time.UnixMicro(from).UTC(), time.UnixMicro(want).UTC())
	}
}

// TestReadSnapshotsBornAndPercent reads the start bounds, ps's lifetime
// percentage and the CPU resolution of the rows of several layouts.
func TestReadSnapshotsBornAndPercent(t *testing.T) {
	at := time.Date(2026, time.October, 12, 21, 0, 0, 0, time.UTC)
	day := func(mo time.Month, d int) int64 { return time.Date(2026, mo, d, 0, 0, 0, 0, time.UTC).UnixMicro() }
	type want struct {
		bornFrom, bornTo, pct, step int64
		capped                      bool
		cpuStep                     int64
	}
	tests := []struct {
		name, input string
		opt         PSOptions
		want        want
	}{
		{"ps -f C and STIME with --ps-time",
			"UID PID PPID C STIME TTY TIME CMD\nu 15708 26468 6 Oct06 ? 08:46:19 gunicorn: worker [s]\n",
			PSOptions{Time: at.UnixMicro()}, want{day(time.October, 6), day(time.October, 7), 60, 10, false, 1000}},
		{"ps -f without a time: no start bounds",
			"UID PID PPID C STIME TTY TIME CMD\nu 15708 26468 99 Oct06 ? 08:46:19 gunicorn: worker [s]\n",
			PSOptions{}, want{-1, -1, 990, 10, true, 1000}},
		{"ps -eo etimes and %CPU under a timestamp line",
			"# 2026-10-12T21:00:00Z\n  PID ELAPSED     TIME %CPU COMMAND\n 7 93 2 2.1 sleep 60\n",
			PSOptions{}, want{at.UnixMicro() - 93e6, at.UnixMicro() - 92e6, 21, 1, false, 1000}},
		{"BSD TIME with a fraction",
			"PID TIME COMMAND\n7 1:02.50 sleep 60\n",
			PSOptions{}, want{-1, -1, -1, 0, false, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snaps, _, err := ReadSnapshots(strings.NewReader(tt.input), "ps.txt", tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			p := snaps[0].Procs[0]
			got := want{p.BornFrom, p.BornTo, p.PctTenths, p.PctStep, p.PctCapped, p.CPUStepMillis}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
