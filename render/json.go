package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/skewer-dev/skewer/aggregate"
	"github.com/skewer-dev/skewer/internal/textclean"
)

// JSON writes the skewer.report/v1 document. The workers and the windows
// are written one at a time, each marshalled on its own, so that neither
// 100,000 rows nor a day of 1 s windows is ever one document in memory:
// the bytes are those of encoding the whole report at once.
func JSON(w io.Writer, rep *aggregate.Report, _ Options) error {
	w = jsonSafe{w}
	if len(rep.Windows) == 0 && len(rep.Workers) == 0 {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rest := *rep
	rest.Workers, rest.Windows = []aggregate.Worker{}, []aggregate.Window{}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&rest); err != nil {
		return err
	}
	doc := buf.Bytes()
	workers, err := emptyField(doc, "workers")
	if err != nil {
		return err
	}
	windows, err := emptyField(doc, "windows")
	if err != nil {
		return err
	}
	if workers > windows {
		return fmt.Errorf("json: workers after windows") // the schema changed
	}
	if _, err := w.Write(doc[:workers]); err != nil {
		return err
	}
	if err := writeItems(w, rep.Workers); err != nil {
		return err
	}
	if _, err := w.Write(doc[workers:windows]); err != nil {
		return err
	}
	if err := writeItems(w, rep.Windows); err != nil {
		return err
	}
	_, err = w.Write(doc[windows:])
	return err
}

// emptyField is where the items of the top-level array field name, written
// empty in doc, go: before its "]".
func emptyField(doc []byte, name string) (int, error) {
	empty := "\n  \"" + name + "\": []"
	at := bytes.Index(doc, []byte(empty))
	if at < 0 || bytes.Contains(doc[at+len(empty):], []byte(empty)) {
		return 0, fmt.Errorf("json: no single top-level %s field", name) // the schema changed
	}
	return at + len(empty) - 1, nil
}

// writeItems writes the items of an array at the document's second level,
// each marshalled on its own; nothing for none.
func writeItems[T any](w io.Writer, items []T) error {
	if len(items) == 0 {
		return nil
	}
	for i := range items {
		b, err := json.MarshalIndent(&items[i], "    ", "  ")
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
	_, err := io.WriteString(w, "\n  ")
	return err
}

// encodeJSON writes v indented, with the DEL, C1 controls and bidirectional
// controls that encoding/json leaves raw escaped as \uXXXX: the value is
// unchanged for a JSON reader, and nothing reaches a terminal that `cat`s
// the document. Those runes only occur inside strings, so escaping them
// after encoding is safe.
func encodeJSON(w io.Writer, v any, escapeHTML bool) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONControls(buf.Bytes()))
	return err
}

// escapeJSONControls escapes DEL, C1 and bidi controls, and the "##[" of a
// legacy CI workflow command, which is obeyed anywhere in a log line:
// within a JSON string, \u0023 is the same '#'.
func escapeJSONControls(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("##["), []byte(`#\u0023[`))
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		if b[i] == 0x7f {
			out = append(append(out, b[last:i]...), `\u007f`...)
			i++
			last = i
			continue
		}
		if b[i] < 0x80 {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if n > 1 && textclean.Unsafe(r, n) {
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + n
		}
		i += n
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// jsonSafe escapes, in each piece of a JSON document written through it,
// what escapeJSONControls does; a piece never ends inside a string's rune.
type jsonSafe struct{ w io.Writer }

func (j jsonSafe) Write(p []byte) (int, error) {
	if _, err := j.w.Write(escapeJSONControls(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
