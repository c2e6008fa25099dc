package parse

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstded(t testing.TB, b []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	return w.EncodeAll(b, nil)
}

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExpandLinks: in a walk a link to a file is read, once even when its
// target is in the walk too; a link to a folder is not followed, and it,
// a broken link and a pipe are named in the notes.
func TestExpandLinks(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	for _, d := range []string{"logs", "other"} {
		if err := os.MkdirAll(p(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"logs/a.log", "other/b.log"} {
		if err := os.WriteFile(p(f), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	links := map[string]string{"logs/to-a.log": "logs/a.log", "logs/to-b.log": "other/b.log", "logs/to-other": "other", "logs/zz-broken": "gone"}
	for link, target := range links {
		if err := os.Symlink(p(target), p(link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(p("logs/pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, dups, err := Expand([]string{p("logs")})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, s := range got {
		paths = append(paths, strings.TrimPrefix(s.Path, dir+string(filepath.Separator)))
	}
	// logs/to-a.log is a second path to logs/a.log: read once.
	if want := []string{"logs/a.log", "logs/to-b.log"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("got %q, want %q", paths, want)
	}
	// Nothing is passed over without a note: the walk's notes in path
	// order, then the file reached twice.
	want := []string{
		p("logs/pipe") + ": not a regular file, not read",
		p("logs/to-other") + ": a link to a folder, not followed",
		p("logs/zz-broken") + ": a broken link, not read",
		p("logs/to-a.log") + " is the same file as " + p("logs/a.log") + ": read once",
	}
	if !reflect.DeepEqual(dups, want) {
		t.Errorf("dups: got %q, want %q", dups, want)
	}
}

func TestHostFromDir(t *testing.T) {
	tests := []struct {
		name string
		src  Source
		want string
	}{
		{"walked, first folder under the root", Source{Path: "hosts/web1/logs/access.log", Walked: true, Root: "hosts"}, "web1"},
		{"walked, directly in the root", Source{Path: "hosts/access.log", Walked: true, Root: "hosts"}, "hosts"},
		{"named file: its folder", Source{Path: "/var/log/web2/access.log"}, "web2"},
		{"stdin", Stdin, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HostFromDir(tt.src); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"logs/b/2.log", "logs/a.log", "logs/b/1.log.gz", "logs/c/d/e.log", "logs/a.log.1", "logs/B.log", "single.log"} {
		writeFile(t, filepath.Join(dir, name), []byte("x\n"))
	}
	if err := os.MkdirAll(filepath.Join(dir, "logs", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }
	if err := os.Symlink(p("logs/a.log"), p("link.log")); err != nil {
		t.Fatal(err)
	}
	// walked is a file found under the directory argument root.
	walkedIn := func(root, name string) Source { return Source{Path: p(name), Walked: true, Root: p(root)} }
	walked := func(name string) Source { return walkedIn("logs", name) }
	tests := []struct {
		name  string
		paths []string
		want  []Source
		dups  []string
	}{
		{"nothing", nil, nil, nil},
		{"a file", []string{p("single.log")}, []Source{{Path: p("single.log")}}, nil},
		{"stdin", []string{"-"}, []Source{Stdin}, nil},
		{"a directory, recursive and sorted", []string{p("logs")}, []Source{
			walked("logs/B.log"), walked("logs/a.log"), walked("logs/a.log.1"),
			walked("logs/b/1.log.gz"), walked("logs/b/2.log"), walked("logs/c/d/e.log")}, nil},
		{"an empty directory", []string{p("logs/empty")}, nil, nil},
		{"arguments sorted", []string{p("single.log"), p("logs/c"), "-", p("logs/a.log")}, []Source{
			Stdin, {Path: p("logs/a.log")}, walkedIn("logs/c", "logs/c/d/e.log"), {Path: p("single.log")}}, nil},
		{"a file named and in a named directory", []string{p("logs/b/2.log"), p("logs/b")}, []Source{
			walkedIn("logs/b", "logs/b/1.log.gz"), {Path: p("logs/b/2.log")}},
			[]string{p("logs/b/2.log") + " is given twice: read once"}},
		{"a file named through a link", []string{p("link.log"), p("logs/a.log")}, []Source{{Path: p("link.log")}},
			[]string{p("logs/a.log") + " is the same file as " + p("link.log") + ": read once"}},
		{"a file named twice", []string{p("single.log"), "-", p("single.log")}, []Source{Stdin, {Path: p("single.log")}},
			[]string{p("single.log") + " is given twice: read once"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, dups, err := Expand(tt.paths)
			if err != nil {
				t.Fatalf("Expand: got error %v, want nil", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(dups, tt.dups) {
				t.Errorf("dups:\ngot  %q\nwant %q", dups, tt.dups)
			}
		})
	}
}

func TestExpandStdinTwice(t *testing.T) {
	_, _, err := Expand([]string{"-", "-"})
	if want := "- (standard input) is given twice"; err == nil || err.Error() != want {
		t.Errorf("Expand: got error %v, want %q", err, want)
	}
}

// TestExpandDupNameAfterStdin: the name of the kept file in a dups message
// must be the file's, also when "-" sorts between other paths.
func TestExpandDupNameAfterStdin(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeFile(t, "+first.log", []byte("x\n"))
	writeFile(t, "b.log", []byte("x\n"))
	_, dups, err := Expand([]string{"+first.log", "-", "b.log", "b.log"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b.log is given twice: read once"}; !reflect.DeepEqual(dups, want) {
		t.Errorf("dups: got %q, want %q", dups, want)
	}
}

func TestExpandMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.log")
	_, _, err := Expand([]string{"-", missing})
	if want := missing + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("Expand: got error %v, want %q", err, want)
	}
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Expand: got error %v, want one that is os.ErrNotExist", err)
	}
	_, err = Open(Source{Path: missing}, nil)
	if want := missing + ": no such file or directory"; err == nil || err.Error() != want {
		t.Errorf("Open: got error %v, want %q", err, want)
	}
}

func TestOpen(t *testing.T) {
	text := readLog(t, "nginx-pid.log")
	dir := t.TempDir()
	files := map[string][]byte{
		"plain.log":           text,
		"access.log.2.gz":     gzipped(t, text),
		"access.log.3.zst":    zstded(t, text),
		"gzip-named-plain.gz": text,             // magic bytes decide, not the name
		"no-suffix":           gzipped(t, text), // a gzip file without .gz
		"two-members.gz":      append(gzipped(t, text[:100]), gzipped(t, text[100:])...),
		"empty.log":           nil,
		"one-byte.log":        {0x1f},
		"empty.gz":            gzipped(t, nil),
	}
	for name, b := range files {
		writeFile(t, filepath.Join(dir, name), b)
	}
	tests := []struct {
		name string
		want []byte
	}{
		{"plain.log", text},
		{"access.log.2.gz", text},
		{"access.log.3.zst", text},
		{"gzip-named-plain.gz", text},
		{"no-suffix", text},
		{"two-members.gz", text},
		{"empty.log", nil},
		{"one-byte.log", []byte{0x1f}},
		{"empty.gz", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := Open(Source{Path: filepath.Join(dir, tt.name)}, nil)
			if err != nil {
				t.Fatalf("Open: got error %v, want nil", err)
			}
			got, err := io.ReadAll(rc)
			if err != nil {
				t.Fatalf("read: got error %v, want nil", err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("got %d bytes %.40q..., want %d bytes %.40q...", len(got), got, len(tt.want), tt.want)
			}
			if err := rc.Close(); err != nil {
				t.Errorf("Close: got error %v, want nil", err)
			}
		})
	}
}

func TestOpenStdin(t *testing.T) {
	text := readLog(t, "gunicorn-pid-us.log")
	for _, tt := range []struct {
		name string
		in   []byte
	}{
		{"plain", text},
		{"gzip", gzipped(t, text)},
		{"zstd", zstded(t, text)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := Open(Stdin, bytes.NewReader(tt.in))
			if err != nil {
				t.Fatalf("Open: got error %v, want nil", err)
			}
			defer rc.Close()
			got, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(got, text) {
				t.Errorf("got %d bytes, error %v; want %d bytes, nil", len(got), err, len(text))
			}
		})
	}
}

// TestOpenCorrupt: a compressed file cut short says it is truncated, when
// it is opened or while it is read.
func TestOpenCorrupt(t *testing.T) {
	text := bytes.Repeat(readLog(t, "nginx-pid.log"), 20)
	gz, zs := gzipped(t, text), zstded(t, text)
	badCRC := bytes.Clone(gz)
	badCRC[len(badCRC)-8] ^= 0xff
	tests := []struct {
		name    string
		in      []byte
		openErr string // error of Open, "" for none
		readErr string // error of reading, "" for none
	}{
		{"gzip cut in its header", gz[:5], "x: gzip stream is truncated: unexpected EOF", ""},
		{"gzip cut in its body", gz[:len(gz)/2], "", "gzip stream is truncated: unexpected EOF"},
		{"gzip cut in its trailer", gz[:len(gz)-3], "", "gzip stream is truncated: unexpected EOF"},
		{"gzip with a wrong checksum", badCRC, "", "gzip: invalid checksum"},
		{"zstd cut in its header", zs[:6], "", "zstd stream is truncated: unexpected EOF"},
		{"zstd cut in its body", zs[:len(zs)/2], "", "zstd stream is truncated: unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rc, err := Decompress(io.NopCloser(bytes.NewReader(tt.in)), "x")
			if tt.openErr != "" {
				if err == nil || err.Error() != tt.openErr {
					t.Fatalf("Decompress: got error %v, want %q", err, tt.openErr)
				}
				if strings.Contains(tt.openErr, "truncated") && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Errorf("Decompress: got error %v, want one that is io.ErrUnexpectedEOF", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decompress: got error %v, want nil", err)
			}
			defer rc.Close()
			_, err = io.ReadAll(rc)
			if err == nil || err.Error() != tt.readErr {
				t.Fatalf("read: got error %v, want %q", err, tt.readErr)
			}
		})
	}
}

// TestReaderTruncatedGzip: the Reader stops at a truncated gzip with an error
// that says so, after the lines before the cut.
func TestReaderTruncatedGzip(t *testing.T) {
	text := bytes.Repeat(readLog(t, "gunicorn-pid-us.log"), 200)
	gz := gzipped(t, text)
	path := filepath.Join(t.TempDir(), "access.log.2.gz")
	writeFile(t, path, gz[:len(gz)*3/4])
	rc, err := Open(Source{Path: path}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	r := NewReader(rc, mustGunicorn(t, corpusGunicornSync))
	n := 0
	for r.Scan() {
		if r.Reason() != ReasonNone {
			t.Fatalf("line %d: got reason %q, want none", r.Line(), r.Reason())
		}
		n++
	}
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("Err: got %v, want an error that says truncated", err)
	}
	if n == 0 || n >= 33*200 {
		t.Errorf("lines before the cut: got %d, want between 1 and %d", n, 33*200-1)
	}
}

// TestSplit cuts a large plain file into chunks that start at line starts
// and cover the file exactly once.
func TestSplit(t *testing.T) {
	dir := t.TempDir()
	unit := readLog(t, "nginx-pid.log")
	big := bytes.Repeat(unit, (minSplit/len(unit))+1)
	writeFile(t, filepath.Join(dir, "big.log"), big)
	writeFile(t, filepath.Join(dir, "one-line.log"), bytes.Repeat([]byte("x"), minSplit+10))
	writeFile(t, filepath.Join(dir, "small.log"), unit)
	writeFile(t, filepath.Join(dir, "big.log.gz"), gzipped(t, big))
	for _, n := range []int{2, 3, 7, 16} {
		chunks, err := Split(Source{Path: filepath.Join(dir, "big.log")}, n)
		if err != nil {
			t.Fatalf("Split(big.log, %d): got error %v", n, err)
		}
		if len(chunks) < 2 || len(chunks) > n {
			t.Fatalf("Split(big.log, %d): got %d chunks, want 2 to %d", n, len(chunks), n)
		}
		var at int64
		for i, c := range chunks {
			if c.Offset != at || c.Length <= 0 {
				t.Fatalf("Split(big.log, %d): chunk %d is %+v, want offset %d and a length", n, i, c, at)
			}
			if c.Offset > 0 && big[c.Offset-1] != '\n' {
				t.Errorf("Split(big.log, %d): chunk %d starts at %d, not after a newline", n, i, c.Offset)
			}
			at += c.Length
		}
		if at != int64(len(big)) {
			t.Errorf("Split(big.log, %d): chunks end at %d, want %d", n, at, len(big))
		}
	}
	for _, tt := range []struct {
		name string
		src  Source
		n    int
		want int
	}{
		{"one chunk asked", Source{Path: filepath.Join(dir, "big.log")}, 1, 0},
		{"stdin", Stdin, 4, 0},
		{"small file", Source{Path: filepath.Join(dir, "small.log")}, 4, 0},
		{"compressed file", Source{Path: filepath.Join(dir, "big.log.gz")}, 4, 0},
		{"one line, no newline", Source{Path: filepath.Join(dir, "one-line.log")}, 4, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			chunks, err := Split(tt.src, tt.n)
			if err != nil || len(chunks) != tt.want {
				t.Errorf("got %d chunks %+v, error %v; want %d chunks", len(chunks), chunks, err, tt.want)
			}
		})
	}
}
