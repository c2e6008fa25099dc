package render

import (
	"encoding/json"
	"io"

	"github.com/skewer-dev/skewer/aggregate"
)

// JSON writes the skewer.report/v1 document.
func JSON(w io.Writer, rep *aggregate.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}
