package render

import (
	"io"

	"github.com/skewer-dev/skewer/aggregate"
)

// CSV writes one row per worker.
func CSV(w io.Writer, rep *aggregate.Report, opt Options) error {
	return errNotYet
}
