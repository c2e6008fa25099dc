// Command mangen writes skewer's man pages, one per command, into a folder:
//
//	go run ./internal/mangen man/
//
// (make man). It lives apart from the skewer binary, which never links the
// man page generator.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/spf13/cobra/doc"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mangen DIR")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
	root := cmd.Root(cmd.IO{In: os.Stdin, Out: io.Discard, ErrOut: os.Stderr})
	root.DisableAutoGenTag = true
	header := &doc.GenManHeader{Title: "SKEWER", Section: "1", Source: "skewer", Manual: "skewer manual"}
	if err := doc.GenManTree(root, header, dir); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
}
