// Command skewer tells which worker of a pre-fork web server did the work,
// when, and whether the imbalance matters.
package main

import (
	"os"

	"github.com/skewer-dev/skewer/cmd"
)

func main() {
	os.Exit(cmd.Main())
}
