// Package procfs reads process snapshots from a Linux /proc tree: parent,
// start time, CPU time, resident memory and command line of each process.
// It selects the processes that `skewer sample` records, and Record writes
// their snapshots once per interval until it is told to stop.
package procfs

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/skewer-dev/skewer/internal/textclean"
)

// DefaultRoot is where Linux mounts the proc file system.
const DefaultRoot = "/proc"

// ClockTicks is USER_HZ, the unit of the times in /proc/PID/stat: what
// sysconf(_SC_CLK_TCK) returns. Linux fixes it at 100 for user space on every
// architecture Go supports, whatever the kernel's internal tick rate
// (CONFIG_HZ), so skewer uses the constant instead of calling sysconf
// through cgo.
const ClockTicks = 100

// Proc is one process as read from /proc/PID/stat and /proc/PID/cmdline.
type Proc struct {
	PID, PPID int
	// StartTicks is when the process started, in clock ticks since boot
	// (stat field 22); with the PID it tells a reused PID apart.
	StartTicks int64
	// CPUMillis is user+system CPU time (stat fields 14 and 15) in
	// milliseconds; its resolution is one clock tick, 10 ms.
	CPUMillis int64
	// RSSKiB is the resident set size (stat field 24, pages) in KiB.
	RSSKiB int64
	// Comm is the command name (stat field 2) as the kernel gives it.
	Comm string
	// Args is the command line with its arguments joined by spaces and
	// control characters replaced by '?', so that it fits on one line; for a
	// process without a command line (kernel threads, zombies) it is
	// "[comm]", as ps prints it.
	Args string
}

// FS is a proc tree.
type FS struct {
	// Root is the tree's folder, normally DefaultRoot; tests point it at a
	// fake tree.
	Root string
	// PageSize is the size of a memory page in bytes, the unit of stat's rss.
	PageSize int
}

// New returns the proc tree at root with this machine's page size.
func New(root string) FS {
	return FS{Root: root, PageSize: os.Getpagesize()}
}

// Snapshot reads every process under root (normally DefaultRoot), sorted by
// PID. Processes that vanish while being read are left out, and so are
// processes whose files may not be read (see FS.ReadAll).
func Snapshot(root string) ([]Proc, error) {
	procs, _, err := New(root).ReadAll()
	return procs, err
}

// ReadAll reads every process of the tree, sorted by PID. A process that
// vanishes while being read (ENOENT or ESRCH) is left out: it exited. A
// process whose files may not be read (a /proc mounted with hidepid=1 hides
// other users' processes that way) is left out and counted in denied. Any
// other error ends the read.
func (t FS) ReadAll() (procs []Proc, denied int, err error) {
	entries, err := os.ReadDir(t.Root)
	if err != nil {
		return nil, 0, err
	}
	procs = make([]Proc, 0, len(entries))
	for _, e := range entries {
		pid, ok := parsePID(e.Name())
		if !ok {
			continue // self, thread-self, meminfo, ...
		}
		p, err := t.Read(pid)
		switch {
		case err == nil:
			procs = append(procs, p)
		case Vanished(err):
		case errors.Is(err, fs.ErrPermission):
			denied++
		default:
			return nil, 0, err
		}
	}
	slices.SortFunc(procs, func(a, b Proc) int { return a.PID - b.PID })
	return procs, denied, nil
}

// Read reads one process. Vanished reports whether an error means that the
// process does not exist (any more).
func (t FS) Read(pid int) (Proc, error) {
	dir := filepath.Join(t.Root, strconv.Itoa(pid))
	name := filepath.Join(dir, "stat")
	stat, err := os.ReadFile(name)
	if err != nil {
		return Proc{}, err
	}
	p, err := parseStat(stat, t.PageSize)
	if err != nil {
		return Proc{}, fmt.Errorf("%s: %w", name, err)
	}
	if p.PID != pid {
		return Proc{}, fmt.Errorf("%s: pid field is %d, want %d", name, p.PID, pid)
	}
	cmdline, err := os.ReadFile(filepath.Join(dir, "cmdline"))
	if err != nil {
		return Proc{}, err
	}
	p.Args = commandLine(cmdline, p.Comm)
	return p, nil
}

// Vanished reports whether err, from reading a process's files, means that
// the process has exited: its folder is gone (ENOENT) or the kernel no longer
// finds the task behind an open file (ESRCH).
func Vanished(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

func parsePID(name string) (int, bool) {
	if name == "" || name[0] < '1' || name[0] > '9' {
		return 0, false
	}
	pid, err := strconv.Atoi(name)
	return pid, err == nil
}

// parseStat reads /proc/PID/stat. The command name (field 2) is in
// parentheses and may itself hold spaces and parentheses, so it runs from the
// first '(' to the last ')'; the fields after it are space-separated.
func parseStat(b []byte, pageSize int) (Proc, error) {
	open := bytes.IndexByte(b, '(')
	end := bytes.LastIndexByte(b, ')')
	if open < 0 || end < open {
		return Proc{}, errors.New("no (comm) field")
	}
	var p Proc
	var err error
	if p.PID, err = strconv.Atoi(string(bytes.TrimSpace(b[:open]))); err != nil {
		return Proc{}, fmt.Errorf("pid field: %w", err)
	}
	p.Comm = string(b[open+1 : end])
	// f[i] is field i+3 of proc(5): f[0] state, f[1] ppid, f[11] utime,
	// f[12] stime, f[19] starttime, f[21] rss.
	f := strings.Fields(string(b[end+1:]))
	if len(f) < 22 {
		return Proc{}, fmt.Errorf("%d fields after the command name, want at least 22", len(f))
	}
	num := func(i int, name string) int64 {
		if err != nil {
			return 0
		}
		var n int64
		n, err = strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			err = fmt.Errorf("%s field: %w", name, err)
		}
		return n
	}
	p.PPID = int(num(1, "ppid"))
	ticks := num(11, "utime") + num(12, "stime")
	p.StartTicks = num(19, "starttime")
	rss := num(21, "rss")
	if err != nil {
		return Proc{}, err
	}
	p.CPUMillis = ticks * 1000 / ClockTicks
	p.RSSKiB = rss * int64(pageSize) / 1024
	return p, nil
}

// commandLine turns /proc/PID/cmdline (arguments each ended by a NUL) into
// one line.
func commandLine(cmdline []byte, comm string) string {
	s := strings.Trim(oneLine(cmdline), " ")
	if s == "" {
		return "[" + oneLine([]byte(comm)) + "]"
	}
	return s
}

// oneLine replaces NUL by a space and other control characters by '?'
// (as ps does), so that a command line can never start a new row; C1
// controls, bytes that are not UTF-8 and bidi overrides become '?' too, so
// that a sample file is as safe to print as skewer's own output.
func oneLine(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		switch {
		case c == 0:
			c = ' '
		case c < 0x20 || c == 0x7f:
			c = '?'
		}
		out[i] = c
	}
	return textclean.String(string(out))
}

// Selector chooses the processes to record.
type Selector struct {
	// Master, when not 0, selects that process and its descendants.
	Master int
	// Match, when Master is 0, selects the processes whose Args it matches,
	// and their descendants (workers whose titles do not match are still
	// the master's children).
	Match *regexp.Regexp
	// Self is the recording process: it and its ancestors are never
	// selected and never start a tree, so that a shell running
	// `skewer sample --match gunicorn` does not match (its command line
	// holds the pattern) and drag in its other children.
	Self int
}

// Select returns the chosen processes of procs, in their order.
func (s Selector) Select(procs []Proc) []Proc {
	excluded := Lineage(procs, s.Self)
	children := make(map[int][]int, len(procs))
	var roots []int
	for _, p := range procs {
		children[p.PPID] = append(children[p.PPID], p.PID)
		if excluded[p.PID] {
			continue
		}
		if (s.Master != 0 && p.PID == s.Master) || (s.Master == 0 && s.Match != nil && s.Match.MatchString(p.Args)) {
			roots = append(roots, p.PID)
		}
	}
	chosen := make(map[int]bool, len(roots))
	for len(roots) > 0 {
		pid := roots[len(roots)-1]
		roots = roots[:len(roots)-1]
		if chosen[pid] || excluded[pid] {
			continue
		}
		chosen[pid] = true
		roots = append(roots, children[pid]...)
	}
	var out []Proc
	for _, p := range procs {
		if chosen[p.PID] {
			out = append(out, p)
		}
	}
	return out
}

// Lineage returns pid and its ancestors found in procs. A PID whose parent is
// missing from procs ends the chain; a loop (possible in a snapshot read
// while PIDs were reused) ends it too.
func Lineage(procs []Proc, pid int) map[int]bool {
	parent := make(map[int]int, len(procs))
	for _, p := range procs {
		parent[p.PID] = p.PPID
	}
	line := map[int]bool{}
	for pid > 0 && !line[pid] {
		line[pid] = true
		ppid, ok := parent[pid]
		if !ok {
			break
		}
		pid = ppid
	}
	return line
}
