package render

import (
	"errors"
	"io"

	"github.com/skewer-dev/skewer/aggregate"
)

var errNotYet = errors.New("not yet")

// Markdown writes the report as a markdown document.
func Markdown(w io.Writer, rep *aggregate.Report, opt Options) error {
	return errNotYet
}
