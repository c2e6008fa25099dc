// Command measure runs a command and reports its wall time, peak resident set
// size and CPU time, so that bench/run.sh needs no GNU time.
//
// Usage:
//
//	measure [-stdout FILE] [--] COMMAND [ARG...]
//
// The command's standard output goes to FILE (default /dev/null); its standard
// input and error are measure's own. When the command succeeds, measure prints
// one line to its standard output:
//
//	WALL_SECONDS MAXRSS_KIB CPU_SECONDS
//
// where MAXRSS_KIB is the kernel's ru_maxrss for the command (KiB on Linux) and
// CPU_SECONDS is user plus system time. When the command fails, measure prints
// nothing there and exits with the command's exit status (1 if it has none).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

func main() {
	stdout := flag.String("stdout", os.DevNull, "send the command's standard output to `FILE`")
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	line, err := measure(*stdout, flag.Args())
	if err != nil {
		fmt.Fprintf(os.Stderr, "measure: %s: %v\n", flag.Arg(0), err)
		if exit, ok := errors.AsType[*exec.ExitError](err); ok && exit.ExitCode() > 0 {
			os.Exit(exit.ExitCode())
		}
		os.Exit(1)
	}
	fmt.Println(line)
}

// measure runs argv with its standard output sent to the file named stdout and
// returns the line to print.
func measure(stdout string, argv []string) (string, error) {
	out, err := os.Create(stdout)
	if err != nil {
		return "", err
	}
	defer out.Close()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, out, os.Stderr

	begin := time.Now()
	if err := cmd.Run(); err != nil {
		return "", err
	}
	wall := time.Since(begin)

	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	return fmt.Sprintf("%.6f %d %.3f", wall.Seconds(), ru.Maxrss, cpu.Seconds()), nil
}
