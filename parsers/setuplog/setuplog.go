// Package setuplog reads the logs Exchange Setup writes, in all three
// generations, each recognised by its content:
//
//   - Exchange 5.5 (and 4.0/5.0), "Exchange Server Setup.log": appended run
//     after run, each run opening with "++++ Microsoft Exchange Setup
//     initialized ++++"; a single-byte code page. Generation "5.5".
//   - Exchange 2000/2003, "Exchange Server Setup Progress.log": lines
//     stamped "[HH:MM:SS]" with no date, "Entering Class::Method" scopes,
//     two-line error frames ("[ts]  Class::Method (path:line)" then an
//     unstamped "Error code 0X<hex> (<dec>): <text>") and "=== IGNORING
//     PREVIOUS ERRORS ===" blocks. Generation "2000".
//   - Exchange 2007 to SE, ExchangeSetup.log: "[M/d/yyyy h:mm:ss tt] [n] text"
//     (2007) or "[MM/dd/yyyy HH:mm:ss.ffff] [n] text" (2010 and later),
//     the date as the server's culture writes it: '/', '.' or '-' between
//     its numbers, the year first ("2007-08-03") or last; with the year
//     last, month first when the stamp has a fraction of a second (the
//     fixed MM/dd/yyyy pattern) or the separator is '/', else day first
//     ("03.08.2007 16:46:12"), and either way a first number above 12 is
//     the day. Generation "2007".
//
// A 2007 stamp (no fraction) with the year last and '/' or '-' is the
// culture's short date, M/d/yyyy or dd/MM/yyyy alike: its order is decided
// per file. Parse first reads ahead (up to 200000 lines, keeping nothing)
// for such a stamp whose first or second number is above 12, and reads all
// the file's culture stamps in that order. In a file where none tells,
// '/' dates are read month first and '-' dates day first, with a warning at
// the first stamp that could be read both ways; a telling stamp met after
// the look-ahead switches the order from there on, with a warning that the
// stamps before it were read in the assumed order (see wintime.FileOrder).
//
// A line without a stamp continues the record before it (joined with "\n"),
// except in 5.5 logs, whose lines carry no stamp: there every line is a
// record. Offset is always -1.
//
// Fields every record has: "generation" ("5.5", "2000" or "2007") and "run",
// the 1-based index of the setup run the record belongs to. A run starts at
// "Starting Microsoft Exchange Server <year|Subscription Edition> Setup" or
// "Starting Microsoft Exchange 2007 Setup" (2007+; the asterisk banner line
// just before it goes with the new run), at "++++ Microsoft Exchange Setup
// initialized ++++" (5.5, and 2000 logs too), or, in 2000 logs, at an
// asterisk banner naming the beginning or start of Setup (DERIVED: no
// verified sample shows how a 2000/2003 run opens). A start line opens a new
// run unless the current run has no record yet; lines before the first start
// line are run 1.
//
// 2007+ records: Time is the stamp read as UTC with TimeQ no-zone;
// Fields["depth"] is the bracketed number after the stamp; "[ERROR]",
// "[ERROR-REFERENCE]" and "[REQUIRED]" lines have Level error, "[WARNING]"
// and "[RECOMENDED]" (the product's spelling) Level warning;
// Fields["error_reference"] holds the Id of an "[ERROR-REFERENCE] Id=..." line.
//
// 2000/2003 records: Time is the time of day on a date anchored to the
// input's ModTime (TimeQ no-date): the last stamped line falls on ModTime's
// calendar date (as ModTime's location gives it), or on the day before when
// its time of day is more than twelve hours later than ModTime's (the log
// passed midnight before the file was last written; a smaller difference is
// a zone mismatch and draws a warning), and each time the clock goes
// backwards by more than an hour a day is counted, so earlier lines get
// earlier dates. Without a ModTime the first line falls on 0001-01-02 (a
// year-1 date that tells the date is unknown; not 0001-01-01, whose midnight
// is the zero Time that means "no time").
// Fields: "depth" (the indentation after the stamp, a tab or space each,
// beyond the one separator), "scope" (the Class::Method of the latest
// "Entering" line not closed by a "Leaving" line), "error_code" ("0XC103798A")
// on a record holding an "Error code 0X..." line, "message_id" ("31136") for
// a " -- ID:31136 --" suffix, and "ignored"="true" on error records that an
// "=== IGNORING PREVIOUS ERRORS ===" marker suppresses. Such a marker
// suppresses the error records since the latest "Entering" line; to know
// that while streaming, records from the first error of a frame on are held
// back until the frame ends (at most 512 records or 8 MiB of text; past
// that they are released with their errors standing). Error records
// not suppressed have Level error.
//
// 5.5 records: Fields["error_code"] and Level error on lines naming a setup
// error ID ("ID no: c1030b3a"); lines stamped like 2000 logs get their times
// the same way, others TimeQ none.
//
// Tracker summarises the runs for the rules: mode, builds, user, outcome,
// first error.
package setuplog

import (
	"context"
	"io"
	"regexp"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

// The generation names used in Fields["generation"].
const (
	Gen55   = "5.5"  // Exchange 4.0/5.0/5.5 "Exchange Server Setup.log"
	Gen2000 = "2000" // Exchange 2000/2003 "Exchange Server Setup Progress.log"
	Gen2007 = "2007" // Exchange 2007 and later ExchangeSetup.log
)

// Parser reads Exchange setup logs. Its zero value is ready to use.
type Parser struct{}

func init() { parsers.Register(Parser{}) }

// Format returns parsers.FormatSetupLog.
func (Parser) Format() parsers.Format { return parsers.FormatSetupLog }

var (
	// modernRe matches the stamp of a 2007+ line: date, time, optional
	// fraction, optional AM/PM, then the bracketed depth. The date is three
	// numbers separated by '/', '.' or '-': setup writes it in the server's
	// culture (2007: its short date, "8/3/2007", "2007-08-03", "03.08.2007";
	// later versions: MM/dd/yyyy with the culture's date separator,
	// "03.13.2021"). modernTime tells which number is which.
	modernRe = regexp.MustCompile(`^\[(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4}) (\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?: ?([AaPp][Mm]))?\] \[(\d{1,6})\] ?`)
	// modernLooseRe matches what looks like a 2007+ stamp whose date could
	// not be read.
	modernLooseRe = regexp.MustCompile(`^\[[^\]]{6,40}\] \[(\d{1,6})\] ?`)
	// legacyRe matches the time-only stamp of 2000/2003 lines and the
	// whitespace after it.
	legacyRe = regexp.MustCompile(`^\[(\d{1,2}):(\d{2}):(\d{2})\]([ \t]*)`)
	init55Re = regexp.MustCompile(`(?i)\+\+\+\+ Microsoft Exchange Setup initialized \+\+\+\+`)
	// init55LineRe is init55Re as a whole line, possibly stamped: the form
	// sniffing trusts (a document may quote the marker inside other text).
	init55LineRe = regexp.MustCompile(`(?im)^[ \t]*(\[\d{1,2}:\d{2}:\d{2}\][ \t]*)?\+\+\+\+ Microsoft Exchange Setup initialized \+\+\+\+[ \t]*$`)
	// markers2000 are tokens only 2000/2003 progress logs are known to hold.
	markers2000 = []string{"Entering ", "Error code 0X", "=== IGNORING PREVIOUS ERRORS ===", "Starting interpreter on file", " -- ID:", "::Sc"}
	// markers55 are tokens of 5.5-era setup logs (Q202258).
	markers55 = []string{"Interpreting line <", "Bound to local DSA", "Bound to appropriate DSA"}
)

// headLines splits decoded head text into lines, dropping a last line that
// may be cut short.
func headLines(text string, cut bool) []string {
	lines := strings.Split(text, "\n")
	if cut && len(lines) > 1 {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return lines
}

// classify says which generation of setup log some leading lines are, and
// how sure that is (a Sniff score); gen is "" when none fits.
func classify(lines []string) (gen string, score int) {
	var nonEmpty, modern, legacy int
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		nonEmpty++
		switch {
		case isModernStamp(l):
			modern++
		case legacyRe.MatchString(l):
			legacy++
		}
	}
	text := strings.Join(lines, "\n")
	// sparse: stamped lines are under a fifth of the text, as in a document
	// that quotes a few log lines; such a head never scores a match.
	sparse := func(stamped int) bool { return stamped*5 < nonEmpty }
	switch {
	case modern > 0 && modern >= legacy:
		score = 60
		if modern >= 2 {
			score = 85
		}
		if strings.Contains(text, "Microsoft Exchange") || strings.Contains(text, "ExchangeSetup") {
			score += 10
		}
		if sparse(modern) {
			score = min(score, 40)
		}
		return Gen2007, score
	case init55LineRe.MatchString(text):
		return Gen55, 95
	case legacy > 0:
		markers := 0
		for _, m := range markers2000 {
			if strings.Contains(text, m) {
				markers++
			}
		}
		switch {
		case sparse(legacy):
			return Gen2000, 30
		case markers > 0 && legacy >= 2:
			return Gen2000, 85 + min(markers, 3)*3
		case markers > 0:
			return Gen2000, 65
		case legacy >= 5 && legacy*10 >= nonEmpty*6:
			return Gen2000, 55
		default:
			return Gen2000, 30
		}
	}
	for _, m := range markers55 {
		if strings.Contains(text, m) {
			return Gen55, 60
		}
	}
	return "", 0
}

// Sniff scores the decoded head of a file by each generation's markers.
func (Parser) Sniff(head []byte) int {
	_, score := classify(headLines(textio.DecodeHead(head), len(head) >= parsers.SniffSize))
	return score
}

// detectLines is how many leading lines Parse reads to tell the generation.
const detectLines = 400

// generation reads the first lines of in and classifies them.
func generation(in parsers.Input) (string, error) {
	lines := textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))
	var head []string
	for len(head) < detectLines && lines.Next() {
		t := lines.Text()
		if len(t) > 4096 {
			t = t[:4096]
		}
		head = append(head, t)
	}
	if err := lines.Err(); err != nil && len(head) == 0 {
		return "", err
	}
	gen, _ := classify(head)
	return gen, nil
}

// Parse streams the records of an Exchange setup log to sink.
func (Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	if in.R == nil {
		return parsers.Fail(parsers.FormatSetupLog, in.Path, "no data")
	}
	gen, err := generation(in)
	if err != nil {
		return parsers.Fail(parsers.FormatSetupLog, in.Path, "%w", err)
	}
	o := &out{in: in, sink: sink}
	switch gen {
	case Gen2007:
		err = parseModern(ctx, o)
	case Gen2000, Gen55:
		err = parseLegacy(ctx, o, gen)
	default:
		return parsers.Fail(parsers.FormatSetupLog, in.Path, "no Exchange setup log lines in the first %d lines", detectLines)
	}
	if err != nil && o.emitted == 0 && ctx.Err() == nil {
		return parsers.Fail(parsers.FormatSetupLog, in.Path, "%w", err)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		o.warn(0, "read error: %v", err)
	}
	return nil
}

// lineSource wraps textio.Lines with the checks every pass makes: context
// cancellation and over-long lines.
type lineSource struct {
	*textio.Lines
	ctx  context.Context
	o    *out // nil: do not warn
	err  error
	done bool
}

func newLineSource(ctx context.Context, in parsers.Input, o *out) *lineSource {
	return &lineSource{Lines: textio.NewLines(io.NewSectionReader(in.R, 0, in.Size)), ctx: ctx, o: o}
}

// next advances to the next line; false at the end, on a read error or on
// cancellation (see fail).
func (s *lineSource) next() bool {
	if s.done || !s.Lines.Next() {
		s.done = true
		return false
	}
	if s.Number()&1023 == 0 {
		if err := s.ctx.Err(); err != nil {
			s.err, s.done = err, true
			return false
		}
	}
	if s.Truncated() && s.o != nil {
		s.o.warn(s.Number(), "line longer than %d bytes: cut", textio.MaxLine)
	}
	return true
}

// fail returns why next stopped early, or nil at a clean end.
func (s *lineSource) fail() error {
	if s.err != nil {
		return s.err
	}
	return s.Lines.Err()
}
