package cmd

import (
	"embed"
	"strings"
)

// helpFiles hold each command's long help, then its examples after a line
// "-- examples --": help/NAME.txt.
//
//go:embed help/*.txt
var helpFiles embed.FS

const examplesLine = "-- examples --\n"

func helpText(name string) (long, examples string) {
	data, err := helpFiles.ReadFile("help/" + name + ".txt")
	if err != nil {
		panic(err) // a file the build embeds
	}
	long, examples, _ = strings.Cut(string(data), examplesLine)
	return strings.TrimSuffix(long, "\n"), strings.TrimSuffix(examples, "\n")
}

// helpLong is the long help of a command.
func helpLong(name string) string { l, _ := helpText(name); return l }

// helpExample is the examples of a command.
func helpExample(name string) string { _, e := helpText(name); return e }
