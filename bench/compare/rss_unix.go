//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS returns the finished child's peak resident set size in MiB.
//
// On Linux the figure starts from this process's own peak at the time the
// child was started: Go starts children with vfork, the child runs in the
// parent's memory until it calls exec, and the kernel carries that memory's
// high-water mark over the exec. The harness therefore keeps its memory
// small and prints the figure for a command that does nothing.
func peakRSS(ps *os.ProcessState) (float64, bool) {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0, false
	}
	kb := float64(ru.Maxrss) // Linux and the BSDs count KiB
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		kb /= 1024 // macOS counts bytes
	}
	return kb / 1024, true
}
