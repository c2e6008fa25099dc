package parse

import (
	"bufio"
	"bytes"
	stdgzip "compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
)

// Source is one input: a file named on the command line, a file found in a
// directory walk, or standard input.
type Source struct {
	// Path is the file's path, or "-" for standard input.
	Path string
	// Walked reports whether the file was found in a directory walk (files
	// that are not access logs are then skipped, not errors).
	Walked bool
	// Root is the directory argument a walked file was found under.
	Root string
}

// Stdin is the Source for standard input.
var Stdin = Source{Path: "-"}

// Expand turns command-line paths into sources: files as given, directories
// walked recursively, "-" as standard input. Sources are sorted by path, so
// that nothing downstream depends on the order of the arguments. notes name
// what a walk did not read: a file reached twice (named and inside a named
// directory, or through a link) is kept once, and links to folders and
// special files (sockets, pipes) are passed over.
func Expand(paths []string) (sources []Source, notes []string, err error) {
	out, notes, err := expand(paths)
	if err != nil {
		return nil, nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	type seenFile struct {
		info os.FileInfo
		path string
	}
	var seen []seenFile
	for _, src := range out {
		if src.Path == "-" {
			sources = append(sources, src)
			continue
		}
		info, err := os.Stat(src.Path)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", src.Path, unwrapPathError(err))
		}
		dup := ""
		for _, prev := range seen {
			if os.SameFile(prev.info, info) {
				dup = prev.path
				break
			}
		}
		switch {
		case dup == src.Path:
			notes = append(notes, fmt.Sprintf("%s is given twice: read once", src.Path))
			continue
		case dup != "":
			notes = append(notes, fmt.Sprintf("%s is the same file as %s: read once", src.Path, dup))
			continue
		}
		seen = append(seen, seenFile{info, src.Path})
		sources = append(sources, src)
	}
	return sources, notes, nil
}

func expand(paths []string) (out []Source, notes []string, err error) {
	stdin := false
	for _, p := range paths {
		if p == "-" {
			if stdin {
				return nil, nil, fmt.Errorf("- (standard input) is given twice")
			}
			stdin = true
			out = append(out, Stdin)
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", p, unwrapPathError(err))
		}
		if !info.IsDir() {
			out = append(out, Source{Path: p})
			continue
		}
		var walked []Source
		root := p
		if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			// A link to a folder named on the command line is followed,
			// as "link/" is; links met during the walk are not.
			root = p + string(filepath.Separator)
		}
		err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("%s: %w", path, unwrapPathError(err))
			}
			if d.IsDir() {
				return nil
			}
			mode := d.Type()
			if mode&fs.ModeSymlink != 0 {
				// A link to a file is read (once: Expand drops a second
				// path to the same file); links to folders are not
				// followed, so a walk cannot loop.
				info, err := os.Stat(path)
				switch {
				case err != nil:
					notes = append(notes, fmt.Sprintf("%s: a broken link, not read", path))
					return nil
				case info.IsDir():
					notes = append(notes, fmt.Sprintf("%s: a link to a folder, not followed", path))
					return nil
				}
				mode = info.Mode().Type()
			}
			if !mode.IsRegular() {
				notes = append(notes, fmt.Sprintf("%s: not a regular file, not read", path))
				return nil
			}
			walked = append(walked, Source{Path: path, Walked: true, Root: p})
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		out = append(out, walked...)
	}
	return out, notes, nil
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
	return OpenCounting(src, stdin, nil)
}

// OpenCounting is Open that adds to *n the bytes it reads from the file or
// standard input, as they are read: the compressed bytes of a compressed
// input. n may be nil.
func OpenCounting(src Source, stdin io.Reader, n *atomic.Int64) (io.ReadCloser, error) {
	var rc io.ReadCloser
	var f *os.File
	if src.Path == "-" {
		if f, ok := stdin.(*os.File); ok {
			growPipe(f)
		}
		rc = io.NopCloser(stdin)
	} else {
		var err error
		f, err = os.Open(src.Path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Path, unwrapPathError(err))
		}
		rc = f
	}
	if n != nil {
		rc = &readCloser{Reader: Counting(rc, n), close: rc.Close}
	}
	return decompress(rc, f, src.Path)
}

// Counting returns a reader of r that adds the bytes it reads to *n.
func Counting(r io.Reader, n *atomic.Int64) io.Reader {
	return &counting{r: r, n: n}
}

type counting struct {
	r io.Reader
	n *atomic.Int64
}

func (c *counting) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// Decompress wraps rc so that gzip and zstd streams read as plain text.
func Decompress(rc io.ReadCloser, name string) (io.ReadCloser, error) {
	f, _ := rc.(*os.File)
	return decompress(rc, f, name)
}

// decompress is Decompress of rc, read from the file f when f is not nil
// (a damaged gzip file is read again from f).
func decompress(rc io.ReadCloser, f *os.File, name string) (io.ReadCloser, error) {
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
			return nil, fmt.Errorf("%s: %w", name, streamError("gzip", err))
		}
		zr.Multistream(false)
		var r io.Reader = &gzipMembers{zr: zr, br: br}
		if f != nil {
			r = &gzipDamage{r: r, f: f}
		}
		return &readCloser{Reader: &nameErrors{r: r, what: "gzip"}, close: func() error { zr.Close(); return rc.Close() }}, nil
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return openZstd(br, rc, name)
	case bytes.HasPrefix(magic, []byte("BZh")):
		rc.Close()
		return nil, &UnreadCompressionError{Name: name, Method: "bzip2"}
	case bytes.HasPrefix(magic, []byte{0xfd, '7', 'z', 'X'}):
		rc.Close()
		return nil, &UnreadCompressionError{Name: name, Method: "xz"}
	}
	return &readCloser{Reader: br, close: rc.Close}, nil
}

// UnreadCompressionError is an input compressed in a way skewer does not
// read (bzip2, xz), told by its magic bytes.
type UnreadCompressionError struct {
	Name   string
	Method string
}

func (e *UnreadCompressionError) Error() string {
	name := e.Name
	if name == "-" {
		name = "standard input"
	}
	return fmt.Sprintf("%s: compressed with %s, which skewer does not read: decompress first", name, e.Method)
}

// gzipMembers reads a gzip file member after member, as gzip -d does, and
// ends at zero padding after a member (which gzip -t and zcat accept).
type gzipMembers struct {
	zr *gzip.Reader
	br *bufio.Reader
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for {
		n, err := g.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
		more, err := g.nextMember()
		if !more {
			return 0, err
		}
	}
}

// nextMember starts the next member, if any: padding of zero bytes to the
// end is none.
func (g *gzipMembers) nextMember() (bool, error) {
	for {
		b, err := g.br.Peek(1)
		if err == io.EOF {
			return false, io.EOF
		}
		if err != nil {
			return false, err
		}
		if b[0] != 0 {
			break
		}
		for {
			buf, _ := g.br.Peek(g.br.Buffered())
			i := bytes.IndexFunc(buf, func(r rune) bool { return r != 0 })
			if len(buf) == 0 || i >= 0 {
				if i > 0 {
					g.br.Discard(i)
				}
				break
			}
			g.br.Discard(len(buf))
		}
		if b, err := g.br.Peek(1); err == io.EOF {
			return false, io.EOF
		} else if err == nil && b[0] != 0 {
			// Bytes after the padding: not padding, a damaged member.
			return false, fmt.Errorf("gzip: invalid header")
		}
	}
	if err := g.zr.Reset(g.br); err != nil {
		return false, err
	}
	g.zr.Multistream(false)
	return true, nil
}

// gzipDamage recovers every byte before the damage in a damaged gzip
// file: the fast inflater stops a few symbols short of where the damage
// is, so on an error the file is decoded again with the standard library's
// inflater, which yields what zcat does, and reading goes on from where it
// was until that inflater fails too.
type gzipDamage struct {
	r         io.Reader
	f         *os.File
	delivered int64
	slow      io.Reader
}

func (g *gzipDamage) Read(p []byte) (int, error) {
	if g.slow != nil {
		return g.slow.Read(p)
	}
	n, err := g.r.Read(p)
	g.delivered += int64(n)
	if err == nil || err == io.EOF {
		return n, err
	}
	if g.recover() {
		return n, nil // the slow inflater goes on at the next Read
	}
	return n, err
}

// recover decodes the file again up to what was delivered, and reports
// whether the rest can be read from there.
func (g *gzipDamage) recover() bool {
	if _, err := g.f.Seek(0, io.SeekStart); err != nil {
		return false
	}
	sr, err := stdgzip.NewReader(bufio.NewReaderSize(g.f, 64<<10))
	if err != nil {
		return false
	}
	if _, err := io.CopyN(io.Discard, sr, g.delivered); err != nil {
		return false
	}
	g.slow = sr
	return true
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
	if err != nil && err != io.EOF {
		err = streamError(n.what, err)
	}
	return k, err
}

// StreamError is damage in a compressed stream: cut short or corrupt. The
// lines before it are readable.
type StreamError struct {
	What string // gzip, zstd
	Err  error
}

func (e *StreamError) Error() string {
	if e.Err == io.ErrUnexpectedEOF {
		return e.What + " stream is truncated: " + e.Err.Error()
	}
	if strings.HasPrefix(e.Err.Error(), e.What+": ") {
		return e.Err.Error() // klauspost's gzip errors already say "gzip: "
	}
	return e.What + ": " + e.Err.Error()
}

func (e *StreamError) Unwrap() error { return e.Err }

// streamError says what went wrong in a compressed stream: a stream cut
// short (in its header as well as in its body) is truncated.
func streamError(what string, err error) error {
	return &StreamError{What: what, Err: err}
}

// minSplit is the smallest file worth parsing in several chunks at once.
const minSplit = 32 << 20

// Chunk is a byte range of a file that starts at the beginning of a line
// and ends after a newline (or at the end of the file).
type Chunk struct {
	Offset, Length int64
}

// Split cuts a plain (uncompressed) regular file into at most n chunks at
// line boundaries, so that they can be parsed on several cores. It returns
// nil when the file is too small, compressed, or not a regular file.
func Split(src Source, n int) ([]Chunk, error) {
	if src.Path == "-" || n < 2 {
		return nil, nil
	}
	f, err := os.Open(src.Path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", src.Path, unwrapPathError(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() || info.Size() < minSplit {
		return nil, err
	}
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil {
		return nil, nil
	}
	if bytes.HasPrefix(magic, []byte{0x1f, 0x8b}) || bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}) {
		return nil, nil
	}
	size := info.Size()
	cuts := []int64{0}
	buf := make([]byte, 64<<10)
	for i := 1; i < n; i++ {
		at := size * int64(i) / int64(n)
		if at <= cuts[len(cuts)-1] {
			continue
		}
		// The chunk starts after the first newline at or after at-1, so a
		// cut that lands on a line start keeps that line whole.
		next, err := nextLineStart(f, at-1, buf)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", src.Path, err)
		}
		if next < 0 || next >= size {
			break
		}
		if next > cuts[len(cuts)-1] {
			cuts = append(cuts, next)
		}
	}
	cuts = append(cuts, size)
	chunks := make([]Chunk, 0, len(cuts)-1)
	for i := 0; i+1 < len(cuts); i++ {
		chunks = append(chunks, Chunk{Offset: cuts[i], Length: cuts[i+1] - cuts[i]})
	}
	return chunks, nil
}

// nextLineStart returns the offset just after the first newline at or after
// off, or -1 when there is none.
func nextLineStart(f *os.File, off int64, buf []byte) (int64, error) {
	for {
		n, err := f.ReadAt(buf, off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return off + int64(i) + 1, nil
		}
		off += int64(n)
		if err == io.EOF {
			return -1, nil
		}
		if err != nil {
			return 0, err
		}
	}
}

// HostFromDir names the host of a file kept in per-host folders: the first
// folder under the walked directory (hosts/web1/access.log → web1), or the
// file's own folder when it was named directly.
func HostFromDir(src Source) string {
	if src.Path == "-" {
		return ""
	}
	if src.Walked && src.Root != "" {
		if rel, err := filepath.Rel(src.Root, src.Path); err == nil {
			if parts := strings.Split(filepath.ToSlash(rel), "/"); len(parts) > 1 {
				return parts[0]
			}
		}
	}
	return filepath.Base(filepath.Dir(src.Path))
}
