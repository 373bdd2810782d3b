//go:build unix

package main

import (
	"os"
	"runtime"
	"syscall"
)

// peakRSS returns the finished child's peak resident set size in MiB.
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
