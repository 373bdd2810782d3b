package setuplog

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers/textio"

	"github.com/extriage/extriage/parsers"
)

// The phrases looked for, ignoring case, before the expressions run.
var (
	nCommandLineParameter      = textio.NewNeedle("command line parameter")
	nEndOfSetup                = textio.NewNeedle("end of setup")
	nErrorReference            = textio.NewNeedle("[error-reference]")
	nInstalledVersion          = textio.NewNeedle("installed version")
	nLoggedOnUser              = textio.NewNeedle("logged on user:")
	nSetupIsStoppingNow        = textio.NewNeedle("setup is stopping now")
	nSetupOperation            = textio.NewNeedle("setup operation")
	nSetupVersion              = textio.NewNeedle("setup version:")
	nStartingMicrosoftExchange = textio.NewNeedle("starting microsoft exchange")
)

// Outcome is how a setup run ended, as far as its log says.
type Outcome string

// The Outcome values.
const (
	// OutcomeUnknown: no verdict line and no error; the run was cut short,
	// is still running, or its generation writes no verdict.
	OutcomeUnknown Outcome = "unknown"
	// OutcomeSucceeded: "The Exchange Server setup operation completed
	// successfully." is in the run.
	OutcomeSucceeded Outcome = "succeeded"
	// OutcomeFailed: no success line, and an "[ERROR]" line, "The Exchange
	// Server setup operation didn't complete", "Setup is stopping now because
	// of one or more critical errors", or (5.5, 2000/2003) an error record
	// that no IGNORING marker suppressed.
	OutcomeFailed Outcome = "failed"
)

// MaxParams is how many command-line parameters a Run keeps.
const MaxParams = 64

// Run summarises one setup run of an Exchange setup log.
type Run struct {
	Index      int    // 1-based, the records' Fields["run"]
	Path       string // the log the run is in
	Generation string // Gen55, Gen2000 or Gen2007
	Records    int    // how many records the run has
	FirstLine  int    // the first line of the run
	LastLine   int    // the last line of the run that holds text
	// StartLine is the line that opened the run ("Starting Microsoft
	// Exchange Server 2016 Setup", "++++ Microsoft Exchange Setup initialized
	// ++++"); 0 for lines before the first such line.
	StartLine int
	// Start is the time of the start line, else of the run's first timed
	// record; StartQ says how far it can be trusted (none when Start is zero).
	Start  time.Time
	StartQ parsers.TimeQuality
	// Product is what the start line names: "Exchange Server 2016",
	// "Exchange 2007", "Exchange Server Subscription Edition".
	Product string

	Mode       string            // Command Line Parameter 'mode' ("Upgrade", "Install"), "" if not given
	Params     map[string]string // every command-line parameter, names in lower case (at most MaxParams)
	SetupBuild string            // "Setup version: 15.1.2106.2."
	// LocalBuild is the installed build: "The locally installed version is
	// X.", overridden by "The backup copy of the previously installed version
	// is 'X'." (the build before an upgrade started).
	LocalBuild string
	User       string // "Logged on user: DOMAIN\user."

	Outcome     Outcome
	OutcomeLine int // the line that decided the outcome, 0 for unknown
	EndLine     int // the "End of Setup" line, 0 if the run has none

	// FirstErrorLine and FirstError are the first "[ERROR]" line of the run
	// and its first line of text; for 5.5 and 2000/2003 logs, the first error
	// record not suppressed and its line naming the error code.
	FirstErrorLine int
	FirstError     string
	// ErrorReference is the Id of the run's last "[ERROR-REFERENCE] Id=...
	// Component=..." line ("DomainGlobalConfig___27a7..."), at
	// ErrorReferenceLine.
	ErrorReference     string
	ErrorReferenceLine int
	// LastErrorCode is the code of the run's last error record not
	// suppressed by an IGNORING marker ("0XC103798A"), at LastErrorCodeLine
	// (5.5, 2000/2003).
	LastErrorCode     string
	LastErrorCodeLine int

	installed, backup         string
	succeeded, didNotComplete int
	stopping                  int
}

var (
	productRe     = regexp.MustCompile(`(?i)Starting Microsoft (Exchange (?:Server (?:\d{4}|Subscription Edition)|2007)) Setup`)
	modeRe        = regexp.MustCompile(`(?i)Command Line Parameter Name='mode', Value='(.+)'\.`)
	paramRe       = regexp.MustCompile(`(?i)Command Line Parameter Name='([^']*)', Value='(.*)'\.`)
	setupBuildRe  = regexp.MustCompile(`(?i)Setup version: (.+)\.`)
	installedRe   = regexp.MustCompile(`(?i)The locally installed version is (.+)\.`)
	backupRe      = regexp.MustCompile(`(?i)The backup copy of the previously installed version is '(.+)'\.`)
	userRe        = regexp.MustCompile(`(?i)Logged on user: (.+)\.`)
	successRe     = regexp.MustCompile(`(?i)The Exchange Server setup operation completed successfully\.`)
	didntRe       = regexp.MustCompile(`(?i)The Exchange Server setup operation didn't complete`)
	stoppingRe    = regexp.MustCompile(`(?i)Setup is stopping now because of one or more critical errors`)
	errorRefRunRe = regexp.MustCompile(`(?i)\[ERROR-REFERENCE\] Id=(.+?) Component=`)
	endRe         = regexp.MustCompile(`(?i)^End of Setup\s*$`)
)

// Tracker builds the Run summaries of one setup log from its records, fed
// in file order with Add. The zero value is ready to use.
type Tracker struct {
	runs []Run
}

// Add takes the next record of the log. Records of other formats are
// ignored; a record without a valid Fields["run"] counts for the latest run.
func (t *Tracker) Add(r *parsers.Record) { t.AddSketched(r, nil) }

// AddSketched is Add for a caller that has already sketched the record:
// sk is the sketch of a text that holds the first line of r's message in
// any ASCII case (its Text, or that lower-cased), or nil.
func (t *Tracker) AddSketched(r *parsers.Record, sk *textio.Sketch) {
	if r == nil || r.Format != parsers.FormatSetupLog {
		return
	}
	idx, err := strconv.Atoi(r.Fields["run"])
	if err != nil || idx < 1 {
		idx = max(len(t.runs), 1)
	}
	for len(t.runs) < idx {
		t.runs = append(t.runs, Run{Index: len(t.runs) + 1, Path: r.Path, Generation: r.Fields["generation"], FirstLine: r.Line})
	}
	run := &t.runs[idx-1]
	run.Records++
	if run.Generation == "" {
		run.Generation = r.Fields["generation"]
	}
	if r.Line > 0 && (run.FirstLine == 0 || r.Line < run.FirstLine) {
		run.FirstLine = r.Line
	}
	if last := r.Line + strings.Count(r.Message, "\n"); last > run.LastLine {
		run.LastLine = last
	}
	text := firstLine(r.Message)
	// The sketch rules out at once most of the phrases looked for below,
	// which most lines hold none of.
	if sk == nil {
		sk = textio.SketchOf(text)
	}
	start := false
	if sk.MayHold(nStartingMicrosoftExchange) && nStartingMicrosoftExchange.In(text) {
		if m := productRe.FindStringSubmatch(text); m != nil && run.StartLine == 0 {
			start, run.Product = true, m[1]
		}
	} else if isLegacyRunStart(text, r.Fields["generation"]) {
		start = run.StartLine == 0
	}
	if start {
		run.StartLine = r.Line
		if !r.Time.IsZero() {
			run.Start, run.StartQ = r.Time, r.TimeQ
		}
	}
	if run.Start.IsZero() && !r.Time.IsZero() {
		run.Start, run.StartQ = r.Time, r.TimeQ
	}
	t.text(run, r, text, sk)
}

// text reads the run facts from the first line of a record's text; sk is
// its sketch.
func (t *Tracker) text(run *Run, r *parsers.Record, text string, sk *textio.Sketch) {
	has := func(n textio.Needle) bool { return sk.MayHold(n) && n.In(text) }
	if has(nCommandLineParameter) {
		if m := paramRe.FindStringSubmatch(text); m != nil {
			name := strings.ToLower(m[1])
			if _, ok := run.Params[name]; ok || len(run.Params) < MaxParams {
				if run.Params == nil {
					run.Params = map[string]string{}
				}
				run.Params[name] = m[2]
			}
			if m := modeRe.FindStringSubmatch(text); m != nil {
				run.Mode = m[1]
			}
		}
	}
	if has(nSetupVersion) {
		if m := setupBuildRe.FindStringSubmatch(text); m != nil {
			run.SetupBuild = strings.TrimSpace(m[1])
		}
	}
	if has(nInstalledVersion) {
		if m := installedRe.FindStringSubmatch(text); m != nil {
			run.installed = strings.TrimSpace(m[1])
		}
		if m := backupRe.FindStringSubmatch(text); m != nil {
			run.backup = strings.TrimSpace(m[1])
		}
	}
	if has(nLoggedOnUser) {
		if m := userRe.FindStringSubmatch(text); m != nil {
			run.User = strings.TrimSpace(m[1])
		}
	}
	if has(nSetupOperation) {
		if successRe.MatchString(text) {
			run.succeeded = r.Line
		}
		if didntRe.MatchString(text) && run.didNotComplete == 0 {
			run.didNotComplete = r.Line
		}
	}
	if has(nSetupIsStoppingNow) && stoppingRe.MatchString(text) && run.stopping == 0 {
		run.stopping = r.Line
	}
	if has(nEndOfSetup) && endRe.MatchString(text) {
		run.EndLine = r.Line
	}
	if has(nErrorReference) {
		if m := errorRefRunRe.FindStringSubmatch(text); m != nil {
			run.ErrorReference, run.ErrorReferenceLine = m[1], r.Line
		} else if id := r.Fields["error_reference"]; id != "" {
			run.ErrorReference, run.ErrorReferenceLine = id, r.Line
		}
	}
	isError := false
	switch run.Generation {
	case Gen2007:
		isError = hasTag(text, "[ERROR]")
	default:
		isError = r.Level == parsers.LevelError && r.Fields["ignored"] != "true"
		if isError && r.Fields["error_code"] != "" {
			run.LastErrorCode, run.LastErrorCodeLine = r.Fields["error_code"], r.Line
		}
	}
	if isError && run.FirstErrorLine == 0 {
		run.FirstErrorLine, run.FirstError = r.Line, text
		if run.Generation != Gen2007 {
			run.FirstError = errorLine(r.Message)
		}
	}
}

// errorLine returns the line of a 5.5 or 2000/2003 error record that holds
// the error code, trimmed, or else its first line.
func errorLine(msg string) string {
	for _, l := range strings.Split(msg, "\n") {
		if errorCodeRe.MatchString(l) || idNoRe.MatchString(l) {
			return strings.TrimSpace(l)
		}
	}
	return firstLine(msg)
}

// Runs returns the runs seen so far, in file order, with their outcomes.
func (t *Tracker) Runs() []Run {
	out := make([]Run, len(t.runs))
	for i, r := range t.runs {
		r.LocalBuild = r.installed
		if r.backup != "" {
			r.LocalBuild = r.backup
		}
		if r.Start.IsZero() {
			r.StartQ = parsers.TimeNone
		}
		r.Outcome, r.OutcomeLine = OutcomeUnknown, 0
		switch {
		case r.succeeded > 0:
			r.Outcome, r.OutcomeLine = OutcomeSucceeded, r.succeeded
		case r.didNotComplete > 0:
			r.Outcome, r.OutcomeLine = OutcomeFailed, r.didNotComplete
		case r.stopping > 0:
			r.Outcome, r.OutcomeLine = OutcomeFailed, r.stopping
		case r.FirstErrorLine > 0:
			r.Outcome, r.OutcomeLine = OutcomeFailed, r.FirstErrorLine
		}
		if r.Params != nil {
			p := make(map[string]string, len(r.Params))
			for k, v := range r.Params {
				p[k] = v
			}
			r.Params = p
		}
		out[i] = r
	}
	return out
}

// Summarise returns the runs of the records of one setup log.
func Summarise(records []*parsers.Record) []Run {
	var t Tracker
	for _, r := range records {
		t.Add(r)
	}
	return t.Runs()
}

// MinRunLines and FallbackWindow are the limits of Select.
const (
	MinRunLines    = 30
	FallbackWindow = 30 * 24 * time.Hour
)

// Select picks the run to analyse the way Microsoft's SetupLogReviewer does
// for 2007+ logs: the last run that has a start line, provided at least
// MinRunLines lines follow its start line; otherwise the run before it,
// when that one started less than FallbackWindow earlier (fellBack is then
// true). For 5.5 and 2000/2003 logs it is simply the last run. ok is false
// when there is no run, or a 2007+ log has no start line at all.
func Select(runs []Run) (run Run, fellBack, ok bool) {
	if len(runs) == 0 {
		return Run{}, false, false
	}
	last := runs[len(runs)-1]
	if last.Generation != Gen2007 {
		return last, false, true
	}
	var started []Run
	for _, r := range runs {
		if r.StartLine > 0 {
			started = append(started, r)
		}
	}
	if len(started) == 0 {
		return Run{}, false, false
	}
	last = started[len(started)-1]
	if last.LastLine-last.StartLine >= MinRunLines || len(started) == 1 {
		return last, false, true
	}
	prev := started[len(started)-2]
	if !last.Start.IsZero() && !prev.Start.IsZero() && last.Start.Sub(prev.Start) < FallbackWindow {
		return prev, true, true
	}
	return last, false, true
}
