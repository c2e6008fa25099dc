package testutil

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RequireServer checks that the server program at path (e.g. /usr/bin/gunicorn)
// is an executable file. The test is skipped when it is not, unless
// SKEWER_REQUIRE_SERVERS=1, which makes it fail instead: CI installs the
// servers, so there a missing one is a broken setup, not a reason to skip.
func RequireServer(t testing.TB, path string) {
	t.Helper()
	err := executable(path)
	if err == nil {
		return
	}
	hint := fmt.Sprintf("install it (Debian: apt-get install --no-install-recommends %s) or run .ci/run", filepath.Base(path))
	if os.Getenv("SKEWER_REQUIRE_SERVERS") == "1" {
		t.Fatalf("%v and SKEWER_REQUIRE_SERVERS=1: %s", err, hint)
	}
	t.Skipf("%v: skipping the real-server test; %s (CI sets SKEWER_REQUIRE_SERVERS=1, which makes this a failure)", err, hint)
}

// executable says why path is not a program that can be run, or returns nil.
func executable(path string) error {
	fi, err := os.Stat(path)
	switch {
	case os.IsNotExist(err):
		return fmt.Errorf("%s not found", path)
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not executable", path)
	}
	return nil
}

// RequireFile is RequireServer for a file that is not a program, such as
// uWSGI's Python plugin; pkg is the Debian package that installs it.
func RequireFile(t testing.TB, path, pkg string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	} else if os.Getenv("SKEWER_REQUIRE_SERVERS") == "1" {
		t.Fatalf("%v and SKEWER_REQUIRE_SERVERS=1: install %s or run .ci/run", err, pkg)
	} else {
		t.Skipf("%v: skipping the real-server test; install %s (Debian: apt-get install --no-install-recommends %s)", err, pkg, pkg)
	}
}

// PythonEnv is the environment for Debian's python3 (gunicorn, uWSGI's
// plugin): no variables meant for another interpreter, and no __pycache__
// written into testdata.
func PythonEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PYTHONPATH=") || strings.HasPrefix(kv, "PYTHONHOME=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PYTHONDONTWRITEBYTECODE=1")
}

// FileText is the content of path, or the error reading it in parentheses:
// for failure messages, which must not fail themselves.
func FileText(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(b)
}
