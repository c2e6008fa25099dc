package cmd_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/skewer-dev/skewer/cmd"
	"github.com/skewer-dev/skewer/internal/testutil"
)

// TestNginxConfJSONLog: --nginx-conf naming the corpus's escape=json
// log_format reads its log as JSON lines; each worker's requests are those
// encoding/json counts by the "pid" key.
func TestNginxConfJSONLog(t *testing.T) {
	dir := filepath.Join(testutil.Corpus(t), "nginx-proxy")
	log := filepath.Join(dir, "access.json.log.gz")
	f, err := os.Open(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		var line struct{ PID int64 }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		want[strconv.FormatInt(line.PID, 10)]++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	args := []string{"report", "-o", "json", "--nginx-conf", filepath.Join(dir, "nginx.conf"), log}
	if code := cmd.Run(context.Background(), args, cmd.IO{Out: &out, ErrOut: &errOut}); code != cmd.ExitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut.String())
	}
	var doc struct {
		Workers []struct {
			Key      string
			Requests int64
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, w := range doc.Workers {
		got[w.Key] = w.Requests
	}
	if len(got) != len(want) {
		t.Errorf("workers: got %v, want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("worker %s: got %d requests, want %d", k, got[k], n)
		}
	}
}
