package parse

import (
	"os"

	"golang.org/x/sys/unix"
)

// growPipe makes the pipe f reads from hold 1 MiB (the most an unprivileged
// process may ask for by default) instead of 64 KiB, when f is a pipe: a
// reader then takes a megabyte per read and is woken a sixteenth as often,
// which is most of what reading a pipe costs over reading a file. It is a
// hint; a failure changes nothing.
func growPipe(f *os.File) {
	info, err := f.Stat()
	if err != nil || info.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	_, _ = unix.FcntlInt(f.Fd(), unix.F_SETPIPE_SZ, 1<<20)
}
