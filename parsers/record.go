// Package parsers holds the normalised Record model that every log parser
// produces, the Parser interface they implement, and format sniffing by
// content.
//
// Each sub-package reads one format (evtx, evt, setuplog, updatelog, msilog,
// evexport) and streams Records one at a time: no parser holds a whole file in
// memory.
package parsers

import (
	"fmt"
	"time"
)

// Format names one log format that extriage reads. The values are stable:
// they appear in JSON output and in rule files.
type Format string

// The formats extriage recognises.
const (
	FormatEVTX      Format = "evtx"      // Windows Vista+ binary event log
	FormatEVT       Format = "evt"       // Windows NT/2000/2003 legacy event log
	FormatEvExport  Format = "evexport"  // Event Viewer text or CSV export
	FormatSetupLog  Format = "setuplog"  // Exchange setup logs, all generations
	FormatUpdateLog Format = "updatelog" // Windows Package Installer (update.exe) logs
	FormatMSILog    Format = "msilog"    // Windows Installer verbose logs
	FormatExServer  Format = "exserver"  // Get-ExchangeServer output (Format-List or Export-Csv)
	FormatUnknown   Format = ""          // not recognised
)

// TimeQuality says how far a Record's Time can be trusted.
type TimeQuality string

// The TimeQuality values. An empty value means the time is exact and in UTC.
const (
	TimeExact   TimeQuality = ""        // an absolute instant (binary logs, stamped text with a zone)
	TimeNoZone  TimeQuality = "no-zone" // a local wall-clock time read as UTC (or as --tz)
	TimeNoDate  TimeQuality = "no-date" // a time of day only; the date was taken from context
	TimeElapsed TimeQuality = "elapsed" // seconds since a process started; Time is zero
	TimeNone    TimeQuality = "none"    // the line carries no time at all
)

// Level is the normalised severity of an event or log line.
type Level string

// The Level values, in the words Event Viewer uses.
const (
	LevelNone         Level = ""
	LevelCritical     Level = "critical"
	LevelError        Level = "error"
	LevelWarning      Level = "warning"
	LevelInformation  Level = "information"
	LevelVerbose      Level = "verbose"
	LevelAuditSuccess Level = "audit_success"
	LevelAuditFailure Level = "audit_failure"
)

// Record is one normalised log record: an event from an event log, or one
// logical line (with its continuation lines) from a text log.
//
// Event formats fill RecordID, Provider, EventID and Data; text formats fill
// Line and Message. Fields a format does not have stay at their zero value.
type Record struct {
	Path     string      // the input as the user names it (archive members as "a.zip!dir/f.log")
	Format   Format      // the format that produced the record
	RecordID uint64      // event record number (event formats)
	Line     int         // 1-based line number of the first line (text formats)
	Offset   int64       // byte offset of the record in the file, -1 if unknown
	Time     time.Time   // when it happened, UTC; zero when unknown
	TimeQ    TimeQuality // how far Time can be trusted
	Host     string      // the computer that wrote it, where the record says
	Provider string      // event source / provider name
	EventID  uint32      // the event ID as Event Viewer shows it (low 16 bits for classic sources)
	// Qualifiers is the high 16 bits of a classic event ID (the EVTX
	// Qualifiers attribute, or EventID>>16 in .evt files).
	Qualifiers uint16
	Level      Level    // normalised level
	Channel    string   // log name: Application, System, ...
	Data       []string // EventData / insertion strings, in order
	Message    string   // the text of a text-log record, or an event's description where the format has one
	// Fields carries format-specific values (a setup log's nesting level, an
	// update log's elapsed seconds, an MSI log's process side ...).
	Fields map[string]string
}

// Location returns "path:line" or "path#record", the way evidence is cited.
func (r *Record) Location() string {
	switch {
	case r.Line > 0:
		return fmt.Sprintf("%s:%d", r.Path, r.Line)
	case r.RecordID > 0:
		return fmt.Sprintf("%s#%d", r.Path, r.RecordID)
	default:
		return r.Path
	}
}

// Text returns the searchable text of the record: the message for text logs,
// or the message and data values of an event.
func (r *Record) Text() string {
	if len(r.Data) == 0 {
		return r.Message
	}
	n := len(r.Message)
	for _, d := range r.Data {
		n += len(d) + 1
	}
	b := make([]byte, 0, n)
	b = append(b, r.Message...)
	for _, d := range r.Data {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, d...)
	}
	return string(b)
}
