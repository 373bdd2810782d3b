// Package msilog reads Windows Installer verbose logs (msiexec /l*v, the
// MsiLogging policy's MSI*.LOG, the logs Exchange setup and update rollups
// write beside themselves), in UTF-16 or an ANSI code page as textio
// detects it.
//
// Each physical line is one record, with three exceptions: blank lines make
// no record, and the wrapped forms of a few installer messages are joined to
// the line they continue ("Info 1603. The file X is being held in use" +
// "by the following process: ...", "Info 1903.Scheduling reboot operation:
// ... Must" + "reboot to complete operation.", "... requires a system
// restart." + "Product Name: ..."): in general, a line that starts with a
// lower-case letter after an "Info NNNN."/"Error NNNN." message.
//
// Record.Message is the text after the "MSI (s) (pid:tid) [hh:mm:ss:mmm]: " prefix,
// or the whole line when it has none. Record.Time is the date of the last
// "=== Verbose logging started: <date> <time> ..." header (or "logging
// stopped" footer) plus the time of day on the line (TimeNoZone), moved to
// the next day when the time of day falls back by more than twelve hours.
// Lines before any header take their dates from Input.ModTime (TimeNoDate):
// the last of them falls on its date, or the day before when its time of
// day is more than twelve hours past ModTime's; without ModTime the date is
// unknown (zero, TimeNone). The header, the footer and the Date
// property write the short date of the server's culture, so one file holds
// one day/month order: Parse first reads ahead (at most 200,000 lines) for
// such a date that can be read only one way and reads the ambiguous ones
// ("03/04/2024") in its order (see wintime.FileOrder); without one it
// assumes month first for '/' and day first for '-', and warns.
// Lines with no time of their own (properties, custom action output) have
// TimeNone.
//
// Fields (set only where the line says so):
//
//	side                  "c" (client) or "s" (server) from "MSI (s)"
//	pid, tid              process and thread IDs, hex as printed
//	custom_action_thread  "true" when the prefix has "!" (a custom action's thread)
//	action                the action of "Action start/ended <time>: <Action>."
//	                      (and of localised forms of these lines: a few words,
//	                      the time, the action, perhaps "<words> N."),
//	                      "Doing action:", or a custom action that "returned
//	                      actual error code"
//	return_value          N of "Return value N." (or a localised "<words> N.")
//	error                 a Windows Installer error number: "Error NNNN.",
//	                      "Note: 1: NNNN", "is returning NNNN" (not 0),
//	                      "returned actual error code NNNN", "error status: NNNN"
//	info                  N of an "Info NNNN." message (Info 1603 is a file in use)
//	return_code           N of "MainEngineThread is returning N"
//	status                N of "Installation (Reconfiguration, Removal) success or error status: N"
//	file_in_use, process, process_id, window_title
//	                      from "The file X is being held in use by the following
//	                      process: Name: P, Id: N, Window Title: 'T'."; process and
//	                      process_id also from Restart Manager's "Detected that
//	                      application with id N, friendly name 'P'"
//	property, value       from "Property(S): NAME = VALUE"
//	product, product_version
//	                      from "Product: X -- ...", "Product Name: X." and
//	                      the ProductName property
//	installer_cache_missing
//	                      the cached package path of "Note: 1: 2203 2: <path under
//	                      \Installer\> 3: -2147287038" (file not found; or
//	                      -2147287037, path not found) or
//	                      "Couldn't find local patch '<path>'"
//	reboot                "scheduled" (Info 1903) or "required" ("requires a
//	                      system restart")
//	build_type, calling_process
//	                      from the "logging started" header
//	time_of_day           "HH:MM:SS.mmm" of a stamped line when no date is known
//
// Level is error for "Return value 3", "Error NNNN." lines (not "DEBUG:
// Error"), "Product: X -- Error NNNN" and "-- Installation failed" (and
// the Polish "Produkt: X -- Błąd NNNN.", "Błąd NNNN."),
// "returned actual error code N", and "MainEngineThread is returning N" or
// "error status: N" with N other than 0, 3010 and 1641.
package msilog

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers/wintime"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

func init() { parsers.Register(Parser{}) }

// Parser reads Windows Installer verbose logs. Its zero value is ready to
// use.
type Parser struct{}

// Format returns parsers.FormatMSILog.
func (Parser) Format() parsers.Format { return parsers.FormatMSILog }

var (
	reHeader  = regexp.MustCompile(`^=== (?:Verbose )?[Ll]ogging started: (\S+)\s+(\S+(?: [AaPp][Mm])?)\s*(.*?)\s*===\s*$`)
	reStopped = regexp.MustCompile(`^=== (?:Verbose )?[Ll]ogging stopped: (\S+)\s+(\S+(?: [AaPp][Mm])?)\s*===\s*$`)
	rePrefix  = regexp.MustCompile(`^MSI \(([A-Za-z])\) \(([0-9A-Fa-f]+)([:!])([0-9A-Fa-f]+)\)(?: \[(\d{1,2}):(\d{2}):(\d{2}):(\d{1,3})\])? ?: ?`)
	reAction  = regexp.MustCompile(`^\pL+(?: \pL+){0,3} (\d{1,2}:\d{2}:\d{2}): ([\pL_][\w.]*?)\.(?: \D+? (\d+)\.| |$)`)
	reDoing   = regexp.MustCompile(`^Doing action: (\S+)`)
	reProp    = regexp.MustCompile(`^Property\(([A-Za-z])\): ([^=]+?) = (.*)$`)
	reInfo    = regexp.MustCompile(`^Info (\d+)\.`)
	reError   = regexp.MustCompile(`^(DEBUG: )?(?:Error|Błąd) (\d+)[.:]`)
	reProdErr = regexp.MustCompile(`-- (?:Error|Błąd) (\d+)\.`)
	reFailed  = regexp.MustCompile(`-- (?:Installation|Configuration|Removal)(?: operation)? failed`)
	reNote    = regexp.MustCompile(`^Note: 1: (\d+)(?: 2: (.*?)(?: 3: (-?\d+))?)?\s*$`)
	reReturn  = regexp.MustCompile(`MainEngineThread is returning (\d+)`)
	reCAError = regexp.MustCompile(`CustomAction (\S+) returned actual error code (\d+)`)
	reStatus  = regexp.MustCompile(`success or error status: (\d+)`)
	reInUse   = regexp.MustCompile(`(?s)The file (.+?) is being held in use(?:\s+by the following process: Name: (.*?), Id:? ?(\d+)(?:, Window Title: '(.*?)')?)?`)
	reRM      = regexp.MustCompile(`Detected that application with id (\d+), friendly name '([^']*)'`)
	reProduct = regexp.MustCompile(`^(?:Product|Produkt): (.+?) -- `)
	reProdNam = regexp.MustCompile(`Product Name: (.+?)\. Product Version: ([^.\s]+(?:\.[0-9]+)*)`)
	reLocal   = regexp.MustCompile(`Couldn't find local patch '([^']+)'`)
)

// Sniff scores the first bytes of a file: 95 for a "logging started"
// header, 80 for two or more "MSI (s) (pid:tid)" lines, 60 for one.
func (Parser) Sniff(head []byte) int {
	text := textio.DecodeHead(head)
	n := 0
	for i, ln := range strings.Split(text, "\n") {
		if i >= 400 {
			break
		}
		ln = strings.TrimRight(ln, "\r")
		if strings.HasPrefix(ln, "=== Verbose logging started: ") || strings.HasPrefix(ln, "=== Logging started: ") {
			return 95
		}
		if rePrefix.MatchString(ln) {
			n++
		}
	}
	switch {
	case n >= 2:
		return 80
	case n == 1:
		return 60
	}
	return 0
}

// maxJoin bounds how many continuation lines one record takes.
const maxJoin = 8

// Parse streams the records of a Windows Installer log to sink. It returns
// an error when the first bytes hold no log header and no "MSI (x)" line.
func (p Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	if in.R == nil {
		return parsers.Fail(parsers.FormatMSILog, in.Path, "no data")
	}
	head, err := parsers.ReadHead(in)
	if err != nil && len(head) == 0 {
		return parsers.Fail(parsers.FormatMSILog, in.Path, "%w", err)
	}
	if p.Sniff(head) == 0 {
		return parsers.Fail(parsers.FormatMSILog, in.Path, "not a Windows Installer log: no \"logging started\" header or \"MSI (s)\" line at the start")
	}
	st := &state{in: in, sink: sink}
	st.anchorFallback(ctx)
	st.learnOrder(ctx)
	lines := textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))
	var pending *parsers.Record
	joined := 0
	for lines.Next() {
		n := lines.Number()
		if n&255 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if lines.Truncated() {
			st.warn(n, fmt.Sprintf("line longer than %d bytes, cut", textio.MaxLine))
		}
		text := strings.TrimRight(lines.Text(), " \t")
		if strings.TrimSpace(text) == "" {
			continue
		}
		if pending != nil && joined < maxJoin && continues(pending, text) {
			pending.Message += "\n" + text
			joined++
			st.annotate(pending, pending.Message)
			continue
		}
		if pending != nil && !st.emit(pending) {
			return nil
		}
		pending, joined = st.record(text, n), 0
	}
	if pending != nil && !st.emit(pending) {
		return nil
	}
	if err := lines.Err(); err != nil {
		if st.emitted == 0 {
			return parsers.Fail(parsers.FormatMSILog, in.Path, "%w", err)
		}
		st.warn(lines.Number(), "read error: "+err.Error())
	}
	return ctx.Err()
}

// state is one Parse call.
type state struct {
	in      parsers.Input
	sink    parsers.Sink
	clk     clock
	dates   wintime.FileOrder // the day/month order of the culture's dates
	emitted int
}

func (st *state) warn(n int, msg string) {
	if st.sink.Warn != nil {
		st.sink.Warn(parsers.Warning{Path: st.in.Path, Offset: -1, Line: n, Msg: msg})
	}
}

func (st *state) emit(r *parsers.Record) bool {
	st.emitted++
	if st.sink.Record == nil {
		return true
	}
	return st.sink.Record(r)
}

// continues reports whether text is the wrapped rest of the message of r.
func continues(r *parsers.Record, text string) bool {
	if startsLine(text) {
		return false
	}
	msg := r.Message
	if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
		msg = msg[i+1:]
	}
	if strings.HasSuffix(msg, "requires a system restart.") && strings.HasPrefix(text, "Product Name:") {
		return true
	}
	c := text[0]
	if c < 'a' || c > 'z' {
		return false
	}
	return reInfo.MatchString(r.Message) || reError.MatchString(r.Message)
}

// startsLine reports a line that has a form of its own and so cannot be
// the rest of the line before it.
func startsLine(text string) bool {
	switch {
	case strings.HasPrefix(text, "MSI ("), strings.HasPrefix(text, "==="),
		strings.HasPrefix(text, "Action "), strings.HasPrefix(text, "Property("),
		strings.HasPrefix(text, "Info "), strings.HasPrefix(text, "Error "), strings.HasPrefix(text, "Błąd "),
		strings.HasPrefix(text, "Note: "), strings.HasPrefix(text, "DEBUG: "):
		return true
	}
	return false
}

// record makes the record of one line.
func (st *state) record(text string, n int) *parsers.Record {
	r := &parsers.Record{
		Path:   st.in.Path,
		Format: parsers.FormatMSILog,
		Line:   n,
		Offset: -1,
		TimeQ:  parsers.TimeNone,
	}
	msg := text
	switch {
	case strings.HasPrefix(text, "==="):
		st.header(r, text)
	case strings.HasPrefix(text, "MSI ("):
		var m [9]string
		if matchPrefix(text, &m) {
			setField(r, "side", strings.ToLower(m[1]))
			setField(r, "pid", m[2])
			setField(r, "tid", m[4])
			if m[3] == "!" {
				setField(r, "custom_action_thread", "true")
			}
			if m[5] != "" {
				h, _ := strconv.Atoi(m[5])
				mi, _ := strconv.Atoi(m[6])
				s, _ := strconv.Atoi(m[7])
				ms, _ := strconv.Atoi(m[8])
				if h < 24 && mi < 60 && s < 60 {
					tod := time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute +
						time.Duration(s)*time.Second + time.Duration(ms)*time.Millisecond
					st.stamp(r, tod)
				} else {
					st.warn(n, fmt.Sprintf("impossible time of day %s:%s:%s", m[5], m[6], m[7]))
				}
			}
			msg = text[len(m[0]):]
		}
	default:
		if m := matchAction(text); m != nil {
			if tod, ok := parseClock(m[1]); ok {
				st.stamp(r, tod)
			}
		}
	}
	r.Message = msg
	st.annotate(r, msg)
	if strings.HasPrefix(text, "Property(") {
		if s, ok := cultureDate(text); ok {
			st.dateOrder(s, n) // reports a Date that contradicts the file's order
		}
	}
	return r
}

// stamp sets the record's time from a time of day.
func (st *state) stamp(r *parsers.Record, tod time.Duration) {
	t, q := st.clk.at(tod)
	r.Time, r.TimeQ = t, q
	if q == parsers.TimeNone {
		setField(r, "time_of_day", fmtTOD(tod))
	}
}

func fmtTOD(d time.Duration) string {
	h := d / time.Hour
	m := d % time.Hour / time.Minute
	s := d % time.Minute / time.Second
	ms := d % time.Second / time.Millisecond
	return fmt.Sprintf("%02d:%02d:%02d.%03d", h, m, s, ms)
}

// header reads the "logging started" and "logging stopped" lines.
func (st *state) header(r *parsers.Record, text string) {
	var dateS, timeS string
	if m := reHeader.FindStringSubmatch(text); m != nil {
		dateS, timeS = m[1], m[2]
		rest := m[3]
		if i := strings.Index(rest, "Calling process:"); i >= 0 {
			setField(r, "calling_process", strings.TrimSpace(rest[i+len("Calling process:"):]))
			rest = rest[:i]
		}
		if i := strings.Index(rest, "Build type:"); i >= 0 {
			setField(r, "build_type", strings.TrimSpace(rest[i+len("Build type:"):]))
		}
		y, mo, d, ok1 := wintime.DateIn(dateS, st.dateOrder(dateS, r.Line))
		tod, ok2 := parseClock(timeS)
		if ok1 && ok2 {
			st.clk.setHeader(y, mo, d, tod)
			r.Time, r.TimeQ = st.clk.at(tod)
		} else {
			st.warn(r.Line, fmt.Sprintf("unreadable date or time %q %q in the log header", dateS, timeS))
		}
		return
	}
	if m := reStopped.FindStringSubmatch(text); m != nil {
		y, mo, d, ok1 := wintime.DateIn(m[1], st.dateOrder(m[1], r.Line))
		tod, ok2 := parseClock(m[2])
		switch {
		case ok1 && ok2: // a full date: it dates the lines after it, too
			st.clk.setHeader(y, mo, d, tod)
			r.Time, r.TimeQ = st.clk.at(tod)
		case ok2:
			st.stamp(r, tod)
		}
	}
}

// annotate sets the fields and level that the message text calls for.
func (st *state) annotate(r *parsers.Record, msg string) {
	// The sketch passes over most lines before the phrases are searched.
	sk := textio.SketchOf(msg)
	if m := matchAction(msg); m != nil {
		setField(r, "action", m[2])
		if m[3] != "" {
			setField(r, "return_value", m[3])
			if m[3] == "3" {
				r.Level = parsers.LevelError
			}
		}
	} else if m := gDoing.find(msg, sk); m != nil {
		setField(r, "action", m[1])
	}
	if m := gProp.find(msg, sk); m != nil {
		setField(r, "property", strings.TrimSpace(m[2]))
		setField(r, "value", m[3])
		if strings.TrimSpace(m[2]) == "ProductName" {
			setField(r, "product", m[3])
		}
		return // a property value says nothing about this run's errors
	}
	if m := gInfo.find(msg, sk); m != nil {
		setField(r, "info", m[1])
	}
	if m := gError.find(msg, sk); m != nil {
		setField(r, "error", m[2])
		if m[1] == "" {
			r.Level = parsers.LevelError
		}
	}
	if m := gProduct.find(msg, sk); m != nil {
		setField(r, "product", m[1])
		if m := reProdErr.FindStringSubmatch(msg); m != nil {
			setField(r, "error", m[1])
			r.Level = parsers.LevelError
		}
		if reFailed.MatchString(msg) {
			r.Level = parsers.LevelError
		}
	}
	if m := gProdNam.find(msg, sk); m != nil {
		setField(r, "product", m[1])
		setField(r, "product_version", m[2])
	}
	if m := gNote.find(msg, sk); m != nil {
		setField(r, "error", m[1])
		if m[1] == "2203" && isCachePath(m[2]) && (m[3] == "-2147287038" || m[3] == "-2147287037") {
			setField(r, "installer_cache_missing", m[2])
		}
	}
	if m := gLocal.find(msg, sk); m != nil {
		setField(r, "installer_cache_missing", m[1])
	}
	if m := gReturn.find(msg, sk); m != nil {
		setField(r, "return_code", m[1])
		exitLevel(r, m[1])
	}
	if m := gStatus.find(msg, sk); m != nil {
		setField(r, "status", m[1])
		exitLevel(r, m[1])
	}
	if m := gCAError.find(msg, sk); m != nil {
		setField(r, "action", m[1])
		if m[2] != "0" {
			setField(r, "error", m[2])
			r.Level = parsers.LevelError
		}
	}
	if m := gInUse.find(msg, sk); m != nil {
		setField(r, "file_in_use", m[1])
		setField(r, "process", m[2])
		setField(r, "process_id", m[3])
		setField(r, "window_title", m[4])
	} else if m := gRM.find(msg, sk); m != nil {
		setField(r, "process_id", m[1])
		setField(r, "process", m[2])
	}
	switch {
	case sk.MayHold(ndScheduling) && strings.Contains(msg, "Scheduling reboot operation"):
		setField(r, "reboot", "scheduled")
	case sk.MayHold(ndRestart) && strings.Contains(msg, "requires a system restart"):
		setField(r, "reboot", "required")
	}
}

// gated is a regular expression with a literal test that every match
// passes (a prefix or a phrase the expression holds), so that the
// expression runs only on the few lines that may match.
type gated struct {
	re   *regexp.Regexp
	gate func(msg string) bool
	// nd, when set, is a phrase every match holds, lower-cased: a line
	// whose sketch lacks it is passed over before the gate is tried.
	nd textio.Needle
}

// find returns the submatches of g.re in msg, or nil; sk is msg's sketch.
func (g gated) find(msg string, sk *textio.Sketch) []string {
	if !sk.MayHold(g.nd) || !g.gate(msg) {
		return nil
	}
	return g.re.FindStringSubmatch(msg)
}

// containing returns the gate of an expression whose every match holds
// phrase (ASCII) somewhere in the line.
func containing(re *regexp.Regexp, phrase string) gated {
	return gated{re, func(msg string) bool { return strings.Contains(msg, phrase) }, textio.NewNeedle(strings.ToLower(phrase))}
}

// The expressions of annotate with their gates; TestGates checks that
// each gate holds wherever its expression matches.
var (
	gDoing = gated{re: reDoing, gate: func(msg string) bool { return strings.HasPrefix(msg, "Doing action: ") }}
	gProp  = gated{re: reProp, gate: func(msg string) bool { return strings.HasPrefix(msg, "Property(") }}
	gInfo  = gated{re: reInfo, gate: func(msg string) bool { return strings.HasPrefix(msg, "Info ") }}
	gError = gated{re: reError, gate: func(msg string) bool {
		return strings.HasPrefix(msg, "Error ") || strings.HasPrefix(msg, "DEBUG: ") || strings.HasPrefix(msg, "Błąd ")
	}}
	gProduct = gated{re: reProduct, gate: func(msg string) bool {
		return strings.HasPrefix(msg, "Product: ") || strings.HasPrefix(msg, "Produkt: ")
	}}
	gProdNam = containing(reProdNam, "Product Name: ")
	gNote    = gated{re: reNote, gate: func(msg string) bool { return strings.HasPrefix(msg, "Note: 1: ") }}
	gLocal   = containing(reLocal, "Couldn't find local patch '")
	gReturn  = containing(reReturn, "MainEngineThread is returning ")
	gStatus  = containing(reStatus, "success or error status: ")
	gCAError = containing(reCAError, " returned actual error code ")
	gInUse   = containing(reInUse, " is being held in use")
	gRM      = containing(reRM, "Detected that application with id ")

	ndScheduling = textio.NewNeedle("scheduling reboot operation")
	ndRestart    = textio.NewNeedle("requires a system restart")
)

// matchAction returns reAction's submatches in msg, or nil. In a match the
// words before the time hold letters and spaces only, so the first ':'
// of msg is the one after the hour's digits; lines without such a colon,
// or not starting with a letter (any non-ASCII byte may start one), are
// passed over without running the expression.
func matchAction(msg string) []string {
	i := strings.IndexByte(msg, ':')
	if i < 2 || !isDigit(msg[i-1]) {
		return nil
	}
	if c := msg[0] | 0x20; c < 0x80 && (c < 'a' || c > 'z') {
		return nil
	}
	return reAction.FindStringSubmatch(msg)
}

// matchPrefix reads the "MSI (s) (54:94) [13:14:36:123]: " prefix by hand
// (the expression is run for every line of a log and was its largest
// cost): it reports whether rePrefix matches text, and sets m to what
// rePrefix.FindStringSubmatch returns when it does. m is the caller's, so
// that the submatches of every line are not a slice of their own.
func matchPrefix(text string, m *[9]string) bool {
	const lead = "MSI ("
	if !strings.HasPrefix(text, lead) {
		return false
	}
	i := len(lead)
	if i+4 > len(text) || !isLetter(text[i]) || text[i+1] != ')' || text[i+2] != ' ' || text[i+3] != '(' {
		return false
	}
	side := text[i : i+1]
	i += 4
	j := skip(text, i, isHex)
	if j == i || j >= len(text) || (text[j] != ':' && text[j] != '!') {
		return false
	}
	pid, sep := text[i:j], text[j:j+1]
	i = j + 1
	j = skip(text, i, isHex)
	if j == i || j >= len(text) || text[j] != ')' {
		return false
	}
	tid := text[i:j]
	i = j + 1
	var clock [4]string // hour, minute, second, millisecond, when present
	if k, ok := readClock(text, i, &clock); ok {
		i = k
	}
	if i+1 < len(text) && text[i] == ' ' && text[i+1] == ':' {
		i++ // "MSI (c) (29:28) : text", as Windows Installer 2.0 writes it
	}
	if i >= len(text) || text[i] != ':' {
		return false
	}
	i++
	if i < len(text) && text[i] == ' ' {
		i++
	}
	*m = [9]string{text[:i], side, pid, sep, tid, clock[0], clock[1], clock[2], clock[3]}
	return true
}

// readClock reads " [h:mm:ss:fff]" (1-2, 2, 2 and 1-3 digits) at text[i:]
// into c and returns the index after it, or false, leaving c alone.
func readClock(text string, i int, c *[4]string) (int, bool) {
	if !strings.HasPrefix(text[i:], " [") {
		return 0, false
	}
	i += 2
	var v [4]string
	for n, width := range [4][2]int{{1, 2}, {2, 2}, {2, 2}, {1, 3}} {
		j := skip(text, i, isDigit)
		if j-i < width[0] || j-i > width[1] {
			return 0, false
		}
		end := byte(':')
		if n == 3 {
			end = ']'
		}
		if j >= len(text) || text[j] != end {
			return 0, false
		}
		v[n] = text[i:j]
		i = j + 1
	}
	*c = v
	return i, true
}

// skip returns the index of the first byte of text at or after i that is
// not in the class.
func skip(text string, i int, in func(byte) bool) int {
	for i < len(text) && in(text[i]) {
		i++
	}
	return i
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

func isHex(c byte) bool { return isDigit(c) || 'a' <= c|0x20 && c|0x20 <= 'f' }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// exitLevel records a process exit code: a number other than 0 is an
// installer error number, and anything but success (0) or success with a
// restart (3010, 1641) makes the line an error.
func exitLevel(r *parsers.Record, code string) {
	if code == "0" {
		return
	}
	setField(r, "error", code)
	if code != "3010" && code != "1641" {
		r.Level = parsers.LevelError
	}
}

// isCachePath reports a path in the Windows Installer cache
// (%windir%\Installer\).
func isCachePath(p string) bool {
	return strings.Contains(strings.ToLower(p), `\installer\`)
}

// setField stores a non-empty value in r.Fields.
func setField(r *parsers.Record, k, v string) {
	if v == "" {
		return
	}
	if r.Fields == nil {
		r.Fields = make(map[string]string, 4)
	}
	r.Fields[k] = v
}
