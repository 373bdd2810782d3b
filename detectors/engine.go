package detectors

import (
	"encoding/json"
	"sort"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

// Engine runs a catalog over files and bundles. It is safe for concurrent
// use: each file gets its own FileRun.
type Engine struct {
	rules  []Rule
	lang   Lang
	report map[string]bool // rule IDs whose findings are reported; nil = all
}

// NewEngine returns an engine for the given rules, writing remedies in
// language lang.
func NewEngine(rules []Rule, lang Lang) *Engine {
	return &Engine{rules: rules, lang: lang}
}

// Rules returns the engine's rules.
func (e *Engine) Rules() []Rule { return e.rules }

// ReportOnly limits the findings the engine returns to the rules with the
// given IDs (--rule, --skip-rule). Every rule still runs: rules that judge
// other rules' findings, such as setup-failed-unknown ("a failure no other
// rule explains"), must see the whole catalog's findings, or selecting the
// fallback alone would report failures that a known rule explains.
func (e *Engine) ReportOnly(ids []string) {
	e.report = map[string]bool{}
	for _, id := range ids {
		e.report[id] = true
	}
}

// FileRun is the state of every file rule over one file.
type FileRun struct {
	info     FileInfo
	checkers []Checker
	rules    []Rule
	view     *RecordView
	ctx      *FileContext
	extract  []Checker // fact extractors, not rules
}

// NewFile starts reading one file. Only the rules that read its format are
// asked for a checker.
func (e *Engine) NewFile(f FileInfo) *FileRun {
	fr := &FileRun{info: f, view: &RecordView{}, ctx: &FileContext{format: f.Format}}
	f.View = fr.view
	f.Context = fr.ctx
	for _, x := range extractors {
		if c := x.NewChecker(f); c != nil {
			fr.extract = append(fr.extract, c)
		}
	}
	for _, r := range e.rules {
		fr2, ok := r.(FileRule)
		if !ok || !r.Meta().Reads(f.Format) {
			continue
		}
		if c := fr2.NewChecker(f); c != nil {
			fr.checkers = append(fr.checkers, c)
			fr.rules = append(fr.rules, r)
		}
	}
	return fr
}

// Record hands one record to every checker.
func (fr *FileRun) Record(r *parsers.Record) {
	fr.view.Reset(r)
	fr.ctx.record(r, fr.view)
	for _, c := range fr.extract {
		c.Record(r)
	}
	for _, c := range fr.checkers {
		c.Record(r)
	}
}

// FileResult is what the rules found in one file.
type FileResult struct {
	Hits  []RuleHit
	Facts []Fact
}

// RuleHit is a Hit with the rule that made it.
type RuleHit struct {
	Rule Rule
	Hit  Hit
}

// Finish ends the file and collects the hits and facts.
func (fr *FileRun) Finish() FileResult {
	var res FileResult
	for _, c := range fr.extract {
		c.Finish()
		if fs, ok := c.(FactSource); ok {
			for _, f := range fs.Facts() {
				if f.Host == "" {
					f.Host = fr.info.HostHint
				}
				res.Facts = append(res.Facts, f)
			}
		}
	}
	for i, c := range fr.checkers {
		for _, h := range c.Finish() {
			if h.Host == "" {
				h.Host = fr.info.HostHint
			}
			res.Hits = append(res.Hits, RuleHit{Rule: fr.rules[i], Hit: h})
		}
		if fs, ok := c.(FactSource); ok {
			for _, f := range fs.Facts() {
				if f.Host == "" {
					f.Host = fr.info.HostHint
				}
				res.Facts = append(res.Facts, f)
			}
		}
	}
	return res
}

// Collector gathers the results of a bundle's files, in a fixed order, and
// turns them into findings.
type Collector struct {
	e      *Engine
	bundle Bundle
	hits   []RuleHit
}

// NewCollector starts a bundle.
func (e *Engine) NewCollector(bundle string) *Collector {
	return &Collector{e: e, bundle: Bundle{Name: bundle, Hosts: map[string]*Host{}}}
}

// Bundle returns the bundle being collected, for callers that add hosts.
func (c *Collector) Bundle() *Bundle { return &c.bundle }

// AddInput records a file of the bundle, whether or not it was read.
func (c *Collector) AddInput(in Input) { c.bundle.Inputs = append(c.bundle.Inputs, in) }

// Add records one file's results. Call it in a deterministic file order.
func (c *Collector) Add(r FileResult) {
	c.hits = append(c.hits, r.Hits...)
	c.bundle.Facts = append(c.bundle.Facts, r.Facts...)
	for _, h := range r.Hits {
		if h.Hit.Host != "" {
			c.bundle.Host(h.Hit.Host)
		}
	}
	for _, f := range r.Facts {
		if f.Host != "" {
			c.bundle.Host(f.Host)
		}
	}
}

// Finish runs the bundle rules and returns every finding of the bundle,
// most severe first, then by host, rule and first evidence.
func (c *Collector) Finish() []Finding {
	buildHosts(&c.bundle)
	kept := make([]RuleHit, 0, len(c.hits))
	for _, rh := range c.hits {
		if hf, ok := rh.Rule.(HitFilter); ok && !hf.KeepHit(&c.bundle, rh.Hit) {
			continue
		}
		kept = append(kept, rh)
	}
	file := c.merge(kept)
	c.bundle.Findings = file
	var bh []RuleHit
	for _, r := range c.e.rules {
		if br, ok := r.(BundleRule); ok {
			for _, h := range br.CheckBundle(&c.bundle) {
				bh = append(bh, RuleHit{Rule: r, Hit: h})
			}
		}
	}
	all := append(file, c.merge(bh)...)
	if c.e.report != nil {
		keep := all[:0]
		for _, f := range all {
			if c.e.report[f.Rule] {
				keep = append(keep, f)
			}
		}
		all = keep
	}
	for i := range all {
		all[i].Bundle = c.bundle.Name
	}
	SortFindings(all)
	return all
}

// merge groups hits of the same rule, host and key into findings, in the
// order they first appeared.
func (c *Collector) merge(hits []RuleHit) []Finding {
	type key struct{ rule, host, k string }
	idx := map[key]int{}
	var out []Finding
	for _, rh := range hits {
		m := rh.Rule.Meta()
		h := rh.Hit
		k := key{m.ID, h.Host, h.Key}
		n := h.Count
		if n == 0 {
			n = len(h.Evidence)
		}
		if i, ok := idx[k]; ok {
			f := &out[i]
			f.Count += n
			for _, ev := range h.Evidence {
				if len(f.Evidence) < MaxEvidence {
					f.Evidence = append(f.Evidence, ev)
				}
			}
			if h.Severity != nil && *h.Severity > f.Severity {
				f.Severity = *h.Severity
			}
			for k, v := range h.Values {
				if _, ok := f.Values[k]; !ok {
					f.Values[k] = v
				}
			}
			continue
		}
		f := Finding{
			Rule:     m.ID,
			Title:    m.Title.In(c.e.lang),
			Severity: m.Severity,
			KB:       append([]string(nil), m.KB...),
			Host:     h.Host,
			Count:    n,
			Values:   map[string]string{},
		}
		if h.Severity != nil {
			f.Severity = *h.Severity
		}
		for k, v := range h.Values {
			f.Values[k] = v
		}
		if len(h.Evidence) > MaxEvidence {
			f.Evidence = append(f.Evidence, h.Evidence[:MaxEvidence]...)
		} else {
			f.Evidence = append(f.Evidence, h.Evidence...)
		}
		idx[k] = len(out)
		out = append(out, f)
	}
	for i := range out {
		vals := localValues(out[i].Values, c.e.lang)
		if out[i].Host != "" {
			vals["host"] = out[i].Host
		} else if _, ok := vals["host"]; !ok {
			vals["host"] = unknownHost.In(c.e.lang)
		}
		out[i].Remedy = Fill(c.e.ruleMeta(out[i].Rule).Remedy.In(c.e.lang), vals)
		for k, v := range out[i].Values {
			if strings.Contains(k, "@") {
				delete(out[i].Values, k)
			} else if lv, ok := vals[k]; ok && lv != v {
				if out[i].Shown == nil {
					out[i].Shown = map[string]string{}
				}
				out[i].Shown[k] = lv
			}
		}
		if len(out[i].Values) == 0 {
			out[i].Values = nil
		}
	}
	return out
}

func (e *Engine) ruleMeta(id string) *Meta {
	for _, r := range e.rules {
		if r.Meta().ID == id {
			return r.Meta()
		}
	}
	return &Meta{ID: id}
}

// SortFindings orders findings most severe first, then by bundle, host,
// rule and first evidence location.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := &fs[i], &fs[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Bundle != b.Bundle {
			return a.Bundle < b.Bundle
		}
		if a.Host != b.Host {
			return a.Host < b.Host
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return firstLoc(a) < firstLoc(b)
	})
}

func firstLoc(f *Finding) string {
	if len(f.Evidence) == 0 {
		return ""
	}
	return f.Evidence[0].Location()
}

// MarshalJSON writes evidence as DESIGN.md defines it: path, line or
// record, time (RFC 3339, UTC) when known, time_quality when the time is
// not exact, and text.
func (e Evidence) MarshalJSON() ([]byte, error) {
	type out struct {
		Path   string `json:"path"`
		Line   int    `json:"line,omitempty"`
		Record uint64 `json:"record,omitempty"`
		Time   string `json:"time,omitempty"`
		TimeQ  string `json:"time_quality,omitempty"`
		Text   string `json:"text"`
		Match  string `json:"match,omitempty"`
	}
	o := out{Path: e.Path, Line: e.Line, Record: e.Record, Text: e.Text, Match: e.Match}
	if !e.Time.IsZero() {
		o.Time = e.Time.UTC().Format(time.RFC3339Nano)
	}
	if e.TimeQ != parsers.TimeExact && e.TimeQ != parsers.TimeNone {
		o.TimeQ = string(e.TimeQ)
	}
	return json.Marshal(o)
}

// UnmarshalJSON reads evidence written by MarshalJSON.
func (e *Evidence) UnmarshalJSON(b []byte) error {
	var in struct {
		Path   string `json:"path"`
		Line   int    `json:"line"`
		Record uint64 `json:"record"`
		Time   string `json:"time"`
		TimeQ  string `json:"time_quality"`
		Text   string `json:"text"`
		Match  string `json:"match"`
	}
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*e = Evidence{Path: in.Path, Line: in.Line, Record: in.Record, Text: in.Text, Match: in.Match, TimeQ: parsers.TimeQuality(in.TimeQ)}
	if in.Time != "" {
		t, err := time.Parse(time.RFC3339Nano, in.Time)
		if err != nil {
			return err
		}
		e.Time = t
	}
	return nil
}

// containsFold reports whether s contains substr, ignoring case (ASCII and
// simple Unicode folding). A lower-case ASCII substr, the usual case, is
// searched for without copying s (textio.ContainsFold); the rules call this
// on every line of every text log.
func containsFold(s, substr string) bool {
	if isLowerASCII(substr) && isASCII(s) {
		return textio.ContainsFold(s, substr)
	}
	return strings.Contains(strings.ToLower(s), strings.ToLower(substr))
}

// isLowerASCII reports whether s is ASCII with no upper-case letter.
func isLowerASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// isASCII reports whether s is all ASCII, so that folding its case changes
// no byte but letters A to Z.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// unknownHost stands in a remedy for a server whose name no evidence
// gives (a lone log file outside any server folder).
var unknownHost = Text{EN: "the server", PL: "(nazwa nieznana)"}

// localValues picks the values for one language: a value named "name@pl"
// stands in for "name" when the language is Polish.
func localValues(values map[string]string, l Lang) map[string]string {
	out := map[string]string{}
	for k, v := range values {
		if !strings.Contains(k, "@") {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	for k, v := range values {
		if base, lang, ok := strings.Cut(k, "@"); ok && Lang(lang) == l && v != "" {
			out[base] = v
		}
	}
	return out
}
