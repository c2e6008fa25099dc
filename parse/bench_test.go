package parse

import (
	"bytes"
	"strings"
	"sync"
	"testing"
)

// benchSize is the size of the in-memory log each reader benchmark scans:
// large enough that the buffer does not sit in the CPU caches.
const benchSize = 50 << 20

var benchLogs sync.Map // file name -> *benchLog

type benchLog struct {
	data  []byte
	lines int64
}

// benchInput repeats the lines of testdata/logs files to about benchSize
// bytes, once per process.
func benchInput(b *testing.B, files ...string) *benchLog {
	b.Helper()
	key := strings.Join(files, ",")
	if v, ok := benchLogs.Load(key); ok {
		return v.(*benchLog)
	}
	var unit []byte
	for _, name := range files {
		unit = append(unit, readLog(b, name)...)
	}
	n := bytes.Count(unit, []byte("\n"))
	reps := benchSize / len(unit)
	l := &benchLog{data: bytes.Repeat(unit, reps), lines: int64(n * reps)}
	benchLogs.Store(key, l)
	return l
}

func benchReader(b *testing.B, f *Format, l *benchLog) {
	b.SetBytes(int64(len(l.data)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(bytes.NewReader(l.data), f)
		var n, workers int64
		for r.Scan() {
			n++
			if r.Reason() != ReasonNone {
				b.Fatalf("line %d: %s", r.Line(), r.Reason())
			}
			workers += int64(len(r.Record().Worker))
		}
		if n != l.lines || workers == 0 {
			b.Fatalf("lines: got %d, want %d", n, l.lines)
		}
	}
	b.ReportMetric(float64(l.lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkReaderNginx scans nginx lines with pid=, rt=, urt=, uaddr= and
// msec= fields (the corpus's access-pid.log).
func BenchmarkReaderNginx(b *testing.B) {
	benchReader(b, mustNginx(b, corpusNginxPID), benchInput(b, "nginx-pid.log"))
}

// BenchmarkReaderNginxBare scans the same requests in the combined format
// followed by a bare $pid and $request_time, the layout of bench/genlog.
func BenchmarkReaderNginxBare(b *testing.B) {
	benchReader(b, mustNginx(b, NginxCombined+` $pid $request_time`), benchBare(b))
}

// BenchmarkReaderGunicorn scans gunicorn lines of the sync workers (pid=<N>
// and microseconds) and of the gevent workers (b'200 OK', rt= seconds).
func BenchmarkReaderGunicorn(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		benchReader(b, mustGunicorn(b, corpusGunicornSync), benchInput(b, "gunicorn-pid-us.log"))
	})
	b.Run("gevent", func(b *testing.B) {
		benchReader(b, mustGunicorn(b, corpusGunicornGevent), benchInput(b, "gunicorn-gevent-rt.log"))
	})
}

// benchBare rewrites the nginx pid= lines into combined + "$pid
// $request_time" and repeats them to about benchSize bytes.
func benchBare(b *testing.B) *benchLog {
	const key = "nginx-pid.log:bare"
	if v, ok := benchLogs.Load(key); ok {
		return v.(*benchLog)
	}
	var unit bytes.Buffer
	for _, line := range strings.SplitAfter(string(readLog(b, "nginx-pid.log")), "\n") {
		if line == "" {
			continue
		}
		head := line[:strings.Index(line, " pid=")]
		unit.WriteString(head + " " + between(line, " pid=", " ") + " " + between(line, " rt=", " ") + "\n")
	}
	reps := benchSize / unit.Len()
	l := &benchLog{data: bytes.Repeat(unit.Bytes(), reps), lines: int64(bytes.Count(unit.Bytes(), []byte("\n")) * reps)}
	benchLogs.Store(key, l)
	return l
}

// BenchmarkDetect detects the format of a 64 KiB sample, as every input
// file does once.
func BenchmarkDetect(b *testing.B) {
	sample := benchInput(b, "nginx-pid.log").data[:64<<10]
	b.SetBytes(int64(len(sample)))
	b.ReportAllocs()
	for b.Loop() {
		if d := Detect(sample, false); d.Format == nil || !d.Format.HasWorker() {
			b.Fatalf("Detect: got %+v", describe(d))
		}
	}
}
