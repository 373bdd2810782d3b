package updatelog

import (
	"regexp"
	"strconv"
	"time"

	"github.com/extriage/extriage/parsers/textio"

	"github.com/extriage/extriage/parsers"
)

// The phrases looked for, ignoring case, before the expressions run.
var (
	n3010              = textio.NewNeedle("3010")
	nDidNotComplete    = textio.NewNeedle("did not complete")
	nExtendedErrorCode = textio.NewNeedle("extended error code")
	nFail              = textio.NewNeedle("fail")
	nMaskedTo          = textio.NewNeedle("masked to")
	nRe                = textio.NewNeedle("re")
)

// FileInUse is one "FileInUse:: Added to Filelist: <path>" line: a file the
// package had to replace but found locked.
type FileInUse struct {
	Path string // the file named by the line
	Line int    // where the line is
}

// MaxFilesInUse is how many FileInUse entries a Run keeps; FilesInUseCount
// still counts them all.
const MaxFilesInUse = 256

// Run summarises one installer run of an update.exe log: where it is, how it
// ended, which files were in use.
type Run struct {
	Index     int    // 1-based, the record's Fields["run"]
	Path      string // the log the run is in
	FirstLine int    // the first line of the run
	LastLine  int    // the first line of the run's last record
	Elapsed   string // the elapsed seconds of the run's last stamped line ("1448.406")

	// ExtendedError is the code of the run's last "Update.exe extended error
	// code = 0x..." line as written ("0xf01e"; "0x0" on success), "" if the
	// run has none. ExtendedErrorLine is that line.
	ExtendedError     string
	ExtendedErrorLine int
	ExtendedErrorAt   Stamp
	// Masked is the code of "Update.exe return code was masked to 0x..."
	// ("0x643", i.e. 1603 for MSI callers), "" if the run has no such line.
	Masked string
	// DidNotComplete is set by "<package> installation did not complete.";
	// Package is the name that line gives ("KB979309").
	DidNotComplete bool
	Package        string
	// Failed is set when any line of the run says the install failed (see
	// IsFailure); FirstFailureLine and FirstFailure are the first such line
	// and its text.
	Failed           bool
	FirstFailureLine int
	FirstFailure     string
	FirstFailureAt   Stamp
	// FilesInUse lists the FileInUse lines (at most MaxFilesInUse of them);
	// FilesInUseCount counts all of them.
	FilesInUse      []FileInUse
	FilesInUseCount int
	// RebootRequired is set by a line that says a restart is required or
	// needed, or that names exit code 3010 (success, restart needed);
	// RebootLine is the first such line. DERIVED: no verbatim update.exe
	// line for it is known.
	RebootRequired bool
	RebootLine     int
	RebootAt       Stamp

	// End is the time of the run's last record (at LastLine) as the log
	// gives it: a run whose log has no dated "(local)" header has elapsed
	// seconds only, and End.Time is then zero.
	End Stamp
}

// Stamp is the time a log line gives, with how far it can be trusted: the
// record's Time and TimeQ. Time is zero for lines with elapsed seconds only.
type Stamp struct {
	Time time.Time
	Q    parsers.TimeQuality
}

func stampOf(r *parsers.Record) Stamp { return Stamp{Time: r.Time, Q: r.TimeQ} }

var (
	packageRe = regexp.MustCompile(`(?i)(\S+) installation did not complete\.`)
	rebootRe  = regexp.MustCompile(`(?i)\b(reboot|restart)\b.{0,40}\b(required|needed|pending)\b|\b(code|returning|returned|exit)\b\D{0,20}\b3010\b`)
)

// Tracker builds the Run summaries of one update.exe log from its records,
// fed in file order with Add. The zero value is ready to use.
type Tracker struct {
	runs []Run
}

// Add takes the next record of the log. Records of other formats are
// ignored. A record without a valid Fields["run"] counts for the latest run.
func (t *Tracker) Add(r *parsers.Record) {
	if r == nil || r.Format != parsers.FormatUpdateLog {
		return
	}
	idx, err := strconv.Atoi(r.Fields["run"])
	if err != nil || idx < 1 {
		idx = len(t.runs)
		if idx == 0 {
			idx = 1
		}
	}
	for len(t.runs) < idx {
		t.runs = append(t.runs, Run{Index: len(t.runs) + 1, Path: r.Path, FirstLine: r.Line})
	}
	run := &t.runs[idx-1]
	if run.FirstLine == 0 || (r.Line > 0 && r.Line < run.FirstLine) {
		run.FirstLine = r.Line
	}
	if r.Line >= run.LastLine {
		run.LastLine, run.End = r.Line, stampOf(r)
	}
	if e := r.Fields["elapsed"]; e != "" {
		run.Elapsed = e
	}
	text := firstLine(r.Message)
	if code := ExtendedError(text); code != "" {
		run.ExtendedError, run.ExtendedErrorLine, run.ExtendedErrorAt = code, r.Line, stampOf(r)
	}
	if nMaskedTo.In(text) {
		if m := maskedRe.FindStringSubmatch(text); m != nil {
			run.Masked = m[1]
		}
	}
	if nDidNotComplete.In(text) {
		if m := packageRe.FindStringSubmatch(text); m != nil {
			run.DidNotComplete = true
			run.Package = m[1]
		}
	}
	if IsFailure(text) && !run.Failed {
		run.Failed, run.FirstFailureLine, run.FirstFailure, run.FirstFailureAt = true, r.Line, text, stampOf(r)
	}
	if path, ok := FileInUsePath(text); ok {
		run.FilesInUseCount++
		if len(run.FilesInUse) < MaxFilesInUse {
			run.FilesInUse = append(run.FilesInUse, FileInUse{Path: path, Line: r.Line})
		}
	}
	if !run.RebootRequired && (nRe.In(text) || n3010.In(text)) && rebootRe.MatchString(text) {
		run.RebootRequired, run.RebootLine, run.RebootAt = true, r.Line, stampOf(r)
	}
}

// Runs returns the runs seen so far, in file order.
func (t *Tracker) Runs() []Run {
	return append([]Run(nil), t.runs...)
}

// Summarise returns the runs of the records of one update.exe log.
func Summarise(records []*parsers.Record) []Run {
	var t Tracker
	for _, r := range records {
		t.Add(r)
	}
	return t.Runs()
}
