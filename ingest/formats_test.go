package ingest

import (
	"errors"
	"testing"
)

func TestChooseFormat(t *testing.T) {
	const gunicorn = `%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s`
	tests := []struct {
		name      string
		spec      FormatSpec
		wantFixed bool
		wantErr   error  // errors.Is
		option    string // of a FormatError: "" when none
		value     string
		noWorker  *NoWorkerFieldError
	}{
		{name: "auto detects per file", spec: FormatSpec{Name: "auto"}},
		{name: "a named family detects per file too", spec: FormatSpec{Name: "gunicorn"}},
		{name: "format string", spec: FormatSpec{Name: "auto", LogFormat: gunicorn}, wantFixed: true},
		{name: "format string without a worker", spec: FormatSpec{Name: "auto", LogFormat: `%(h)s %(t)s "%(r)s" %(s)s`},
			noWorker: &NoWorkerFieldError{Name: "auto", LogFormat: `%(h)s %(t)s "%(r)s" %(s)s`}},
		{name: "format string without a worker, keyed by another field", spec: FormatSpec{Name: "auto", LogFormat: `%(h)s %(t)s "%(r)s" %(s)s`, By: "h"}, wantFixed: true},
		{name: "combined has no worker", spec: FormatSpec{Name: "combined"}, noWorker: &NoWorkerFieldError{Name: "combined"}},
		{name: "common keyed by the remote address", spec: FormatSpec{Name: "common", By: "remote_addr"}, wantFixed: true},
		{name: "json fields", spec: FormatSpec{Name: "auto", Fields: []string{"worker=pid", "time=ts"}}, wantFixed: true},
		{name: "json field without a name", spec: FormatSpec{Name: "json", Fields: []string{"worker="}}, option: "fields", value: "worker=", wantErr: ErrFieldSyntax},
		{name: "json field of no role", spec: FormatSpec{Name: "json", Fields: []string{"pid=worker"}}, option: "fields", value: "pid=worker", wantErr: ErrFieldSyntax},
		{name: "bad format string", spec: FormatSpec{Name: "auto", LogFormat: `%(h)s %(`}, option: "log-format"},
		{name: "missing nginx configuration", spec: FormatSpec{Name: "auto", NginxConf: "testdata/no-such-nginx.conf"}, option: "nginx-conf"},
	}
	options := map[FormatOption]string{OptLogFormat: "log-format", OptNginxConf: "nginx-conf", OptLogFormatName: "log-format-name", OptFields: "fields"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fixed, conf, err := ChooseFormat(tt.spec)
			var fe *FormatError
			var nw *NoWorkerFieldError
			switch {
			case tt.option != "":
				if !errors.As(err, &fe) {
					t.Fatalf("got error %v, want a FormatError", err)
				}
				if got := options[fe.Option]; got != tt.option || fe.Value != tt.value {
					t.Errorf("got option %s value %q, want %s %q", got, fe.Value, tt.option, tt.value)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("got %v, want it to be %v", err, tt.wantErr)
				}
			case tt.noWorker != nil:
				if !errors.As(err, &nw) {
					t.Fatalf("got error %v, want a NoWorkerFieldError", err)
				}
				if *nw != *tt.noWorker {
					t.Errorf("got %+v, want %+v", *nw, *tt.noWorker)
				}
			case err != nil:
				t.Fatalf("got error %v, want none", err)
			}
			if err != nil && (fixed != nil || conf != nil) {
				t.Errorf("an error with a format: %v, %v", fixed, conf)
			}
			if err == nil && (fixed != nil) != tt.wantFixed {
				t.Errorf("got a fixed format %v, want one %v", fixed != nil, tt.wantFixed)
			}
		})
	}
}
