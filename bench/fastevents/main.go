// Command fastevents reads EVTX files with golang-evtx v1.2.9's own fast
// path, File.FastEvents, for `make bench` to compare with: for each file it
// opens it (OpenDirty, which tolerates a header that was not closed
// cleanly), takes every event the iterator yields and counts them. It does
// nothing else with an event (no rendering, no output), so the figure is
// the least FastEvents costs. It prints one line per file:
//
//	records N path
//
// golang-evtx panics inside its own goroutines on some damaged input,
// which kills the process; the benchmark runs it one file at a time and
// leaves out the files it dies on.
//
// Usage:
//
//	go run ./bench/fastevents FILE.evtx...
package main

import (
	"fmt"
	"os"

	gevtx "github.com/0xrawsec/golang-evtx/evtx"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fastevents FILE.evtx...")
		os.Exit(2)
	}
	for _, path := range os.Args[1:] {
		f, err := gevtx.OpenDirty(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "fastevents: %s: %v\n", path, err)
			os.Exit(1)
		}
		n := 0
		for range f.FastEvents() {
			n++
		}
		f.Close()
		fmt.Printf("records %d %s\n", n, path)
	}
}
