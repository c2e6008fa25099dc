package procfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// statLine builds a /proc/PID/stat line with the fields skewer reads; the
// others hold recognisable filler. Fields 14, 15, 22 and 24 are utime,
// stime, starttime and rss.
func statLine(pid int, comm string, ppid int, utime, stime, start, rss int64) string {
	f := []string{strconv.Itoa(pid), "(" + comm + ")", "S", strconv.Itoa(ppid)}
	for i := 5; i <= 13; i++ {
		f = append(f, "0")
	}
	f = append(f, strconv.FormatInt(utime, 10), strconv.FormatInt(stime, 10))
	for i := 16; i <= 21; i++ {
		f = append(f, "7")
	}
	f = append(f, strconv.FormatInt(start, 10), "123456789", strconv.FormatInt(rss, 10))
	for i := 25; i <= 52; i++ {
		f = append(f, "0")
	}
	return strings.Join(f, " ") + "\n"
}

// writeProc writes ROOT/PID/stat and, unless cmdline is nil, ROOT/PID/cmdline.
func writeProc(t *testing.T, root string, pid int, stat string, cmdline []byte) {
	t.Helper()
	dir := filepath.Join(root, strconv.Itoa(pid))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stat"), []byte(stat), 0o444); err != nil {
		t.Fatal(err)
	}
	if cmdline != nil {
		if err := os.WriteFile(filepath.Join(dir, "cmdline"), cmdline, 0o444); err != nil {
			t.Fatal(err)
		}
	}
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Proc
	}{
		{
			name: "plain",
			line: statLine(4242, "gunicorn", 4200, 1234, 66, 987654, 2500),
			// (1234+66) ticks × 10 ms; 2500 pages × 4096 B / 1024.
			want: Proc{PID: 4242, PPID: 4200, StartTicks: 987654, CPUMillis: 13000, RSSKiB: 10000, Comm: "gunicorn"},
		},
		{
			name: "comm with spaces and parentheses",
			line: statLine(7, "a) (b c) S 1 (", 1, 1, 2, 3, 1),
			want: Proc{PID: 7, PPID: 1, StartTicks: 3, CPUMillis: 30, RSSKiB: 4, Comm: "a) (b c) S 1 ("},
		},
		{
			name: "comm of only a parenthesis",
			line: statLine(8, ")", 2, 0, 0, 5, 0),
			want: Proc{PID: 8, PPID: 2, StartTicks: 5, Comm: ")"},
		},
		{
			name: "empty comm",
			line: statLine(9, "", 0, 0, 1, 0, 0),
			want: Proc{PID: 9, CPUMillis: 10, Comm: ""},
		},
		{
			name: "a real line from this kernel",
			line: "23128 (cat) R 23120 23120 17823 0 -1 4194304 96 0 0 0 0 0 0 0 20 0 1 0 148193 3133440 381 18446744073709551615 94822438277120 94822438297001 140735364760736 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94822438313008 94822438314624 94822706638848 140735364762296 140735364762316 140735364762316 140735364763627 0\n",
			// 381 pages × 4 KiB = 1524 KiB, as ps -o rss printed for it.
			want: Proc{PID: 23128, PPID: 23120, StartTicks: 148193, CPUMillis: 0, RSSKiB: 1524, Comm: "cat"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.line), 4096)
			if err != nil {
				t.Fatalf("parseStat: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseStatErrors(t *testing.T) {
	tests := []struct {
		name, line, want string
	}{
		{"no comm", "12 S 1 2 3\n", "no (comm) field"},
		{"reversed parentheses", "12 )x( S 1\n", "no (comm) field"},
		{"empty", "", "no (comm) field"},
		{"bad pid", "x12 (sh) " + strings.Repeat("0 ", 30), `pid field: strconv.Atoi: parsing "x12": invalid syntax`},
		{"cut short", "12 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20\n", "21 fields after the command name, want at least 22"},
		{"bad utime", strings.Replace(statLine(12, "sh", 1, 99, 0, 0, 0), " 99 ", " 9x ", 1), `utime field: strconv.ParseInt: parsing "9x": invalid syntax`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.line), 4096)
			if err == nil {
				t.Fatalf("got %+v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got error %q, want %q", err, tt.want)
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	tests := []struct {
		name, cmdline, comm, want string
	}{
		{"arguments", "gunicorn: master [app]\x00", "gunicorn", "gunicorn: master [app]"},
		{"NUL separated", "/usr/bin/python3\x00/usr/bin/gunicorn\x00-w\x004\x00app:app\x00", "gunicorn", "/usr/bin/python3 /usr/bin/gunicorn -w 4 app:app"},
		{"kernel thread", "", "kworker/0:1-events", "[kworker/0:1-events]"},
		{"setproctitle padding", "gunicorn: worker [app]\x00\x00\x00   \x00", "python3", "gunicorn: worker [app]"},
		{"empty argument kept", "a\x00\x00b\x00", "a", "a  b"},
		{"newline and tab", "sh\x00-c\x00echo 1\necho\t2\x00", "sh", "sh -c echo 1?echo?2"},
		{"control characters in comm", "", "bad\nname\x7f", "[bad?name?]"},
		{"non-ASCII kept", "python3\x00café\x00", "python3", "python3 café"},
		{"C1 controls and raw CSI", "x\x00\u0085a\x9b2J\x00", "x", "x ?a?2J"},
		{"bidi overrides", "x\x00\u202eevil\u2066\x00", "x", "x ?evil?"},
		{"C1 in comm", "", "a\u009bb", "[a?b]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := commandLine([]byte(tt.cmdline), tt.comm); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeTree writes a /proc with a kernel thread, a process whose comm holds
// spaces and parentheses, one that vanished before its stat was read, one
// that vanished between stat and cmdline, and files that are not processes.
func fakeTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	writeProc(t, root, 1, statLine(1, "systemd", 0, 500, 300, 1, 3000), []byte("/sbin/init\x00splash\x00"))
	writeProc(t, root, 2, statLine(2, "kthreadd", 0, 0, 2, 1, 0), []byte{})
	writeProc(t, root, 310, statLine(310, "my (odd) name)", 1, 7, 3, 4000, 256), []byte("python3\x00-c\x00print(1)\x00"))
	writeProc(t, root, 42, statLine(42, "sh", 1, 1, 1, 3900, 100), nil)   // exited between stat and cmdline
	if err := os.MkdirAll(filepath.Join(root, "99"), 0o755); err != nil { // exited before stat
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "sys", "kernel"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"meminfo", "self", "0", "007"} {
		if err := os.WriteFile(filepath.Join(root, name), []byte("x"), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestReadAll(t *testing.T) {
	root := fakeTree(t)
	got, denied, err := FS{Root: root, PageSize: 4096}.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []Proc{
		{PID: 1, PPID: 0, StartTicks: 1, CPUMillis: 8000, RSSKiB: 12000, Comm: "systemd", Args: "/sbin/init splash"},
		{PID: 2, PPID: 0, StartTicks: 1, CPUMillis: 20, RSSKiB: 0, Comm: "kthreadd", Args: "[kthreadd]"},
		{PID: 310, PPID: 1, StartTicks: 4000, CPUMillis: 100, RSSKiB: 1024, Comm: "my (odd) name)", Args: "python3 -c print(1)"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%+v\nwant\n%+v", got, want)
	}
	if denied != 0 {
		t.Errorf("denied: got %d, want 0", denied)
	}

	// Snapshot is the same with this machine's page size.
	snap, err := Snapshot(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap) != 3 || snap[2].RSSKiB != 256*int64(os.Getpagesize())/1024 {
		t.Errorf("Snapshot: got %+v, want 3 processes, the last with %d KiB", snap, 256*os.Getpagesize()/1024)
	}
}

func TestReadAllErrors(t *testing.T) {
	t.Run("missing root", func(t *testing.T) {
		root := filepath.Join(t.TempDir(), "proc")
		_, _, err := FS{Root: root, PageSize: 4096}.ReadAll()
		if want := "open " + root + ": no such file or directory"; err == nil || err.Error() != want {
			t.Errorf("got error %v, want %q", err, want)
		}
	})
	t.Run("garbled stat names the file", func(t *testing.T) {
		root := fakeTree(t)
		writeProc(t, root, 77, "77 sh S 1\n", []byte("sh\x00"))
		_, _, err := FS{Root: root, PageSize: 4096}.ReadAll()
		if want := filepath.Join(root, "77", "stat") + ": no (comm) field"; err == nil || err.Error() != want {
			t.Errorf("got error %v, want %q", err, want)
		}
	})
	t.Run("stat of another pid", func(t *testing.T) {
		root := fakeTree(t)
		writeProc(t, root, 78, statLine(87, "sh", 1, 0, 0, 0, 0), []byte("sh\x00"))
		_, _, err := FS{Root: root, PageSize: 4096}.ReadAll()
		if want := filepath.Join(root, "78", "stat") + ": pid field is 87, want 78"; err == nil || err.Error() != want {
			t.Errorf("got error %v, want %q", err, want)
		}
	})
	t.Run("unreadable process is counted, not an error", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their mode")
		}
		root := fakeTree(t)
		writeProc(t, root, 500, statLine(500, "secret", 1, 0, 0, 0, 0), []byte("secret\x00"))
		if err := os.Chmod(filepath.Join(root, "500", "stat"), 0); err != nil {
			t.Fatal(err)
		}
		got, denied, err := FS{Root: root, PageSize: 4096}.ReadAll()
		if err != nil || denied != 1 || len(got) != 3 {
			t.Errorf("got %d processes, %d denied, error %v; want 3, 1, nil", len(got), denied, err)
		}
	})
}

func TestVanished(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"ENOENT", &fs.PathError{Op: "open", Path: "/proc/9/stat", Err: syscall.ENOENT}, true},
		{"ESRCH", &fs.PathError{Op: "read", Path: "/proc/9/cmdline", Err: syscall.ESRCH}, true},
		{"EACCES", &fs.PathError{Op: "open", Path: "/proc/9/stat", Err: syscall.EACCES}, false},
		{"other", errors.New("no (comm) field"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Vanished(tt.err); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// tree is a machine where skewer (31) runs from `sh -c "skewer sample
// --match gunicorn"` (30) in a bash (20) that also runs vim on a gunicorn
// config (50); a gunicorn master (40) has a titled worker (41), an untitled
// one (42) with a child (43); nginx (60) is unrelated; 70 and 71 are each
// other's parents, as a snapshot read across PID reuse could show.
var tree = []Proc{
	{PID: 1, PPID: 0, Args: "/sbin/init"},
	{PID: 10, PPID: 1, Args: "sshd: alice [priv]"},
	{PID: 20, PPID: 10, Args: "-bash"},
	{PID: 30, PPID: 20, Args: "sh -c skewer sample --match gunicorn"},
	{PID: 31, PPID: 30, Args: "skewer sample --match gunicorn"},
	{PID: 40, PPID: 1, Args: "gunicorn: master [app]"},
	{PID: 41, PPID: 40, Args: "gunicorn: worker [app]"},
	{PID: 42, PPID: 40, Args: "/usr/bin/python3 app.py"},
	{PID: 43, PPID: 42, Args: "convert in.png out.jpg"},
	{PID: 50, PPID: 20, Args: "vim gunicorn.conf.py"},
	{PID: 60, PPID: 1, Args: "nginx: master process /usr/sbin/nginx"},
	{PID: 61, PPID: 60, Args: "nginx: worker process"},
	{PID: 70, PPID: 71, Args: "loop a"},
	{PID: 71, PPID: 70, Args: "loop b"},
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name string
		sel  Selector
		want []int
	}{
		{"match and descendants, not self or its parents", Selector{Match: regexp.MustCompile(`gunicorn`), Self: 31}, []int{40, 41, 42, 43, 50}},
		{"anchored match", Selector{Match: regexp.MustCompile(`^gunicorn`), Self: 31}, []int{40, 41, 42, 43}},
		{"match inside the tree", Selector{Match: regexp.MustCompile(`python3`), Self: 31}, []int{42, 43}},
		{"match of self only", Selector{Match: regexp.MustCompile(`^skewer`), Self: 31}, nil},
		{"an ancestor's match does not pull in its children", Selector{Match: regexp.MustCompile(`bash|sshd`), Self: 31}, nil},
		{"match nothing", Selector{Match: regexp.MustCompile(`uwsgi`), Self: 31}, nil},
		{"master", Selector{Master: 40, Self: 31}, []int{40, 41, 42, 43}},
		{"master inside a tree", Selector{Master: 42, Self: 31}, []int{42, 43}},
		{"master with match ignores match", Selector{Master: 60, Match: regexp.MustCompile(`gunicorn`), Self: 31}, []int{60, 61}},
		{"master that is an ancestor", Selector{Master: 20, Self: 31}, nil},
		{"master that is self", Selector{Master: 31, Self: 31}, nil},
		{"master absent", Selector{Master: 999, Self: 31}, nil},
		{"parent loop ends", Selector{Master: 70, Self: 31}, []int{70, 71}},
		{"self absent from the snapshot", Selector{Match: regexp.MustCompile(`gunicorn`), Self: 12345}, []int{30, 31, 40, 41, 42, 43, 50}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, p := range tt.sel.Select(tree) {
				got = append(got, p.PID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLineage(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		want []int
	}{
		{"to init", 31, []int{1, 10, 20, 30, 31}},
		{"loop", 70, []int{70, 71}},
		{"absent", 999, []int{999}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for pid := range Lineage(tree, tt.pid) {
				got = append(got, pid)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSnapshotThisMachine reads the real /proc: this test process is in it,
// with its parent and its command line.
func TestSnapshotThisMachine(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc is Linux's")
	}
	procs, err := Snapshot(DefaultRoot)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(procs, func(p Proc) bool { return p.PID == os.Getpid() })
	if i < 0 {
		t.Fatalf("pid %d not in a snapshot of %d processes", os.Getpid(), len(procs))
	}
	me := procs[i]
	if me.PPID != os.Getppid() {
		t.Errorf("ppid: got %d, want %d", me.PPID, os.Getppid())
	}
	exe := filepath.Base(os.Args[0])
	if !strings.Contains(me.Args, exe) {
		t.Errorf("args: got %q, want it to hold %q", me.Args, exe)
	}
	if me.StartTicks <= 0 || me.RSSKiB <= 0 || me.CPUMillis < 0 {
		t.Errorf("got %+v, want a start, a resident size and a CPU time", me)
	}
	if !slices.IsSortedFunc(procs, func(a, b Proc) int { return a.PID - b.PID }) {
		t.Errorf("snapshot not sorted by pid")
	}
}
