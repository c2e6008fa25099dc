package inputflags

import (
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/skewer-dev/skewer/ingest"
)

// progressModes are the values of --progress.
var progressModes = []string{"auto", "always", "never"}

// progressDelay is how long reading goes on before auto progress shows: a
// run that ends sooner shows none. Tests lower it.
var progressDelay = time.Second

// progressTick is how often the progress line is drawn again. Tests lower
// it.
var progressTick = 200 * time.Millisecond

// ProgressTimes sets progressDelay and progressTick, for tests of the
// commands, and returns what restores them.
func ProgressTimes(delay, tick time.Duration) (restore func()) {
	d, t := progressDelay, progressTick
	progressDelay, progressTick = delay, tick
	return func() { progressDelay, progressTick = d, t }
}

// progressLine draws one line on stderr while the inputs are read: the
// bytes read (compressed bytes of a compressed log), the rate and, when the
// size of the inputs is known, the time left. It is erased when reading
// ends, and before anything else is written to stderr meanwhile.
type progressLine struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	p     *ingest.Progress
	shown bool
	done  chan struct{}
	wg    sync.WaitGroup
}

// startProgress starts drawing the progress of p on w as mode says (auto:
// when w is a terminal, after progressDelay); nil when it is not drawn.
func startProgress(w io.Writer, terminal bool, mode string, p *ingest.Progress) *progressLine {
	if w == nil || mode == "never" || mode == "auto" && !terminal {
		return nil
	}
	delay := progressDelay
	if mode == "always" {
		delay = 0
	}
	pl := &progressLine{p: p, done: make(chan struct{})}
	pl.wg.Add(1)
	go pl.loop(w, delay)
	return pl
}

func (pl *progressLine) loop(w io.Writer, delay time.Duration) {
	defer pl.wg.Done()
	// The bar counts from the start, so that its rate and estimate are
	// right when it shows; until then it draws to nothing.
	gate := &gatedWriter{w: w}
	start := time.Now()
	select {
	case <-pl.p.Known():
	case <-pl.done:
		return
	}
	pl.mu.Lock()
	pl.bar = newBar(gate, pl.p.Total())
	pl.bar.StartWithoutRender() // the clock of its rate starts with reading
	pl.mu.Unlock()
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-pl.done:
			return
		}
		pl.mu.Lock()
		if !gate.open && time.Since(start) >= delay {
			gate.open, pl.shown = true, true
		}
		_ = pl.bar.Set64(pl.p.Read())
		pl.mu.Unlock()
	}
}

// gatedWriter writes to w once open, and to nothing before.
type gatedWriter struct {
	w    io.Writer
	open bool
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	if !g.open {
		return len(p), nil
	}
	return g.w.Write(p)
}

// newBar makes the bar of total bytes (-1: unknown).
func newBar(w io.Writer, total int64) *progressbar.ProgressBar {
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("reading"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionShowTotalBytes(total > 0),
		progressbar.OptionSetPredictTime(total > 0),
		progressbar.OptionSetElapsedTime(false),
		progressbar.OptionSetWidth(24),
		progressbar.OptionSetSpinnerChangeInterval(0), // drawn by loop only
		progressbar.OptionClearOnFinish(),
	)
}

// pause runs write, which writes to stderr, with the progress line erased;
// it is drawn again at the next tick.
func (pl *progressLine) pause(write func()) {
	if pl == nil {
		write()
		return
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.shown {
		_ = pl.bar.Clear()
	}
	write()
}

// stop erases the progress line and stops drawing it.
func (pl *progressLine) stop() {
	if pl == nil {
		return
	}
	close(pl.done)
	pl.wg.Wait()
	if pl.shown {
		_ = pl.bar.Clear()
		_ = pl.bar.Exit()
	}
}
