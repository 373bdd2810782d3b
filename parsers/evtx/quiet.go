package evtx

import (
	"bytes"
	"io"
	stdlog "log"

	ulog "github.com/0xrawsec/golang-utils/log"
)

// golang-evtx reports its own parsing trouble through
// github.com/0xrawsec/golang-utils/log, which prints to the standard
// library's default logger (stderr). Some of those calls (DontPanicf) ignore
// the log level and print a stack trace. We report damage through
// parsers.Sink instead, so those lines must never reach the user's terminal.
//
// The level is raised to critical (the highest it has), and the default
// logger's writer is wrapped in a filter that drops the lines golang-utils
// writes (they carry its level tags) and passes every other line through
// unchanged, so the rest of the program keeps its standard logger.
func init() {
	ulog.SetLogLevel(ulog.LCritical)
	stdlog.SetOutput(&utilsLogFilter{next: stdlog.Writer()})
}

// utilsTags are the prefixes golang-utils/log puts before its messages.
var utilsTags = [][]byte{
	[]byte("PANIC - "), []byte("CRITICAL - "), []byte("ERROR - "),
	[]byte("WARNING - "), []byte("INFO - "), []byte("DEBUG - "),
	[]byte("ABORT - "),
}

// utilsLogFilter drops log lines written by golang-utils/log.
type utilsLogFilter struct {
	next io.Writer
}

// Write implements io.Writer. The standard logger calls it once per
// message, with the date, time and file prefix (when enabled) before the
// message text, so the tag is looked for near the start of the line.
func (f *utilsLogFilter) Write(p []byte) (int, error) {
	head := p
	if len(head) > 160 {
		head = head[:160]
	}
	for _, tag := range utilsTags {
		if i := bytes.Index(head, tag); i >= 0 && (i == 0 || head[i-1] == ' ') {
			return len(p), nil
		}
	}
	return f.next.Write(p)
}
