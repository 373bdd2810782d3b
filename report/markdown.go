package report

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/extriage/extriage/detectors"
)

type markdownWriter struct{}

func init() { register(markdownWriter{}) }

// Name returns "markdown".
func (markdownWriter) Name() string { return "markdown" }

// Write renders the case report as GitHub-flavoured Markdown for pasting
// into a ticket: the verdict and host tables, each finding with its remedy
// and an evidence table, the evidence in time order, the inputs and the
// warnings. Log text is escaped so that it renders as the text it is.
func (markdownWriter) Write(w io.Writer, r *Report) error {
	t := labelsFor(r.Lang)
	fs := orderedFindings(r)
	b := bufio.NewWriter(w)
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }

	p("# %s\n\n", mdText(t.Title))
	if bs := bundles(r); len(bs) > 0 {
		names := make([]string, len(bs))
		for i, s := range bs {
			names[i] = "**" + mdText(s) + "**"
		}
		p("%s: %s  \n", mdText(t.Bundle), strings.Join(names, ", "))
	}
	if g := generatedText(r.Generated); g != "" {
		p("%s: %s  \n", mdText(t.Generated), g)
	}
	p("%s %s\n\n", mdText(t.Version), mdText(r.Version))
	p("%s\n\n", mdText(t.summary(r)))

	multi := multiBundle(r)
	if multi {
		p("## %s\n\n", mdText(t.BundleVerdicts))
		p("%s\n\n", mdText(t.bundleSummary(r)))
		mdRow(b, t.Bundle, t.VerdictHead, t.Sev[3], t.Sev[2], t.Sev[1], t.Sev[0], t.Servers, t.LogsRead, t.Warnings)
		mdAlign(b, "---", "---", "--:", "--:", "--:", "--:", "---", "--:", "--:")
		for _, bv := range r.Bundles {
			verdict, _ := t.bundleVerdict(bv.Verdict)
			c := bv.BySeverity
			mdRawRow(b, mdCell(bv.Name), "**"+mdCell(verdict)+"**",
				fmt.Sprint(c["critical"]), fmt.Sprint(c["error"]), fmt.Sprint(c["warning"]), fmt.Sprint(c["info"]),
				mdCell(dash(strings.Join(bv.Hosts, ", "))), mdCell(fmt.Sprintf(t.OfTotal, bv.Read, bv.Inputs)), fmt.Sprint(bv.Warnings))
		}
		b.WriteString("\n")
		p("### %s\n\n", mdText(t.Across))
		if len(r.Summary.Rules) == 0 {
			p("%s\n\n", mdText(t.NoRulesFired))
		} else {
			p("%s\n\n", mdText(t.AcrossNote))
			mdRow(b, t.Rule, t.Severity, t.Bundles, t.Findings, t.Title2)
			mdAlign(b, "---", "---", "--:", "--:", "---")
			for _, rs := range r.Summary.Rules {
				mdRawRow(b, mdCode(rs.Rule), mdCell(t.sevLabel(rs.Severity)), mdCell(fmt.Sprintf(t.OfTotal, rs.Bundles, r.Summary.Bundles)),
					fmt.Sprint(rs.Findings), mdCell(rs.Title))
			}
			b.WriteString("\n")
		}
	}

	srvs := servers(r, fs)
	p("## %s\n\n", mdText(t.Verdicts))
	if len(srvs) == 0 {
		p("%s\n\n", mdText(t.NoFindings))
	} else {
		head := []string{t.Server, t.VerdictHead, t.Sev[3], t.Sev[2], t.Sev[1], t.Sev[0], t.Findings}
		align := []string{"---", "---", "--:", "--:", "--:", "--:", "---"}
		if multi {
			head = append([]string{t.Server, t.Bundle}, head[1:]...)
			align = append([]string{"---"}, align...)
		}
		mdRow(b, head...)
		mdAlign(b, align...)
		for _, s := range srvs {
			refs := make([]string, 0, len(s.Findings))
			for _, fi := range s.Findings {
				refs = append(refs, fmt.Sprintf("F%d", fi+1))
			}
			cells := []string{mdCell(serverName(s.Name, t))}
			if multi {
				cells = append(cells, mdCell(dash(s.Bundle)))
			}
			cells = append(cells, "**"+mdCell(t.Verdict[s.Worst])+"**",
				fmt.Sprint(s.Counts[3]), fmt.Sprint(s.Counts[2]), fmt.Sprint(s.Counts[1]), fmt.Sprint(s.Counts[0]),
				strings.Join(refs, ", "))
			mdRawRow(b, cells...)
		}
		b.WriteString("\n")

		p("## %s\n\n", mdText(t.Servers))
		mdRow(b, t.Server, t.Bundle, t.Product, t.Build, t.Level, t.Role, t.Cluster, t.OS)
		mdAlign(b, "---", "---", "---", "---", "---", "---", "---", "---")
		for _, s := range srvs {
			cluster := s.Host.Cluster
			if cluster == "node" {
				cluster = t.ClusterNode
			}
			mdRow(b, serverName(s.Name, t), dash(strings.Join(s.Bundles, ", ")), dash(s.Host.Product),
				dash(s.Host.Build), dash(s.Host.Level), dash(s.Host.Role), dash(cluster), dash(s.Host.OS))
		}
		b.WriteString("\n")
	}

	p("## %s\n\n", mdText(t.Findings))
	if len(fs) == 0 {
		p("%s\n\n", mdText(t.NoFindings))
	}
	for i := range fs {
		f := &fs[i]
		p("### F%d · %s · %s\n\n", i+1, mdText(t.sevLabel(f.Severity)), mdText(oneLine(f.Title)))
		p("- **%s:** %s\n", mdText(t.Server), mdText(serverName(f.Host, t)))
		if f.Bundle != "" {
			p("- **%s:** %s\n", mdText(t.Bundle), mdText(oneLine(f.Bundle)))
		}
		p("- **%s:** %s\n", mdText(t.Rule), mdText(oneLine(f.Rule)))
		p("- **%s:** %d\n", mdText(t.Count), f.Count)
		if len(f.KB) > 0 {
			links := make([]string, len(f.KB))
			for j, kb := range f.KB {
				links[j] = fmt.Sprintf("[KB %s](%s)", mdText(oneLine(kb)), detectors.KBURL(mdURL(kb)))
			}
			p("- **%s:** %s\n", mdText(t.KB), strings.Join(links, ", "))
		}
		p("\n**%s:** %s\n\n", mdText(t.Remedy), mdCell(f.Remedy))
		if len(f.Evidence) > 0 {
			mdRow(b, "#", t.Location, t.Time, t.Evidence)
			mdAlign(b, "--:", "---", "---", "---")
			for j, e := range f.Evidence {
				mdRawRow(b, fmt.Sprint(j+1), mdCode(e.Location()), mdCell(dash(t.timeText(e, r.Zone))), mdCode(e.TextIn(r.Lang)))
			}
			b.WriteString("\n")
		}
		if more := f.Count - len(f.Evidence); more > 0 {
			p("_%s_\n\n", mdText(t.more(more)))
		}
	}

	tl := buildTimeline(fs, r.Timeline, t, r.Zone, multi)
	if len(tl.Placed)+len(tl.ClockList) > 0 {
		p("## %s\n\n", mdText(t.Timeline))
	}
	for _, part := range []struct {
		title   string
		entries []tlEntry
	}{{"", tl.Placed}, {t.ClockTitle, tl.ClockList}, {t.NotPlaced, tl.Unplaced}} {
		if len(part.entries) == 0 {
			continue
		}
		if part.title != "" {
			p("### %s\n\n", mdText(part.title))
		}
		mdRow(b, t.Time, t.Server, "#", t.Findings, t.Location)
		mdAlign(b, "---", "---", "--:", "---", "---")
		for _, e := range part.entries {
			mdRawRow(b, mdCell(dash(e.When)), mdCell(e.ServerText(t)), entryRef(e), mdCell(e.Title), mdCode(e.Location))
		}
		b.WriteString("\n")
	}

	quoted := t.quotedAt(r)
	p("## %s\n\n", mdText(t.Inputs))
	if quoted == quotedAtInputs {
		p("%s\n\n", mdText(t.WarningsQuoted))
	}
	if len(r.Inputs) == 0 {
		p("%s\n\n", mdText(t.None))
	} else {
		mdRow(b, t.File, t.Format, t.Server, t.Size, t.Records, "SHA-256", t.Status)
		mdAlign(b, "---", "---", "---", "--:", "--:", "---", "---")
		for _, in := range r.Inputs {
			status := t.inputStatus(in.Unrecognised, in.Failed, len(in.Warnings))
			if len(in.Warnings) > 0 {
				status += "\n" + strings.Join(in.Warnings, "\n")
			}
			mdRawRow(b, mdCode(in.Path), mdCell(dash(string(in.Format))), mdCell(dash(in.Host)), fmt.Sprint(in.Bytes),
				fmt.Sprint(in.Records), mdCell(dash(in.SHA256)), mdCell(status))
		}
		b.WriteString("\n")
	}
	p("## %s\n\n", mdText(t.Warnings))
	if quoted == quotedAtWarnings {
		p("%s\n\n", mdText(t.WarningsQuoted))
	}
	if len(r.Warnings) == 0 {
		p("%s\n", mdText(t.None))
	}
	for _, s := range r.Warnings {
		p("- %s\n", mdLead(mdCell(s)))
	}
	return b.Flush()
}

// entryRef names a timeline entry's finding ("F3"), or "–" for an event.
func entryRef(e tlEntry) string {
	if e.Num == 0 {
		return "–"
	}
	return fmt.Sprintf("F%d", e.Num)
}

func serverName(name string, t *labels) string {
	if name == "" {
		return t.NoServer
	}
	return name
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// mdRow writes one table row; every cell is escaped.
func mdRow(b *bufio.Writer, cells ...string) {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = mdCell(c)
	}
	b.WriteString("| " + strings.Join(out, " | ") + " |\n")
}

// mdRawRow writes one table row of cells already escaped.
func mdRawRow(b *bufio.Writer, cells ...string) {
	b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
}

func mdAlign(b *bufio.Writer, cells ...string) {
	b.WriteString("|" + strings.Join(cells, "|") + "|\n")
}

// mdSpecial are the characters that could start Markdown or HTML markup
// inside a line: they are backslash-escaped, which CommonMark allows for
// any ASCII punctuation.
const mdSpecial = "\\`*_{}[]<>|~&"

// mdBlockStart matches what would open a block (heading, list, quote) at
// the start of a line.
var mdBlockStart = regexp.MustCompile(`^(#|[-+]\s|\d{1,9}[.)])`)

// mdText escapes text for use inside a Markdown line: markup characters
// are backslash-escaped, control characters made visible, line breaks
// turned into spaces.
func mdText(s string) string {
	s = oneLine(s)
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdLead escapes what would open a block (a heading, a list, a quote) at
// the start of an already escaped line, so that it stays a paragraph.
func mdLead(s string) string {
	m := mdBlockStart.FindStringIndex(s)
	if m == nil {
		return s
	}
	i := m[1] - 1 // the "." or ")" of an ordered list marker
	if s[0] == '#' || s[0] == '-' || s[0] == '+' {
		i = 0
	}
	return s[:i] + "\\" + s[i:]
}

// mdCell escapes text for a table cell or a list item: as mdText, but
// line breaks become <br> so that a multi-line record stays in its cell.
func mdCell(s string) string {
	lines := strings.Split(strings.TrimRight(CleanText(s), "\n"), "\n")
	for i, l := range lines {
		lines[i] = mdText(l)
	}
	return strings.Join(lines, "<br>")
}

// mdCode renders log text verbatim in a table cell: each line a code span
// (nothing inside is markup, so Windows paths keep their backslashes),
// lines joined by <br>, pipes escaped as GFM tables require.
func mdCode(s string) string {
	lines := strings.Split(strings.TrimRight(CleanText(s), "\n"), "\n")
	out := lines[:0]
	for _, l := range lines {
		l = strings.ReplaceAll(strings.ReplaceAll(l, "\t", " "), "|", "\\|")
		if strings.TrimSpace(l) == "" {
			continue
		}
		run, longest := 0, 0
		for _, r := range l {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
		fence := strings.Repeat("`", longest+1)
		if l[0] == '`' || l[len(l)-1] == '`' || (l[0] == ' ' && l[len(l)-1] == ' ') {
			l = " " + l + " "
		}
		out = append(out, fence+l+fence)
	}
	return strings.Join(out, "<br>")
}

// mdURL keeps only the characters a KB number may have, for link targets.
func mdURL(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == 'Q' {
			return r
		}
		return -1
	}, s)
}
