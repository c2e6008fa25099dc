package parse

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// psSec returns the unix seconds of a UTC civil time, computed with the
// standard library so that expected starts do not come from the code under
// test.
func psSec(y int, mo time.Month, d, h, mi, s int) int64 {
	return time.Date(y, mo, d, h, mi, s, 0, time.UTC).Unix()
}

// psUS is psSec in microseconds, for snapshot times.
func psUS(y int, mo time.Month, d, h, mi, s int) int64 {
	return psSec(y, mo, d, h, mi, s) * 1e6
}

// hms is a ps TIME in milliseconds.
func hms(h, m, s int64) int64 { return (h*3600 + m*60 + s) * 1000 }

// readPS reads input and fails the test on an error.
func readPS(t *testing.T, input string, opt PSOptions) ([]Snapshot, PSStats) {
	t.Helper()
	snaps, st, err := ReadSnapshots(strings.NewReader(input), "ps.txt", opt)
	if err != nil {
		t.Fatalf("ReadSnapshots: got error %v, want nil", err)
	}
	// Every snapshot names its file; the tables leave Source out.
	for i := range snaps {
		if snaps[i].Source != "ps.txt" {
			t.Errorf("snapshot %d: got Source %q, want ps.txt", i, snaps[i].Source)
		}
		snaps[i].Source = ""
		for j := range snaps[i].Procs {
			snaps[i].Procs[j] = named(snaps[i].Procs[j])
		}
	}
	return snaps, st
}

// named keeps the fields that row names; the start bounds, ps's percentage
// and the CPU resolution have tests of their own (pstime_test.go).
func named(p Proc) Proc {
	p.BornFrom, p.BornTo, p.CPUStepMillis = 0, 0, 0
	p.PctTenths, p.PctStep, p.PctCapped = 0, 0, false
	return p
}

// readPSFile reads a file of testdata/ps.
func readPSFile(t *testing.T, name string, opt PSOptions) ([]Snapshot, PSStats) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ps", name))
	if err != nil {
		t.Fatal(err)
	}
	return readPS(t, string(b), opt)
}

// row is a Proc with the fields a table test names.
func row(pid, ppid, cpuMillis, rss, start int64, startText, args string) Proc {
	return Proc{PID: pid, PPID: ppid, CPUMillis: cpuMillis, RSSKiB: rss, Start: start, StartText: startText, Args: args}
}

const (
	gMaster = "gunicorn: master [app:app]"
	gWorker = "gunicorn: worker [app:app]"
	seedCmd = "gunicorn: worker [my-service]"
)

func TestReadSnapshotsLayouts(t *testing.T) {
	t0 := psUS(2026, time.November, 25, 17, 52, 15)
	tests := []struct {
		name  string
		input string
		opt   PSOptions
		want  []Snapshot
	}{
		{"ps -aefF", `UID        PID  PPID  C    SZ   RSS PSR STIME TTY          TIME CMD
root     21629 21608  0 10569 34128   0 17:50 ?        00:00:00 gunicorn: master [app:app]
root     21637 21629  3 31551 41824   0 17:50 ?        00:00:02 gunicorn: worker [app:app]
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(21629, 21608, 0, 34128, -1, "17:50", gMaster),
			row(21637, 21629, 2000, 41824, -1, "17:50", gWorker),
		}}}},
		{"ps -ef", `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 Oct04 ?        00:00:04 /sbin/init splash
my-user    27887   26468  1 17:44 pts/0    1-02:03:04 gunicorn: worker [my-service]
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(1, 0, 4000, -1, -1, "Oct04", "/sbin/init splash"),
			row(27887, 26468, hms(26, 3, 4), -1, -1, "17:44", seedCmd),
		}}}},
		{"ps -eF", `UID          PID    PPID  C    SZ   RSS PSR STIME TTY          TIME CMD
root           1       0  0  5012 12040   3  2025 ?        00:00:09 /sbin/init
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{row(1, 0, 9000, 12040, -1, "2025", "/sbin/init")}}}},
		{"ps aux", `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root       21629  0.0  0.1  42276 34128 ?        S    17:50   0:00 gunicorn: master [app:app]
root       21637  2.5  0.1 126204 41912 ?        R    17:50   0:07 gunicorn: worker [app:app]
my-user    15708  6.0  4.4 4001224 3648504 ?     Sl   Oct06 526:19 gunicorn: worker [my-service]
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(21629, -1, 0, 34128, -1, "17:50", gMaster),
			row(21637, -1, 7000, 41912, -1, "17:50", gWorker),
			row(15708, -1, hms(8, 46, 19), 3648504, -1, "Oct06", seedCmd),
		}}}},
		{"ps -eo pid,ppid,rss,vsz,etimes,times,pcpu,args", `# 2026-11-25T17:52:15Z
  PID  PPID   RSS    VSZ ELAPSED     TIME %CPU COMMAND
21629 21608 34128  42276      93        0  0.1 gunicorn: master [app:app]
21637 21629 41824 126204      93        2  3.0 gunicorn: worker [app:app]
`, PSOptions{}, []Snapshot{{Time: t0, HasTime: true, Line: 2, Procs: []Proc{
			row(21629, 21608, 0, 34128, psSec(2026, time.November, 25, 17, 50, 42), "", gMaster),
			row(21637, 21629, 2000, 41824, psSec(2026, time.November, 25, 17, 50, 42), "", gWorker),
		}}}},
		{"ps -eo etime,time,pid,args", `# 2026-11-25T17:52:15Z
    ELAPSED     TIME   PID COMMAND
      01:33 00:00:02 21637 gunicorn: worker [app:app]
 1-00:00:05 00:01:00     1 /sbin/init
`, PSOptions{}, []Snapshot{{Time: t0, HasTime: true, Line: 2, Procs: []Proc{
			row(21637, -1, 2000, -1, psSec(2026, time.November, 25, 17, 50, 42), "", gWorker),
			row(1, -1, 60000, -1, psSec(2026, time.November, 24, 17, 52, 10), "", "/sbin/init"),
		}}}},
		{"ps -eo pid,lstart,rss,cmd", `  PID                  STARTED   RSS CMD
21629 Wed Nov 25 17:50:42 2026 34128 gunicorn: master [app:app]
    1 Thu Nov  5 09:01:02 2026 12040 /sbin/init
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(21629, -1, -1, 34128, psSec(2026, time.November, 25, 17, 50, 42), "Wed Nov 25 17:50:42 2026", gMaster),
			row(1, -1, -1, 12040, psSec(2026, time.November, 5, 9, 1, 2), "Thu Nov 5 09:01:02 2026", "/sbin/init"),
		}}}},
		{"ps -eo pid,lstart,cmd in --tz", `  PID                  STARTED CMD
21629 Wed Nov 25 18:50:42 2026 gunicorn: master [app:app]
`, PSOptions{Loc: time.FixedZone("CET", 3600)}, []Snapshot{{Line: 1, Procs: []Proc{
			row(21629, -1, -1, -1, psSec(2026, time.November, 25, 17, 50, 42), "Wed Nov 25 18:50:42 2026", gMaster),
		}}}},
		{"ps -eo pid,args,rss: command not last", `  PID COMMAND                       RSS
21629 gunicorn: master [app:app]  34128
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{row(21629, -1, -1, 34128, -1, "", gMaster)}}}},
		{"ps -eo pid,args,lstart: lstart after the command", `  PID COMMAND                                     STARTED
21629 gunicorn: master [app:app]   Wed Nov 25 17:50:42 2026
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(21629, -1, -1, -1, psSec(2026, time.November, 25, 17, 50, 42), "Wed Nov 25 17:50:42 2026", gMaster),
		}}}},
		{"ps -eo pid,start,args", `  PID  STARTED COMMAND
    1 19:10:50 /sbin/init
    2   Nov 24 [kthreadd]
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{
			row(1, -1, -1, -1, -1, "19:10:50", "/sbin/init"),
			row(2, -1, -1, -1, -1, "Nov 24", "[kthreadd]"),
		}}}},
		{"ps -eo pid,comm,args: comm read as one field", `  PID COMMAND         COMMAND
21629 gunicorn        gunicorn: master [app:app]
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{row(21629, -1, -1, -1, -1, "", gMaster)}}}},
		{"plain ps", `    PID TTY          TIME CMD
   1234 pts/0    00:00:01 bash
`, PSOptions{}, []Snapshot{{Line: 1, Procs: []Proc{row(1234, -1, 1000, -1, -1, "", "bash")}}}},
		{"tabs and CRLF", "PID\tPPID\tCMD\r\n7\t1\tsleep 60\r\n", PSOptions{},
			[]Snapshot{{Line: 1, Procs: []Proc{row(7, 1, -1, -1, -1, "", "sleep 60")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readPS(t, tt.input, tt.opt)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if st.Skipped != 0 {
				t.Errorf("Skipped: got %d (%v), want 0", st.Skipped, st.Shown)
			}
		})
	}
}

// TestReadSnapshotsColumnValues reads each ambiguous column by the shape of
// its value: ELAPSED is etime or etimes, TIME is time, cputime, bsdtime (ps
// aux) or times.
func TestReadSnapshotsColumnValues(t *testing.T) {
	stamp := "# 2026-11-25T17:52:15Z\n"
	tests := []struct {
		name, header, value string
		wantCPU             int64 // ms
		wantStart           int64 // unix s
	}{
		{"etimes", "ELAPSED", "93", -1, psSec(2026, time.November, 25, 17, 50, 42)},
		{"etime MM:SS", "ELAPSED", "01:33", -1, psSec(2026, time.November, 25, 17, 50, 42)},
		{"etime HH:MM:SS", "ELAPSED", "02:00:15", -1, psSec(2026, time.November, 25, 15, 52, 0)},
		{"etime DD-HH:MM:SS", "ELAPSED", "3-02:00:15", -1, psSec(2026, time.November, 22, 15, 52, 0)},
		{"times", "TIME", "31579", 31579000, -1},
		{"time", "TIME", "08:46:19", 31579000, -1},
		{"time with days", "TIME", "2-08:46:19", (2*86400 + 31579) * 1000, -1},
		{"bsdtime M:SS", "TIME", "0:07", 7000, -1},
		{"bsdtime MMM:SS", "TIME", "526:19", 31579000, -1},
		{"BSD ps M:SS.ss", "TIME", "0:00.03", 30, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readPS(t, stamp+"PID "+tt.header+" CMD\n7 "+tt.value+" sleep\n", PSOptions{})
			p := got[0].Procs[0]
			if p.CPUMillis != tt.wantCPU || p.Start != tt.wantStart {
				t.Errorf("CPUMillis, Start: got %d, %d, want %d, %d", p.CPUMillis, p.Start, tt.wantCPU, tt.wantStart)
			}
		})
	}
}

func TestPSMillis(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"59", 59000, true},
		{"1:05", 65000, true},
		{"00:00:00", 0, true},
		{"10:00:00", 36000000, true},
		{"1-00:00:00", 86400000, true},
		{"1:5", 0, false},
		{"1:60", 0, false},
		{"1-02:03", 0, false},
		{"1-5", 0, false},
		{"01:02:03:04", 0, false},
		{"", 0, false},
		{"-", 0, false},
		{":", 0, false},
		{"1:", 0, false},
		{"0:00.", 0, false},
		{"x", 0, false},
		{"-1", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := psMillis([]byte(tt.in))
			if got != tt.want || ok != tt.ok {
				t.Errorf("psMillis(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestReadSnapshotsStime keeps STIME and START as printed: ps prints HH:MM
// today, MonDD this year, YYYY before.
func TestReadSnapshotsStime(t *testing.T) {
	for _, stime := range []string{"17:44", "Oct06", "2025"} {
		t.Run(stime, func(t *testing.T) {
			for _, header := range []string{"STIME", "START"} {
				got, _ := readPS(t, "PID "+header+" CMD\n7 "+stime+" sleep 60\n", PSOptions{})
				want := row(7, -1, -1, -1, -1, stime, "sleep 60")
				if p := got[0].Procs[0]; p != want {
					t.Errorf("%s: got %+v, want %+v", header, p, want)
				}
			}
		})
	}
}

// TestReadSnapshotsSeed reads the snapshot of the motivating case; the
// expected values are copied by hand from the file.
func TestReadSnapshotsSeed(t *testing.T) {
	snaps, st := readPSFile(t, "seed-ps-aefF-sort-rss.txt", PSOptions{})
	if len(snaps) != 1 || st.Rows != 17 || st.Skipped != 0 || st.Lines != 18 {
		t.Fatalf("snapshots, rows, skipped, lines: got %d, %d, %d, %d, want 1, 17, 0, 18", len(snaps), st.Rows, st.Skipped, st.Lines)
	}
	s := snaps[0]
	if s.HasTime || s.Time != 0 || s.Line != 1 {
		t.Errorf("HasTime, Time, Line: got %v, %d, %d, want false, 0, 1", s.HasTime, s.Time, s.Line)
	}
	want := []struct {
		pid   int64
		cpu   int64 // s
		rss   int64
		stime string
	}{
		{15708, 8*3600 + 46*60 + 19, 3648504, "Oct06"},
		{23004, 2*3600 + 7*60 + 55, 927524, "Oct07"},
		{26564, 1*3600 + 43*60 + 20, 740200, "Oct04"},
		{26562, 29*60 + 40, 260468, "Oct04"},
		{26558, 15*60 + 14, 159696, "Oct04"},
		{26556, 13*60 + 7, 148180, "Oct04"},
		{26554, 10*60 + 13, 128016, "Oct04"},
		{26552, 8*60 + 24, 116832, "Oct04"},
		{26550, 5*60 + 28, 96784, "Oct04"},
		{26548, 4*60 + 47, 90512, "Oct04"},
		{27887, 2*60 + 57, 86564, "17:44"},
		{26546, 3*60 + 39, 84464, "Oct04"},
		{26544, 3*60 + 12, 80736, "Oct04"},
		{26540, 2*60 + 33, 78176, "Oct04"},
		{26542, 2*60 + 49, 76616, "Oct04"},
		{26538, 2*60 + 2, 72028, "Oct04"},
		{26510, 1*60 + 49, 70836, "Oct04"},
	}
	if len(s.Procs) != len(want) {
		t.Fatalf("rows: got %d, want %d", len(s.Procs), len(want))
	}
	for i, w := range want {
		g := s.Procs[i]
		wp := row(w.pid, 26468, w.cpu*1000, w.rss, -1, w.stime, seedCmd)
		if g != wp {
			t.Errorf("row %d: got %+v, want %+v", i+1, g, wp)
		}
	}
	if s.Procs[0].CPUMillis != 31579000 {
		t.Errorf("CPU of 15708: got %d ms, want 31579000 (8h46m19s)", s.Procs[0].CPUMillis)
	}
}

// TestReadSnapshotsMulti reads three snapshots cut from the nginx-proxy
// corpus (the rows of gunicorn and nginx, at 17:52:15, :20 and :25), in
// both the ps -aefF and the ps -eo layout.
func TestReadSnapshotsMulti(t *testing.T) {
	times := []int64{
		psUS(2026, time.November, 25, 17, 52, 15),
		psUS(2026, time.November, 25, 17, 52, 20),
		psUS(2026, time.November, 25, 17, 52, 25),
	}
	gStart := psSec(2026, time.November, 25, 17, 50, 42) // 17:52:15 - 93 s
	nStart := psSec(2026, time.November, 25, 17, 50, 44) // 17:52:15 - 91 s
	tests := []struct {
		file        string
		startText   string
		gStart      int64
		nStart      int64
		worker37CPU []int64
		worker35RSS []int64
	}{
		{"nginx-proxy-aefF-3.log", "17:50", -1, -1, []int64{2000, 3000, 3000}, []int64{41480, 41492, 41492}},
		{"nginx-proxy-eo-3.log", "", gStart, nStart, []int64{2000, 3000, 3000}, []int64{41480, 41492, 41492}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			snaps, st := readPSFile(t, tt.file, PSOptions{})
			if st.Lines != 39 || st.Rows != 33 || st.Skipped != 0 {
				t.Errorf("lines, rows, skipped: got %d, %d, %d, want 39, 33, 0", st.Lines, st.Rows, st.Skipped)
			}
			if len(snaps) != 3 {
				t.Fatalf("snapshots: got %d, want 3", len(snaps))
			}
			for i, s := range snaps {
				if !s.HasTime || s.Time != times[i] || s.Line != int64(2+13*i) || len(s.Procs) != 11 {
					t.Errorf("snapshot %d: HasTime, Time, Line, rows: got %v, %d, %d, %d, want true, %d, %d, 11",
						i, s.HasTime, s.Time, s.Line, len(s.Procs), times[i], 2+13*i)
				}
				for _, p := range s.Procs {
					want := tt.gStart
					if strings.HasPrefix(p.Args, "nginx") {
						want = tt.nStart
					}
					if p.Start != want || p.StartText != tt.startText {
						t.Errorf("snapshot %d, PID %d: Start, StartText: got %d, %q, want %d, %q", i, p.PID, p.Start, p.StartText, want, tt.startText)
					}
				}
				if p := s.Procs[0]; p.PID != 21629 || p.PPID != 21608 || p.Args != gMaster || p.RSSKiB != 34128 {
					t.Errorf("snapshot %d, first row: got %+v, want the gunicorn master 21629", i, p)
				}
				if p := s.Procs[5]; p.PID != 21637 || p.CPUMillis != tt.worker37CPU[i] {
					t.Errorf("snapshot %d: PID, CPU of row 6: got %d, %d, want 21637, %d", i, p.PID, p.CPUMillis, tt.worker37CPU[i])
				}
				if p := s.Procs[4]; p.PID != 21635 || p.RSSKiB != tt.worker35RSS[i] {
					t.Errorf("snapshot %d: PID, RSS of row 5: got %d, %d, want 21635, %d", i, p.PID, p.RSSKiB, tt.worker35RSS[i])
				}
				if p := s.Procs[6]; p.Args != "nginx: master process nginx -p /srv/app/nginx-proxy/ -c /srv/app/nginx-proxy/nginx.conf" {
					t.Errorf("snapshot %d: Args of row 7: got %q", i, p.Args)
				}
			}
		})
	}
}

func TestReadSnapshotsSample(t *testing.T) {
	input := `# skewer-sample v1 2026-11-25T17:40:05Z
21629 21608 4321 1530 34128 gunicorn: master [app:app]
21637 21629 4390 7021 41912 gunicorn: worker [app:app]
99 1 12 0 0
# skewer-sample v1 2026-11-25T17:40:10.250Z
21637 21629 4390 7467 41920 gunicorn: worker [app:app]
# skewer-sample v1 2026-11-25T17:40:15Z
`
	want := []Snapshot{
		{Time: psUS(2026, time.November, 25, 17, 40, 5), HasTime: true, Line: 1, Procs: []Proc{
			row(21629, 21608, 1530, 34128, -1, "4321", gMaster),
			row(21637, 21629, 7021, 41912, -1, "4390", gWorker),
			row(99, 1, 0, 0, -1, "12", ""),
		}},
		{Time: psUS(2026, time.November, 25, 17, 40, 10) + 250000, HasTime: true, Line: 5, Procs: []Proc{
			row(21637, 21629, 7467, 41920, -1, "4390", gWorker),
		}},
		// Nothing matched: a snapshot without processes.
		{Time: psUS(2026, time.November, 25, 17, 40, 15), HasTime: true, Line: 7},
	}
	got, st := readPS(t, input, PSOptions{})
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if st.Rows != 4 || st.Skipped != 0 {
		t.Errorf("rows, skipped: got %d, %d, want 4, 0", st.Rows, st.Skipped)
	}
}

func TestReadSnapshotsTimestamps(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	est := time.FixedZone("EST", -5*3600)
	at := psUS(2026, time.November, 25, 17, 40, 5)
	tests := []struct {
		name, line string
		loc        *time.Location
		want       int64
		guessed    bool
		warnings   []string
	}{
		{"skewer style", "# 2026-11-25T17:40:05Z", nil, at, false, nil},
		{"RFC 3339 with offset", "# 2026-11-25T18:40:05+01:00", nil, at, false, nil},
		{"date -Is", "2026-11-25T17:40:05+00:00", nil, at, false, nil},
		{"date -Ins", "2026-11-25T17:40:05,500000000+00:00", nil, at + 500000, false, nil},
		{"date --rfc-3339", "2026-11-25 17:40:05+00:00", nil, at, false, nil},
		{"zone-less ISO in --tz", "2026-11-25 18:40:05", cet, at, true, nil},
		{"date UTC", "Wed Nov 25 17:40:05 UTC 2026", nil, at, false, nil},
		{"date UTC in another --tz", "Wed Nov 25 17:40:05 UTC 2026", cet, at, false, nil},
		{"date GMT after #", "# Wed Nov 25 17:40:05 GMT 2026", nil, at, false, nil},
		{"date CET in --tz CET", "Wed Nov 25 18:40:05 CET 2026", cet, at, false, nil},
		{"date CET in --tz UTC", "Wed Nov 25 17:40:05 CET 2026", nil, at, false,
			[]string{"ps.txt:1: time zone CET is not the zone of --tz (UTC): read in UTC"}},
		{"date without zone", "Wed Nov 25 18:40:05 2026", cet, at, true, nil},
		{"date with numeric zone", "Wed Nov 25 18:40:05 +0100 2026", nil, at, false, nil},
		{"date with +hh zone", "Wed Nov 25 21:40:05 +04 2026", nil, at, false, nil},
		{"date one-digit day", "Thu Nov  5 12:40:05 EST 2026", est, psUS(2026, time.November, 5, 17, 40, 5), false, nil},
		{"date en_US", "Wed 25 Nov 2026 05:40:05 PM UTC", nil, at, false, nil},
		{"date en_US 12 AM", "Wed 25 Nov 2026 12:40:05 AM UTC", nil, psUS(2026, time.November, 25, 0, 40, 5), false, nil},
		{"@epoch", "@1795628405", nil, 1795628405e6, false, nil},
		{"@epoch after #", "# @1795628405.25", nil, 1795628405e6 + 250000, false, nil},
	}
	if at != 1795628405e6 {
		t.Fatalf("the @epoch cases assume 17:40:05Z is 1795628405, got %d", at/1e6)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readPS(t, tt.line+"\nPID CMD\n1 init\n", PSOptions{Loc: tt.loc})
			if len(got) != 1 || !got[0].HasTime || got[0].Time != tt.want {
				t.Fatalf("got %+v, want one snapshot at %d", got, tt.want)
			}
			if st.ZoneGuessed != tt.guessed || !reflect.DeepEqual(st.Warnings, tt.warnings) {
				t.Errorf("ZoneGuessed, Warnings: got %v, %q, want %v, %q", st.ZoneGuessed, st.Warnings, tt.guessed, tt.warnings)
			}
		})
	}
}

func TestReadSnapshotsBadTimestamps(t *testing.T) {
	// Lines that look like timestamps but are not: the table after them
	// is a snapshot without a time.
	for _, line := range []string{
		"# 2026-11-31T17:40:05Z", "# 2026-02-29T17:40:05Z", "# Wed Nov 25 25:40:05 UTC 2026",
		"# Wed Nov 25 17:40:05 UTC", "# @", "# @x", "# load test starts",
	} {
		t.Run(line, func(t *testing.T) {
			got, st := readPS(t, line+"\nPID CMD\n1 init\n", PSOptions{})
			if len(got) != 1 || got[0].HasTime || got[0].Line != 2 {
				t.Errorf("got %+v, want one snapshot without a time at line 2", got)
			}
			want := []string{"ps.txt:1: comment or unreadable timestamp line"}
			if st.Skipped != 1 || !reflect.DeepEqual(st.Shown, want) {
				t.Errorf("Skipped, Shown: got %d, %q, want 1, %q", st.Skipped, st.Shown, want)
			}
		})
	}
}

const headerlessError = "ps.txt:2: ps output without a header line: name its columns " +
	"(e.g. pid,ppid,rss,etimes,times,args for ps -eo pid=,ppid=,rss=,etimes=,times=,args=)"

func TestReadSnapshotsHeaderless(t *testing.T) {
	input := `# 2026-11-25T17:52:15Z
21629 21608 34128      93        0 gunicorn: master [app:app]
21637 21629 41824      93        2 gunicorn: worker [app:app]
`
	start := psSec(2026, time.November, 25, 17, 50, 42)
	want := []Snapshot{{Time: psUS(2026, time.November, 25, 17, 52, 15), HasTime: true, Line: 2, Procs: []Proc{
		row(21629, 21608, 0, 34128, start, "", gMaster),
		row(21637, 21629, 2000, 41824, start, "", gWorker),
	}}}
	for _, cols := range [][]string{
		{"pid,ppid,rss,etimes,times,args"},
		{"pid=", "ppid=", "rss=", "etime=", "time=", "args="},
		{"pid ppid rss etime:10 time cmd"},
	} {
		t.Run(strings.Join(cols, "|"), func(t *testing.T) {
			got, _ := readPS(t, input, PSOptions{Columns: cols})
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
	errs := []struct {
		name, input string
		cols        []string
		want        string
	}{
		{"no --ps-columns", input, nil, headerlessError},
		{"ps -ef --no-headers", "\nroot 1 0 0 Oct04 ? 00:00:04 /sbin/init\n", nil, headerlessError},
		{"unknown column", input, []string{"pid,rsss"},
			`ps columns: unknown column "rsss": want ps -o names such as pid, ppid, rss, vsz, etimes, etime, times, time, pcpu, stime, lstart, psr, args`},
		{"no pid", input, []string{"ppid,args"},
			"ps columns: no pid column"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadSnapshots(strings.NewReader(tt.input), "ps.txt", PSOptions{Columns: tt.cols})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error: got %v, want %s", err, tt.want)
			}
		})
	}
}

// TestReadSnapshotsBadLines skips and counts garbage lines, keeps a row
// cut inside its command at the end of the file and skips one cut before it.
func TestReadSnapshotsBadLines(t *testing.T) {
	table := `# 2026-11-25T17:52:15Z
  PID  PPID   RSS    VSZ ELAPSED     TIME %CPU COMMAND
21629 21608 34128  42276      93        0  0.1 gunicorn: master [app:app]
garbage
this is not a process row at all
21631 21629 41608 126008      93       x1  1.5 gunicorn: worker [app:app]
21632 21629

# not a time
21634 21629 40888 125876      93        0  0.1 gunicorn: worker [app:app]
# 2026-11-25T17:52:20Z
# 2026-11-25T17:52:25Z
  PID  PPID   RSS    VSZ ELAPSED     TIME %CPU COMMAND
21629 21608 34128  42276     103        0  0.1 gunicorn: master [app:app]
`
	skipped := []string{
		"ps.txt:4: too few fields: got 1, want 8",
		`ps.txt:5: unreadable PID "this"`,
		`ps.txt:6: unreadable TIME "x1"`,
		"ps.txt:7: too few fields: got 2, want 8",
		"ps.txt:9: comment or unreadable timestamp line",
	}
	tests := []struct {
		name      string
		tail      string
		lastRows  int
		lastArgs  string
		skipped   int64
		shownLast string
	}{
		{"cut inside the command", "21631 21629 41608 126008     103        1  1.5 gunic", 2, "gunic", 6,
			"ps.txt:11: timestamp line without a process table"},
		{"cut before the command", "21631 21629 41608 126008     10", 1, gMaster, 7,
			"ps.txt:11: timestamp line without a process table"},
		{"cut in a number", "21631 21629 41608 126008     103        1  1.", 1, gMaster, 7, ""},
		{"cut in the timestamp line", "# 2026-11-25T17:52:3", 1, gMaster, 7, ""},
		{"whole", "21631 21629 41608 126008     103        1  1.5 gunicorn: worker [app:app]\n", 2, gWorker, 6, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readPS(t, table+tt.tail, PSOptions{})
			if len(got) != 2 {
				t.Fatalf("snapshots: got %d, want 2", len(got))
			}
			first, last := got[0], got[1]
			if len(first.Procs) != 2 || first.Procs[1].PID != 21634 {
				t.Errorf("first snapshot: got %+v, want rows 21629 and 21634", first.Procs)
			}
			if last.Line != 13 || last.Time != psUS(2026, time.November, 25, 17, 52, 25) || len(last.Procs) != tt.lastRows {
				t.Fatalf("last snapshot: Line, Time, rows: got %d, %d, %d, want 13, 17:52:25, %d", last.Line, last.Time, len(last.Procs), tt.lastRows)
			}
			if a := last.Procs[len(last.Procs)-1].Args; a != tt.lastArgs {
				t.Errorf("last row's Args: got %q, want %q", a, tt.lastArgs)
			}
			if st.Skipped != tt.skipped || !reflect.DeepEqual(st.Shown, skipped) {
				t.Errorf("Skipped, Shown: got %d, %q, want %d, %q", st.Skipped, st.Shown, tt.skipped, skipped)
			}
			if st.Rows != int64(2+tt.lastRows) || st.Lines != 15 {
				t.Errorf("Rows, Lines: got %d, %d, want %d, 15", st.Rows, st.Lines, 2+tt.lastRows)
			}
		})
	}
}

// TestReadSnapshotsCut checks the reason given for what the end of a cut
// file leaves.
func TestReadSnapshotsCut(t *testing.T) {
	head := "# 2026-11-25T17:52:15Z\nPID TIME CMD\n1 0 init\n"
	tests := []struct{ name, tail, want string }{
		{"row cut before the command", "2 0", "ps.txt:4: row cut at the end of the file"},
		{"row cut in a number", "2 0:0", "ps.txt:4: row cut at the end of the file"},
		{"header cut", "# 2026-11-25T17:52:20Z\nPID TI", "ps.txt:5: line cut at the end of the file"},
		{"timestamp line cut", "# 2026-11-25T17:52:20Z", "ps.txt:4: line cut at the end of the file"},
		{"timestamp line alone", "# 2026-11-25T17:52:20Z\n", "ps.txt:4: timestamp line without a process table"},
		{"line too long", "2 0 " + strings.Repeat("x", MaxLine) + "\n", "ps.txt:4: line longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st := readPS(t, head+tt.tail, PSOptions{})
			if len(got) != 1 || len(got[0].Procs) != 1 {
				t.Errorf("got %+v, want one snapshot with one row", got)
			}
			if !slices.Contains(st.Shown, tt.want) {
				t.Errorf("Shown: got %q, want it to hold %q", st.Shown, tt.want)
			}
		})
	}
}

// TestReadSnapshotsPIDReuse gives a reused PID a new start, and the same
// process the same start although the second in which ps ran moves it.
func TestReadSnapshotsPIDReuse(t *testing.T) {
	eo := `# 2026-11-25T17:52:15Z
  PID  PPID   RSS ELAPSED     TIME COMMAND
21631 21629 41608      93        1 gunicorn: worker [app:app]
# 2026-11-25T17:52:20Z
  PID  PPID   RSS ELAPSED     TIME COMMAND
21631 21629 41608      99        1 gunicorn: worker [app:app]
# 2026-11-25T17:52:25Z
  PID  PPID   RSS ELAPSED     TIME COMMAND
21631 21629 30000       2        0 gunicorn: worker [app:app]
# 2026-11-25T17:52:30Z
  PID  PPID   RSS ELAPSED     TIME COMMAND
21631 21629 30000       6        0 gunicorn: worker [app:app]
`
	aefF := `# 2026-11-25T17:52:15Z
UID        PID  PPID  C    SZ   RSS PSR STIME TTY          TIME CMD
root     21631 21629  1 31502 41608   0 17:50 ?        00:00:01 gunicorn: worker [app:app]
# 2026-11-25T17:52:25Z
UID        PID  PPID  C    SZ   RSS PSR STIME TTY          TIME CMD
root     21631 21629  0 31502 30000   0 17:52 ?        00:00:00 gunicorn: worker [app:app]
`
	first := psSec(2026, time.November, 25, 17, 50, 42)
	second := psSec(2026, time.November, 25, 17, 52, 23)
	tests := []struct {
		name, input string
		start       []int64
		startText   []string
	}{
		// 17:52:20 - 99 s is 17:50:41: a second off, the same process.
		{"etimes", eo, []int64{first, first, second, second}, []string{"", "", "", ""}},
		{"STIME", aefF, []int64{-1, -1}, []string{"17:50", "17:52"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readPS(t, tt.input, PSOptions{})
			if len(got) != len(tt.start) {
				t.Fatalf("snapshots: got %d, want %d", len(got), len(tt.start))
			}
			for i, s := range got {
				if p := s.Procs[0]; p.PID != 21631 || p.Start != tt.start[i] || p.StartText != tt.startText[i] {
					t.Errorf("snapshot %d: PID, Start, StartText: got %d, %d, %q, want 21631, %d, %q",
						i, p.PID, p.Start, p.StartText, tt.start[i], tt.startText[i])
				}
			}
		})
	}
}

// TestReadSnapshotsTime gives a single snapshot without a timestamp line the
// time of --ps-time, and refuses it for several.
func TestReadSnapshotsTime(t *testing.T) {
	table := "  PID ELAPSED CMD\n    7      93 sleep 60\n"
	opt := PSOptions{Time: psUS(2026, time.November, 25, 17, 52, 15)}
	got, _ := readPS(t, table, opt)
	want := []Snapshot{{Time: opt.Time, HasTime: true, Line: 1, Procs: []Proc{
		row(7, -1, -1, -1, psSec(2026, time.November, 25, 17, 50, 42), "", "sleep 60"),
	}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}

	got, _ = readPS(t, table+table, PSOptions{})
	if len(got) != 2 || got[0].HasTime || got[1].HasTime || got[1].Line != 3 || got[0].Procs[0].Start != -1 {
		t.Errorf("two tables without --ps-time: got %+v, want two snapshots without a time", got)
	}
	_, _, err := ReadSnapshots(strings.NewReader(table+table), "ps.txt", opt)
	wantErr := "ps.txt: a snapshot time is the time of a single snapshot, but the file holds 2 snapshots without a timestamp line"
	if err == nil || err.Error() != wantErr {
		t.Errorf("two tables with --ps-time: got error %v, want %s", err, wantErr)
	}
}

func TestReadSnapshotsErrors(t *testing.T) {
	const noSnapshot = "ps.txt: no process snapshot: want the output of ps -ef, ps -eF, ps aux, ps -eo or skewer sample"
	tests := []struct {
		name string
		in   io.Reader
		want string
	}{
		{"empty", strings.NewReader(""), noSnapshot},
		{"not ps", strings.NewReader("hello\nworld\n"), noSnapshot},
		{"only a timestamp", strings.NewReader("# 2026-11-25T17:52:15Z\n"), noSnapshot},
		{"skewer-sample v2", strings.NewReader("# skewer-sample v2 2026-11-25T17:52:15Z\n1 0 1 1 1 init\n"),
			`ps.txt:1: skewer-sample layout "v2 2026-11-25T17:52:15Z" is not supported (want v1)`},
		{"I/O error", iotest.ErrReader(errors.New("disk on fire")), "ps.txt: disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadSnapshots(tt.in, "ps.txt", PSOptions{})
			if err == nil || err.Error() != tt.want {
				t.Errorf("error: got %v, want %s", err, tt.want)
			}
		})
	}
}

// psTruth is the part of a corpus truth.json about one family's processes.
type psTruth struct {
	SnapshotsAefF int                    `json:"snapshots_ps_aefF"`
	SnapshotsEO   int                    `json:"snapshots_ps_eo"`
	First         string                 `json:"first_snapshot"`
	Last          string                 `json:"last_snapshot"`
	Masters       map[string]psTruthProc `json:"masters"`
	Workers       map[string]psTruthProc `json:"workers"`
	WorkerCPU     int64                  `json:"worker_cpu_s_in_window_total"`
}

type psTruthProc struct {
	SnapshotsSeen int    `json:"snapshots_seen"`
	FirstSeen     string `json:"first_seen"`
	LastSeen      string `json:"last_seen"`
	CPU           int64  `json:"cpu_s_in_window"`
	PeakRSS       int64  `json:"peak_rss_kib"`
	CPUEO         *int64 `json:"cpu_s_in_window_ps_eo_times"`
	PeakRSSEO     *int64 `json:"peak_rss_kib_ps_eo"`
}

// psSightings is what the snapshots say of one PID, computed the way
// truth.json's definitions say: cpu_s_in_window is the TIME at the last
// sighting minus the TIME at the first snapshot when the PID is in it, else
// minus 0; peak_rss_kib the largest RSS.
type psSightings struct {
	seen, cpu, peakRSS int64
	first, last        int64 // snapshot times, µs
}

func sightings(snaps []Snapshot) map[int64]*psSightings {
	out := map[int64]*psSightings{}
	firstCPU := map[int64]int64{}
	for i, s := range snaps {
		for _, p := range s.Procs {
			if i == 0 {
				firstCPU[p.PID] = p.CPUMillis
			}
			g := out[p.PID]
			if g == nil {
				g = &psSightings{first: s.Time}
				out[p.PID] = g
			}
			g.seen++
			g.last = s.Time
			g.peakRSS = max(g.peakRSS, p.RSSKiB)
			g.cpu = (p.CPUMillis - firstCPU[p.PID]) / 1000
		}
	}
	return out
}

// stampsOf returns the times of a file's "# <RFC 3339>" lines, read with the
// standard library.
func stampsOf(t *testing.T, path string) []int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "# "); ok {
			tm, err := time.Parse(time.RFC3339, v)
			if err != nil {
				t.Fatalf("%s: %q: %v", path, l, err)
			}
			out = append(out, tm.UnixMicro())
		}
	}
	return out
}

func rfc3339(us int64) string { return time.UnixMicro(us).UTC().Format(time.RFC3339) }

// TestCorpusSnapshots reads the corpus snapshot files and compares per-PID
// CPU and RSS with truth.json, computed independently by the corpus's own
// script.
func TestCorpusSnapshots(t *testing.T) {
	corpus := testutil.Corpus(t)
	families := []struct{ dir, key string }{
		{"gunicorn-sync-17", "ps"},
		{"nginx-proxy", "ps_gunicorn"},
		{"nginx-proxy", "ps_nginx"},
	}
	for _, fam := range families {
		b, err := os.ReadFile(filepath.Join(corpus, fam.dir, "truth.json"))
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		var truth psTruth
		if err := json.Unmarshal(doc[fam.key], &truth); err != nil || len(truth.Workers) == 0 {
			t.Fatalf("%s truth.json %s: %v, %d workers", fam.dir, fam.key, err, len(truth.Workers))
		}
		for _, file := range []string{"ps-aefF.log", "ps-eo.log"} {
			t.Run(fam.dir+"/"+fam.key+"/"+file, func(t *testing.T) {
				path := filepath.Join(corpus, fam.dir, file)
				f, err := os.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				snaps, st, err := ReadSnapshots(f, path, PSOptions{})
				if err != nil {
					t.Fatal(err)
				}
				eo := file == "ps-eo.log"
				want := truth.SnapshotsAefF
				if eo {
					want = truth.SnapshotsEO
				}
				if len(snaps) != want || st.Skipped != 0 {
					t.Fatalf("snapshots, skipped: got %d, %d (%q), want %d, 0", len(snaps), st.Skipped, st.Shown, want)
				}
				stamps := stampsOf(t, path)
				for i, s := range snaps {
					if !s.HasTime || s.Time != stamps[i] {
						t.Errorf("snapshot %d: got time %d (%v), want %d", i, s.Time, s.HasTime, stamps[i])
					}
				}
				if got := rfc3339(snaps[0].Time) + " " + rfc3339(snaps[len(snaps)-1].Time); got != truth.First+" "+truth.Last {
					t.Errorf("first, last snapshot: got %s, want %s %s", got, truth.First, truth.Last)
				}
				checkStarts(t, snaps, eo)
				got := sightings(snaps)
				var workerCPU int64
				for _, group := range []map[string]psTruthProc{truth.Masters, truth.Workers} {
					for pid, w := range group {
						g := got[mustPID(t, pid)]
						if g == nil {
							t.Errorf("PID %s: not in any snapshot", pid)
							continue
						}
						cpu, rss := w.CPU, w.PeakRSS
						if eo {
							if w.CPUEO == nil || w.PeakRSSEO == nil {
								continue
							}
							cpu, rss = *w.CPUEO, *w.PeakRSSEO
						} else if int(g.seen) != w.SnapshotsSeen || rfc3339(g.first) != w.FirstSeen || rfc3339(g.last) != w.LastSeen {
							t.Errorf("PID %s: seen, first, last: got %d, %s, %s, want %d, %s, %s",
								pid, g.seen, rfc3339(g.first), rfc3339(g.last), w.SnapshotsSeen, w.FirstSeen, w.LastSeen)
						}
						if g.cpu != cpu || g.peakRSS != rss {
							t.Errorf("PID %s: CPU s in window, peak RSS KiB: got %d, %d, want %d, %d", pid, g.cpu, g.peakRSS, cpu, rss)
						}
					}
				}
				for pid := range truth.Workers {
					workerCPU += got[mustPID(t, pid)].cpu
				}
				if workerCPU != truth.WorkerCPU {
					t.Errorf("workers' CPU s in window: got %d, want %d", workerCPU, truth.WorkerCPU)
				}
			})
		}
	}
	for _, dir := range []string{"gunicorn-sync-17", "nginx-proxy"} {
		for _, file := range []string{"ps-aefF-single.txt", "ps-aux-single.txt"} {
			t.Run(dir+"/"+file, func(t *testing.T) {
				path := filepath.Join(corpus, dir, file)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				snaps, st := readPS(t, string(b), PSOptions{})
				lines := int64(strings.Count(string(b), "\n"))
				if len(snaps) != 1 || snaps[0].HasTime || st.Rows != lines-1 || st.Skipped != 0 {
					t.Errorf("snapshots, HasTime, rows, skipped: got %d, %v, %d, %d, want 1, false, %d, 0",
						len(snaps), snaps[0].HasTime, st.Rows, st.Skipped, lines-1)
				}
				// Each row's PID and command line, cut with strings.Fields:
				// the command starts at field 11 (-aefF) or 11 (aux).
				for i, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")[1:] {
					f := strings.Fields(l)
					p := snaps[0].Procs[i]
					if strconv.FormatInt(p.PID, 10) != f[1] || strings.Join(strings.Fields(p.Args), " ") != strings.Join(f[10:], " ") {
						t.Errorf("row %d: got PID %d, Args %q, want %s, %q", i+1, p.PID, p.Args, f[1], strings.Join(f[10:], " "))
					}
				}
			})
		}
	}
}

// checkStarts checks that every PID keeps one start through a corpus file:
// no PID was reused within the minutes of a capture.
func checkStarts(t *testing.T, snaps []Snapshot, eo bool) {
	t.Helper()
	starts := map[int64]map[string]bool{}
	for _, s := range snaps {
		for _, p := range s.Procs {
			if eo != (p.Start >= 0) || eo == (p.StartText != "") {
				t.Fatalf("PID %d: Start, StartText: got %d, %q", p.PID, p.Start, p.StartText)
			}
			if starts[p.PID] == nil {
				starts[p.PID] = map[string]bool{}
			}
			starts[p.PID][strconv.FormatInt(p.Start, 10)+p.StartText] = true
		}
	}
	for pid, s := range starts {
		if len(s) != 1 {
			t.Errorf("PID %d: got starts %v, want one", pid, s)
		}
	}
}

func mustPID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// BenchmarkReadSnapshots reads snapshots cut from the corpus, repeated to
// about 1 MB.
func BenchmarkReadSnapshots(b *testing.B) {
	for _, name := range []string{"nginx-proxy-aefF-3.log", "nginx-proxy-eo-3.log"} {
		b.Run(name, func(b *testing.B) {
			one, err := os.ReadFile(filepath.Join("testdata", "ps", name))
			if err != nil {
				b.Fatal(err)
			}
			data := bytes.Repeat(one, 1<<20/len(one))
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var rows int64
			for b.Loop() {
				_, st, err := ReadSnapshots(bytes.NewReader(data), name, PSOptions{})
				if err != nil {
					b.Fatal(err)
				}
				rows += st.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
