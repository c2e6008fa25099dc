package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/skewer-dev/skewer/aggregate"
)

// JSON writes the skewer.report/v1 document. The windows are written one
// at a time, each marshalled on its own, so that a day of 1 s windows is
// never one document in memory: the bytes are those of encoding the whole
// report at once.
func JSON(w io.Writer, rep *aggregate.Report, _ Options) error {
	if len(rep.Windows) == 0 {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rest := *rep
	rest.Windows = []aggregate.Window{}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&rest); err != nil {
		return err
	}
	const empty = "\n  \"windows\": []"
	doc := buf.Bytes()
	at := bytes.Index(doc, []byte(empty))
	if at < 0 || bytes.Contains(doc[at+len(empty):], []byte(empty)) {
		return fmt.Errorf("json: no single top-level windows field") // the schema changed
	}
	at += len(empty) - 1 // before "]"
	if _, err := w.Write(doc[:at]); err != nil {
		return err
	}
	for i, win := range rep.Windows {
		b, err := json.MarshalIndent(win, "    ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		if _, err := io.WriteString(w, sep); err != nil {
			return err
		}
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(w, "\n  "); err != nil {
		return err
	}
	_, err := w.Write(doc[at:])
	return err
}
