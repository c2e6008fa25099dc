package parse

import (
	"bufio"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReaderLines checks line endings, blank and over-long lines, and that
// every line is counted with its number.
func TestReaderLines(t *testing.T) {
	f := mustNginx(t, `$pid "$http_user_agent" $request_time`)
	long := `7 "` + strings.Repeat("x", MaxLine) + `" 0.1`
	fits := `7 "` + strings.Repeat("x", MaxLine-len(`7 "" 0.1`)) + `" 0.1`
	good := func(line int64, worker string) lineResult {
		return lineResult{Line: line, got: ok(worker, 0, 100_000, 0, "")}
	}
	bad := func(line int64, reason Reason) lineResult {
		return lineResult{Line: line, got: rejected(reason)}
	}
	tests := []struct {
		name, input string
		want        []lineResult
	}{
		{"empty input", "", nil},
		{"one newline", "\n", []lineResult{bad(1, ReasonBlank)}},
		{"LF", "1 \"a\" 0.1\n2 \"b\" 0.1\n", []lineResult{good(1, "1"), good(2, "2")}},
		{"CRLF", "1 \"a\" 0.1\r\n2 \"b\" 0.1\r\n", []lineResult{good(1, "1"), good(2, "2")}},
		{"no final newline", "1 \"a\" 0.1\n2 \"b\" 0.1", []lineResult{good(1, "1"), good(2, "2")}},
		{"no final CRLF", "1 \"a\" 0.1\r\n2 \"b\" 0.1\r", []lineResult{good(1, "1"), good(2, "2")}},
		{"blank lines", "\n1 \"a\" 0.1\n\n\r\n2 \"b\" 0.1\n\n", []lineResult{
			bad(1, ReasonBlank), good(2, "1"), bad(3, ReasonBlank), bad(4, ReasonBlank), good(5, "2"), bad(6, ReasonBlank)}},
		{"a line of spaces is not blank", "1 \"a\" 0.1\n   \n", []lineResult{good(1, "1"), bad(2, ReasonNoMatch)}},
		{"rejections keep their line numbers", "1 \"a\" 0.1\nx \"b\" 0.1\n3 c 0.1\n4 \"d\" 0.1\ngarbage\n", []lineResult{
			good(1, "1"), bad(2, ReasonBadPID), bad(3, ReasonNoMatch), good(4, "4"), bad(5, ReasonNoMatch)}},
		{"over-long line in the middle", "1 \"a\" 0.1\n" + long + "\n3 \"c\" 0.1\n", []lineResult{
			good(1, "1"), bad(2, ReasonTooLong), good(3, "3")}},
		{"over-long line first", long + "\n2 \"b\" 0.1\n", []lineResult{bad(1, ReasonTooLong), good(2, "2")}},
		{"over-long line last, without newline", "1 \"a\" 0.1\n" + long, []lineResult{good(1, "1"), bad(2, ReasonTooLong)}},
		{"two over-long lines", long + "\n" + long + "\n3 \"c\" 0.1", []lineResult{bad(1, ReasonTooLong), bad(2, ReasonTooLong), good(3, "3")}},
		{"line of exactly MaxLine bytes", fits + "\n" + fits, []lineResult{good(1, "7"), good(2, "7")}},
		{"line of MaxLine+1 bytes", fits + "x\n2 \"b\" 0.1\n", []lineResult{bad(1, ReasonTooLong), good(2, "2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := scanAll(t, f, tt.input)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestReaderMaxLineWithCRLF(t *testing.T) {
	f := mustNginx(t, `$pid "$http_user_agent" $request_time`)
	fits := `7 "` + strings.Repeat("x", MaxLine-len(`7 "" 0.1`)) + `" 0.1`
	got := scanAll(t, f, fits+"\r\n")
	want := []lineResult{{Line: 1, got: ok("7", 0, 100_000, 0, "")}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestReaderText(t *testing.T) {
	f := mustNginx(t, `$pid $request_time`)
	r := NewReader(strings.NewReader("1 0.1\r\n\nx y\r\n"+strings.Repeat("z", MaxLine+1)+"\n2 0.2"), f)
	var texts []string
	for r.Scan() {
		texts = append(texts, string(r.Text()))
	}
	want := []string{"1 0.1", "", "x y", "", "2 0.2"}
	if !reflect.DeepEqual(texts, want) {
		t.Errorf("Text: got %q, want %q", texts, want)
	}
}

// TestReaderIOError: an I/O error ends the scan after the lines read before
// it, and Err returns it.
func TestReaderIOError(t *testing.T) {
	f := mustNginx(t, `$pid $request_time`)
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("1 0.1\n2 0.2\n3 0."), iotest.ErrReader(boom))
	r := NewReader(in, f)
	var workers []string
	for r.Scan() {
		workers = append(workers, string(r.Record().Worker))
	}
	if want := []string{"1", "2"}; !reflect.DeepEqual(workers, want) {
		t.Errorf("workers: got %q, want %q", workers, want)
	}
	if !errors.Is(r.Err(), boom) {
		t.Errorf("Err: got %v, want %v", r.Err(), boom)
	}
	if r.Scan() {
		t.Errorf("Scan after an error: got true, want false")
	}
}

// TestReaderAfterPeek: bytes peeked for detection are read again by the
// Reader.
func TestReaderAfterPeek(t *testing.T) {
	f := mustNginx(t, `$pid $request_time`)
	br := NewBufferedReader(iotest.OneByteReader(strings.NewReader("1 0.1\n2 0.2\n3 0.3\n")))
	if _, err := br.Peek(8); err != nil {
		t.Fatal(err)
	}
	var workers []string
	r := NewReader(br, f)
	for r.Scan() {
		workers = append(workers, string(r.Record().Worker))
	}
	if want := []string{"1", "2", "3"}; !reflect.DeepEqual(workers, want) {
		t.Errorf("workers: got %q, want %q", workers, want)
	}
	small := bufio.NewReaderSize(strings.NewReader("1 0.1\n"), 16)
	r = NewReader(small, f)
	if !r.Scan() || r.Reason() != ReasonNone {
		t.Errorf("a small bufio.Reader: got reason %q, want a parsed line", r.Reason())
	}
}

// TestReaderRecordReset: each line starts from an empty record, so a value of
// one line never shows in the next.
func TestReaderRecordReset(t *testing.T) {
	f := mustNginx(t, `[$time_local] $status $pid $request_time "$request"`)
	in := "[25/Nov/2026:17:50:56 +0000] 200 21643 0.5 \"GET /a HTTP/1.1\"\n" +
		"[25/Nov/2026:17:50:57 +0000] - - - \"-\"\n"
	got := scanAll(t, f, in)
	want := []lineResult{
		{Line: 1, got: ok("21643", 200, 500_000, at(2026, 11, 25, 17, 50, 56, 0), "/a")},
		{Line: 2, got: ok("", 0, -1, at(2026, 11, 25, 17, 50, 57, 0), "")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// TestReaderCorpusFiles reads the samples of testdata/logs in their servers'
// formats: every line parses.
func TestReaderCorpusFiles(t *testing.T) {
	tests := []struct {
		file, spec string
		lines      int64
	}{
		{"gunicorn-pid-us.log", corpusGunicornSync, 33},
		{"gunicorn-gevent-rt.log", corpusGunicornGevent, 25},
		{"nginx-pid.log", corpusNginxPID, 24},
		{"nginx-combined.log", NginxCombined, 20},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := CompileLogFormat(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			res := scanAll(t, f, string(readLog(t, tt.file)))
			if int64(len(res)) != tt.lines {
				t.Errorf("lines: got %d, want %d", len(res), tt.lines)
			}
			for _, r := range res {
				if r.Reason != ReasonNone {
					t.Errorf("line %d: got reason %q, want none", r.Line, r.Reason)
				}
				if !r.HasTime {
					t.Errorf("line %d: got no time", r.Line)
				}
			}
		})
	}
}

// TestReaderEmptyTime: an empty $time_local is an unreadable time on every
// line, the first a reader reads as much as one after a line whose time
// parsed, and a $msec later on the line does not save it (the order of the
// fields decides, not the lines read before: FuzzChunkedRead found a first
// line that read as time 0 alone and as unreadable after a peek).
func TestReaderEmptyTime(t *testing.T) {
	f := mustNginx(t, `[$time_local] $pid $request_time`)
	fm := mustNginx(t, `[$time_local] $pid $request_time msec=$msec`)
	good := "[25/Nov/2026:17:50:56 +0000] 7 0.5"
	tests := []struct {
		name string
		f    *Format
		in   string
		want []lineResult
	}{
		{"first line", f, "[] 7 0.5\n", []lineResult{{Line: 1, got: rejected(ReasonBadTime)}}},
		{"first line, then a good one", f, "[] 7 0.5\n" + good + "\n", []lineResult{
			{Line: 1, got: rejected(ReasonBadTime)},
			{Line: 2, got: ok("7", 0, 500_000, at(2026, 11, 25, 17, 50, 56, 0), "")},
		}},
		{"after a good line", f, good + "\n[] 7 0.5\n", []lineResult{
			{Line: 1, got: ok("7", 0, 500_000, at(2026, 11, 25, 17, 50, 56, 0), "")},
			{Line: 2, got: rejected(ReasonBadTime)},
		}},
		{"first line with a later $msec", fm, "[] 7 0.5 msec=00\n", []lineResult{{Line: 1, got: rejected(ReasonBadTime)}}},
	}
	for _, tt := range tests {
		if got := scanAll(t, tt.f, tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got  %+v\nwant %+v", tt.name, got, tt.want)
		}
	}
}

// TestReaderFarTimeKeepsRecord: a line judged against lines already read
// ahead keeps its own record. The first line (1970) is the stray; the
// second is then judged by the third, read ahead for the first, and must
// still read as itself (FuzzChunkedRead found it reading as the third).
func TestReaderFarTimeKeepsRecord(t *testing.T) {
	f := mustNginx(t, `$pid $request_time $msec`)
	in := "1 0.1 0\n2 0.2 1770000000.5\n3 0.3 1770000001.25\n"
	sub := func(g got) got { g.SubSecond = true; return g }
	want := []lineResult{
		{Line: 1, got: rejected(ReasonFarTime)},
		{Line: 2, got: sub(ok("2", 0, 200_000, 1770000000_500000, ""))},
		{Line: 3, got: sub(ok("3", 0, 300_000, 1770000001_250000, ""))},
	}
	if lines := scanAll(t, f, in); !reflect.DeepEqual(lines, want) {
		t.Errorf("got  %+v\nwant %+v", lines, want)
	}
}
