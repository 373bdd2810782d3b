package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

type tableWriter struct{}

func init() { register(tableWriter{}) }

// Name returns "table".
func (tableWriter) Name() string { return "table" }

// evidencePerRow is how many evidence items the table shows per finding.
const evidencePerRow = 3

// Write prints the findings per server as a table (rule, severity, host,
// evidence, remedy), then a summary line and the warnings.
func (tableWriter) Write(w io.Writer, r *Report) error {
	tr := translations[r.Lang]
	multi := multiBundle(r)
	if len(r.Findings) > 0 {
		fs := append([]detectors.Finding(nil), r.Findings...)
		// Per server: host first, then the most severe.
		sort.SliceStable(fs, func(i, j int) bool {
			if fs[i].Bundle != fs[j].Bundle {
				return fs[i].Bundle < fs[j].Bundle
			}
			if fs[i].Host != fs[j].Host {
				return fs[i].Host < fs[j].Host
			}
			return fs[i].Severity > fs[j].Severity
		})
		t := tablewriter.NewTable(w,
			tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{})),
			tablewriter.WithRowAutoWrap(tw.WrapNormal),
			tablewriter.WithHeaderAutoFormat(tw.Off),
			tablewriter.WithRowAlignment(tw.AlignLeft),
			tablewriter.WithRowMaxWidth(60),
		)
		t.Header(tr.rule, tr.severity, tr.host, tr.evidence, tr.remedy)
		for _, f := range fs {
			host := f.Host
			if host == "" {
				host = "-"
			}
			if multi && f.Bundle != "" {
				// Two bundles may each have a server of this name.
				host += " (" + f.Bundle + ")"
			}
			if err := t.Append([]string{
				TerminalSafe(f.Rule+"\n"+f.Title, true),
				tableSeverity(r.Lang, f.Severity),
				TerminalSafe(host, false),
				evidenceCell(f, tr, r.Lang, r.Zone),
				TerminalSafe(f.Remedy+kbSuffix(f.Remedy, f.KB), false),
			}); err != nil {
				return err
			}
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if err := hostTable(w, r.Hosts, tr, labelsFor(r.Lang), multi); err != nil {
		return err
	}
	fmt.Fprintln(w, summaryLine(r, tr))
	if len(r.Warnings) > 0 {
		if q := labelsFor(r.Lang).WarningsQuoted; q != "" {
			fmt.Fprintln(w, q)
		}
		fmt.Fprintf(w, "%s (%d):\n", tr.warnings, len(r.Warnings))
		for _, s := range r.Warnings {
			fmt.Fprintln(w, "  "+TerminalSafe(s, false))
		}
	}
	return nil
}

// tableSeverity names a severity in the table: the word the flags take
// (error), or in a Polish table its Polish name (błąd).
// SeverityName names a severity in language l as the tables print it:
// "error" in English, "błąd" in Polish.
func SeverityName(l detectors.Lang, s detectors.Severity) string { return tableSeverity(l, s) }

// RulesHeader is the header of the rule list (`extriage rules`) in
// language l: ID, severity, title, KB articles.
func RulesHeader(l detectors.Lang) []string {
	tr, ok := translations[l]
	if !ok {
		tr = translations[detectors.English]
	}
	return []string{"ID", tr.severity, tr.title, "KB"}
}

func tableSeverity(l detectors.Lang, s detectors.Severity) string {
	if l == detectors.Polish {
		return strings.ToLower(labelsFor(l).sevLabel(s))
	}
	return s.String()
}

// WriteBundleTable prints, after the findings table of a --per-bundle
// scan, one line per bundle with its verdict, then the rules that fired
// across the bundles (on how many of them), in the report's language.
func WriteBundleTable(w io.Writer, r *Report) error {
	pl := r.Lang == detectors.Polish
	t := labelsFor(r.Lang)
	tr := translations[r.Lang]
	ofTotal := "%d of %d"
	if pl {
		ofTotal = t.OfTotal
	}
	fmt.Fprintln(w)
	bt := tablewriter.NewWriter(w)
	bt.Header(tr.bundle, tr.verdict, tr.findings, tr.hosts, tr.logsRead, strings.ToUpper(tr.warnings))
	for _, b := range r.Bundles {
		hosts := strings.Join(b.Hosts, ", ")
		if hosts == "" {
			hosts = "-"
		}
		verdict := b.Verdict
		if pl {
			verdict, _ = t.bundleVerdict(b.Verdict)
		}
		if err := bt.Append([]string{TerminalSafe(b.Name, false), verdict, fmt.Sprint(b.Findings),
			TerminalSafe(hosts, false), fmt.Sprintf(ofTotal, b.Read, b.Inputs), fmt.Sprint(b.Warnings)}); err != nil {
			return err
		}
	}
	if err := bt.Render(); err != nil {
		return err
	}
	if pl {
		fmt.Fprintln(w, t.bundleSummary(r))
	} else {
		var parts []string
		for _, v := range verdictOrder {
			if n := r.Summary.Verdicts[v]; n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", n, v))
			}
		}
		fmt.Fprintf(w, "%d bundle(s): %s\n", r.Summary.Bundles, strings.Join(parts, ", "))
	}
	if len(r.Summary.Rules) == 0 {
		return nil
	}
	fmt.Fprintln(w)
	rt := tablewriter.NewWriter(w)
	rt.Header(tr.rule, tr.severity, tr.bundles, tr.findings, tr.title)
	for _, rs := range r.Summary.Rules {
		if err := rt.Append([]string{rs.Rule, tableSeverity(r.Lang, rs.Severity), fmt.Sprintf(ofTotal, rs.Bundles, r.Summary.Bundles),
			fmt.Sprint(rs.Findings), TerminalSafe(rs.Title, false)}); err != nil {
			return err
		}
	}
	return rt.Render()
}

// kbSuffix names the KB articles of a finding that its remedy does not
// already cite.
func kbSuffix(remedy string, kb []string) string {
	var missing []string
	for _, k := range kb {
		if !strings.Contains(remedy, "KB "+k) {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return " [KB " + strings.Join(missing, ", KB ") + "]"
}

// hostTable prints the servers of the report with what the evidence says
// of each, leaving out the columns nothing fills; with multi (several
// bundles) each server's bundle too, so that same-named servers of two
// bundles can be told apart.
func hostTable(w io.Writer, hosts []detectors.Host, tr tableText, lt *labels, multi bool) error {
	if len(hosts) == 0 {
		return nil
	}
	cols := []struct {
		name string
		get  func(h detectors.Host) string
	}{
		{tr.host, func(h detectors.Host) string { return h.Name }},
		{tr.bundle, func(h detectors.Host) string {
			if multi {
				return h.Bundle
			}
			return ""
		}},
		{tr.product, func(h detectors.Host) string { return h.Product }},
		{tr.build, func(h detectors.Host) string { return h.Build }},
		{tr.level, func(h detectors.Host) string { return h.Level }},
		{tr.role, func(h detectors.Host) string { return h.Role }},
		{tr.cluster, func(h detectors.Host) string {
			if h.Cluster == "node" {
				return lt.ClusterNode
			}
			return h.Cluster
		}},
		{tr.os, func(h detectors.Host) string { return h.OS }},
	}
	var use []int
	for i, c := range cols {
		for _, h := range hosts {
			if c.get(h) != "" {
				use = append(use, i)
				break
			}
		}
	}
	if len(use) < 2 {
		return nil // names alone: the findings table shows them already
	}
	t := tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	var head []any
	for _, i := range use {
		head = append(head, cols[i].name)
	}
	t.Header(head...)
	for _, h := range hosts {
		var row []string
		for _, i := range use {
			v := cols[i].get(h)
			if v == "" {
				v = "-"
			}
			row = append(row, TerminalSafe(v, false))
		}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

func evidenceCell(f detectors.Finding, tr tableText, lang detectors.Lang, zone *time.Location) string {
	var b strings.Builder
	for i, e := range f.Evidence {
		if i == evidencePerRow {
			break
		}
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(TerminalSafe(e.Location(), false))
		b.WriteString(evidenceTime(e, tr, zone))
		b.WriteString("\n  " + Shorten(TerminalSafe(e.TextIn(lang), false), 160))
	}
	if more := f.Count - min(len(f.Evidence), evidencePerRow); more > 0 {
		fmt.Fprintf(&b, "\n"+tr.more, more)
	}
	return b.String()
}

func summaryLine(r *Report, tr tableText) string {
	c := CountBySeverity(r.Findings)
	var parts []string
	t := labelsFor(r.Lang)
	for s := detectors.Critical; s >= detectors.Info; s-- {
		if c[s] > 0 {
			// "4 error" in English; Polish names the severity first
			// ("Błąd: 4"), which needs no plural.
			if t == labelSets[detectors.Polish] {
				parts = append(parts, fmt.Sprintf("%s: %d", t.sevLabel(s), c[s]))
			} else {
				parts = append(parts, fmt.Sprintf("%d %s", c[s], s))
			}
		}
	}
	s := strings.TrimSuffix(t.summary(r), ".")
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

type tableText struct {
	rule, severity, host, evidence, remedy, warnings, more string
	bundle                                                 string
	verdict, findings, hosts, logsRead, bundles, title     string // the tables of --per-bundle
	noDate, noZone                                         string
	product, build, level, role, cluster, os               string
}

var translations = map[detectors.Lang]tableText{
	detectors.English: {"RULE", "SEVERITY", "HOST", "EVIDENCE", "REMEDY", "Warnings",
		"(+%d more)", "BUNDLE",
		"VERDICT", "FINDINGS", "HOSTS", "LOGS READ", "BUNDLES", "TITLE",
		"(time of day only)", "(local time)",
		"PRODUCT", "BUILD", "SP/CU", "ROLE", "CLUSTER", "OS"},
	detectors.Polish: {"REGUŁA", "WAGA", "SERWER", "DOWODY", "ZALECENIE", "Ostrzeżenia",
		"(i %d więcej)", "PAKIET",
		"OCENA", "WYNIKI", "SERWERY", "ODCZYTANE DZIENNIKI", "PAKIETY", "TYTUŁ",
		"(tylko godzina)", "(czas lokalny)",
		"PRODUKT", "KOMPILACJA", "SP/CU", "ROLA", "KLASTER", "SYSTEM"},
	"": {"RULE", "SEVERITY", "HOST", "EVIDENCE", "REMEDY", "Warnings",
		"(+%d more)", "BUNDLE",
		"VERDICT", "FINDINGS", "HOSTS", "LOGS READ", "BUNDLES", "TITLE",
		"(time of day only)", "(local time)",
		"PRODUCT", "BUILD", "SP/CU", "ROLE", "CLUSTER", "OS"},
}

// evidenceTime renders an evidence time as the log gave it: exact times in
// UTC; for a log that had no zone or no date, its clock time as the log
// wrote it (a time of day alone when it had no date), with the zone given
// for such logs (zone, --tz), or marked as local time when none was.
func evidenceTime(e detectors.Evidence, tr tableText, zone *time.Location) string {
	if e.Time.IsZero() {
		return ""
	}
	switch e.TimeQ {
	case parsers.TimeNoDate:
		return " " + logClock(e.Time, zone).Format("15:04:05") + zoneSuffix(zone) + " " + tr.noDate
	case parsers.TimeNoZone:
		if zone != nil {
			return " " + logClock(e.Time, zone).Format("2006-01-02 15:04:05") + zoneSuffix(zone)
		}
		return " " + e.Time.UTC().Format("2006-01-02 15:04:05") + " " + tr.noZone
	}
	return " " + e.Time.UTC().Format("2006-01-02 15:04:05") + " UTC"
}
