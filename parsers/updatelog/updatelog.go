// Package updatelog reads the logs of the Windows Package Installer
// (update.exe): %windir%\KB<n>.log for single updates and %windir%\svcpack.log
// for service packs, as written on Windows 2000, XP and Server 2003.
//
// Every line of such a log starts with the seconds elapsed since the
// installer started, three decimals and a colon:
//
//	940.344: DoInstallation:MyInstallCatalogFiles  failed:STR_CATALOG_INSTALL_FAILED
//	1,313: KB979309 installation did not complete.
//
// The decimal separator follows the user's locale, so both '.' and ',' are
// read. A line without that prefix continues the record before it.
//
// Each record carries:
//
//   - Line: the 1-based line of the prefixed line; Offset is -1.
//   - Message: the text after "<seconds>: ", with continuation lines joined by "\n".
//   - From a run's "(local)" header line on (see headerRe), Time is the
//     header's wall-clock time plus the line's elapsed seconds, TimeQ
//     no-zone. Lines of a run without a readable header have TimeQ elapsed
//     and a zero Time. Fields["elapsed"] holds the seconds with '.' as the
//     separator.
//   - Fields["run"]: the 1-based index of the installer run (see below).
//   - Level error on the lines that say an install failed (see IsFailure),
//     warning on "FileInUse:: Added to Filelist:" lines.
//   - Fields["extended_error"] ("0xf01e") on "Update.exe extended error code"
//     lines and Fields["file_in_use"] (the path) on FileInUse lines.
//
// One file can hold several installer runs, appended one after another. A
// new run starts where the elapsed time goes backwards, or at a separator line of '=' characters
// stamped 0.000 (the form such a log opens a run with; DERIVED, not seen in a
// verified sample). Lines before the first prefixed line form run 1 too.
//
// Tracker turns the records into one Run summary per run for the rules.
package updatelog

import (
	"context"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
	"github.com/extriage/extriage/parsers/wintime"
)

// Parser reads update.exe logs. Its zero value is ready to use.
type Parser struct{}

func init() { parsers.Register(Parser{}) }

// Format returns parsers.FormatUpdateLog.
func (Parser) Format() parsers.Format { return parsers.FormatUpdateLog }

// maxMessage bounds the text one record keeps, continuation lines included.
// A record that would grow past it keeps its first maxMessage bytes.
const maxMessage = 2 << 20

// prefixRe matches the elapsed-seconds prefix of a line: seconds, a '.' or
// ',' separator, three decimals, a colon, and a space unless the line ends.
var prefixRe = regexp.MustCompile(`^(\d{1,10})[.,](\d{3}):(?: |$)`)

// splitPrefix returns the elapsed seconds (normalised to use '.') and the
// text after the prefix of a log line, or ok=false for a line without one.
func splitPrefix(line string) (elapsed, text string, ok bool) {
	m, ok := matchPrefix(line)
	if !ok {
		return "", "", false
	}
	if line[m[3]] == '.' {
		return line[m[2]:m[5]], line[m[1]:], true // no copy needed
	}
	return line[m[2]:m[3]] + "." + line[m[4]:m[5]], line[m[1]:], true
}

// matchPrefix returns what prefixRe.FindStringSubmatchIndex returns for
// line (false for nil), reading the prefix by hand (the expression ran on every line). No
// digit run can be cut short to let the rest match, as each is followed by
// a literal that is not a digit, so one reading is enough.
func matchPrefix(line string) ([6]int, bool) {
	i := 0
	for i < len(line) && isDigit(line[i]) {
		i++
	}
	if i < 1 || i > 10 || i+5 > len(line) || (line[i] != '.' && line[i] != ',') {
		return [6]int{}, false
	}
	f := i + 1
	if !isDigit(line[f]) || !isDigit(line[f+1]) || !isDigit(line[f+2]) || line[f+3] != ':' {
		return [6]int{}, false
	}
	end := f + 4
	switch {
	case end == len(line):
	case line[end] == ' ':
		end++
	default:
		return [6]int{}, false
	}
	return [6]int{0, end, 0, i, f, f + 3}, true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// elapsedMillis turns "123.456" into 123456; it returns -1 when the value
// does not fit.
func elapsedMillis(elapsed string) int64 {
	sec, frac, _ := strings.Cut(elapsed, ".")
	s, err := strconv.ParseInt(sec, 10, 64)
	if err != nil || s > 1<<40 {
		return -1
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return s*1000 + f
}

var (
	extendedErrRe  = regexp.MustCompile(`(?i)Update\.exe extended error code = (0x[0-9a-f]+)`)
	didNotCompRe   = regexp.MustCompile(`(?i)\binstallation did not complete\.`)
	updateFailedRe = regexp.MustCompile(`(?i)\bUpdate\.exe failed \d+\.`)
	maskedRe       = regexp.MustCompile(`(?i)Update\.exe return code was masked to (0x[0-9a-f]+)`)
	doInstallRe    = regexp.MustCompile(`(?i)^DoInstallation:.*\bfailed\b`)
	failedStrRe    = regexp.MustCompile(`(?i)\bfailed:STR_\w+`)
	doRegistryRe   = regexp.MustCompile(`(?i)\bDoRegistryUpdates failed\b`)
	separatorRe    = regexp.MustCompile(`^={20,}\s*$`)
)

// ExtendedError returns the code of an "Update.exe extended error code =
// 0x<hex>" line, as written ("0xf01e"), or "".
func ExtendedError(text string) string {
	if !nExtendedErrorCode.In(text) {
		return ""
	}
	if m := extendedErrRe.FindStringSubmatch(text); m != nil {
		return m[1]
	}
	return ""
}

// isZeroHex reports whether a "0x..." code is zero.
func isZeroHex(code string) bool {
	return strings.TrimLeft(code[2:], "0") == ""
}

// IsFailure reports whether the text of an update.exe log line says the
// install failed: a non-zero "Update.exe extended error code", "... installation
// did not complete.", "Update.exe failed <n>.", "Update.exe return code was
// masked to 0x643", "DoInstallation:... failed", "... failed:STR_...", or
// "DoRegistryUpdates failed". Matching ignores case.
func IsFailure(text string) bool {
	if code := ExtendedError(text); code != "" {
		return !isZeroHex(code)
	}
	if !nFail.In(text) && !nDidNotComplete.In(text) && !nMaskedTo.In(text) {
		return false // the cheap test first: every failure line holds one of these
	}
	if m := maskedRe.FindStringSubmatch(text); m != nil {
		return strings.EqualFold(m[1], "0x643")
	}
	return didNotCompRe.MatchString(text) || updateFailedRe.MatchString(text) ||
		doInstallRe.MatchString(text) || failedStrRe.MatchString(text) ||
		doRegistryRe.MatchString(text)
}

// FileInUsePath returns the path of a "FileInUse:: Added to Filelist: <path>"
// line and true, or "", false for any other text.
func FileInUsePath(text string) (string, bool) {
	const token = "FileInUse:: Added to Filelist:"
	if len(text) < len(token) || !strings.EqualFold(text[:len(token)], token) {
		return "", false
	}
	return strings.TrimSpace(firstLine(text[len(token):])), true
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Sniff scores the decoded head of a file: several lines with the
// elapsed-seconds prefix score high, update.exe's own tokens higher.
func (Parser) Sniff(head []byte) int {
	text := textio.DecodeHead(head)
	lines := strings.Split(text, "\n")
	if len(head) >= parsers.SniffSize && len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last line may be cut short
	}
	var nonEmpty, prefixed int
	for _, l := range lines {
		l = strings.TrimRight(l, "\r")
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonEmpty++
		if _, _, ok := splitPrefix(l); ok {
			prefixed++
		}
	}
	if prefixed == 0 {
		return 0
	}
	tokens := 0
	for _, tok := range []string{"Update.exe", "DoInstallation", "FileInUse::", "[PatchFilesFromResponseBlob]"} {
		if strings.Contains(text, tok) {
			tokens++
		}
	}
	if prefixed*2 < nonEmpty {
		// Most lines lack the prefix: a document quoting a few log lines,
		// not a log.
		return min(20+5*tokens, 40)
	}
	score := 45 // one or two prefixed lines: a short file
	if prefixed >= 3 {
		score = 80
	}
	if tokens > 0 {
		score += 10 + 5*tokens
	}
	return min(score, 99)
}

// Parse streams the records of an update.exe log to sink.
func (Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	warn := func(line int, format string, args ...any) {
		if sink.Warn != nil {
			sink.Warn(parsers.Warning{Path: in.Path, Offset: -1, Line: line, Msg: fmt.Sprintf(format, args...)})
		}
	}
	if in.R == nil {
		return parsers.Fail(parsers.FormatUpdateLog, in.Path, "no data")
	}
	lines := textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))
	p := &parse{in: in, sink: sink, warn: warn, lastMillis: -1, ctx: ctx}
	for lines.Next() {
		n := lines.Number()
		if n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if lines.Truncated() {
			warn(n, "line longer than %d bytes: cut", textio.MaxLine)
		}
		if !p.line(n, lines.Text()) {
			return nil
		}
	}
	if err := lines.Err(); err != nil {
		if !p.havePrefix {
			return parsers.Fail(parsers.FormatUpdateLog, in.Path, "%w", err)
		}
		warn(lines.Number()+1, "read error: %v", err)
	}
	p.flush()
	if !p.havePrefix {
		return parsers.Fail(parsers.FormatUpdateLog, in.Path, "no line starts with the elapsed-seconds prefix")
	}
	return nil
}

// parse is the state of one Parse call.
type parse struct {
	in      parsers.Input
	sink    parsers.Sink
	warn    func(line int, format string, args ...any)
	cur     *parsers.Record // the record being built, nil before the first line
	msg     strings.Builder // cur's message so far
	blanks  int             // blank continuation lines not yet added to msg
	cut     bool            // cur's message hit maxMessage
	stopped bool            // the sink asked to stop

	run        int   // the current run index, 0 before the first line
	lastMillis int64 // elapsed of the previous prefixed line, -1 if none
	// anchor is the wall-clock time at elapsed 0 of the current run, from
	// its "(local)" header line (see headerRe); zero until then.
	anchor time.Time
	// dates decides the day/month order of year-last header dates that
	// carry no order marker.
	dates      wintime.FileOrder
	learnt     bool // learnOrder ran
	ctx        context.Context
	runHasText bool // the current run has a line other than a separator
	havePrefix bool // a prefixed line was seen
}

// line handles one physical line; it returns false when the sink asked to
// stop.
func (p *parse) line(n int, text string) bool {
	elapsed, rest, ok := splitPrefix(text)
	if !ok {
		if p.cur == nil {
			// Text before the first prefixed line: a record of its own.
			if strings.TrimSpace(text) == "" {
				return true
			}
			if p.run == 0 {
				p.run = 1
			}
			p.start(n, text)
			p.cur.TimeQ = parsers.TimeNone
			return !p.stopped
		}
		p.continuation(n, text)
		return true
	}
	ms := elapsedMillis(elapsed)
	sep := separatorRe.MatchString(rest)
	switch {
	case p.run == 0:
		p.run = 1
	case ms >= 0 && p.lastMillis >= 0 && ms < p.lastMillis:
		p.run++
		p.runHasText = false
		p.anchor = time.Time{}
	case sep && ms == 0 && p.runHasText:
		p.run++
		p.runHasText = false
		p.anchor = time.Time{}
	}
	if t, ok := p.headerTime(n, rest); ok && ms >= 0 {
		p.anchor = t.Add(-time.Duration(ms) * time.Millisecond)
	}
	if !p.havePrefix {
		p.havePrefix = true
		p.flush() // the text before the first prefixed line, held back so far
	}
	if ms >= 0 {
		p.lastMillis = ms
	}
	if !sep {
		p.runHasText = true
	}
	p.start(n, rest)
	if p.stopped {
		return false
	}
	p.cur.TimeQ = parsers.TimeElapsed
	if !p.anchor.IsZero() && ms >= 0 {
		// The run's header gave its local start time: the line's time is
		// that plus its elapsed seconds, local time with no zone.
		p.cur.Time = p.anchor.Add(time.Duration(ms) * time.Millisecond)
		p.cur.TimeQ = parsers.TimeNoZone
	}
	p.cur.Fields["elapsed"] = elapsed
	return true
}

// headerRe is the wall-clock line update.exe writes near the start of a
// run, in either of the forms seen: "2006/03/14 23:02:41.250 (local)" and
// "Started: 2010/04/14 (Y/M/D) 10:21:07,125 (local)". The milliseconds take
// the locale's decimal separator like the elapsed seconds do. A "(Y/M/D)"
// marker names the order of the date's numbers.
var headerRe = regexp.MustCompile(`^(?:Started:\s*)?((\d{1,4})[/.-](\d{1,4})[/.-](\d{1,4}))\s+(?:\(([YMD])[/.-]([YMD])[/.-]([YMD])\)\s+)?(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,3}))?\s+\(local\)\s*$`)

// nLocal finds the lines that may be a run header.
var nLocal = textio.NewNeedle("(local)")

// headerTime reads a run's wall-clock header line at line n. It returns
// ok=false for any other line, and warns about a line that has the shape
// of a header but whose date or time cannot be read. A date without an
// order marker is read year first when it starts with the year, and
// otherwise in the day/month order the file's headers show (see
// learnOrder; wintime.FileOrder warns when the order is assumed).
func (p *parse) headerTime(n int, text string) (time.Time, bool) {
	if !nLocal.In(text) {
		return time.Time{}, false
	}
	bad := func() (time.Time, bool) {
		p.warn(n, "run header %q: date or time not readable; the run's lines keep elapsed seconds only", text)
		return time.Time{}, false
	}
	m := headerRe.FindStringSubmatch(text)
	if m == nil {
		if strings.HasSuffix(strings.TrimSpace(text), "(local)") {
			return bad()
		}
		return time.Time{}, false
	}
	num := func(i int) int { v, _ := strconv.Atoi(m[i]); return v }
	var y, mo, d int
	switch order := m[5] + m[6] + m[7]; {
	case order != "":
		if strings.Count(order, "Y") != 1 || strings.Count(order, "M") != 1 {
			return bad()
		}
		for i, c := range order {
			switch c {
			case 'Y':
				if len(m[2+i]) != 4 {
					return bad()
				}
				y = num(2 + i)
			case 'M':
				mo = num(2 + i)
			case 'D':
				d = num(2 + i)
			}
		}
	case len(m[2]) == 4:
		y, mo, d = num(2), num(3), num(4)
	default:
		date := m[1]
		if !p.learnt {
			p.learnt = true
			p.learnOrder()
		}
		o, msg := p.dates.Read(wintime.DateEvidence(date), date, n)
		if msg != "" {
			p.warn(n, "%s", msg)
		}
		var ok bool
		if y, mo, d, ok = wintime.DateIn(date, o); !ok {
			return bad()
		}
	}
	ms := 0
	if f := m[11]; f != "" {
		ms = num(11)
		for k := len(f); k < 3; k++ {
			ms *= 10
		}
	}
	hh, mi, ss := num(8), num(9), num(10)
	t := time.Date(y, time.Month(mo), d, hh, mi, ss, ms*int(time.Millisecond), time.UTC)
	if t.Year() != y || t.Month() != time.Month(mo) || t.Day() != d || hh > 23 || mi > 59 || ss > 59 {
		return bad()
	}
	return t, true
}

// maxOrderLines is how many lines learnOrder reads at most. It is a
// variable so that tests can try the limit on small inputs.
var maxOrderLines = 200000

// learnOrder reads the file from its start, up to maxOrderLines lines and
// keeping nothing, for a run header whose year-last date tells whether the
// file writes the day or the month first. It runs once, and only when a
// header without an order marker is year-last, so logs with year-first
// headers (all known ones) are read once.
func (p *parse) learnOrder() {
	p.dates = wintime.FileOrder{Limit: maxOrderLines}
	lines := textio.NewLines(io.NewSectionReader(p.in.R, 0, p.in.Size))
	for lines.Next() {
		n := lines.Number()
		if n > maxOrderLines {
			p.dates.Cut = true
			return
		}
		if n&1023 == 0 && p.ctx.Err() != nil {
			return
		}
		text := lines.Text()
		if !nLocal.In(text) {
			continue
		}
		_, rest, ok := splitPrefix(text)
		if !ok {
			continue
		}
		m := headerRe.FindStringSubmatch(rest)
		if m == nil || m[5] != "" || len(m[2]) == 4 {
			continue
		}
		if ev := wintime.DateEvidence(m[1]); ev.Judged() && p.dates.Learn(ev, n) {
			return
		}
	}
}

// start flushes the record being built and begins a new one.
func (p *parse) start(n int, text string) {
	p.flush()
	if p.stopped {
		return
	}
	p.cur = &parsers.Record{
		Path:   p.in.Path,
		Format: parsers.FormatUpdateLog,
		Line:   n,
		Offset: -1,
		Fields: map[string]string{"run": strconv.Itoa(p.run)},
	}
	p.msg.Reset()
	p.blanks = 0
	p.cut = false
	p.append(n, text)
}

// continuation adds a line without the prefix to the record being built.
// Blank lines are held back so that a record never ends in empty lines.
func (p *parse) continuation(n int, text string) {
	if strings.TrimSpace(text) == "" {
		p.blanks++
		return
	}
	if p.msg.Len() > 0 || p.blanks > 0 {
		for i := 0; i <= p.blanks && p.msg.Len() > 0; i++ {
			if !p.room(n, 1) {
				return
			}
			p.msg.WriteByte('\n')
		}
	}
	p.blanks = 0
	p.append(n, text)
}

func (p *parse) append(n int, text string) {
	if !p.room(n, len(text)) {
		text = text[:maxMessage-p.msg.Len()]
		text = strings.ToValidUTF8(text, "")
	}
	p.msg.WriteString(text)
}

// room reports whether k more bytes fit in the current message; the first
// time they do not, it warns.
func (p *parse) room(n, k int) bool {
	if p.msg.Len()+k <= maxMessage {
		return true
	}
	if !p.cut {
		p.cut = true
		p.warn(n, "record starting at line %d longer than %d bytes: cut", p.cur.Line, maxMessage)
	}
	return false
}

// flush finishes the record being built and hands it to the sink.
func (p *parse) flush() {
	r := p.cur
	if r == nil || p.stopped || !p.havePrefix {
		// Until a prefixed line shows the input is an update.exe log, the
		// text before it stays in cur (one record, bounded by maxMessage).
		return
	}
	p.cur = nil
	r.Message = p.msg.String()
	classify(r)
	if p.sink.Record != nil && !p.sink.Record(r) {
		p.stopped = true
	}
}

// classify sets the level and the extracted fields of a finished record.
func classify(r *parsers.Record) {
	head := firstLine(r.Message)
	if code := ExtendedError(head); code != "" {
		r.Fields["extended_error"] = code
	}
	if path, ok := FileInUsePath(head); ok {
		r.Fields["file_in_use"] = path
		r.Level = parsers.LevelWarning
	}
	if IsFailure(head) {
		r.Level = parsers.LevelError
	}
}
