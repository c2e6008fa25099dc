package parse

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Source is one input: a file named on the command line, a file found in a
// directory walk, or standard input.
type Source struct {
	// Path is the file's path, or "-" for standard input.
	Path string
	// Walked reports whether the file was found in a directory walk (files
	// that are not access logs are then skipped, not errors).
	Walked bool
}

// Stdin is the Source for standard input.
var Stdin = Source{Path: "-"}

// Expand turns command-line paths into sources: files as given, directories
// walked recursively in lexical order, "-" as standard input.
func Expand(paths []string) ([]Source, error) {
	var out []Source
	for _, p := range paths {
		if p == "-" {
			out = append(out, Stdin)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		if !info.IsDir() {
			out = append(out, Source{Path: p})
			continue
		}
		var walked []Source
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", path, unwrapPathError(err))
			}
			if d.Type().IsRegular() {
				walked = append(walked, Source{Path: path, Walked: true})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Slice(walked, func(i, j int) bool { return walked[i].Path < walked[j].Path })
		out = append(out, walked...)
	}
	return out, nil
}

func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Open opens a source for reading and decompresses gzip and zstd, detected by
// their magic bytes. stdin is read when the source is Stdin.
func Open(src Source, stdin io.Reader) (io.ReadCloser, error) {
	var rc io.ReadCloser
	if src.Path == "-" {
		rc = io.NopCloser(stdin)
	} else {
		f, err := os.Open(src.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Path, unwrapPathError(err))
		}
		rc = f
	}
	return Decompress(rc, src.Path)
}

// Decompress wraps rc so that gzip and zstd streams read as plain text.
func Decompress(rc io.ReadCloser, name string) (io.ReadCloser, error) {
	br := bufio.NewReaderSize(rc, 64<<10)
	magic, err := br.Peek(4)
	if err != nil && err != io.EOF {
		rc.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		return &readCloser{Reader: &nameErrors{r: zr, what: "gzip"}, close: func() error { zr.Close(); return rc.Close() }}, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			rc.Close()
			return nil, fmt.Errorf("%s: zstd: %w", name, err)
		}
		return &readCloser{Reader: &nameErrors{r: zr, what: "zstd"}, close: func() error { zr.Close(); return rc.Close() }}, nil
	}
	return &readCloser{Reader: br, close: rc.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// nameErrors turns a decompressor's unexpected EOF into an error that says
// the stream is truncated.
type nameErrors struct {
	r    io.Reader
	what string
}

func (n *nameErrors) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	if err == io.ErrUnexpectedEOF {
		err = fmt.Errorf("%s stream is truncated: %w", n.what, err)
	} else if err != nil && err != io.EOF {
		err = fmt.Errorf("%s: %w", n.what, err)
	}
	return k, err
}
