package parse

import (
	"strings"
	"testing"
)

// connGot is the connection identity of a parsed line.
type connGot struct {
	Reason   Reason
	Worker   string
	Conn     string
	Port     bool
	Client   string
	Requests int64
}

func scanConn(t *testing.T, f *Format, line string) connGot {
	t.Helper()
	r := NewReader(strings.NewReader(line), f)
	if !r.Scan() {
		t.Fatalf("Scan of %q: got false, want a line (err %v)", line, r.Err())
	}
	rec := r.Record()
	if r.Reason() != ReasonNone {
		return connGot{Reason: r.Reason()}
	}
	return connGot{Worker: string(rec.Worker), Conn: string(rec.Conn), Port: rec.ConnPort, Client: string(rec.Client), Requests: rec.ConnRequests}
}

func TestConnectionIdentity(t *testing.T) {
	gunicorn := mustGunicorn(t, `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s %({remote_port}e)s`)
	nginxFmt := mustNginx(t, `$remote_addr [$time_local] "$request" $status $pid $connection $connection_requests`)
	nginxPort := mustNginx(t, `$remote_addr:$remote_port [$time_local] "$request" $status $pid`)
	apache, err := CompileLogFormatAs(`%a:%{remote}p %t "%r" %>s %P %k %D`, "apache")
	if err != nil {
		t.Fatal(err)
	}
	json := mustJSON(t, nil)
	tests := []struct {
		name string
		f    *Format
		line string
		want connGot
	}{
		{"gunicorn remote_port", gunicorn, `10.0.0.7 - - [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 2 "-" "curl" <4242> 1234 51234`,
			connGot{Worker: "4242", Conn: "51234", Port: true, Client: "10.0.0.7"}},
		{"gunicorn unix socket", gunicorn, `- - - [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 2 "-" "curl" <4242> 1234 -`,
			connGot{Worker: "4242"}},
		{"gunicorn bad port", gunicorn, `10.0.0.7 - - [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 2 "-" "curl" <4242> 1234 x1`,
			connGot{Reason: ReasonBadConn}},
		{"nginx connection", nginxFmt, `127.0.0.1 [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 77 15 3`,
			connGot{Worker: "77", Conn: "15", Client: "127.0.0.1", Requests: 3}},
		{"nginx remote_port", nginxPort, `127.0.0.1:40000 [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 77`,
			connGot{Worker: "77", Conn: "40000", Port: true, Client: "127.0.0.1"}},
		{"apache remote port and keepalives", apache, `192.0.2.1:5555 [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 311 0 80`,
			connGot{Worker: "311", Conn: "5555", Port: true, Client: "192.0.2.1", Requests: 1}},
		{"json connection", json, `{"pid":9,"msec":1795629056.866,"status":200,"connection":2,"connection_requests":1}`,
			connGot{Worker: "9", Conn: "2", Requests: 1}},
		{"json connection and port", json, `{"pid":9,"msec":1795629056.866,"status":200,"connection":"2","remote_addr":"10.1.1.1","remote_port":"999"}`,
			connGot{Worker: "9", Conn: "2", Client: "10.1.1.1"}},
		{"json port only", json, `{"pid":9,"msec":1795629056.866,"status":200,"remote_addr":"10.1.1.1","remote_port":999}`,
			connGot{Worker: "9", Conn: "999", Port: true, Client: "10.1.1.1"}},
		{"json bad connection", json, `{"pid":9,"msec":1795629056.866,"status":200,"connection":true}`,
			connGot{Reason: ReasonBadConn}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := scanConn(t, tt.f, tt.line); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if !tt.f.HasConnection() {
				t.Errorf("HasConnection: got false, want true")
			}
		})
	}
}

func TestConnectionNoAllocs(t *testing.T) {
	f := mustGunicorn(t, `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s %({remote_port}e)s`)
	line := `10.0.0.7 - - [25/Nov/2026:17:14:54 +0000] "GET / HTTP/1.1" 200 2 "-" "curl" <4242> 1234 51234` + "\n"
	in := strings.NewReader(strings.Repeat(line, 1000))
	r := NewReader(in, f)
	r.Scan()
	allocs := testing.AllocsPerRun(500, func() {
		if !r.Scan() || r.Reason() != ReasonNone {
			t.Fatalf("Scan: got reason %q", r.Reason())
		}
	})
	if allocs != 0 {
		t.Errorf("allocations per line: got %v, want 0", allocs)
	}
}
