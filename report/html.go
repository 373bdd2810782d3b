package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/extriage/extriage/detectors"
)

//go:embed html/report.html.tmpl
var htmlSource string

// htmlTemplate is the case report page. It is html/template, so every
// value from the logs is escaped for the context it lands in.
var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"entries": func(l *labels, es []tlEntry) entryTable { return entryTable{L: l, Entries: es} },
}).Parse(htmlSource))

// entryTable is what the "entries" template lists: timeline entries with
// the words to head them.
type entryTable struct {
	L       *labels
	Entries []tlEntry
}

type htmlWriter struct{}

func init() { register(htmlWriter{}) }

// Name returns "html".
func (htmlWriter) Name() string { return "html" }

// Write renders the case report as one self-contained HTML page: no
// scripts, and no fonts, styles or images from elsewhere (its Content
// Security Policy forbids them). The page reads on a phone and prints.
func (htmlWriter) Write(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, newHTMLView(r)); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type htmlView struct {
	L          *labels
	Lang       string
	Bundles    []string
	Generated  string
	Version    string
	Summary    string
	ShowBundle bool
	// PerBundle holds a verdict per bundle and BundleSummary counts them,
	// Across the rules that fired across them, when the report holds
	// several bundles.
	PerBundle     []htmlBundle
	BundleSummary string
	Across        []htmlRule
	Servers       []htmlServer
	Groups        []htmlGroup
	Timeline      *timeline
	Inputs        []htmlInput
	Warnings      []string
	// QuotedAtInputs and QuotedAtWarnings place the note that the warnings
	// are quoted in English (see labels.quotedAt).
	QuotedAtInputs, QuotedAtWarnings bool
	// WarnLang is the language of the quoted warnings ("en") when it is not
	// the report's, for the lang attribute of their lists.
	WarnLang string
}

// htmlBundle is one row of the verdicts per bundle.
type htmlBundle struct {
	Name, Verdict, Class, Hosts string
	Findings                    int
	Counts                      []htmlCount
	Read, Warnings              string
}

// htmlRule is one row of the rules fired across bundles.
type htmlRule struct {
	Rule, Severity, Class, Bundles, Title string
	Findings                              int
}

type htmlServer struct {
	Name, Anchor, Verdict, Class         string
	Bundle                               string // set when the report holds several bundles
	Bundles                              string
	Product, Build, Level, Role, Cluster string
	OS                                   string
	Counts                               []htmlCount
	Findings                             []htmlRef
}

type htmlCount struct {
	N            int
	Label, Class string
}

type htmlRef struct {
	Num                int
	Href, Title, Class string
}

type htmlGroup struct {
	Label, Class string
	Findings     []htmlFinding
}

type htmlFinding struct {
	Num          int
	ID           string
	Rule, Title  string
	Severity     string
	Class        string
	Host, Bundle string
	ServerHref   string
	Count        int
	KB           []htmlLink
	Remedy       []htmlLink // runs of text; those with a URL are KB links
	Values       [][2]string
	Evidence     []htmlEvidence
	More         string
}

type htmlLink struct {
	Text, URL string
}

type htmlEvidence struct {
	Location string
	Time     string
	Segs     []segment
}

type htmlInput struct {
	Path, Format, Host, Bundle, SHA string
	Bytes, Records                  int64
	Status, Class                   string
	Warnings                        []string
}

// verdictClasses style the verdicts: none, info, warning, error, critical.
var verdictClasses = [5]string{"ok", "sev-info", "sev-warning", "sev-error", "sev-critical"}

func newHTMLView(r *Report) *htmlView {
	t := labelsFor(r.Lang)
	lang := string(detectors.English)
	if t == labelSets[detectors.Polish] {
		lang = string(detectors.Polish)
	}
	fs := orderedFindings(r)
	v := &htmlView{L: t, Lang: lang, Version: oneLine(r.Version),
		Generated: generatedText(r.Generated), Summary: t.summary(r)}
	for _, b := range bundles(r) {
		v.Bundles = append(v.Bundles, oneLine(b))
	}
	v.ShowBundle = len(v.Bundles) > 1 // multiBundle(r)
	if v.ShowBundle {
		v.BundleSummary = t.bundleSummary(r)
		for _, b := range r.Bundles {
			hb := htmlBundle{Name: oneLine(b.Name), Findings: b.Findings, Hosts: oneLine(strings.Join(b.Hosts, ", ")),
				Read: fmt.Sprintf(t.OfTotal, b.Read, b.Inputs), Warnings: fmt.Sprint(b.Warnings)}
			hb.Verdict, hb.Class = t.bundleVerdict(b.Verdict)
			for sev := detectors.Critical; sev >= detectors.Info; sev-- {
				if n := b.BySeverity[sev.String()]; n > 0 {
					hb.Counts = append(hb.Counts, htmlCount{N: n, Label: t.sevLabel(sev), Class: sevClass(sev)})
				}
			}
			v.PerBundle = append(v.PerBundle, hb)
		}
		for _, rs := range r.Summary.Rules {
			v.Across = append(v.Across, htmlRule{Rule: oneLine(rs.Rule), Severity: t.sevLabel(rs.Severity),
				Class: sevClass(rs.Severity), Bundles: fmt.Sprintf(t.OfTotal, rs.Bundles, r.Summary.Bundles),
				Title: oneLine(rs.Title), Findings: rs.Findings})
		}
	}

	srvs := servers(r, fs)
	serverHref := map[laneKey]string{}
	for i, s := range srvs {
		name := oneLine(s.Name)
		if s.Name == "" {
			name = t.NoServer
		}
		hs := htmlServer{Name: name, Bundle: oneLine(s.Bundle), Anchor: fmt.Sprintf("s-%d", i+1), Verdict: t.Verdict[s.Worst],
			Class: verdictClasses[s.Worst], Product: oneLine(s.Host.Product), Build: oneLine(s.Host.Build),
			Level: oneLine(s.Host.Level), Role: oneLine(s.Host.Role), Cluster: oneLine(s.Host.Cluster), OS: oneLine(s.Host.OS)}
		if s.Host.Cluster == "node" {
			hs.Cluster = t.ClusterNode
		}
		for j, b := range s.Bundles {
			if j > 0 {
				hs.Bundles += ", "
			}
			hs.Bundles += oneLine(b)
		}
		for sev := detectors.Critical; sev >= detectors.Info; sev-- {
			if n := s.Counts[sev]; n > 0 {
				hs.Counts = append(hs.Counts, htmlCount{N: n, Label: t.sevLabel(sev), Class: sevClass(sev)})
			}
		}
		for _, fi := range s.Findings {
			f := &fs[fi]
			hs.Findings = append(hs.Findings, htmlRef{Num: fi + 1, Href: fmt.Sprintf("#f-%d", fi+1),
				Title: oneLine(f.Title), Class: sevClass(f.Severity)})
		}
		serverHref[laneKey{s.Bundle, s.Name}] = "#" + hs.Anchor
		v.Servers = append(v.Servers, hs)
	}

	for i := range fs {
		f := &fs[i]
		hf := htmlFinding{Num: i + 1, ID: fmt.Sprintf("f-%d", i+1), Rule: oneLine(f.Rule),
			Title: oneLine(f.Title), Severity: t.sevLabel(f.Severity), Class: sevClass(f.Severity),
			Host: oneLine(f.Host), Bundle: oneLine(f.Bundle), ServerHref: serverHref[findingServer(f, v.ShowBundle)], Count: f.Count,
			Remedy: linkKB(CleanText(f.Remedy))}
		if hf.Host == "" {
			hf.Host = t.NoServer
		}
		for _, kb := range f.KB {
			hf.KB = append(hf.KB, htmlLink{Text: "KB " + oneLine(kb), URL: detectors.KBURL(oneLine(kb))})
		}
		for _, kv := range sortedValues(f.ValuesIn()) {
			hf.Values = append(hf.Values, [2]string{oneLine(kv[0]), CleanText(kv[1])})
		}
		for _, e := range f.Evidence {
			hf.Evidence = append(hf.Evidence, htmlEvidence{Location: oneLine(e.Location()),
				Time: t.timeText(e, r.Zone), Segs: markTokens(CleanText(e.TextIn(r.Lang)), f)})
		}
		if more := f.Count - len(f.Evidence); more > 0 {
			hf.More = t.more(more)
		}
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Class != hf.Class {
			v.Groups = append(v.Groups, htmlGroup{Label: hf.Severity, Class: hf.Class})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Findings = append(g.Findings, hf)
	}

	v.Timeline = buildTimeline(fs, r.Timeline, t, r.Zone, v.ShowBundle)

	for _, in := range r.Inputs {
		hi := htmlInput{Path: oneLine(in.Path), Format: oneLine(string(in.Format)), Host: oneLine(in.Host),
			Bundle: oneLine(in.Bundle), SHA: oneLine(in.SHA256), Bytes: in.Bytes, Records: in.Records,
			Status: t.inputStatus(in.Unrecognised, in.Failed, len(in.Warnings))}
		switch {
		case in.Failed:
			hi.Class = "sev-error"
		case in.Unrecognised, len(in.Warnings) > 0:
			hi.Class = "sev-warning"
		}
		for _, w := range in.Warnings {
			hi.Warnings = append(hi.Warnings, CleanText(w))
		}
		v.Inputs = append(v.Inputs, hi)
	}
	for _, w := range r.Warnings {
		v.Warnings = append(v.Warnings, CleanText(w))
	}
	q := t.quotedAt(r)
	v.QuotedAtInputs, v.QuotedAtWarnings = q == quotedAtInputs, q == quotedAtWarnings
	if t.WarningsQuoted != "" {
		v.WarnLang = "en"
	}
	return v
}

// linkKB splits text into runs, giving each "KB 123456" its link.
func linkKB(s string) []htmlLink {
	var out []htmlLink
	pos := 0
	for _, m := range kbRef.FindAllStringSubmatchIndex(s, -1) {
		if m[0] > pos {
			out = append(out, htmlLink{Text: s[pos:m[0]]})
		}
		out = append(out, htmlLink{Text: s[m[0]:m[1]], URL: detectors.KBURL(s[m[2]:m[3]])})
		pos = m[1]
	}
	if pos < len(s) {
		out = append(out, htmlLink{Text: s[pos:]})
	}
	return out
}
