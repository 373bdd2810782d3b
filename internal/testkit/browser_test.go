package testkit

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// fakeTB records what Browser asks of its test, without stopping the
// real one.
type fakeTB struct {
	testing.TB
	calls []string
}

func (f *fakeTB) Helper()                      {}
func (f *fakeTB) Fatal(args ...any)            { f.calls = append(f.calls, "fatal: "+fmt.Sprint(args...)) }
func (f *fakeTB) Skip(args ...any)             { f.calls = append(f.calls, "skip: "+fmt.Sprint(args...)) }
func (f *fakeTB) Fatalf(s string, args ...any) { f.Fatal(fmt.Sprintf(s, args...)) }

// TestBrowserMissing: with no Chromium on the PATH the browser tests skip
// on a developer's machine but fail under CI=true, so that CI cannot pass
// without having run them.
func TestBrowserMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	for _, ci := range []string{"true", ""} {
		t.Setenv("CI", ci)
		f := &fakeTB{}
		Browser(f)
		want := "skip"
		if ci == "true" {
			want = "fatal"
		}
		if len(f.calls) == 0 || f.calls[0][:len(want)] != want {
			t.Errorf("CI=%q: Browser did %q first, want %s", ci, f.calls, want)
		}
	}
	// And with one on the PATH it is found.
	if runtime.GOOS == "windows" {
		return // LookPath wants an .exe there
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "chromium")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	f := &fakeTB{}
	if got := Browser(f); got != bin || len(f.calls) != 0 {
		t.Errorf("Browser() = %q, calls %q; want %s", got, f.calls, bin)
	}
}
