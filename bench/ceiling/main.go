// Command ceiling counts the lines of a log per worker PID, the next to last
// field of the bench log (as the mawk baseline does), and nothing else: how
// fast a minimal Go scanner reads the log on one core, the ceiling a full
// parser can approach.
//
// Usage:
//
//	ceiling [FILE]
//
// It reads standard input without FILE and prints "PID COUNT" lines.
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

func main() {
	in := io.Reader(os.Stdin)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			fmt.Fprintf(os.Stderr, "ceiling: %v\n", err)
			os.Exit(1)
		}
		defer f.Close()
		in = f
	}
	counts, err := count(in)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ceiling: %v\n", err)
		os.Exit(1)
	}
	for pid, n := range counts {
		fmt.Println(pid, n)
	}
}

// count reads whole lines in 1 MiB reads and counts each line's next to
// last space-separated field.
func count(in io.Reader) (map[string]int, error) {
	counts := map[string]int{}
	buf := make([]byte, 1<<20)
	have := 0
	for {
		n, err := in.Read(buf[have:])
		have += n
		data := buf[:have]
		end := bytes.LastIndexByte(data, '\n')
		if err == io.EOF && have > 0 {
			end = have - 1
		}
		for rest := data[:end+1]; len(rest) > 0; {
			i := bytes.IndexByte(rest, '\n')
			line := rest
			if i >= 0 {
				line, rest = rest[:i], rest[i+1:]
			} else {
				rest = nil
			}
			last := bytes.LastIndexByte(line, ' ')
			if last < 0 {
				continue
			}
			prev := bytes.LastIndexByte(line[:last], ' ')
			counts[string(line[prev+1:last])]++
		}
		have = copy(buf, data[end+1:])
		if err == io.EOF {
			return counts, nil
		}
		if err != nil {
			return nil, err
		}
		if have == len(buf) {
			buf = append(buf, make([]byte, len(buf))...) // a line longer than the buffer
		}
	}
}
