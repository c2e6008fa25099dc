package cmd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/rogpeppe/go-internal/testscript"
	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestMain lets the test binary run as the skewer command inside scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"skewer": func() { os.Exit(cmd.Main()) },
	})
}

// TestScripts runs testdata/script/*.txtar: the CLI's behaviour end to end.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("..", "testdata", "script"),
		RequireExplicitExec: true,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"gzip":        cmdGzip,
			"zstd":        cmdZstd,
			"json":        cmdJSON,
			"jsonwithout": cmdJSONWithout,
			"unfence":     cmdUnfence,
		},
	})
}

// cmdUnfence checks the stop-commands fences of the last command's stdout
// and writes it without them to FILE.
//
//	unfence FILE
func cmdUnfence(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: unfence FILE")
	}
	out, err := testutil.Unfence(ts.ReadFile("stdout"))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(out), 0o644))
}

// cmdGzip writes FILE.gz from each FILE; FILE is kept.
//
//	gzip FILE...
func cmdGzip(ts *testscript.TestScript, neg bool, args []string) {
	compressFiles(ts, neg, args, ".gz", func(w io.Writer) (io.WriteCloser, error) {
		return gzip.NewWriter(w), nil
	})
}

// cmdZstd writes FILE.zst from each FILE; FILE is kept.
//
//	zstd FILE...
func cmdZstd(ts *testscript.TestScript, neg bool, args []string) {
	compressFiles(ts, neg, args, ".zst", func(w io.Writer) (io.WriteCloser, error) {
		return zstd.NewWriter(w)
	})
}

func compressFiles(ts *testscript.TestScript, neg bool, args []string, ext string, newWriter func(io.Writer) (io.WriteCloser, error)) {
	if neg {
		ts.Fatalf("unsupported: ! %s", strings.TrimPrefix(ext, "."))
	}
	if len(args) == 0 {
		ts.Fatalf("usage: %s FILE...", strings.TrimPrefix(ext, "."))
	}
	for _, name := range args {
		data, err := os.ReadFile(ts.MkAbs(name))
		ts.Check(err)
		var buf bytes.Buffer
		zw, err := newWriter(&buf)
		ts.Check(err)
		_, err = zw.Write(data)
		ts.Check(err)
		ts.Check(zw.Close())
		ts.Check(os.WriteFile(ts.MkAbs(name+ext), buf.Bytes(), 0o644))
	}
}

// cmdJSON checks one value of the JSON document on the last command's stdout.
//
//	json PATH WANT
//
// PATH is dot-separated: object keys, array indexes, and "@len" for the
// length of an array or object (workers.0.key, inputs.@len, skew.top_share.1). WANT is
// compared with a string value as is, and with any other value as compact
// JSON (3, null, true, {"2xx":1}). WANT "~0.2222" compares a number to within
// half a unit of its last decimal; WANT "<absent>" wants no such key. With !,
// the value must differ.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: json PATH WANT")
	}
	path, want := args[0], args[1]
	doc := decodeStdout(ts)
	got, err := lookup(doc, path)
	if errors.Is(err, errNoKey) && want == "<absent>" && !neg {
		return
	}
	if err != nil {
		ts.Fatalf("json %s: %v", path, err)
	}
	ok, shown := matchJSON(got, want)
	if ok == neg {
		if neg {
			ts.Fatalf("json %s: got %s, want anything but %s", path, shown, want)
		}
		ts.Fatalf("json %s: got %s, want %s", path, shown, want)
	}
}

// cmdJSONWithout writes the JSON document on the last command's stdout to
// FILE without the top-level KEYs, so that two runs can be compared with cmp.
//
//	jsonwithout FILE KEY...
func cmdJSONWithout(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: jsonwithout FILE KEY...")
	}
	doc, ok := decodeStdout(ts).(map[string]any)
	if !ok {
		ts.Fatalf("jsonwithout: stdout is not a JSON object")
	}
	for _, k := range args[1:] {
		if _, found := doc[k]; !found {
			ts.Fatalf("jsonwithout: no key %q", k)
		}
		delete(doc, k)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), append(out, '\n'), 0o644))
}

func decodeStdout(ts *testscript.TestScript) any {
	dec := json.NewDecoder(strings.NewReader(ts.ReadFile("stdout")))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		ts.Fatalf("stdout is not JSON: %v", err)
	}
	return doc
}

var errNoKey = errors.New("no key")

func lookup(doc any, path string) (any, error) {
	cur := doc
	for _, p := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			if p == "@len" {
				cur = json.Number(strconv.Itoa(len(v)))
				continue
			}
			next, ok := v[p]
			if !ok {
				return nil, fmt.Errorf("%w %q", errNoKey, p)
			}
			cur = next
		case []any:
			if p == "@len" {
				cur = json.Number(strconv.Itoa(len(v)))
				continue
			}
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(v) {
				return nil, fmt.Errorf("index %q out of range for an array of %d", p, len(v))
			}
			cur = v[i]
		default:
			return nil, fmt.Errorf("%q: not an object or array", p)
		}
	}
	return cur, nil
}

func matchJSON(got any, want string) (bool, string) {
	b, _ := json.Marshal(got)
	shown := string(b)
	if s, ok := got.(string); ok {
		return s == want, shown
	}
	if approx, ok := strings.CutPrefix(want, "~"); ok {
		n, isNum := got.(json.Number)
		if !isNum {
			return false, shown
		}
		g, err1 := n.Float64()
		w, err2 := strconv.ParseFloat(approx, 64)
		if err1 != nil || err2 != nil {
			return false, shown
		}
		decimals := 0
		if i := strings.IndexByte(approx, '.'); i >= 0 {
			decimals = len(approx) - i - 1
		}
		return math.Abs(g-w) <= 0.5*math.Pow10(-decimals)+1e-12, shown
	}
	return shown == want, shown
}
