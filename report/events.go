package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// EventLine is one normalised record as `extriage events` writes it.
type EventLine struct {
	Path        string            `json:"path"`
	Format      parsers.Format    `json:"format"`
	Record      uint64            `json:"record,omitempty"`
	Line        int               `json:"line,omitempty"`
	Time        string            `json:"time,omitempty"`
	TimeQuality string            `json:"time_quality,omitempty"`
	Host        string            `json:"host,omitempty"`
	Provider    string            `json:"provider,omitempty"`
	EventID     *uint32           `json:"event_id,omitempty"`
	Qualifiers  uint16            `json:"qualifiers,omitempty"`
	Level       parsers.Level     `json:"level,omitempty"`
	Channel     string            `json:"channel,omitempty"`
	Data        []string          `json:"data,omitempty"`
	Message     string            `json:"message,omitempty"`
	Fields      map[string]string `json:"fields,omitempty"`
}

// NewEventLine converts a record to its output form: time in RFC 3339 UTC,
// the event ID only for event formats.
func NewEventLine(r *parsers.Record) EventLine {
	e := EventLine{Path: r.Path, Format: r.Format, Record: r.RecordID, Line: r.Line,
		Host: r.Host, Provider: r.Provider, Qualifiers: r.Qualifiers, Level: r.Level,
		Channel: r.Channel, Data: r.Data, Message: r.Message, Fields: r.Fields}
	if !r.Time.IsZero() {
		e.Time = r.Time.UTC().Format(time.RFC3339Nano)
	}
	if r.TimeQ != parsers.TimeExact {
		e.TimeQuality = string(r.TimeQ)
	}
	if r.Provider != "" || r.EventID != 0 {
		id := r.EventID
		e.EventID = &id
	}
	return e
}

// EventWriter writes records one at a time in a --format of `events`.
type EventWriter interface {
	Write(r *parsers.Record) error
	Close() error
}

// NewEventWriter returns a writer for format jsonl, csv or table. The
// table shows, as the scan's table does, the times of logs that gave no
// zone or no date on the clock the log kept, in zone (the zone given for
// such logs, --tz; nil for none, when they are marked in lang's words as
// local times); jsonl and csv give UTC and say so in time_quality.
func NewEventWriter(w io.Writer, format string, lang detectors.Lang, zone *time.Location) (EventWriter, error) {
	switch strings.ToLower(format) {
	case "jsonl", "json":
		return &jsonlEvents{enc: json.NewEncoder(w)}, nil
	case "csv":
		cw := csv.NewWriter(w)
		return &csvEvents{w: cw}, cw.Write(eventColumns)
	case "table", "text":
		tr, ok := translations[lang]
		if !ok {
			tr = translations[detectors.English]
		}
		return &textEvents{w: w, tr: tr, lang: lang, zone: zone}, nil
	}
	return nil, fmt.Errorf("unknown events format %q (want jsonl, csv or table)", format)
}

type jsonlEvents struct{ enc *json.Encoder }

func (j *jsonlEvents) Write(r *parsers.Record) error { return j.enc.Encode(NewEventLine(r)) }
func (j *jsonlEvents) Close() error                  { return nil }

var eventColumns = []string{"path", "format", "record", "line", "time", "time_quality", "host", "provider", "event_id", "level", "channel", "data", "message"}

type csvEvents struct{ w *csv.Writer }

func (c *csvEvents) Write(r *parsers.Record) error {
	e := NewEventLine(r)
	id := ""
	if e.EventID != nil {
		id = strconv.FormatUint(uint64(*e.EventID), 10)
	}
	rec, line := "", ""
	if e.Record > 0 {
		rec = strconv.FormatUint(e.Record, 10)
	}
	if e.Line > 0 {
		line = strconv.Itoa(e.Line)
	}
	// Every cell that comes from a log is defused, not only the message:
	// event data ("=HYPERLINK(...)" in an insertion string) and names are
	// as much the log writer's choice.
	return c.w.Write([]string{CSVSafe(e.Path), string(e.Format), rec, line, e.Time, e.TimeQuality, CSVSafe(e.Host),
		CSVSafe(e.Provider), id, string(e.Level), CSVSafe(e.Channel), CSVSafe(strings.Join(e.Data, " | ")), CSVSafe(e.Message)})
}

func (c *csvEvents) Close() error { c.w.Flush(); return c.w.Error() }

type textEvents struct {
	w    io.Writer
	tr   tableText
	lang detectors.Lang // of the level words
	zone *time.Location // --tz, nil for none
}

func (t *textEvents) Write(r *parsers.Record) error {
	ts := "-"
	if !r.Time.IsZero() {
		ts = strings.TrimPrefix(evidenceTime(detectors.Evidence{Time: r.Time, TimeQ: r.TimeQ}, t.tr, t.zone), " ")
	}
	_, err := fmt.Fprintf(t.w, "%s  %s  %s  %s\n", TerminalSafe(r.Location(), false), ts,
		TerminalSafe(r.Host, false), Shorten(TerminalSafe(eventText(r, t.lang), false), 200))
	return err
}

func (t *textEvents) Close() error { return nil }

// eventText renders a record in one line, its level named in language
// lang (the one word of the line that is extriage's, not the log's).
func eventText(r *parsers.Record, lang detectors.Lang) string {
	if r.Provider == "" && r.EventID == 0 {
		return r.Message
	}
	s := fmt.Sprintf("%s %d", r.Provider, r.EventID)
	if r.Level != "" {
		s += " " + detectors.LevelName(r.Level, lang)
	}
	if r.Message != "" {
		return s + ": " + r.Message
	}
	if len(r.Data) > 0 {
		return s + ": " + strings.Join(r.Data, " | ")
	}
	return s
}

// CSVSafe defuses a cell that a spreadsheet would run as a formula (one
// that starts with =, +, - or @) by prefixing a quote.
func CSVSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
