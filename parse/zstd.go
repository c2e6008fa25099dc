package parse

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/klauspost/compress/zstd"
)

// MaxZstdWindow is the most memory the windows of the zstd streams read at
// once may take, in total: libzstd's own default limit. A frame that
// declares a larger window (zstd --long=31 makes one) is a *ZstdWindowError.
const MaxZstdWindow = 128 << 20

// minZstdReserve is what a stream reserves at least: the window of zstd's
// levels 1 to 19, so that a later frame of another level (two files
// concatenated) still fits what the stream holds.
const minZstdReserve = 8 << 20

// ZstdWindowError is a zstd stream whose frame needs a window larger than
// MaxZstdWindow (Window 0: a later frame, larger than the first).
type ZstdWindowError struct {
	Path   string
	Window uint64 // bytes
}

func (e *ZstdWindowError) Error() string {
	if e.Window == 0 {
		return fmt.Sprintf("%s: a zstd frame needs a larger window than the first frame of the stream", e.Path)
	}
	return fmt.Sprintf("%s: zstd window of %d MiB, more than the %d MiB read", e.Path, e.Window>>20, MaxZstdWindow>>20)
}

// zstdBudget shares MaxZstdWindow among the zstd streams open at once.
var zstdBudget = budget{left: MaxZstdWindow}

// budget is a weighted semaphore whose waiters wait only for holders that
// are reading regular files: those finish by themselves, while a pipe kept
// open for later reading might wait for the waiter.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	left  int64
	files int // holders that are regular files
}

func (b *budget) acquire(n int64, file bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cond == nil {
		b.cond = sync.NewCond(&b.mu)
	}
	for file && n > b.left && b.files > 0 {
		b.cond.Wait()
	}
	b.left -= n
	if file {
		b.files++
	}
}

func (b *budget) release(n int64, file bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left += n
	if file {
		b.files--
	}
	if b.cond != nil {
		b.cond.Broadcast()
	}
}

// openZstd reads the zstd stream in br, reserving its window from the
// budget until it is closed.
func openZstd(br *bufio.Reader, rc io.ReadCloser, name string) (io.ReadCloser, error) {
	head, _ := br.Peek(zstd.HeaderMaxSize)
	var h zstd.Header
	// A header cut short is left to the decoder, which says so when read.
	_ = h.Decode(head)
	window := h.WindowSize
	if h.SingleSegment {
		window = h.FrameContentSize
	}
	if window > MaxZstdWindow {
		rc.Close()
		return nil, &ZstdWindowError{Path: name, Window: window}
	}
	reserve := int64(max(window, minZstdReserve))
	file := false
	if f, ok := rc.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode().IsRegular() {
			file = true
		}
	}
	zstdBudget.acquire(reserve, file)
	zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1),
		zstd.WithDecoderMaxWindow(uint64(reserve)), zstd.WithDecoderMaxMemory(uint64(reserve)))
	if err != nil {
		zstdBudget.release(reserve, file)
		rc.Close()
		return nil, fmt.Errorf("%s: %w", name, streamError("zstd", err))
	}
	var once sync.Once
	return &readCloser{Reader: &zstdErrors{nameErrors{r: zr, what: "zstd"}, name}, close: func() error {
		zr.Close()
		once.Do(func() { zstdBudget.release(reserve, file) })
		return rc.Close()
	}}, nil
}

// zstdErrors says a frame over the reserved window as a *ZstdWindowError.
type zstdErrors struct {
	nameErrors
	path string
}

func (z *zstdErrors) Read(p []byte) (int, error) {
	k, err := z.r.Read(p)
	switch {
	case errors.Is(err, zstd.ErrWindowSizeExceeded) || errors.Is(err, zstd.ErrDecoderSizeExceeded):
		err = &ZstdWindowError{Path: z.path}
	case err != nil && err != io.EOF:
		err = streamError(z.what, err)
	}
	return k, err
}
