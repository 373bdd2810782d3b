package detectors

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

// RuleFile is the schema of a rule file (the embedded catalog and the files
// given with --rules). docs/rules.md documents it.
type RuleFile struct {
	Rules []DataRuleSpec `yaml:"rules"`
}

// DataRuleSpec is one rule written as data: metadata plus a match on single
// records.
type DataRuleSpec struct {
	Meta    `yaml:",inline"`
	Match   MatchSpec         `yaml:"match"`
	Capture map[string]string `yaml:"capture"` // value name -> "data[N]", "field:NAME", "provider", "event_id" or "host"
	// Scope limits which records count: "" every record; "verdict-run" only
	// the records of the setup run that decides a setup log's verdict (the
	// last run; earlier runs are history).
	Scope string `yaml:"scope"`
}

// MatchSpec says which records a data rule fires on. Every condition given
// must hold; lists match when any of their items does. Text matching is
// case-insensitive unless the pattern says otherwise.
type MatchSpec struct {
	Provider []string          `yaml:"provider"`    // event source, compared without case
	EventID  []uint32          `yaml:"event_id"`    // event IDs as Event Viewer shows them
	Level    []parsers.Level   `yaml:"level"`       // normalised levels
	Keywords []string          `yaml:"keywords"`    // at least one must occur in the text (cheap pre-filter)
	Pattern  []string          `yaml:"pattern"`     // regular expressions on the text; named groups become values
	Not      []string          `yaml:"not_pattern"` // the record must match none of these
	Fields   map[string]string `yaml:"fields"`      // Fields[name] must match the regex
	NotField map[string]string `yaml:"not_fields"`  // Fields[name] must not match the regex
}

// DataRule is a compiled DataRuleSpec. It is a FileRule whose checker looks
// at each record on its own.
type DataRule struct {
	meta      Meta
	providers []string
	ids       map[uint32]bool
	levels    map[parsers.Level]bool
	keywords  []string  // lower case
	needles   []keyword // the same, prepared for searching
	patterns  []*regexp.Regexp
	nots      []*regexp.Regexp
	fields    map[string]*regexp.Regexp
	notFields map[string]*regexp.Regexp
	capture   map[string]capturer
	source    string // file:line of the rule's definition
	verdict   bool   // scope: verdict-run
}

// Meta returns the rule's metadata.
func (d *DataRule) Meta() *Meta { return &d.meta }

// Source returns where the rule was defined ("file:line").
func (d *DataRule) Source() string { return d.source }

type capturer func(r *parsers.Record) string

var dataRef = regexp.MustCompile(`^data\[(\d+)\]$`)

func compileCapture(spec string) (capturer, error) {
	switch {
	case spec == "provider":
		return func(r *parsers.Record) string { return r.Provider }, nil
	case spec == "event_id":
		return func(r *parsers.Record) string { return strconv.FormatUint(uint64(r.EventID), 10) }, nil
	case spec == "host":
		return func(r *parsers.Record) string { return HostName(r.Host) }, nil
	case strings.HasPrefix(spec, "field:"):
		name := spec[len("field:"):]
		return func(r *parsers.Record) string { return r.Fields[name] }, nil
	}
	if m := dataRef.FindStringSubmatch(spec); m != nil {
		i, _ := strconv.Atoi(m[1])
		return func(r *parsers.Record) string {
			if i < len(r.Data) {
				return r.Data[i]
			}
			return ""
		}, nil
	}
	return nil, fmt.Errorf("capture %q: want data[N], field:NAME, provider, event_id or host", spec)
}

func compileRegex(p string) (*regexp.Regexp, error) {
	if !strings.HasPrefix(p, "(?") {
		p = "(?i)" + p
	}
	return regexp.Compile(p)
}

// Compile checks a spec and builds the rule. source names where the spec
// was written, for error messages.
func (s *DataRuleSpec) Compile(source string) (*DataRule, error) {
	d := &DataRule{meta: s.Meta, source: source}
	if err := d.meta.Validate(); err != nil {
		return nil, err
	}
	if len(d.meta.Formats) == 0 {
		return nil, at(fmt.Errorf("rule %s: no formats: say which record kinds it reads", s.ID))
	}
	for i, f := range d.meta.Formats {
		if !knownFormat(f) {
			return nil, at(fmt.Errorf("rule %s: unknown format %q", s.ID, f), "formats", strconv.Itoa(i))
		}
	}
	switch s.Scope {
	case "":
	case "verdict-run":
		if len(d.meta.Formats) != 1 || d.meta.Formats[0] != parsers.FormatSetupLog {
			return nil, at(fmt.Errorf("rule %s: scope verdict-run applies to setuplog records only", s.ID), "scope")
		}
		d.verdict = true
	default:
		return nil, at(fmt.Errorf("rule %s: unknown scope %q (want verdict-run or nothing)", s.ID, s.Scope), "scope")
	}
	m := s.Match
	if len(m.Provider)+len(m.EventID)+len(m.Keywords)+len(m.Pattern)+len(m.Fields)+len(m.Level) == 0 {
		return nil, at(fmt.Errorf("rule %s: match is empty: it would fire on every record", s.ID), "match")
	}
	d.providers = m.Provider
	if len(m.EventID) > 0 {
		d.ids = map[uint32]bool{}
		for _, id := range m.EventID {
			d.ids[id] = true
		}
	}
	if len(m.Level) > 0 {
		d.levels = map[parsers.Level]bool{}
		for _, l := range m.Level {
			d.levels[l] = true
		}
	}
	for i, k := range m.Keywords {
		if k == "" {
			return nil, at(fmt.Errorf("rule %s: empty keyword", s.ID), "match", "keywords", strconv.Itoa(i))
		}
		d.keywords = append(d.keywords, strings.ToLower(k))
		d.needles = append(d.needles, newKeyword(strings.ToLower(k)))
	}
	groups := map[string]bool{}
	for i, p := range m.Pattern {
		re, err := compileRegex(p)
		if err != nil {
			return nil, at(fmt.Errorf("rule %s: pattern %q: %v", s.ID, p, err), "match", "pattern", strconv.Itoa(i))
		}
		for _, n := range re.SubexpNames() {
			if n != "" {
				groups[n] = true
			}
		}
		d.patterns = append(d.patterns, re)
	}
	for i, p := range m.Not {
		re, err := compileRegex(p)
		if err != nil {
			return nil, at(fmt.Errorf("rule %s: not_pattern %q: %v", s.ID, p, err), "match", "not_pattern", strconv.Itoa(i))
		}
		d.nots = append(d.nots, re)
	}
	var err error
	if d.fields, err = compileFieldMap(s.ID, "fields", m.Fields); err != nil {
		return nil, err
	}
	if d.notFields, err = compileFieldMap(s.ID, "not_fields", m.NotField); err != nil {
		return nil, err
	}
	d.capture = map[string]capturer{}
	for name, spec := range s.Capture {
		c, err := compileCapture(spec)
		if err != nil {
			return nil, at(fmt.Errorf("rule %s: %v", s.ID, err), "capture", name)
		}
		d.capture[name] = c
		groups[name] = true
	}
	groups["host"] = true
	for _, l := range Langs {
		for _, p := range Placeholders(textIn(s.Remedy, l)) {
			if !groups[p] {
				return nil, at(fmt.Errorf("rule %s: remedy (%s) uses {%s}, which no pattern group or capture provides", s.ID, l, p), "remedy", string(l))
			}
		}
	}
	return d, nil
}

func compileFieldMap(id, what string, m map[string]string) (map[string]*regexp.Regexp, error) {
	if len(m) == 0 {
		return nil, nil
	}
	out := map[string]*regexp.Regexp{}
	for k, p := range m {
		re, err := compileRegex(p)
		if err != nil {
			return nil, at(fmt.Errorf("rule %s: %s %s: %v", id, what, k, err), "match", what, k)
		}
		out[k] = re
	}
	return out, nil
}

func knownFormat(f parsers.Format) bool {
	switch f {
	case parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport, parsers.FormatSetupLog,
		parsers.FormatUpdateLog, parsers.FormatMSILog, parsers.FormatExServer:
		return true
	}
	return false
}

// Match tests one record and returns the captured values when it fires.
// v caches the record's text (see RecordView).
func (d *DataRule) Match(r *parsers.Record, v *RecordView) (map[string]string, bool) {
	vals, _, ok := d.match(r, v)
	return vals, ok
}

// match is Match that also returns where the first pattern matched in the
// record's text ([start, end], nil when the rule has no pattern).
func (d *DataRule) match(r *parsers.Record, v *RecordView) (map[string]string, []int, bool) {
	if d.ids != nil && !d.ids[r.EventID] {
		return nil, nil, false
	}
	if d.providers != nil {
		ok := false
		for _, p := range d.providers {
			if strings.EqualFold(p, r.Provider) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, nil, false
		}
	}
	if d.levels != nil && !d.levels[r.Level] {
		return nil, nil, false
	}
	if len(d.keywords) > 0 {
		ok := false
		for _, k := range d.needles {
			if k.in(v) {
				ok = true
				break
			}
		}
		if !ok {
			return nil, nil, false
		}
	}
	for k, re := range d.fields {
		if !re.MatchString(r.Fields[k]) {
			return nil, nil, false
		}
	}
	for k, re := range d.notFields {
		if re.MatchString(r.Fields[k]) {
			return nil, nil, false
		}
	}
	values := map[string]string{}
	var loc []int
	if len(d.patterns) > 0 {
		text := v.Text()
		// Every pattern is tried, so that a short one (an error code) does
		// not hide the values a longer one (the message) captures.
		ok := false
		for _, re := range d.patterns {
			idx := re.FindStringSubmatchIndex(text)
			if idx == nil {
				continue
			}
			m := submatches(text, idx)
			if loc == nil {
				loc = idx[:2]
			}
			ok = true
			for i, n := range re.SubexpNames() {
				if n != "" && m[i] != "" && values[n] == "" {
					values[n] = strings.TrimSpace(m[i])
				}
			}
		}
		if !ok {
			return nil, nil, false
		}
	}
	if len(d.nots) > 0 {
		text := v.Text()
		for _, re := range d.nots {
			if re.MatchString(text) {
				return nil, nil, false
			}
		}
	}
	for name, c := range d.capture {
		if s := c(r); s != "" {
			values[name] = s
		}
	}
	return values, loc, true
}

// submatches turns FindStringSubmatchIndex output into the matched strings.
func submatches(s string, idx []int) []string {
	out := make([]string, len(idx)/2)
	for i := range out {
		if idx[2*i] >= 0 {
			out[i] = s[idx[2*i]:idx[2*i+1]]
		}
	}
	return out
}

// NewChecker returns a checker that reports each matching record.
func (d *DataRule) NewChecker(f FileInfo) Checker {
	return &dataChecker{rule: d, view: f.View, ctx: f.Context}
}

type dataChecker struct {
	rule *DataRule
	view *RecordView
	ctx  *FileContext
	hits hitSet // tagged with the setup run, for scope verdict-run
	own  RecordView
}

func (c *dataChecker) Record(r *parsers.Record) {
	v := c.view
	if v == nil || v.rec != r {
		c.own.Reset(r)
		v = &c.own
	}
	vals, loc, ok := c.rule.match(r, v)
	if !ok {
		return
	}
	tag := 0
	if c.rule.verdict {
		tag = RunOf(r)
	}
	c.hits.add(Hit{Host: HostName(r.Host), Evidence: []Evidence{evidenceAt(r, v.Text(), loc)}, Values: vals, Key: vals["key"]}, tag)
}

func (c *dataChecker) Finish() []Hit {
	if !c.rule.verdict || len(c.hits.hits) == 0 {
		return c.hits.hits
	}
	run, _, ok := c.ctx.VerdictRun()
	if !ok {
		return nil
	}
	var keep []Hit
	for i, h := range c.hits.hits {
		if c.hits.tags[i] == run.Index {
			keep = append(keep, h)
		}
	}
	return keep
}

// RecordView caches what several rules compute from the same record: its
// text and the lower-case copy the keyword pre-filter reads.
type RecordView struct {
	rec   *parsers.Record
	text  string
	lower string
	done  uint8 // which of text (1), lower (2), ascii (4) and sketch (8) are set
	ascii bool  // text holds no byte above 0x7F
	sk    textio.Sketch
}

// Reset points the view at a new record.
func (v *RecordView) Reset(r *parsers.Record) {
	v.rec, v.text, v.lower, v.done = r, "", "", 0
}

// Text returns the record's searchable text.
func (v *RecordView) Text() string {
	if v.done&1 == 0 {
		v.text = v.rec.Text()
		v.done |= 1
	}
	return v.text
}

// Lower returns the record's text in lower case.
func (v *RecordView) Lower() string {
	if v.done&2 == 0 {
		v.lower = strings.ToLower(v.Text())
		v.done |= 2
	}
	return v.lower
}

// Fold returns the text that a search ignoring ASCII case (textio.Needle)
// reads with the same result as it would read Lower: the text itself when
// it is all ASCII, so that lowering it would change only the letters A to
// Z, and Lower otherwise (a few letters outside ASCII lower-case to ASCII
// ones: the Kelvin sign to k, the dotted capital I to i). Most log lines
// are ASCII, and for them Fold copies nothing.
func (v *RecordView) Fold() string {
	if v.done&4 == 0 {
		v.ascii = isASCII(v.Text())
		v.done |= 4
	}
	if v.ascii {
		return v.Text()
	}
	return v.Lower()
}

// Has reports whether s holds nd (ignoring ASCII case), where s is the
// record's Text, its Fold or a part of either: the sketch of Fold, made
// once per record, rules out most needles without a search. (An ASCII
// needle found in Text is found in Fold too: lower-casing keeps ASCII
// bytes, and keeps them next to each other.)
func (v *RecordView) Has(nd textio.Needle, s string) bool {
	return v.Sketch().MayHold(nd) && nd.In(s)
}

// Sketch returns the sketch of Fold, which serves for Text as well (see
// Has).
func (v *RecordView) Sketch() *textio.Sketch {
	if v.done&8 == 0 {
		v.sk = textio.Sketch{}
		v.sk.Add(v.Fold())
		v.done |= 8
	}
	return &v.sk
}

// keyword is a lower-case word a rule's text must hold. An ASCII word is
// searched from its rarest byte (textio.Needle), which on log lines is
// several times faster than strings.Contains from its first byte.
type keyword struct {
	s     string
	ascii bool
	nd    textio.Needle
}

func newKeyword(s string) keyword {
	k := keyword{s: s, ascii: isLowerASCII(s)}
	if k.ascii {
		k.nd = textio.NewNeedle(s)
	}
	return k
}

// in reports whether the record v shows holds the word once lower-cased.
// An ASCII word is searched ignoring case in v.Fold, which spares most
// records the lower-cased copy; any other word in v.Lower.
func (k keyword) in(v *RecordView) bool {
	if k.ascii {
		return v.Has(k.nd, v.Fold())
	}
	return strings.Contains(v.Lower(), k.s)
}

// LoadRules reads a rule file. name is used in error messages, which give
// the file, the line and what is wrong.
func LoadRules(name string, data []byte) ([]Rule, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("%s", yamlErrorText(name, err))
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("%s: empty rule file", name)
	}
	doc := root.Content[0]
	var rulesNode *yaml.Node
	if doc.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == "rules" {
				rulesNode = doc.Content[i+1]
			}
		}
	}
	if rulesNode == nil || rulesNode.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: want a top-level \"rules:\" list", name, doc.Line)
	}
	// Decode strictly, so that a misspelt key is an error, not a rule that
	// silently matches more than meant.
	var file RuleFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("%s", yamlErrorText(name, err))
	}
	var out []Rule
	seen := map[string]int{}
	for i, spec := range file.Rules {
		line := rulesNode.Content[i].Line
		src := fmt.Sprintf("%s:%d", name, line)
		if first, dup := seen[spec.ID]; dup {
			return nil, fmt.Errorf("%s: rule %s is defined twice (first at line %d)", src, spec.ID, first)
		}
		seen[spec.ID] = line
		d, err := spec.Compile(src)
		if err != nil {
			// Name the line of the key at fault when the error says which.
			var pe *pathError
			if errors.As(err, &pe) {
				if l := lineOf(rulesNode.Content[i], pe.path); l > 0 {
					return nil, fmt.Errorf("%s:%d: %v", name, l, err)
				}
			}
			return nil, fmt.Errorf("%s: %v", src, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// pathError is a rule error that knows which key of the rule is at fault
// ("match", "pattern", "2"), so that LoadRules can give that key's line.
type pathError struct {
	err  error
	path []string
}

func (e *pathError) Error() string { return e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

// at ties an error to a key path of the rule.
func at(err error, path ...string) error { return &pathError{err: err, path: path} }

// lineOf follows a key path (mapping keys, sequence indexes) from a rule's
// node and returns the line of the deepest node it reaches, 0 if none.
func lineOf(n *yaml.Node, path []string) int {
	line := 0
	for _, k := range path {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for j := 0; j+1 < len(n.Content); j += 2 {
				if n.Content[j].Value == k {
					next = n.Content[j+1]
					if next.Kind != yaml.ScalarNode {
						line = n.Content[j].Line
					}
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(k); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
			}
		}
		if next == nil {
			return line
		}
		n = next
		if line == 0 || n.Kind == yaml.ScalarNode {
			line = n.Line
		}
	}
	return line
}

var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlErrorText turns a YAML error into "file:line: what" lines.
func yamlErrorText(name string, err error) string {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	for i, m := range msgs {
		if sm := yamlLine.FindStringSubmatch(m); sm != nil {
			msgs[i] = fmt.Sprintf("%s:%s: %s", name, sm[1], sm[2])
		} else {
			msgs[i] = name + ": " + strings.TrimPrefix(m, "yaml: ")
		}
	}
	return strings.Join(msgs, "; ")
}

// evidenceAt cites a record at the place a pattern matched: for a text
// record whose message spans several physical lines, the line that holds
// the match, so that "file:line" points at the words that matter. Match
// carries the matched text for reports to mark.
func evidenceAt(r *parsers.Record, text string, loc []int) Evidence {
	e := EvidenceOf(r)
	if loc == nil {
		return e
	}
	e.Match = text[loc[0]:loc[1]]
	if r.Line == 0 || loc[0] >= len(r.Message) || !strings.HasPrefix(text, r.Message) {
		return e
	}
	start := strings.LastIndexByte(r.Message[:loc[0]], '\n') + 1
	if start == 0 {
		return e // the match is on the record's first line
	}
	end := strings.IndexByte(r.Message[start:], '\n')
	if end < 0 {
		end = len(r.Message) - start
	}
	e.Line = r.Line + strings.Count(r.Message[:start], "\n")
	e.Text = strings.TrimSpace(r.Message[start : start+end])
	return e
}
