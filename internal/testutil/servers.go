package testutil

import (
	"fmt"
	"os"
	"path/filepath"
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
