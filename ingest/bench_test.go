package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// BenchmarkSmallFiles reads a folder of 2,000 one-line logs (ten seconds
// apart, as rotated logs are) and reports the bytes allocated per file: a
// file is detected from a 64 KiB sample and read with a buffer lent from
// a pool, and its partial is merged and released as soon as it is read,
// so a folder of 20,000 logs costs a few KiB per file, not a 1 MiB buffer
// and a partial each.
func BenchmarkSmallFiles(b *testing.B) {
	const files = 2000
	dir := b.TempDir()
	start := time.Date(2026, 11, 25, 17, 0, 0, 0, time.UTC)
	for i := range files {
		line := fmt.Sprintf("127.0.0.1 - - [%s] \"GET / HTTP/1.1\" 200 3 \"-\" \"ua\" <%d> 632000\n",
			start.Add(time.Duration(i)*10*time.Second).Format("02/Jan/2006:15:04:05 -0700"), 1000+i%17)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("a%05d.log", i)), []byte(line), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	var before, after runtime.MemStats
	var allocated uint64
	b.ReportAllocs()
	for b.Loop() {
		runtime.ReadMemStats(&before)
		run, err := Read(context.Background(), []string{dir}, nil, Options{})
		if err != nil {
			b.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		allocated += after.TotalAlloc - before.TotalAlloc
		if got := run.Partial.Parsed; got != files {
			b.Fatalf("parsed: got %d, want %d", got, files)
		}
	}
	b.ReportMetric(float64(allocated)/float64(b.N)/files, "alloc-B/file")
}
