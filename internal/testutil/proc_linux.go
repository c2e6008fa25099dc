package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Proc is a server process started by a test, in its own process group, so
// that the cleanup ends whatever it forked.
type Proc struct {
	Name    string
	PID     int
	Logs    []string      // its output and its error log, shown when something fails
	Exited  chan struct{} // closed once Wait returned
	WaitErr error         // what Wait returned; read it after Exited is closed

	killOnce sync.Once
}

// StartProc starts argv in dir with its output in dir/name.out, and kills
// its process group when the test ends. logs are the server's own log files,
// which Diag shows after the output.
func StartProc(t testing.TB, dir, name string, env, logs []string, argv ...string) *Proc {
	t.Helper()
	out := filepath.Join(dir, name+".out")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := exec.Command(argv[0], argv[1:]...)
	c.Dir = dir
	c.Env = env
	c.Stdout, c.Stderr = f, f
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		t.Fatalf("starting %s: %v", argv[0], err)
	}
	p := &Proc{Name: name, PID: c.Process.Pid, Logs: append([]string{out}, logs...), Exited: make(chan struct{})}
	go func() {
		p.WaitErr = c.Wait()
		close(p.Exited)
	}()
	t.Cleanup(p.Kill)
	return p
}

// Kill ends the whole process group with SIGKILL, children left behind by a
// master that died included, and waits for the leader. Once all of them have
// exited the group is empty and the kill fails harmlessly (Linux does not
// reuse a PID while it names a process group).
func (p *Proc) Kill() {
	p.killOnce.Do(func() {
		_ = syscall.Kill(-p.PID, syscall.SIGKILL)
		select {
		case <-p.Exited:
		case <-time.After(ServerWait):
		}
	})
}

// HasExited reports whether the process has exited.
func (p *Proc) HasExited() bool {
	select {
	case <-p.Exited:
		return true
	default:
		return false
	}
}

// Diag is the process's output and log files, for failure messages.
func (p *Proc) Diag() string {
	var b strings.Builder
	for _, f := range p.Logs {
		fmt.Fprintf(&b, "--- %s (%s)\n%s\n", filepath.Base(f), p.Name, FileText(f))
	}
	return b.String()
}

// Parent reads the PPID of pid: the second field after the last ")" of
// /proc/PID/stat (the command name may hold spaces and parentheses).
func Parent(pid int) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: no ')': %q", pid, s)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields: %q", pid, s)
	}
	return strconv.Atoi(f[1])
}

// Children lists the children of pid from /proc/*/stat, sorted.
func Children(t testing.TB, pid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var kids []int
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, err := Parent(p); err == nil && ppid == pid {
			kids = append(kids, p)
		}
	}
	slices.Sort(kids)
	return kids
}

// GroupMembers lists the live (not zombie) processes of process group pgid,
// from /proc/*/stat: the state is the first field after the last ")" and
// the group the third.
func GroupMembers(t testing.TB, pgid int) []int {
	t.Helper()
	ents, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var live []int
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // exited meanwhile
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) >= 3 && f[0] != "Z" && f[2] == strconv.Itoa(pgid) {
			live = append(live, pid)
		}
	}
	return live
}
