package parse

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skewer-dev/skewer/internal/testutil"
)

const (
	proxyConf = "testdata/nginxconf/nginx-proxy/nginx.conf"
	// corpusNginxJSON is the corpus's jsonlog format, its five quoted pieces
	// joined by hand.
	corpusNginxJSON = `{"time_iso8601":"$time_iso8601","msec":$msec,"pid":$pid,` +
		`"remote_addr":"$remote_addr","remote_user":"$remote_user",` +
		`"request":"$request","status":$status,"body_bytes_sent":$body_bytes_sent,` +
		`"request_time":$request_time,"upstream_response_time":"$upstream_response_time",` +
		`"upstream_addr":"$upstream_addr","http_referer":"$http_referer",` +
		`"http_user_agent":"$http_user_agent","connection":$connection,` +
		`"connection_requests":$connection_requests}`
)

var nginxCombinedFormat = NginxLogFormat{Name: "combined", Spec: NginxCombined, Escape: "default"}

func mustReadNginxConf(t *testing.T, file string) *NginxConf {
	t.Helper()
	c, err := ReadNginxConf(file)
	if err != nil {
		t.Fatalf("ReadNginxConf(%q): got error %v, want nil", file, err)
	}
	return c
}

// writeConf writes files into a new folder and returns it.
func writeConf(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// readInline reads the nginx.conf of files written to a new folder; error
// texts are returned with the folder cut out.
func readInline(t *testing.T, files map[string]string) (*NginxConf, string) {
	t.Helper()
	dir := writeConf(t, files)
	c, err := ReadNginxConf(filepath.Join(dir, "nginx.conf"))
	if err != nil {
		return nil, strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "")
	}
	return c, ""
}

func checkConf(t *testing.T, c *NginxConf, formats map[string]NginxLogFormat, logs []NginxAccessLog, warnings []string) {
	t.Helper()
	if !reflect.DeepEqual(c.Formats, formats) {
		t.Errorf("Formats:\ngot  %#v\nwant %#v", c.Formats, formats)
	}
	if !reflect.DeepEqual(c.AccessLogs, logs) {
		t.Errorf("AccessLogs:\ngot  %#v\nwant %#v", c.AccessLogs, logs)
	}
	if !reflect.DeepEqual(c.Warnings, warnings) {
		t.Errorf("Warnings:\ngot  %q\nwant %q", c.Warnings, warnings)
	}
}

// TestNginxConfCorpus reads the nginx.conf of the corpus's nginx-proxy run.
// Its include of /etc/nginx/mime.types is read when this machine has nginx
// installed and is a warning otherwise.
func TestNginxConfCorpus(t *testing.T) {
	c := mustReadNginxConf(t, proxyConf)
	var warnings []string
	if _, err := os.Stat("/etc/nginx/mime.types"); errors.Is(err, fs.ErrNotExist) {
		warnings = []string{proxyConf + ":14: include /etc/nginx/mime.types: no such file (skipped)"}
	}
	checkConf(t, c,
		map[string]NginxLogFormat{
			"combined": nginxCombinedFormat,
			"withpid":  {Name: "withpid", Spec: corpusNginxPID, Escape: "default", File: proxyConf, Line: 26},
			"jsonlog":  {Name: "jsonlog", Spec: corpusNginxJSON, Escape: "json", File: proxyConf, Line: 32},
		},
		[]NginxAccessLog{
			{Path: "/srv/logs/nginx-proxy/access-pid.log", Format: "withpid", File: proxyConf, Line: 50},
			{Path: "/srv/logs/nginx-proxy/access-combined.log", Format: "combined", File: proxyConf, Line: 51},
			{Path: "/srv/logs/nginx-proxy/access.json.log", Format: "jsonlog", File: proxyConf, Line: 52},
		},
		warnings)
}

// TestNginxConfCorpusCopy checks that the fixtures are the corpus's files:
// the configuration and the first lines of access-pid.log.
func TestNginxConfCorpusCopy(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "nginx-proxy")
	for _, name := range []string{"nginx.conf", "access-pid.log"} {
		orig, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		fixture, err := os.ReadFile(filepath.Join("testdata", "nginxconf", "nginx-proxy", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(orig), string(fixture)) {
			t.Errorf("testdata/nginxconf/nginx-proxy/%s is not the start of the corpus's %s", name, name)
		}
	}
}

// TestNginxConfCorpusLog reads the fixture's lines of access-pid.log with
// the format that the configuration names for it. Expected values are read
// off the lines by eye: pid=, rt= in seconds, msec= for the end time.
func TestNginxConfCorpusLog(t *testing.T) {
	c := mustReadNginxConf(t, proxyConf)
	logPath := filepath.Join("testdata", "nginxconf", "nginx-proxy", "access-pid.log")
	f, why, err := c.FormatFor(logPath)
	if err != nil {
		t.Fatalf("FormatFor(%q): got error %v, want nil", logPath, err)
	}
	wantWhy := "log_format withpid of access_log /srv/logs/nginx-proxy/access-pid.log at " + proxyConf + ":50 (same last 2 path elements)"
	if why != wantWhy {
		t.Errorf("why:\ngot  %s\nwant %s", why, wantWhy)
	}
	if f.Spec != corpusNginxPID {
		t.Errorf("Spec: got %q, want %q", f.Spec, corpusNginxPID)
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	records := scanAll(t, f, string(data))
	want := []lineResult{
		{1, got{Worker: "21643", Status: 200, Duration: 2000, Time: at(2026, time.November, 25, 17, 50, 56, 866000), HasTime: true, SubSecond: true, Path: "/"}},
		{2, got{Worker: "21643", Status: 200, Duration: 1000, Time: at(2026, time.November, 25, 17, 50, 56, 889000), HasTime: true, SubSecond: true, Path: "/"}},
		{3, got{Worker: "21643", Status: 200, Duration: 23000, Time: at(2026, time.November, 25, 17, 50, 56, 928000), HasTime: true, SubSecond: true, Path: "/sleep"}},
	}
	if !reflect.DeepEqual(records, want) {
		t.Errorf("records:\ngot  %+v\nwant %+v", records, want)
	}
}

func TestNginxConfSyntax(t *testing.T) {
	tests := []struct {
		name    string
		conf    string
		formats map[string]NginxLogFormat
		logs    []NginxAccessLog
	}{
		{
			name: "pieces over lines in both quotes, with comments and escapes",
			conf: "http {\n" +
				"    log_format a '$remote_addr \"$request\" '   # a comment; { }\n" +
				"                \"$status \\\"$pid\\\" '#not a comment' \"\n" +
				"                $request_time;\n" +
				"    log_format b\n" +
				"        ${pid}\\ ${msec}   # ${ in a bare word is no block; nginx keeps the \\ of \\ \n" +
				"        'tab\\there\\\\';\n" +
				"}\n",
			formats: map[string]NginxLogFormat{
				"a": {Name: "a", Spec: `$remote_addr "$request" $status "$pid" '#not a comment' $request_time`, Escape: "default", File: "nginx.conf", Line: 2},
				"b": {Name: "b", Spec: "${pid}\\ ${msec}tab\there\\", Escape: "default", File: "nginx.conf", Line: 5},
			},
		},
		{
			name: "escape parameter",
			conf: "http {\n" +
				"log_format j escape=json '$pid $request_time';\n" +
				"log_format n escape=none '$pid' ' $msec';\n" +
				"log_format d escape=default '$pid';\n" +
				"}\n",
			formats: map[string]NginxLogFormat{
				"j": {Name: "j", Spec: "$pid $request_time", Escape: "json", File: "nginx.conf", Line: 2},
				"n": {Name: "n", Spec: "$pid $msec", Escape: "none", File: "nginx.conf", Line: 3},
				"d": {Name: "d", Spec: "$pid", Escape: "default", File: "nginx.conf", Line: 4},
			},
		},
		{
			name: "access_log forms",
			conf: "http {\n" +
				"  access_log /var/log/nginx/a.log;\n" +
				"  server {\n" +
				"    access_log \"/var/log/nginx/b.log\" withpid buffer=32k flush=5s if=$loggable;\n" +
				"    location / {\n" +
				"      if ($request_uri ~* \"^/healthz\") { access_log off; }\n" +
				"      access_log syslog:server=unix:/dev/log;\n" +
				"    }\n" +
				"  }\n" +
				"}\n",
			logs: []NginxAccessLog{
				{Path: "/var/log/nginx/a.log", Format: "combined", File: "nginx.conf", Line: 2},
				{Path: "/var/log/nginx/b.log", Format: "withpid", File: "nginx.conf", Line: 4},
				{File: "nginx.conf", Line: 6, Off: true},
				{Path: "syslog:server=unix:/dev/log", Format: "combined", File: "nginx.conf", Line: 7},
			},
		},
		{
			name: "stream and mail blocks are skipped",
			conf: "stream {\n" +
				"  log_format tcp '$remote_addr $pid $session_time';\n" +
				"  server { access_log /var/log/nginx/tcp.log tcp; }\n" +
				"}\n" +
				"mail { server { access_log /var/log/mail.log; } }\n" +
				"http { log_format tcp '$pid'; }\n",
			formats: map[string]NginxLogFormat{
				"tcp": {Name: "tcp", Spec: "$pid", Escape: "default", File: "nginx.conf", Line: 6},
			},
		},
		{
			name: "directives outside http, as in a fragment meant to be included",
			conf: "log_format frag '$pid';\naccess_log /x.log frag;\n",
			formats: map[string]NginxLogFormat{
				"frag": {Name: "frag", Spec: "$pid", Escape: "default", File: "nginx.conf", Line: 1},
			},
			logs: []NginxAccessLog{{Path: "/x.log", Format: "frag", File: "nginx.conf", Line: 2}},
		},
		{
			name: "empty file",
			conf: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(tt.conf), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Chdir(dir)
			c := mustReadNginxConf(t, "nginx.conf")
			formats := map[string]NginxLogFormat{"combined": nginxCombinedFormat}
			for k, v := range tt.formats {
				formats[k] = v
			}
			checkConf(t, c, formats, tt.logs, nil)
		})
	}
}

func TestNginxConfSyntaxErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"unterminated single-quoted string", map[string]string{"nginx.conf": "http {\n    log_format x '$pid\n        $request_time;\n}\n"},
			`nginx.conf:2: unterminated string: no closing ' before the end of the file`},
		{"unterminated double-quoted string with an escaped quote", map[string]string{"nginx.conf": "# one\n\nlog_format x \"$pid\\\";\n"},
			`nginx.conf:3: unterminated string: no closing " before the end of the file`},
		{"unexpected } at the top", map[string]string{"nginx.conf": "events {\n}\n}\n"},
			`nginx.conf:3: unexpected "}": no block is open`},
		{"missing ; at the end of the file", map[string]string{"nginx.conf": "http {\n}\naccess_log\n  /x.log"},
			`nginx.conf:3: directive "access_log" is not terminated by ";"`},
		{"missing ; before }", map[string]string{"nginx.conf": "http {\n  access_log /x.log\n}\n"},
			`nginx.conf:2: directive "access_log" is not terminated by ";"`},
		{"block not closed", map[string]string{"nginx.conf": "http {\n  server {\n  }\n"},
			`nginx.conf:1: "http" block is not closed: no "}" before the end of the file`},
		{"block not closed in an included file", map[string]string{"nginx.conf": "http {\n  include inc.conf;\n}\n", "inc.conf": "\nserver {\n"},
			`inc.conf:2: "server" block is not closed: no "}" before the end of the file`},
		{"} of the includer inside an included file", map[string]string{"nginx.conf": "http {\n  include inc.conf;\n", "inc.conf": "}\n"},
			`inc.conf:1: unexpected "}": no block is open`},
		{"lone ;", map[string]string{"nginx.conf": "http { ; }\n"}, `nginx.conf:1: unexpected ";"`},
		{"lone {", map[string]string{"nginx.conf": "\n{ }\n"}, `nginx.conf:2: unexpected "{"`},
		{"text after a quoted string", map[string]string{"nginx.conf": "log_format x '$pid'x;\n"},
			`nginx.conf:1: unexpected "x" after a quoted string`},
		{"log_format with a block", map[string]string{"nginx.conf": "log_format x '$pid' {\n}\n"},
			`nginx.conf:1: directive "log_format" is not terminated by ";"`},
		{"log_format without a string", map[string]string{"nginx.conf": "log_format x;\n"},
			`nginx.conf:1: invalid number of arguments in "log_format" directive`},
		{"log_format with only an escape", map[string]string{"nginx.conf": "log_format x escape=json;\n"},
			`nginx.conf:1: invalid number of arguments in "log_format" directive`},
		{"unknown escape", map[string]string{"nginx.conf": "log_format x escape=xml '$pid';\n"},
			`nginx.conf:1: unknown log_format escaping "xml" (want default, json or none)`},
		{"combined redefined", map[string]string{"nginx.conf": "log_format combined '$pid';\n"},
			`nginx.conf:1: duplicate log_format name "combined" (predefined by nginx)`},
		{"duplicate across files", map[string]string{"nginx.conf": "log_format x '$pid';\ninclude inc.conf;\n", "inc.conf": "\nlog_format x '$msec';\n"},
			`inc.conf:2: duplicate log_format name "x" (nginx.conf:1)`},
		{"access_log without a path", map[string]string{"nginx.conf": "access_log;\n"},
			`nginx.conf:1: invalid number of arguments in "access_log" directive`},
		{"access_log off with a format", map[string]string{"nginx.conf": "access_log off combined;\n"},
			`nginx.conf:1: invalid number of arguments in "access_log" directive`},
		{"include of two files", map[string]string{"nginx.conf": "include a.conf b.conf;\n"},
			`nginx.conf:1: invalid number of arguments in "include" directive`},
		{"include of itself", map[string]string{"nginx.conf": "\ninclude nginx.conf;\n"},
			`nginx.conf:2: include nginx.conf (as nginx.conf): include cycle: nginx.conf -> nginx.conf`},
		{"bad glob", map[string]string{"nginx.conf": "include conf.d/[.conf;\n"},
			`nginx.conf:1: include conf.d/[.conf (as conf.d/[.conf): syntax error in pattern`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, got := readInline(t, tt.files)
			if c != nil {
				t.Fatalf("got a configuration with formats %v, want error %q", c.Formats, tt.want)
			}
			if got != tt.want {
				t.Errorf("error:\ngot  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestNginxConfInclude(t *testing.T) {
	const dir = "testdata/nginxconf/include"
	c := mustReadNginxConf(t, dir+"/nginx.conf")
	checkConf(t, c,
		map[string]NginxLogFormat{
			"combined": nginxCombinedFormat,
			"upstream_pid": {Name: "upstream_pid", Spec: `$remote_addr [$time_local] "$request" $status wpid=$upstream_http_x_worker_pid rt=$request_time`,
				Escape: "default", File: dir + "/conf.d/a-formats.conf", Line: 1},
			"tiny": {Name: "tiny", Spec: "$pid $request_time", Escape: "default", File: dir + "/snippets/extra.conf", Line: 1},
		},
		[]NginxAccessLog{{Path: "/var/log/nginx/app.log", Format: "upstream_pid", File: dir + "/snippets/log.conf", Line: 1}},
		[]string{
			dir + "/nginx.conf:4: include mime.types (as " + dir + "/mime.types): no such file (skipped)",
			dir + "/nginx.conf:6: include sites-enabled/* (as " + dir + "/sites-enabled/*): no files match (skipped)",
		})
	f, why, err := c.FormatFor("/srv/copy/app.log")
	if err != nil {
		t.Fatalf("FormatFor: got error %v, want nil", err)
	}
	if want := "log_format upstream_pid of access_log /var/log/nginx/app.log at " + dir + "/snippets/log.conf:1 (same file name)"; why != want {
		t.Errorf("why:\ngot  %s\nwant %s", why, want)
	}
	// Without $pid, the worker behind nginx named in X-Worker-PID is the key.
	line := `10.0.0.1 [25/Nov/2026:17:50:56 +0000] "GET /a HTTP/1.1" 200 wpid=1234, 5678 rt=0.250`
	if g, w := scanOne(t, f, line), ok("5678", 200, 250000, at(2026, time.November, 25, 17, 50, 56, 0), "/a"); g != w {
		t.Errorf("record: got %+v, want %+v", g, w)
	}
}

func TestNginxConfIncludeAbsoluteAndGlobOrder(t *testing.T) {
	inc := writeConf(t, map[string]string{
		"b.conf": "access_log /b.log;\n",
		"a.conf": "access_log /a.log;\n",
		"c.txt":  "access_log /c.log;\n",
	})
	c, errText := readInline(t, map[string]string{
		"nginx.conf": "include " + filepath.Join(inc, "*.conf") + ";\ninclude " + filepath.Join(inc, "missing.conf") + ";\n",
	})
	if errText != "" {
		t.Fatalf("got error %s, want nil", errText)
	}
	var paths []string
	for _, al := range c.AccessLogs {
		paths = append(paths, al.Path)
	}
	if want := []string{"/a.log", "/b.log"}; !reflect.DeepEqual(paths, want) {
		t.Errorf("access_log paths: got %q, want %q", paths, want)
	}
	want := []string{"nginx.conf:2: include " + filepath.Join(inc, "missing.conf") + ": no such file (skipped)"}
	for i := range c.Warnings {
		c.Warnings[i] = strings.TrimPrefix(c.Warnings[i], filepath.Dir(c.file)+string(filepath.Separator))
	}
	if !reflect.DeepEqual(c.Warnings, want) {
		t.Errorf("Warnings:\ngot  %q\nwant %q", c.Warnings, want)
	}
}

func TestNginxConfIncludeCycle(t *testing.T) {
	const dir = "testdata/nginxconf/cycle"
	_, err := ReadNginxConf(dir + "/nginx.conf")
	want := dir + "/b.conf:4: include a.conf (as " + dir + "/a.conf): include cycle: " +
		dir + "/a.conf -> " + dir + "/b.conf -> " + dir + "/a.conf"
	if err == nil || err.Error() != want {
		t.Errorf("error:\ngot  %v\nwant %s", err, want)
	}
}

func TestNginxConfMissingMain(t *testing.T) {
	_, err := ReadNginxConf("testdata/nginxconf/absent.conf")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error: got %v, want one that is fs.ErrNotExist", err)
	}
}

func TestNginxConfFormat(t *testing.T) {
	c, errText := readInline(t, map[string]string{"nginx.conf": "" +
		"log_format run '$remote_addr$pid';\n" +
		"log_format obj escape=json\n  ' {\"pid\":$pid}';\n" +
		"log_format textjson escape=json 'pid=$pid rt=$request_time';\n"})
	if errText != "" {
		t.Fatalf("got error %s, want nil", errText)
	}
	c.file = "nginx.conf"
	for name, fl := range c.Formats {
		if fl.File != "" {
			fl.File = "nginx.conf"
			c.Formats[name] = fl
		}
	}
	tests := []struct{ name, want string }{
		{"nope", `nginx.conf defines no log_format "nope" (defined: combined, obj, run, textjson)`},
		{"run", `log_format run (nginx.conf:1): format "$remote_addr$pid": remote_addr is directly followed by pid with nothing between them, so their values cannot be told apart`},
		{"textjson", ""},
		{"combined", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := c.Format(tt.name)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Format(%q): got error %v, want nil", tt.name, err)
				}
				if f.Spec != c.Formats[tt.name].Spec {
					t.Errorf("Spec: got %q, want %q", f.Spec, c.Formats[tt.name].Spec)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Errorf("Format(%q):\ngot  %v\nwant %s", tt.name, err, tt.want)
			}
		})
	}
}

func TestNginxConfFormatFor(t *testing.T) {
	corpus := mustReadNginxConf(t, proxyConf)
	c, errText := readInline(t, map[string]string{"nginx.conf": "http {\n" +
		"  log_format a '$pid $request_time';\n" +
		"  log_format b '$pid $msec';\n" +
		"  access_log /var/log/nginx/site1/access.log a;\n" +
		"  access_log /var/log/nginx/site2/access.log b;\n" +
		"  access_log /var/log/nginx/${host}.log b;\n" +
		"  access_log off;\n" +
		"  access_log /var/log/nginx/same.log a;\n" +
		"  access_log /var/log/other/same.log a;\n" +
		"  access_log logs/rel.log b;\n" +
		"}\n"})
	if errText != "" {
		t.Fatalf("got error %s, want nil", errText)
	}
	c.file = "nginx.conf"
	for i := range c.AccessLogs {
		c.AccessLogs[i].File = "nginx.conf"
	}
	none, errText := readInline(t, map[string]string{"nginx.conf": "http { access_log off; }\n"})
	if errText != "" {
		t.Fatalf("got error %s, want nil", errText)
	}
	none.file = "nginx.conf"
	atLine := func(line string) string { return " at " + proxyConf + ":" + line }
	tests := []struct {
		name     string
		conf     *NginxConf
		path     string
		spec     string
		why, err string
	}{
		{name: "same path", conf: corpus, path: "/srv/logs/nginx-proxy/access-pid.log", spec: corpusNginxPID,
			why: "log_format withpid of access_log /srv/logs/nginx-proxy/access-pid.log" + atLine("50") + " (same path)"},
		{name: "same base name", conf: corpus, path: "/home/me/copies/access-combined.log", spec: NginxCombined,
			why: "log_format combined of access_log /srv/logs/nginx-proxy/access-combined.log" + atLine("51") + " (same file name)"},
		{name: "rotated", conf: corpus, path: "/home/me/access-pid.log.2.gz", spec: corpusNginxPID,
			why: "log_format withpid of access_log /srv/logs/nginx-proxy/access-pid.log" + atLine("50") + " (same file name as access-pid.log, the name of this rotated log before rotation)"},
		{name: "rotated with a date", conf: corpus, path: "/home/me/access-pid.log-20261125", spec: corpusNginxPID,
			why: "log_format withpid of access_log /srv/logs/nginx-proxy/access-pid.log" + atLine("50") + " (same file name as access-pid.log, the name of this rotated log before rotation)"},
		{name: "a JSON format", conf: corpus, path: "/home/me/access.json.log.gz",
			spec: `{"pid":$pid,"msec":$msec,"request_time":$request_time,"status":$status,"request":"$request"}`,
			why:  "log_format jsonlog of access_log /srv/logs/nginx-proxy/access.json.log" + atLine("52") + " (same file name as access.json.log, the name of this rotated log before rotation)"},
		{name: "no match", conf: corpus, path: "/home/me/error.log",
			err: "no access_log in " + proxyConf + " writes /home/me/error.log (by path or file name); its access_log directives: " +
				proxyConf + ":50 access_log /srv/logs/nginx-proxy/access-pid.log withpid, " +
				proxyConf + ":51 access_log /srv/logs/nginx-proxy/access-combined.log combined, " +
				proxyConf + ":52 access_log /srv/logs/nginx-proxy/access.json.log jsonlog; name the log_format to use"},
		{name: "more path elements win", conf: c, path: "/copy/site1/access.log", spec: "$pid $request_time",
			why: "log_format a of access_log /var/log/nginx/site1/access.log at nginx.conf:4 (same last 2 path elements)"},
		{name: "same path wins over a base name", conf: c, path: "/var/log/nginx/site2/access.log", spec: "$pid $msec",
			why: "log_format b of access_log /var/log/nginx/site2/access.log at nginx.conf:5 (same path)"},
		{name: "tie between formats", conf: c, path: "/copy/access.log",
			err: "/copy/access.log matches access_log directives of different formats: nginx.conf:4 access_log /var/log/nginx/site1/access.log a, nginx.conf:5 access_log /var/log/nginx/site2/access.log b; name the log_format to use"},
		{name: "tie within one format", conf: c, path: "/copy/same.log", spec: "$pid $request_time",
			why: "log_format a of access_log /var/log/nginx/same.log at nginx.conf:8 (same file name)"},
		{name: "variable in the path", conf: c, path: "/copy/example.com.log", spec: "$pid $msec",
			why: "log_format b of access_log /var/log/nginx/${host}.log at nginx.conf:6 (same file name)"},
		{name: "relative access_log path", conf: c, path: "/x/logs/rel.log", spec: "$pid $msec",
			why: "log_format b of access_log logs/rel.log at nginx.conf:10 (same last 2 path elements)"},
		{name: "no access_log at all", conf: none, path: "access.log",
			err: "nginx.conf has no access_log directive to match access.log against: name the log_format to use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, why, err := tt.conf.FormatFor(tt.path)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("FormatFor(%q):\ngot  %v\nwant %s", tt.path, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("FormatFor(%q): got error %v, want nil", tt.path, err)
			}
			if f.Spec != tt.spec {
				t.Errorf("Spec: got %q, want %q", f.Spec, tt.spec)
			}
			if why != tt.why {
				t.Errorf("why:\ngot  %s\nwant %s", why, tt.why)
			}
		})
	}
}

// FuzzNginxConf reads arbitrary configurations: never a panic, every
// error names the file and a line within it, every format read compiles or
// says why; and a configuration read through "include" of a second file
// reads as the same configuration inlined: the same formats and access_log
// directives at the same lines of that file, or the same error.
func FuzzNginxConf(f *testing.F) {
	for _, name := range []string{proxyConf, "testdata/nginxconf/include/nginx.conf"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("log_format x '$pid\\' \"${msec}\" ${a}{ b\\\n;"))
	f.Add([]byte("http {\n log_format j escape=json '{\"p\":$pid}';\n access_log /a.log j;\n}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newNginxConf("fuzz.conf")
		r := confReader{conf: c, dir: ".",
			readFile: func(string) ([]byte, error) { return nil, fs.ErrNotExist },
			glob:     func(string) ([]string, error) { return nil, nil },
		}
		err := r.parse("fuzz.conf", data, false)
		lines := strings.Count(string(data), "\n") + 1
		if err != nil {
			rest, ok := strings.CutPrefix(err.Error(), "fuzz.conf:")
			n, _, _ := strings.Cut(rest, ":")
			if line, ok2 := digits([]byte(n)); !ok || !ok2 || line < 1 || line > int64(lines) {
				t.Fatalf("error %q: want fuzz.conf:LINE: with LINE in 1..%d", err, lines)
			}
		}
		for name, lf := range c.Formats {
			if lf.File != "" && (lf.Line < 1 || lf.Line > lines) {
				t.Fatalf("log_format %s: line %d, want 1..%d", name, lf.Line, lines)
			}
			if fm, err := c.Format(name); (fm == nil) == (err == nil) {
				t.Fatalf("Format(%q): got %v and error %v, want one of them", name, fm, err)
			}
		}
		if bytes.Contains(data, []byte("include")) {
			return // the two layouts would include different files
		}
		inline := writeConf(t, map[string]string{"nginx.conf": string(data)})
		split := writeConf(t, map[string]string{"nginx.conf": "include part.conf;\n", "part.conf": string(data)})
		want, werr := ReadNginxConf(filepath.Join(inline, "nginx.conf"))
		got, gerr := ReadNginxConf(filepath.Join(split, "nginx.conf"))
		if werr != nil || gerr != nil {
			w := strings.ReplaceAll(fmt.Sprint(werr), filepath.Join(inline, "nginx.conf"), "FILE")
			g := strings.ReplaceAll(fmt.Sprint(gerr), filepath.Join(split, "part.conf"), "FILE")
			if w != g {
				t.Fatalf("inlined: error %s; included: error %s", w, g)
			}
			return
		}
		for name, lf := range want.Formats {
			lf.File = ""
			g := got.Formats[name]
			g.File = ""
			if g != lf {
				t.Fatalf("log_format %s: inlined %+v, included %+v", name, lf, g)
			}
		}
		if len(got.Formats) != len(want.Formats) || len(got.AccessLogs) != len(want.AccessLogs) {
			t.Fatalf("inlined: %d formats, %d access_log; included: %d, %d", len(want.Formats), len(want.AccessLogs), len(got.Formats), len(got.AccessLogs))
		}
		for i, al := range want.AccessLogs {
			g := got.AccessLogs[i]
			al.File, g.File = "", ""
			if g != al {
				t.Fatalf("access_log %d: inlined %+v, included %+v", i, al, g)
			}
		}
	})
}

// TestNginxConfJSONFormat: an escape=json log_format that writes a JSON
// object is read as JSON lines by the keys the format gives each variable,
// not by the common key names.
func TestNginxConfJSONFormat(t *testing.T) {
	c, errText := readInline(t, map[string]string{"nginx.conf": "" +
		`log_format odd escape=json '{"w":"$pid","t":$msec,"took":$request_time,"code":$status,"req":"$request","c":$connection,"n":$connection_requests}';` + "\n" +
		`log_format iso escape=json '{ "at": "${time_iso8601}", "worker" : "$upstream_http_x_worker_pid", "u": "$uri", "x": "a $pid" }';` + "\n" +
		`log_format none escape=json '{"ua":"$http_user_agent"}';` + "\n"})
	if errText != "" {
		t.Fatalf("got error %s, want nil", errText)
	}
	tests := []struct {
		format, line string
		want         got
	}{
		{"odd", `{"w":"21643","t":1795629056.866,"took":0.002,"code":200,"req":"GET /x?y HTTP/1.1","c":7,"n":2}`,
			jsonGot("21643", 200, 2000, t866, true, "/x")},
		// A common name holding another value is not read: pid is not the
		// worker key of this format.
		{"iso", `{"at":"2026-11-25T17:50:56+00:00","worker":"31","u":"/y","pid":9,"x":"a 9"}`,
			got{Worker: "31", Time: t0, HasTime: true, Path: "/y", Duration: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			f, err := c.Format(tt.format)
			if err != nil {
				t.Fatalf("Format(%q): got error %v, want nil", tt.format, err)
			}
			if f.Family != FamilyNginx {
				t.Errorf("Family: got %q, want %q", f.Family, FamilyNginx)
			}
			if g := scanOne(t, f, tt.line); !reflect.DeepEqual(g, tt.want) {
				t.Errorf("got %+v, want %+v", g, tt.want)
			}
		})
	}
	if _, err := c.Format("none"); err == nil || !strings.Contains(err.Error(), "log_format none (") || !strings.Contains(err.Error(), "nginx.conf:3) writes JSON objects without $pid") {
		t.Errorf("a JSON format of no field skewer reads: got error %v, want one naming log_format none", err)
	}
}
