// Package testkit holds what the tests of several packages share: finding
// the shared reference material and public log corpus beside the
// repository, requiring the independent parsers used as cross-checks, and
// running a parser over a file. Under CI=true a missing corpus or tool
// fails the test; elsewhere it skips it.
package testkit

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/extriage/extriage/parsers"
)

// RepoRoot returns the directory that holds go.mod, walking up from the
// test's working directory (its package directory).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the package directory")
		}
		dir = parent
	}
}

// Shared returns a path inside ../shared beside the repository (the
// corpus, the reference files). A missing path skips the test, or fails it
// under CI=true, where shared/ is always there.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("shared material missing: %v", err)
		}
		t.Skipf("shared material missing: %v", err)
	}
	return p
}

// Corpus returns ../shared/corpus, or a path inside it.
func Corpus(t testing.TB, elem ...string) string {
	t.Helper()
	return Shared(t, append([]string{"corpus"}, elem...)...)
}

// NeedTool returns the path of an external program the test cross-checks
// against. When it is missing the test skips, or fails under CI=true,
// naming the Debian package that provides it.
func NeedTool(t testing.TB, name, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install %s): %v", name, debianPackage, err)
		}
		t.Skipf("%s not found (apt-get install %s)", name, debianPackage)
	}
	return p
}

// Browser returns the path of a Chromium build for headless tests; when
// none is installed the test skips, or fails under CI=true.
func Browser(t testing.TB) string {
	t.Helper()
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome-stable", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install chromium); CI=true requires the browser tests")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// Result is everything one Parse call produced.
type Result struct {
	Recs  []*parsers.Record
	Warns []parsers.Warning
	Err   error
}

// ParseFile runs p over a file on disk.
func ParseFile(t testing.TB, p parsers.Parser, path string) Result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return ParseInput(p, parsers.Input{Path: path, R: f, Size: st.Size(), ModTime: st.ModTime()})
}

// ParseBytes runs p over bytes held in memory, named name.
func ParseBytes(p parsers.Parser, name string, data []byte) Result {
	return ParseInput(p, parsers.Input{Path: name, R: bytes.NewReader(data), Size: int64(len(data))})
}

// ParseInput runs p over in, collecting every record and warning.
func ParseInput(p parsers.Parser, in parsers.Input) Result {
	var r Result
	r.Err = p.Parse(context.Background(), in, parsers.Sink{
		Record: func(rec *parsers.Record) bool { r.Recs = append(r.Recs, rec); return true },
		Warn:   func(w parsers.Warning) { r.Warns = append(r.Warns, w) },
	})
	return r
}
