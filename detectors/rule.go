package detectors

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
)

// Meta is what every rule says about itself: the part of a rule that the
// catalog lists and the report prints.
type Meta struct {
	ID       string           `yaml:"id" json:"id"`
	Title    Text             `yaml:"title" json:"title"`
	Severity Severity         `yaml:"severity" json:"severity"`
	KB       []string         `yaml:"kb" json:"kb"`
	Formats  []parsers.Format `yaml:"formats" json:"formats,omitempty"` // the record kinds it reads; none for bundle rules
	Remedy   Text             `yaml:"remedy" json:"remedy"`             // may hold {name} placeholders for captured values
	Doc      Text             `yaml:"doc" json:"doc"`                   // what the rule looks for and why, for `extriage rules ID`
}

// Reads reports whether the rule reads records of format f.
func (m *Meta) Reads(f parsers.Format) bool {
	for _, g := range m.Formats {
		if g == f {
			return true
		}
	}
	return false
}

var ruleID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks that the metadata is complete: a kebab-case ID, a title
// and a remedy in every language, at least one KB article.
func (m *Meta) Validate() error {
	var probs []string
	if !ruleID.MatchString(m.ID) {
		probs = append(probs, fmt.Sprintf("id %q is not kebab-case", m.ID))
	}
	if m.Severity < Info || m.Severity > Critical {
		probs = append(probs, "severity out of range")
	}
	for _, l := range Langs {
		if strings.TrimSpace(textIn(m.Title, l)) == "" {
			probs = append(probs, "title has no "+string(l)+" text")
		}
		if strings.TrimSpace(textIn(m.Remedy, l)) == "" {
			probs = append(probs, "remedy has no "+string(l)+" text")
		}
	}
	if len(m.KB) == 0 {
		probs = append(probs, "no KB article")
	}
	for _, kb := range m.KB {
		if !kbRef.MatchString(kb) {
			probs = append(probs, fmt.Sprintf("KB reference %q is not a KB or Q number", kb))
		}
	}
	if len(probs) > 0 {
		return fmt.Errorf("rule %s: %s", m.ID, strings.Join(probs, "; "))
	}
	return nil
}

var kbRef = regexp.MustCompile(`^(Q?\d{5,7})$`)

func textIn(t Text, l Lang) string {
	if l == Polish {
		return t.PL
	}
	return t.EN
}

// KBURL returns the address of a KB article, for links in reports.
func KBURL(kb string) string {
	return "https://support.microsoft.com/kb/" + strings.TrimPrefix(kb, "Q")
}

// Rule is one detector of the catalog. A rule is also a FileRule or a
// BundleRule (or both); the engine decides how and when to run it.
type Rule interface {
	Meta() *Meta
}

// FileInfo describes the file a FileRule is about to read.
type FileInfo struct {
	Path     string
	Format   parsers.Format
	HostHint string // the host the file belongs to when its records do not say
	// View is the shared per-record cache the engine refreshes before each
	// record; checkers may use it to avoid recomputing the record's text.
	View *RecordView
	// Context is the file's shared state (setup runs); valid in Finish.
	Context *FileContext
}

// FileRule reads the records of one file, in order.
type FileRule interface {
	Rule
	// NewChecker returns the state for reading one file, or nil when the
	// rule has nothing to look for in a file of that kind.
	NewChecker(f FileInfo) Checker
}

// Checker follows one file's records for one rule.
type Checker interface {
	// Record is called for every record of the file, in order. A checker
	// may keep the record (parsers allocate each one afresh) but must not
	// change it: every checker of the file sees the same record.
	Record(r *parsers.Record)
	// Finish is called once after the last record and returns what the rule
	// found in the file.
	Finish() []Hit
}

// BundleRule looks at a whole bundle at once: its hosts, the facts and
// findings of every file.
type BundleRule interface {
	Rule
	CheckBundle(b *Bundle) []Hit
}

// HitFilter is a file rule whose hits may be undone by what other files of
// the bundle say (a restart request followed by a restart). Once every file
// of the bundle is read, KeepHit is asked about each of the rule's hits;
// the hits it refuses are dropped.
type HitFilter interface {
	Rule
	KeepHit(b *Bundle, h Hit) bool
}

// Hit is what a rule found, before the engine dresses it as a Finding.
type Hit struct {
	Host     string            // the server it concerns ("" = the file's host)
	Evidence []Evidence        // the records that prove it, in order
	Values   map[string]string // captured values, for the remedy's placeholders
	// Severity overrides the rule's severity when not nil (a FileInUse in a
	// run that still succeeded is a warning, not an error).
	Severity *Severity
	// Key groups hits into one finding: hits of the same rule, host and key
	// merge (their evidence is appended). Empty means one finding per rule
	// and host.
	Key string
	// Count is how many matching records the hit stands for; 0 means
	// len(Evidence).
	Count int
}

// Evidence is one cited record: where it is and what it says.
type Evidence struct {
	Path   string    `json:"path"`
	Line   int       `json:"line,omitempty"`
	Record uint64    `json:"record,omitempty"`
	Time   time.Time `json:"-"`
	// TimeQ says how far Time can be trusted (see parsers.TimeQuality).
	TimeQ parsers.TimeQuality `json:"-"`
	Text  string              `json:"text"`
	// Match is the part of Text the rule matched, when it matched text;
	// reports mark it.
	Match string `json:"-"`
	// Offset is the record's byte offset in its file (event logs), for
	// the formats that locate binary records (SARIF); 0 when unknown.
	Offset int64 `json:"-"`
	// Level is the normalised level of the event record Text cites, and
	// LevelAt the byte offset in Text of the " (level)" that RecordText
	// put after the event ID: the one word of Text that is extriage's own
	// and not the log's, which TextIn translates. Level is empty when Text
	// has no such word.
	Level   parsers.Level `json:"-"`
	LevelAt int           `json:"-"`
	// TextPL is Text in Polish when Text is extriage's own description of
	// what it cites (a setup run and its outcome, a file's modification
	// time) rather than a line of the log; empty otherwise.
	TextPL string `json:"-"`
}

// runOutcomePL names a setup run's outcome in Polish (of "przebieg",
// masculine).
func runOutcomePL(o string) string {
	switch o {
	case "succeeded":
		return "zakończony powodzeniem"
	case "failed":
		return "nieudany"
	case "unknown":
		return "wynik nieznany"
	}
	return o
}

// setupRunText describes setup run n and its outcome, in English and
// Polish, for evidence that cites the run rather than one of its lines.
func setupRunText(n int, outcome string) (en, pl string) {
	return "setup run " + strconv.Itoa(n) + ": " + outcome,
		"przebieg instalatora nr " + strconv.Itoa(n) + ": " + runOutcomePL(outcome)
}

// levelWords are the Polish names of the event levels, the words a Polish
// Event Viewer shows, lower-cased as they stand inside the parentheses of
// an evidence line.
var levelWords = map[parsers.Level]string{
	parsers.LevelCritical:     "krytyczny",
	parsers.LevelError:        "błąd",
	parsers.LevelWarning:      "ostrzeżenie",
	parsers.LevelInformation:  "informacja",
	parsers.LevelVerbose:      "szczegółowe",
	parsers.LevelAuditSuccess: "inspekcja sukcesów",
	parsers.LevelAuditFailure: "inspekcja niepowodzeń",
}

// LevelName returns the name of an event level in language l: the
// normalised word itself in English ("error"), the Event Viewer word in
// Polish ("błąd"). A level it does not know is returned as it is.
func LevelName(lv parsers.Level, l Lang) string {
	if l == Polish {
		if w, ok := levelWords[lv]; ok {
			return w
		}
	}
	return string(lv)
}

// TextIn returns Text for a reader of language l: TextPL when extriage
// wrote the whole text; otherwise the event level that extriage wrote after
// the event ID ("MSExchangeCluster 1025 (error): ...") is named in l and
// the rest, the log's own words, stays as it is. Text itself, the form
// JSON carries, keeps the English and the normalised level.
func (e Evidence) TextIn(l Lang) string {
	if l != Polish {
		return e.Text
	}
	if e.TextPL != "" {
		return e.TextPL
	}
	if e.Level == "" {
		return e.Text
	}
	w := " (" + string(e.Level) + ")"
	if e.LevelAt < 0 || e.LevelAt > len(e.Text) || !strings.HasPrefix(e.Text[e.LevelAt:], w) {
		return e.Text
	}
	return e.Text[:e.LevelAt] + " (" + LevelName(e.Level, l) + ")" + e.Text[e.LevelAt+len(w):]
}

// EvidenceOf cites a record: its location, time and text. Event records are
// cited as "Provider EventID (level): message | data".
func EvidenceOf(r *parsers.Record) Evidence {
	e := Evidence{Path: r.Path, Line: r.Line, Record: r.RecordID, Time: r.Time, TimeQ: r.TimeQ, Text: RecordText(r)}
	if r.Level != "" && (r.Provider != "" || r.EventID != 0) {
		// RecordText wrote "Provider ID (level)": the level follows the ID.
		e.Level = r.Level
		e.LevelAt = len(r.Provider) + len(" ") + len(strconv.FormatUint(uint64(r.EventID), 10))
	}
	if r.RecordID > 0 && r.Offset > 0 {
		e.Offset = r.Offset
	}
	return e
}

// RecordText renders a record in one line of text for evidence and listings.
func RecordText(r *parsers.Record) string {
	if r.Provider == "" && r.EventID == 0 {
		return r.Message
	}
	var b strings.Builder
	b.WriteString(r.Provider)
	fmt.Fprintf(&b, " %d", r.EventID)
	if r.Level != "" {
		fmt.Fprintf(&b, " (%s)", r.Level)
	}
	if r.Message != "" {
		b.WriteString(": ")
		b.WriteString(r.Message)
	} else if len(r.Data) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(r.Data, " | "))
	}
	return b.String()
}

// Location cites the evidence as "path:line" or "path#record".
func (e Evidence) Location() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d", e.Path, e.Line)
	case e.Record > 0:
		return fmt.Sprintf("%s#%d", e.Path, e.Record)
	}
	return e.Path
}

// Finding is one reported problem: a rule that fired on a host, the evidence
// and what to do.
type Finding struct {
	Rule     string            `json:"rule"`
	Title    string            `json:"title"`
	Severity Severity          `json:"severity"`
	KB       []string          `json:"kb"`
	Host     string            `json:"host"`
	Bundle   string            `json:"bundle,omitempty"`
	Count    int               `json:"count"` // matching records; Evidence holds at most MaxEvidence of them
	Evidence []Evidence        `json:"evidence"`
	Remedy   string            `json:"remedy"`
	Values   map[string]string `json:"values,omitempty"`
	// Shown holds the values that the rule gave in the finding's language
	// as well (an outcome in its own words, "rozszerzony kod błędu 0xf201"
	// for "extended error 0xf201"), keyed as in Values: what a report shows
	// a reader of that language. Values keeps the English, machine-stable
	// form for JSON. Nil when no value has such a translation.
	Shown map[string]string `json:"-"`
}

// ValuesIn returns the finding's values as a reader of its language sees
// them: Values with the translations of Shown in place.
func (f *Finding) ValuesIn() map[string]string {
	if len(f.Shown) == 0 {
		return f.Values
	}
	out := make(map[string]string, len(f.Values))
	for k, v := range f.Values {
		out[k] = v
		if s, ok := f.Shown[k]; ok {
			out[k] = s
		}
	}
	return out
}

// MaxEvidence is the most evidence items a finding keeps; Count tells how
// many records matched in all.
const MaxEvidence = 20
