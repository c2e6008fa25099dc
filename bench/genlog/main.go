// Command genlog writes a synthetic nginx access log for benchmarks.
//
// Each line is the nginx combined format followed by the worker PID and the
// request time, as with
//
//	log_format bench '$remote_addr - $remote_user [$time_local] "$request" '
//	                 '$status $body_bytes_sent "$http_referer" "$http_user_agent" '
//	                 '$pid $request_time';
//
// The traffic is shaped like a real server's: 17 worker PIDs of which two take
// most of the requests, a few paths, referers and user agents, mostly 200s, a
// pool of repeating clients (some IPv6), and request times in milliseconds with
// a long tail. The clock advances one second every few hundred lines, with idle
// gaps of up to a quarter of an hour between bursts, so ten million lines span
// about four days. Lines average about 220 bytes. The output depends only on
// -n and -seed.
//
// Usage:
//
//	genlog [-n LINES] [-seed N] [-o FILE]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	n := flag.Int("n", 10_000_000, "number of lines to write")
	seed := flag.Uint64("seed", 1, "seed of the random generator")
	out := flag.String("o", "", "write to `FILE` instead of standard output")
	flag.Parse()
	if *n < 0 || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *n, *seed); err != nil {
		fmt.Fprintf(os.Stderr, "genlog: %v\n", err)
		os.Exit(1)
	}
}

// run writes n lines to the file named out, or to standard output when out is empty.
func run(out string, n int, seed uint64) error {
	if out == "" {
		return generate(os.Stdout, n, seed)
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	if err := generate(f, n, seed); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// generate writes n lines to w.
func generate(w io.Writer, n int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	g := newGenerator(seed)
	line := make([]byte, 0, 512)
	for range n {
		line = g.appendLine(line[:0])
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}
