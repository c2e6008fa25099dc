package parse

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

// nginxJSONCut is lines 1, 10, 20, 80, 1001, 1248, 7046, 7047 and 13028 of
// corpus/nginx-proxy/access.json.log.gz, exact bytes: a 404, a /healthz
// answered by nginx itself (upstream fields ""), a 500, two 499s, and every
// nginx worker PID.
const nginxJSONCut = "nginx-escape-json.log"

func readJSONLog(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "json", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t testing.TB, fields map[string]string) *Format {
	t.Helper()
	f, err := CompileJSON(fields)
	if err != nil {
		t.Fatalf("CompileJSON(%v): got error %v, want nil", fields, err)
	}
	return f
}

// jsonGot is a parsed line with its time's resolution.
func jsonGot(worker string, status int, dur, tm int64, sub bool, path string) got {
	return got{Worker: worker, Status: status, Duration: dur, Time: tm, HasTime: true, SubSecond: sub, Path: path}
}

// Times of the corpus's first line: 2026-11-25T17:50:56.866Z is $msec
// 1795629056.866.
var (
	t0   = at(2026, time.November, 25, 17, 50, 56, 0)
	t866 = at(2026, time.November, 25, 17, 50, 56, 866000)
)

func TestJSONLine(t *testing.T) {
	common := mustJSON(t, nil)
	mapped := mustJSON(t, map[string]string{"worker": "wid", "time": "t", "duration": "took_ms", "status": "code", "path": "route"})
	untimed := mustJSON(t, map[string]string{"time": ""})
	nginxLine := firstLine(t, "nginx-json.log")
	tests := []struct {
		name string
		f    *Format
		line string
		want got
	}{
		{"nginx escape=json", common, nginxLine, jsonGot("21643", 200, 2000, t866, true, "/")},
		{"numbers as strings", common, `{"pid":"21643","msec":"1795629056.866","status":"200","request_time":"0.002","request":"GET /x?y HTTP/1.1"}`,
			jsonGot("21643", 200, 2000, t866, true, "/x")},
		{"escapes in strings and keys", common, `{"ua":"a \"q\" \\ \u0041 }, \"pid\":1","p\u0069d":21643,"time":"2026-11-25T17:50:56Z","status":200}`,
			jsonGot("21643", 200, -1, t0, false, "")},
		{"escaped quote in a path stays as written", common, `{"pid":1,"ts":1795629056,"path":"/a\"b?c","status":404}`,
			jsonGot("1", 404, -1, t0, false, `/a\"b`)},
		{"nested values skipped", common, `{"headers":{"pid":999,"a":[1,{"status":500},[[]],{}],"b":"}]\"{"},"pid":21643,"time":"2026-11-25T17:50:56Z","extra":[{"x":null,"y":true,"z":-1.5e3}],"status":200}`,
			jsonGot("21643", 200, -1, t0, false, "")},
		{"empty strings are absent", common, `{"pid":"","msec":1795629056.866,"status":"","request_time":"","request":"","path":""}`,
			jsonGot("", 0, -1, t866, true, "")},
		{"null is absent", common, `{"pid":null,"msec":1795629056.866,"status":null,"request_time":null,"request":null,"path":null}`,
			jsonGot("", 0, -1, t866, true, "")},
		{"dash is absent", common, `{"pid":"-","msec":1795629056.866,"status":"-","request_time":"-"}`,
			jsonGot("", 0, -1, t866, true, "")},
		{"epoch seconds", common, `{"pid":1,"ts":1795629056}`, jsonGot("1", 0, -1, t0, false, "")},
		{"epoch seconds with a fraction, as a string", common, `{"pid":1,"ts":"1795629056.5"}`, jsonGot("1", 0, -1, t0+500000, true, "")},
		{"epoch seconds with zero fraction are sub-second", common, `{"pid":1,"ts":1795629056.000}`, jsonGot("1", 0, -1, t0, true, "")},
		{"epoch seconds with an exponent", common, `{"pid":1,"ts":1.795629056866E9}`, jsonGot("1", 0, -1, t866, true, "")},
		{"epoch milliseconds", common, `{"pid":1,"ts":1795629056866}`, jsonGot("1", 0, -1, t866, true, "")},
		{"epoch microseconds", common, `{"pid":1,"timestamp":1795629056866123}`, jsonGot("1", 0, -1, t866+123, true, "")},
		{"epoch nanoseconds", common, `{"pid":1,"timestamp":"1795629056866123456"}`, jsonGot("1", 0, -1, t866+123, true, "")},
		{"RFC 3339 with offset and fraction", common, `{"pid":1,"time":"2026-11-25T12:50:56.25-05:00"}`, jsonGot("1", 0, -1, t0+250000, true, "")},
		{"RFC 3339 nanoseconds", common, `{"pid":1,"@timestamp":"2026-11-25T17:50:56.866123456Z"}`, jsonGot("1", 0, -1, t866+123, true, "")},
		{"time_iso8601", common, `{"pid":1,"time_iso8601":"2026-11-25T17:50:56+00:00"}`, jsonGot("1", 0, -1, t0, false, "")},
		{"time_local", common, `{"pid":1,"time_local":"25/Nov/2026:17:50:56 +0000"}`, jsonGot("1", 0, -1, t0, false, "")},
		{"time_local with escaped slashes", common, `{"pid":1,"time_local":"25\/Nov\/2026:18:50:56 \u002b0100"}`, jsonGot("1", 0, -1, t0, false, "")},
		{"msec wins over time", common, `{"time":"2026-11-25T17:50:57Z","msec":1795629056.866,"pid":1}`, jsonGot("1", 0, -1, t866, true, "")},
		{"duration seconds", common, `{"pid":1,"ts":1795629056,"duration":1.5}`, jsonGot("1", 0, 1500000, t0, false, "")},
		{"duration_ms", common, `{"pid":1,"ts":1795629056,"duration_ms":12.5}`, jsonGot("1", 0, 12500, t0, false, "")},
		{"duration_us", common, `{"pid":1,"ts":1795629056,"duration_us":632}`, jsonGot("1", 0, 632, t0, false, "")},
		{"response_time", common, `{"pid":1,"ts":1795629056,"response_time":"0.25"}`, jsonGot("1", 0, 250000, t0, false, "")},
		{"elapsed", common, `{"pid":1,"ts":1795629056,"elapsed":2}`, jsonGot("1", 0, 2000000, t0, false, "")},
		{"duration with an exponent", common, `{"pid":1,"ts":1795629056,"request_time":1e-05}`, jsonGot("1", 0, 10, t0, false, "")},
		{"request_time wins over duration", common, `{"duration":9,"pid":1,"ts":1795629056,"request_time":0.5}`, jsonGot("1", 0, 500000, t0, false, "")},
		{"gunicorn <pid> in a string", common, `{"pid":"<16480>","ts":1795629056}`, jsonGot("16480", 0, -1, t0, false, "")},
		{"upstream list, last answered", common, `{"upstream_http_x_worker_pid":"16480, 16481","ts":1795629056}`, jsonGot("16481", 0, -1, t0, false, "")},
		{"duplicate key: the last wins", common, `{"pid":1,"pid":2,"ts":1795629056}`, jsonGot("2", 0, -1, t0, false, "")},
		{"byte order mark and spaces", common, "\xEF\xBB\xBF  { \"pid\" : 1 ,\t\"ts\" : 1795629056 }  ", jsonGot("1", 0, -1, t0, false, "")},
		{"status names", common, `{"pid":1,"ts":1795629056,"response_status":"503"}`, jsonGot("1", 503, -1, t0, false, "")},
		{"path names", common, `{"pid":1,"ts":1795629056,"uri":"/u?q","request":"GET /r HTTP/1.1"}`, jsonGot("1", 0, -1, t0, false, "/u")},
		{"URL: the path", common, `{"pid":1,"ts":1795629056,"url":"https://example.com:8443/a/b?c=d"}`, jsonGot("1", 0, -1, t0, false, "/a/b")},
		{"URL without a path", common, `{"pid":1,"ts":1795629056,"url":"http://example.com"}`, jsonGot("1", 0, -1, t0, false, "")},
		{"--field mapping", mapped, `{"pid":99,"wid":"7","t":"2026-11-25T17:50:56Z","took_ms":3,"code":201,"route":"/r?x","status":500}`,
			jsonGot("7", 201, 3000, t0, false, "/r")},
		{"--field mapping: common names are not read", mapped, `{"pid":99,"t":"2026-11-25T17:50:56Z","request_time":1}`,
			jsonGot("", 0, -1, t0, false, "")},
		{"time not read", untimed, `{"pid":1,"status":200}`, got{Worker: "1", Status: 200, Duration: -1}},
		{"empty object", untimed, `{}`, got{Duration: -1}},

		{"not JSON", common, `Traceback (most recent call last):`, rejected(ReasonNoMatch)},
		{"an array", common, `[{"pid":1,"ts":1795629056}]`, rejected(ReasonNoMatch)},
		{"a string", common, `"pid"`, rejected(ReasonNoMatch)},
		{"cut short", common, `{"pid":1,"ts":1795629056`, rejected(ReasonNoMatch)},
		{"cut in a string", common, `{"pid":1,"ts":"17956`, rejected(ReasonNoMatch)},
		{"cut in a nested value", common, `{"pid":1,"ts":1795629056,"h":{"a":[1,`, rejected(ReasonNoMatch)},
		{"trailing comma", common, `{"pid":1,"ts":1795629056,}`, rejected(ReasonNoMatch)},
		{"trailing comma in an array", common, `{"pid":1,"ts":1795629056,"a":[1,]}`, rejected(ReasonNoMatch)},
		{"unquoted key", common, `{pid:1,"ts":1795629056}`, rejected(ReasonNoMatch)},
		{"single quotes", common, `{'pid':1,"ts":1795629056}`, rejected(ReasonNoMatch)},
		{"leading zero", common, `{"pid":01,"ts":1795629056}`, rejected(ReasonNoMatch)},
		{"bare fraction", common, `{"pid":1,"ts":1795629056.}`, rejected(ReasonNoMatch)},
		{"two objects", common, `{"pid":1,"ts":1795629056}{"pid":2}`, rejected(ReasonNoMatch)},
		{"text after the object", common, `{"pid":1,"ts":1795629056} x`, rejected(ReasonNoMatch)},
		{"bad escape", common, `{"pid":1,"ts":1795629056,"ua":"\x41"}`, rejected(ReasonNoMatch)},
		{"bad unicode escape", common, `{"pid":1,"ts":1795629056,"ua":"\u00zz"}`, rejected(ReasonNoMatch)},
		{"raw tab in a string", common, "{\"pid\":1,\"ts\":1795629056,\"ua\":\"a\tb\"}", rejected(ReasonNoMatch)},
		{"misspelt literal", common, `{"pid":1,"ts":1795629056,"ok":tru}`, rejected(ReasonNoMatch)},
		{"mismatched brackets", common, `{"pid":1,"ts":1795629056,"a":[1,2}}`, rejected(ReasonNoMatch)},
		{"missing colon", common, `{"pid" 1,"ts":1795629056}`, rejected(ReasonNoMatch)},
		{"missing comma", common, `{"pid":1 "ts":1795629056}`, rejected(ReasonNoMatch)},
		{"missing nested value", common, `{"pid":1,"ts":1795629056,"h":{"a": }}`, rejected(ReasonNoMatch)},

		{"pid not a number", common, `{"pid":"abc","ts":1795629056}`, rejected(ReasonBadPID)},
		{"pid with a fraction", common, `{"pid":1.5,"ts":1795629056}`, rejected(ReasonBadPID)},
		{"negative pid", common, `{"pid":-3,"ts":1795629056}`, rejected(ReasonBadPID)},
		{"pid true", common, `{"pid":true,"ts":1795629056}`, rejected(ReasonBadPID)},
		{"pid an object", common, `{"pid":{"a":1},"ts":1795629056}`, rejected(ReasonBadPID)},
		{"status a word", common, `{"pid":1,"ts":1795629056,"status":"OK"}`, rejected(ReasonBadStatus)},
		{"status of four digits", common, `{"pid":1,"ts":1795629056,"status":2000}`, rejected(ReasonBadStatus)},
		{"status true", common, `{"pid":1,"ts":1795629056,"status":true}`, rejected(ReasonBadStatus)},
		{"duration a word", common, `{"pid":1,"ts":1795629056,"request_time":"fast"}`, rejected(ReasonBadDur)},
		{"negative duration", common, `{"pid":1,"ts":1795629056,"request_time":-1}`, rejected(ReasonBadDur)},
		{"time a word", common, `{"pid":1,"time":"yesterday"}`, rejected(ReasonBadTime)},
		{"time without a zone", common, `{"pid":1,"time":"2026-11-25T17:50:56"}`, rejected(ReasonBadTime)},
		{"time of 21 digits", common, `{"pid":1,"ts":123456789012345678901}`, rejected(ReasonBadTime)},
		{"time null", common, `{"pid":1,"time":null}`, rejected(ReasonBadTime)},
		{"no time", common, `{"pid":1,"status":200}`, rejected(ReasonBadTime)},
		{"impossible date", common, `{"pid":1,"time":"2026-02-31T17:50:56Z"}`, rejected(ReasonBadTime)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := scanOne(t, tt.f, tt.line); g != tt.want {
				t.Errorf("got  %+v\nwant %+v", g, tt.want)
			}
		})
	}
}

// TestJSONCommonNames reads each role from each of its common names.
func TestJSONCommonNames(t *testing.T) {
	f := mustJSON(t, nil)
	type role struct {
		names []string
		value string
		want  got
	}
	roles := map[string]role{
		"worker": {[]string{"pid", "worker_pid", "workerpid", "process_id", "wpid", "upstream_http_x_worker_pid"}, `"21643"`,
			jsonGot("21643", 200, -1, t0, false, "")},
		"time": {[]string{"time", "timestamp", "@timestamp", "time_iso8601", "ts"}, `"2026-11-25T17:50:56.866Z"`,
			jsonGot("1", 200, -1, t866, true, "")},
		"status":  {[]string{"status", "status_code", "response_status"}, `404`, jsonGot("1", 404, -1, t0, false, "")},
		"request": {[]string{"request"}, `"GET /a?b HTTP/1.1"`, jsonGot("1", 200, -1, t0, false, "/a")},
		"path":    {[]string{"path", "uri", "url", "request_uri"}, `"/p?q"`, jsonGot("1", 200, -1, t0, false, "/p")},
	}
	base := map[string]string{"worker": `"pid":1`, "time": `"ts":1795629056`, "status": `"status":200`}
	for rn, r := range roles {
		for _, name := range r.names {
			t.Run(rn+"/"+name, func(t *testing.T) {
				parts := []string{strconv.Quote(name) + ":" + r.value}
				for other, kv := range base {
					if other != rn {
						parts = append(parts, kv)
					}
				}
				line := "{" + strings.Join(parts, ",") + "}"
				if g := scanOne(t, f, line); g != r.want {
					t.Errorf("%s\ngot  %+v\nwant %+v", line, g, r.want)
				}
			})
		}
	}
	for _, tc := range []struct {
		name, value string
		want        int64
	}{
		{"msec", "1795629056.866", t866}, {"time_local", `"25/Nov/2026:17:50:56 +0000"`, t0},
	} {
		line := `{"pid":1,"status":200,"` + tc.name + `":` + tc.value + `}`
		if g := scanOne(t, f, line); !g.HasTime || g.Time != tc.want {
			t.Errorf("%s: got time %d, want %d", line, g.Time, tc.want)
		}
	}
	durations := map[string]int64{"request_time": 1500000, "duration": 1500000, "duration_ms": 1500, "duration_us": 1,
		"response_time": 1500000, "response_time_ms": 1500, "elapsed": 1500000, "elapsed_ms": 1500}
	for name, want := range durations {
		line := `{"pid":1,"ts":1795629056,"` + name + `":1.5}`
		if g := scanOne(t, f, line); g.Duration != want {
			t.Errorf("%s: got duration %d µs, want %d", line, g.Duration, want)
		}
	}
}

func TestJSONKeyByAndHost(t *testing.T) {
	d := Detect(readJSONLog(t, nginxJSONCut), true)
	if d.Format == nil {
		t.Fatalf("Detect: got no format (%s)", d.Why)
	}
	byAddr, err := d.Format.KeyBy("$upstream_addr")
	if err != nil {
		t.Fatalf("KeyBy: got error %v", err)
	}
	if !byAddr.HasWorker() || byAddr.custom.has(fPID) {
		t.Errorf("KeyBy: HasWorker %v, has PID %v; want true, false", byAddr.HasWorker(), byAddr.custom.has(fPID))
	}
	hosted, err := byAddr.HostBy("remote_addr")
	if err != nil {
		t.Fatalf("HostBy: got error %v", err)
	}
	wantSpec := `{"upstream_addr":"$upstream_addr","msec":$msec,"request_time":$request_time,"status":$status,"request":"$request","remote_addr":"$remote_addr"}`
	// Format.retag keeps the Spec of the format it copies; the matcher
	// describes what it reads.
	if spec, _ := hosted.custom.(*jsonMatcher).spec.describe(); spec != wantSpec {
		t.Errorf("Spec: got %s, want %s", spec, wantSpec)
	}
	var workers, hosts []string
	r := NewReader(bytes.NewReader(readJSONLog(t, nginxJSONCut)), hosted)
	for r.Scan() {
		if r.Reason() != ReasonNone {
			t.Fatalf("line %d: %s", r.Line(), r.Reason())
		}
		workers = append(workers, string(r.Record().Worker))
		hosts = append(hosts, string(r.Record().Host))
	}
	// Line 3 is /healthz, answered by nginx: "upstream_addr":"".
	wantWorkers := []string{"127.0.0.1:18100", "127.0.0.1:18100", "", "127.0.0.1:18100", "127.0.0.1:18100",
		"127.0.0.1:18100", "127.0.0.1:18100", "127.0.0.1:18100", "127.0.0.1:18100"}
	if !reflect.DeepEqual(workers, wantWorkers) {
		t.Errorf("workers: got %q, want %q", workers, wantWorkers)
	}
	for i, h := range hosts {
		if h != "127.0.0.1" {
			t.Errorf("line %d: host got %q, want 127.0.0.1", i+1, h)
		}
	}
	if _, err := d.Format.KeyBy(""); err == nil || err.Error() != "json format: empty key name" {
		t.Errorf("KeyBy(\"\"): got error %v, want json format: empty key name", err)
	}
}

func TestCompileJSONErrors(t *testing.T) {
	tests := []struct {
		name   string
		fields map[string]string
		want   string
	}{
		{"unknown role", map[string]string{"pid": "x"}, `field pid=x: unknown role "pid" (roles: worker, time, duration, status, request, path, host, connection, connection_requests, client, client_port)`},
		{"nothing read", map[string]string{"worker": "", "time": "", "duration": "", "status": "", "request": "", "path": ""}, "json format reads no field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileJSON(tt.fields)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got error %v, want %s", err, tt.want)
			}
		})
	}
	if _, err := mustNginx(t, NginxCombined+" $pid").WithFields(map[string]string{"worker": "x"}); err == nil ||
		err.Error() != "nginx format: field roles apply to JSON logs only" {
		t.Errorf("WithFields on nginx: got error %v, want nginx format: field roles apply to JSON logs only", err)
	}
}

// TestJSONWithFields maps a role over a detected format; the other roles stay.
func TestJSONWithFields(t *testing.T) {
	d := Detect(readJSONLog(t, nginxJSONCut), true)
	f, err := d.Format.WithFields(map[string]string{"worker": "connection", "duration": ""})
	if err != nil {
		t.Fatalf("WithFields: got error %v", err)
	}
	want := detected{Kind: KindAccess, Name: "json", Family: "nginx", Worker: true,
		Spec: `{"connection":$pid,"msec":$msec,"status":$status,"request":"$request"}`,
		Note: "JSON keys worker=connection time=msec status=status request=request"}
	if g := describe(Detection{Kind: KindAccess, Format: f}); g != want {
		t.Errorf("got  %+v\nwant %+v", g, want)
	}
	if g := scanOne(t, f, firstLine(t, "nginx-json.log")); g != jsonGot("2", 200, -1, t866, true, "/") {
		t.Errorf("got %+v, want connection 2 as the worker, no duration", g)
	}
}

func TestDetectJSON(t *testing.T) {
	jsonLines := func(n int, line func(i int) string) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(line(i) + "\n")
		}
		return b.String()
	}
	const nginxSpec = `{"pid":$pid,"msec":$msec,"request_time":$request_time,"status":$status,"request":"$request"}`
	const nginxNote = "JSON keys worker=pid time=msec duration=request_time status=status request=request"
	noWorker := strings.ReplaceAll(string(readJSONLog(t, nginxJSONCut)), `"pid":`, `"nginx_pid":`)
	tests := []struct {
		name, sample string
		want         detected
	}{
		{"nginx escape=json", string(readJSONLog(t, nginxJSONCut)),
			detected{Kind: KindAccess, Name: "json", Family: "nginx", Spec: nginxSpec, Note: nginxNote, Worker: true}},
		{"CRLF", strings.ReplaceAll(string(readJSONLog(t, nginxJSONCut)), "\n", "\r\n"),
			detected{Kind: KindAccess, Name: "json", Family: "nginx", Spec: nginxSpec, Note: nginxNote, Worker: true}},
		{"application log", string(readJSONLog(t, "app.log")),
			detected{Kind: KindAccess, Name: "json", Worker: true,
				Spec: `{"worker_pid":$pid,"@timestamp":"$time_iso8601","duration_ms":$request_time,"status_code":$status,"path":"$uri"}`,
				Note: "JSON keys worker=worker_pid time=@timestamp duration=duration_ms status=status_code path=path"}},
		{"no worker field", noWorker,
			detected{Kind: KindAccess, Name: "json", Family: "nginx", Spec: `{"msec":$msec,"request_time":$request_time,"status":$status,"request":"$request"}`,
				Note: "JSON keys time=msec duration=request_time status=status request=request"}},
		{"sub-second time preferred", jsonLines(4, func(i int) string {
			return `{"time":"2026-11-25T17:50:5` + strconv.Itoa(i) + `Z","ts":179562905` + strconv.Itoa(i) + `.25,"pid":1,"status":200}`
		}), detected{Kind: KindAccess, Name: "json", Worker: true, Spec: `{"pid":$pid,"ts":$msec,"status":$status}`,
			Note: "JSON keys worker=pid time=ts status=status"}},
		{"pid values that are not PIDs", jsonLines(4, func(i int) string {
			return `{"pid":"worker-` + strconv.Itoa(i) + `","worker_pid":` + strconv.Itoa(100+i) + `,"status":200}`
		}), detected{Kind: KindAccess, Name: "json", Worker: true, Spec: `{"worker_pid":$pid,"status":$status}`,
			Note: "JSON keys worker=worker_pid status=status"}},
		{"a time key that holds durations", jsonLines(4, func(i int) string {
			return `{"time":0.02` + strconv.Itoa(i) + `,"timestamp":"2026-11-25T17:50:5` + strconv.Itoa(i) + `Z","pid":1,"status":200}`
		}), detected{Kind: KindAccess, Name: "json", Worker: true, Spec: `{"pid":$pid,"timestamp":"$time_iso8601","status":$status}`,
			Note: "JSON keys worker=pid time=timestamp status=status"}},
		{"nginx upstream header as the worker", jsonLines(4, func(i int) string {
			return `{"time_local":"25/Nov/2026:17:50:5` + strconv.Itoa(i) + ` +0000","upstream_http_x_worker_pid":"1648` + strconv.Itoa(i%2) + `","request_uri":"/x"}`
		}), detected{Kind: KindAccess, Name: "json", Family: "nginx", Worker: true,
			Spec: `{"upstream_http_x_worker_pid":"$upstream_http_x_worker_pid","time_local":"$time_local","request_uri":"$request_uri"}`,
			Note: "JSON keys worker=upstream_http_x_worker_pid time=time_local path=request_uri"}},
		{"a few lines are not JSON", "starting\n" + string(readJSONLog(t, nginxJSONCut)) + "stopping\n",
			detected{Kind: KindAccess, Name: "json", Family: "nginx", Spec: nginxSpec, Note: nginxNote, Worker: true}},
		{"application events without requests", jsonLines(4, func(i int) string {
			return `{"time":"2026-11-25T17:50:56Z","pid":16480,"level":"info","msg":"Booting worker"}`
		}), detected{Kind: KindJSON, Why: "JSON lines without a status, request, path or duration key"}},
		{"JSON notes", `{"name": "notes", "items": [1, 2]}` + "\n",
			detected{Kind: KindJSON, Why: "JSON lines without a status, request, path or duration key"}},
		{"mostly not JSON", "a\nb\nc\n" + firstLine(t, "nginx-json.log") + "\n",
			detected{Kind: KindUnknown, Why: whyUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect([]byte(tt.sample), true)
			if g := describe(d); g != tt.want {
				t.Errorf("got  %+v\nwant %+v", g, tt.want)
			}
			if d.Format != nil {
				// The Spec, read as an nginx log_format, has the same worker field.
				g, err := CompileLogFormat(d.Format.Spec)
				if err != nil || g.HasWorker() != d.Format.HasWorker() {
					t.Errorf("Spec %q: error %v, HasWorker %v; want %v", d.Format.Spec, err, g != nil && g.HasWorker(), d.Format.HasWorker())
				}
			}
		})
	}
}

// TestJSONFiles reads the testdata/json files with their detected formats;
// the expected values were read off the lines by hand.
func TestJSONFiles(t *testing.T) {
	type line struct {
		n int64
		got
	}
	ms := func(h, m, s, ms int) int64 { return at(2026, time.November, 25, h, m, s, ms*1000) }
	tests := []struct {
		file string
		want []line
	}{
		{nginxJSONCut, []line{
			{1, jsonGot("21643", 200, 2000, ms(17, 50, 56, 866), true, "/")},
			{2, jsonGot("21643", 404, 1000, ms(17, 50, 57, 252), true, "/static/missing-31.png")},
			{3, jsonGot("21643", 200, 0, ms(17, 50, 57, 430), true, "/healthz")},
			{4, jsonGot("21643", 500, 1000, ms(17, 50, 58, 422), true, "/abort500")},
			{5, jsonGot("21644", 200, 1000, ms(17, 51, 20, 928), true, "/")},
			{6, jsonGot("21645", 200, 48000, ms(17, 51, 26, 953), true, "/sleep")},
			{7, jsonGot("21645", 499, 39000, ms(17, 54, 57, 115), true, "/sleep")},
			{8, jsonGot("21646", 200, 2000, ms(17, 54, 57, 154), true, "/")},
			{9, jsonGot("21645", 499, 29000, ms(17, 57, 32, 377), true, "/sleep")},
		}},
		{"app.log", []line{
			{1, jsonGot("16480", 200, 12500, ms(17, 50, 56, 866), true, "/api/v1/users")},
			{2, jsonGot("16481", 200, 400, ms(17, 50, 57, 0), false, "/healthz")},
			{3, rejected(ReasonNoMatch)},
			{4, jsonGot("16480", 503, 1000000, ms(16, 50, 58, 100), true, `/caf\u00e9`)},
			{5, jsonGot("", 204, 2000, ms(17, 50, 59, 0), true, "/")},
			{6, rejected(ReasonNoMatch)},
			{7, rejected(ReasonBadStatus)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := readJSONLog(t, tt.file)
			d := Detect(b, true)
			if d.Format == nil {
				t.Fatalf("Detect: got no format (%s)", d.Why)
			}
			res := scanAll(t, d.Format, string(b))
			if len(res) != len(tt.want) {
				t.Fatalf("got %d lines, want %d", len(res), len(tt.want))
			}
			for i, r := range res {
				if r.Line != tt.want[i].n || r.got != tt.want[i].got {
					t.Errorf("line %d:\ngot  %+v\nwant %+v", tt.want[i].n, r, tt.want[i])
				}
			}
			// CRLF line endings read the same.
			crlf := scanAll(t, d.Format, strings.ReplaceAll(string(b), "\n", "\r\n"))
			if !reflect.DeepEqual(crlf, res) {
				t.Errorf("CRLF:\ngot  %+v\nwant %+v", crlf, res)
			}
		})
	}
}

// corpusJSON returns the lines of corpus/nginx-proxy/access.json.log.gz.
func corpusJSON(t *testing.T) []byte {
	path := filepath.Join(testutil.Corpus(t), "nginx-proxy", "access.json.log.gz")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestJSONCorpus counts the corpus's JSON log per PID with the detected
// format, with encoding/json, and against truth.json, whose per-PID counts
// of access-pid.log are of the same requests.
func TestJSONCorpus(t *testing.T) {
	data := corpusJSON(t)
	var truth struct {
		Logs map[string]truthLog `json:"logs"`
		Same bool                `json:"same_pid_counts_in_access_pid_and_json"`
	}
	tb, err := os.ReadFile(filepath.Join(testutil.Corpus(t), "nginx-proxy", "truth.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(tb, &truth); err != nil {
		t.Fatal(err)
	}
	wantPerPID := map[string]int64{}
	for pid, v := range truth.Logs["access-pid.log"].PerPID {
		wantPerPID[pid] = v.Requests
	}
	jsonTruth := truth.Logs["access.json.log.gz"]
	if !truth.Same || len(wantPerPID) == 0 {
		t.Fatalf("truth.json: same counts %v, %d PIDs; want true and some", truth.Same, len(wantPerPID))
	}

	// Independent count: encoding/json, line by line.
	indep := tally{perPID: map[string]int64{}, status: map[string]int64{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var v struct {
			PID         json.Number `json:"pid"`
			Status      json.Number `json:"status"`
			RequestTime float64     `json:"request_time"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		indep.lines++
		indep.perPID[v.PID.String()]++
		indep.status[v.Status.String()]++
		indep.durationUS += int64(math.Round(v.RequestTime * 1e6))
	}
	if !reflect.DeepEqual(indep.perPID, wantPerPID) {
		t.Fatalf("encoding/json disagrees with truth.json:\ngot  %v\nwant %v", indep.perPID, wantPerPID)
	}

	br := NewBufferedReader(bytes.NewReader(data))
	sample, _ := br.Peek(64 << 10)
	d := Detect(sample, false)
	if d.Format == nil || !d.Format.HasWorker() || !d.Format.SubSecond() || d.Format.Family != "nginx" {
		t.Fatalf("Detect: got %+v, want a sub-second nginx JSON format with a worker", describe(d))
	}
	got := tally{perPID: map[string]int64{}, status: map[string]int64{}, first: math.MaxInt64, last: math.MinInt64}
	r := NewReader(br, d.Format)
	for r.Scan() {
		got.lines++
		if r.Reason() != ReasonNone {
			t.Fatalf("line %d: %s", r.Line(), r.Reason())
		}
		rec := r.Record()
		got.perPID[string(rec.Worker)]++
		got.status[strconv.Itoa(rec.Status)]++
		got.durationUS += rec.Duration
		got.first, got.last = min(got.first, rec.Time/1e6), max(got.last, rec.Time/1e6)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if got.lines != jsonTruth.TotalLines || got.lines != indep.lines {
		t.Errorf("lines: got %d, want %d (truth.json) and %d (encoding/json)", got.lines, jsonTruth.TotalLines, indep.lines)
	}
	if !reflect.DeepEqual(got.perPID, wantPerPID) {
		t.Errorf("per PID:\ngot  %v\nwant %v", got.perPID, wantPerPID)
	}
	if !reflect.DeepEqual(got.status, indep.status) || !reflect.DeepEqual(got.status, jsonTruth.StatusCounts) {
		t.Errorf("status: got %v, want %v (encoding/json), %v (truth.json)", got.status, indep.status, jsonTruth.StatusCounts)
	}
	if wantUS := int64(math.Round(jsonTruth.TotalRequestTimeS * 1e6)); got.durationUS != wantUS || got.durationUS != indep.durationUS {
		t.Errorf("request time: got %d µs, want %d (truth.json), %d (encoding/json)", got.durationUS, wantUS, indep.durationUS)
	}
	// truth.json's first/last are $time_local seconds; $msec is the same clock.
	first, _ := time.Parse(time.RFC3339, jsonTruth.FirstTS)
	last, _ := time.Parse(time.RFC3339, jsonTruth.LastTS)
	if got.first != first.Unix() || got.last != last.Unix() {
		t.Errorf("first, last: got %d, %d, want %d, %d", got.first, got.last, first.Unix(), last.Unix())
	}
}

// jsonObjectSamples are lines whose syntax the scanner must judge as
// encoding/json does.
var jsonObjectSamples = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":-0}`, `{"a":-0.5e+3}`, `{"a":1E5}`, `{"a":"\ud83d\ude00"}`, `{"a":"\/"}`,
	`{"a":[]}`, `{"a":[[],[{}]]}`, `{"a":{"b":{"c":[1,"x",true,false,null]}}}`, `{"":""}`, `{"a":1,"a":2}`,
	`{`, `}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{"a":[1,]}`, `{"a":[,1]}`, `{"a":{"b"}}`, `{"a":{"b":1,}}`,
	`{"a":01}`, `{"a":1.}`, `{"a":.1}`, `{"a":+1}`, `{"a":1e}`, `{"a":--1}`, `{"a":nul}`, `{"a":nulls}`,
	`{"a":"\u12"}`, `{"a":"\q"}`, "{\"a\":\"\x01\"}", `{"a":"x}`, `{"a":1}}`, `{"a":[}`, `{"a":]}`, `{"a":{]}`,
	`{"a":[1 2]}`, `{"a":{"b":1 "c":2}}`, `{"a":1}x`, `["a"]`, `1`, `"a"`, `null`, `{"a":"é"}`, "{\"a\":\"\xff\"}",
	`{"a" : [ 1 , { "b" : [ ] } ] }`,
}

func TestJSONScannerAgreesWithEncodingJSON(t *testing.T) {
	for _, s := range jsonObjectSamples {
		want := json.Valid([]byte(s)) && strings.TrimSpace(s)[0] == '{'
		if got := isJSONObject([]byte(s)); got != want {
			t.Errorf("%q: got object %v, want %v (encoding/json)", s, got, want)
		}
	}
	nested := func(n int) []byte {
		return []byte(`{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}`)
	}
	if !isJSONObject(nested(maxJSONNesting)) {
		t.Errorf("values nested %d deep: got rejected, want accepted", maxJSONNesting)
	}
	if isJSONObject(nested(maxJSONNesting + 1)) {
		t.Errorf("values nested %d deep: got accepted, want rejected", maxJSONNesting+1)
	}
}

func TestJSONUnescape(t *testing.T) {
	for _, s := range []string{`a\"b\\c\/d`, `\u0041\u00e9\u20ac`, `\ud83d\ude00`, `\b\f\n\r\t`, `\ud800x`, `\udc00`, `plain`} {
		var want string
		if err := json.Unmarshal([]byte(`"`+s+`"`), &want); err != nil {
			t.Fatal(err)
		}
		var buf [64]byte
		got, ok := jsonUnescape(buf[:0], []byte(s))
		if !ok || string(got) != want {
			t.Errorf("%s: got %q, %v, want %q (encoding/json)", s, got, ok, want)
		}
	}
	var small [2]byte
	if _, ok := jsonUnescape(small[:0], []byte(`abc`)); ok {
		t.Errorf("3 bytes into 2: got ok, want false")
	}
}

func FuzzJSONLine(f *testing.F) {
	for _, name := range []string{nginxJSONCut, "app.log"} {
		for _, line := range strings.SplitAfter(string(readJSONLog(f, name)), "\n") {
			if line != "" {
				f.Add([]byte(line))
			}
		}
	}
	for _, s := range jsonObjectSamples {
		f.Add([]byte(s))
	}
	for _, s := range []string{
		`{"pid":"21643","msec":"1795629056.866","status":"200","request_time":"1e-05","request":"GET /x?y HTTP/1.1"}`,
		`{"p\u0069d":1,"time_local":"25\/Nov\/2026:17:50:56 \u002b0000","path":"/a\"b?c"}`,
		`{"pid":1,"ts":99999999999999999999,"duration_ms":1e999999999}`,
		`{"pid":"<1>","timestamp":"1795629056866123456","status":null}` + "\r\n" + `{"pid":1}`,
		"\xEF\xBB\xBF{\"pid\":1,\"ts\":0}",
	} {
		f.Add([]byte(s))
	}
	detected := Detect(readJSONLog(f, nginxJSONCut), true).Format
	formats := []*Format{
		detected,
		mustJSON(f, nil),
		mustJSON(f, map[string]string{"time": ""}),
		mustJSON(f, map[string]string{"worker": "wid", "time": "t", "duration": "took_ms", "status": "code", "path": "route"}),
	}
	byKey, err := detected.KeyBy("upstream_addr")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, fm := range formats {
			checkScan(t, fm, data)
		}
		r := NewReader(bytes.NewReader(data), byKey)
		for r.Scan() {
			line := bytes.TrimPrefix(r.Text(), []byte("\xEF\xBB\xBF"))
			valid := json.Valid(line) && bytes.TrimLeft(line, " \t\r")[0] == '{'
			if obj := isJSONObject(line); obj != valid && !(valid && bytes.Count(line, []byte("[")) >= maxJSONNesting) {
				t.Fatalf("%q: got object %v, want %v (encoding/json)", line, obj, valid)
			}
			if r.Reason() == ReasonNone && !valid {
				t.Fatalf("%q: parsed, but encoding/json finds no object", line)
			}
			if w := r.Record().Worker; r.Reason() == ReasonNone && len(w) > 0 && !bytes.Contains(line, w) {
				t.Fatalf("%q: worker key %q is not in the line", line, w)
			}
		}
	})
}

// BenchmarkReaderJSON scans the nginx escape=json lines of the corpus with
// the detected format.
func BenchmarkReaderJSON(b *testing.B) {
	unit := readJSONLog(b, nginxJSONCut)
	reps := benchSize / len(unit)
	l := &benchLog{data: bytes.Repeat(unit, reps), lines: int64(bytes.Count(unit, []byte("\n")) * reps)}
	benchReader(b, Detect(unit, true).Format, l)
}

// BenchmarkJSONBaseline decodes the same lines with encoding/json into a
// struct, what one would write without skewer's scanner.
func BenchmarkJSONBaseline(b *testing.B) {
	unit := readJSONLog(b, nginxJSONCut)
	data := bytes.Repeat(unit, benchSize/len(unit))
	lines := int64(bytes.Count(data, []byte("\n")))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(data))
		var n int64
		for sc.Scan() {
			var v struct {
				PID         int     `json:"pid"`
				Msec        float64 `json:"msec"`
				Status      int     `json:"status"`
				RequestTime float64 `json:"request_time"`
				Request     string  `json:"request"`
			}
			if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != lines {
			b.Fatalf("lines: got %d, want %d", n, lines)
		}
	}
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// TestJSONSpecial8 checks the eight-byte test against the byte table: every
// byte value at every position, among plain bytes and among others.
func TestJSONSpecial8(t *testing.T) {
	for _, fill := range []byte{'a', 0x7f, 0x80, 0xff, ' ', '#', '[', ']'} {
		for pos := range 8 {
			for c := range 256 {
				var w [8]byte
				for i := range w {
					w[i] = fill
				}
				w[pos] = byte(c)
				want := !jsonPlain[c] || !jsonPlain[fill]
				if got := jsonSpecial8(binary.LittleEndian.Uint64(w[:])); got != want {
					t.Fatalf("%q: got special %v, want %v", w, got, want)
				}
			}
		}
	}
}
