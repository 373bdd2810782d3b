package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

func TestCaseFormatsRegistered(t *testing.T) {
	for _, name := range []string{"html", "markdown", "csv", "sarif", "json", "jsonl", "table"} {
		if _, err := Lookup(name); err != nil {
			t.Errorf("format %q: %v", name, err)
		}
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"crlf\r\nline", "crlf\nline"},
		{"\x1b[31mred\x1b[0m", "␛[31mred␛[0m"},
		{"bell\x07 nul\x00 del\x7f", "bell␇ nul␀ del␡"},
		{"bad \xff\xfe utf8", "bad \uFFFD utf8"},
		{"c1 \u009b31m", "c1 \uFFFD31m"},
		{"bidi \u202eevil\u202c", "bidi \uFFFDevil\uFFFD"},
		{"zażółć gęślą jaźń", "zażółć gęślą jaźń"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMarkTokens(t *testing.T) {
	f := &detectors.Finding{Values: map[string]string{"server": "EXVS1", "files": `c:\a\store.exe, c:\a\mad.exe`, "count": "3", "id": "1025"}}
	tests := []struct {
		text string
		want string // marked parts in [brackets]
	}{
		{"Error code 0XC1037B44 (31556): on server 'exvs1'.", "Error code [0XC1037B44] (31556): on server '[exvs1]'."},
		{"FileInUse:: Added to Filelist: c:\\a\\store.exe", "FileInUse:: Added to Filelist: [c:\\a\\store.exe]"},
		{"MSExchangeCluster 1025 (error): EXVS1", "MSExchangeCluster [1025] (error): [EXVS1]"},
		{"3 files, KB912442 failed with 0xf201", "3 files, [KB912442] failed with [0xf201]"},
		{"nothing to see", "nothing to see"},
		{"İstanbul EXVS1", "İstanbul [EXVS1]"}, // case folding changes byte lengths: exact match still works
	}
	for _, tt := range tests {
		var b strings.Builder
		whole := ""
		for _, s := range markTokens(tt.text, f) {
			whole += s.Text
			if s.Mark {
				b.WriteString("[" + s.Text + "]")
			} else {
				b.WriteString(s.Text)
			}
		}
		if whole != tt.text {
			t.Errorf("segments of %q do not add up to the text: %q", tt.text, whole)
		}
		if b.String() != tt.want {
			t.Errorf("markTokens(%q) = %q, want %q", tt.text, b.String(), tt.want)
		}
	}
}

// TestTimelinePlacement checks that only evidence with a date goes on the
// dated axis, in time order; that evidence with only a time of day is
// drawn by clock time apart; and that the rest is listed.
func TestTimelinePlacement(t *testing.T) {
	r := sampleReport(detectors.English)
	fs := orderedFindings(r)
	tl := buildTimeline(fs, nil, labelsFor(r.Lang), nil, false)
	var dated, clock, apart int
	for _, f := range fs {
		for _, e := range f.Evidence {
			switch e.TimeQ {
			case parsers.TimeExact, parsers.TimeNoZone:
				dated++
			case parsers.TimeNoDate:
				clock++
			default:
				apart++
			}
		}
	}
	if len(tl.Placed) != dated || tl.Dated == nil || len(tl.Dated.Marks) != dated {
		t.Fatalf("dated: %d entries, want %d", len(tl.Placed), dated)
	}
	if len(tl.ClockList) != clock || tl.Clock == nil || len(tl.Clock.Marks) != clock {
		t.Fatalf("time of day: %d entries, want %d", len(tl.ClockList), clock)
	}
	if len(tl.Unplaced) != apart {
		t.Fatalf("apart: %d, want %d", len(tl.Unplaced), apart)
	}
	for i := 1; i < len(tl.Placed); i++ {
		if tl.Placed[i].t.Before(tl.Placed[i-1].t) {
			t.Errorf("dated evidence out of time order at %d", i)
		}
	}
	// Marks run left to right in time order, inside the plot.
	for _, d := range []*tlDrawing{tl.Dated, tl.Clock} {
		prev := -1.0
		for _, m := range d.Marks {
			var x float64
			fmt.Sscan(m.X, &x)
			if x < tlPlotX0 || x > tlPlotX1 || x < prev {
				t.Errorf("%s: mark at x=%v out of order or outside [%v,%v]", d.ID, x, tlPlotX0, tlPlotX1)
			}
			prev = x
		}
	}
	hollow := 0
	for _, m := range tl.Dated.Marks {
		if m.Hollow {
			hollow++
		}
	}
	if hollow != 1 {
		t.Errorf("%d hollow marks, want 1 (the local time of KB912442.log)", hollow)
	}
	// Three servers have dated evidence; the first tick carries the date.
	if len(tl.Dated.Lanes) != 3 || len(tl.Dated.Ticks) < 2 || tl.Dated.Ticks[0].Date != "2006-03-14" {
		t.Errorf("dated: lanes %d, ticks %+v", len(tl.Dated.Lanes), tl.Dated.Ticks)
	}
	// The time-of-day drawing never shows a date, not even the one the
	// parser borrowed from context.
	for _, tk := range tl.Clock.Ticks {
		if tk.Date != "" || strings.Contains(tk.Label, "-") {
			t.Errorf("time-of-day axis shows a date: %+v", tk)
		}
	}
	for _, e := range tl.ClockList {
		if strings.Contains(e.When, "2024") {
			t.Errorf("evidence without a date shows one: %q", e.When)
		}
	}

	// No dated evidence at all: no drawing, everything listed apart.
	none := buildTimeline([]detectors.Finding{{Rule: "r", Host: "H", Evidence: []detectors.Evidence{
		{Path: "a.log", Line: 1, TimeQ: parsers.TimeElapsed}, {Path: "b.log", Line: 2, TimeQ: parsers.TimeNone}}}}, nil, labelsFor("en"), nil, false)
	if none.Dated != nil || none.Clock != nil || len(none.Unplaced) != 2 {
		t.Errorf("undated case: dated %v clock %v apart %d", none.Dated, none.Clock, len(none.Unplaced))
	}
}

// TestTimelineEvents checks that runs and key events are drawn on the axis
// their times allow: a dated run as a bar, a time-of-day run on the clock
// drawing (across midnight too), an event as a diamond, an elapsed one in
// the list.
func TestTimelineEvents(t *testing.T) {
	r := sampleReport(detectors.English)
	r.Timeline = nil
	nd := func(h, m int) time.Time { return time.Date(2024, 5, 6, h, m, 0, 0, time.UTC) }
	r.Timeline = []TimelineEvent{
		{Host: "EXCLNODE1", Label: "KB912442 hotfix run", Start: detectors.Evidence{Path: "kb.log", Line: 1, Time: utc(23, 1, 0)},
			End: &detectors.Evidence{Path: "kb.log", Line: 14, Time: utc(23, 6, 0)}},
		{Host: "EXCLNODE2", Label: "Exchange 2003 SP2 setup run", Start: detectors.Evidence{Path: "p.log", Line: 1, Time: nd(23, 50), TimeQ: parsers.TimeNoDate},
			End: &detectors.Evidence{Path: "p.log", Line: 40, Time: nd(0, 10), TimeQ: parsers.TimeNoDate}},
		{Host: "EXCLNODE2", Label: "Information Store stopped", Start: detectors.Evidence{Path: "s.evtx", Record: 5, Time: utc(22, 29, 0)}},
		{Host: "EXCLNODE1", Label: "update.exe started", Start: detectors.Evidence{Path: "kb.log", Line: 2, TimeQ: parsers.TimeElapsed}},
	}
	tl := buildTimeline(orderedFindings(r), r.Timeline, labelsFor(r.Lang), nil, false)
	if len(tl.Dated.Runs) != 1 || len(tl.Dated.Events) != 1 || len(tl.Clock.Runs) != 1 || !tl.HasEvents {
		t.Fatalf("dated runs %d events %d, clock runs %d", len(tl.Dated.Runs), len(tl.Dated.Events), len(tl.Clock.Runs))
	}
	var w float64
	fmt.Sscan(tl.Clock.Runs[0].W, &w)
	if w < 10 {
		t.Errorf("the setup run across midnight is %v wide; its end was not carried to the next day", w)
	}
	found := false
	for _, e := range tl.Unplaced {
		found = found || (e.Num == 0 && e.Title == "update.exe started")
	}
	if !found {
		t.Error("the elapsed-time event is not listed apart")
	}
	html := string(render(t, "html", r))
	for _, want := range []string{"KB912442 hotfix run", "Exchange 2003 SP2 setup run", `<rect class="event"`, labelsFor("en").EventLegend} {
		if !strings.Contains(html, want) {
			t.Errorf("html lacks %q", want)
		}
	}
	md := string(render(t, "markdown", r))
	mdTables(t, md)
	if !strings.Contains(md, "| – | Information Store stopped |") {
		t.Error("markdown: the event is not in the timeline table")
	}
	if !strings.Contains(string(render(t, "json", r)), `"timeline": [`) {
		t.Error("json: the events are not in the document")
	}
}

func TestHTMLContent(t *testing.T) {
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		r := sampleReport(lang)
		out := string(render(t, "html", r))
		l := labelsFor(lang)
		for _, want := range []string{
			`<html lang="` + string(lang) + `">`,
			`Content-Security-Policy" content="default-src 'none'`,
			`<section id="verdict">`, `<section id="servers">`, `<section id="timeline">`,
			`<section id="findings">`, `<section id="inputs">`,
			`<svg class="tl" id="timeline-svg"`,
			htmlText(l.Verdicts), htmlText(l.Verdict[4]), htmlText(l.Verdict[3]), htmlText(l.Verdict[2]),
			htmlText(l.NotPlaced), htmlText(l.Remedy),
			`<a class="kb" href="https://support.microsoft.com/kb/823166">KB 823166</a>`,
			"<mark>c:\\program files\\exchsrvr\\bin\\store.exe</mark>",
			"Generated", // replaced below for Polish
		} {
			if lang == detectors.Polish && want == "Generated" {
				want = "Wygenerowano"
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s: HTML lacks %q", lang, want)
			}
		}
		for _, bad := range []string{"<script", "<link", "<img", "<iframe", "src=", "@import", "url("} {
			if strings.Contains(strings.ToLower(out), bad) {
				t.Errorf("%s: HTML contains %q: it must be self-contained and script-free", lang, bad)
			}
		}
		// Every external link is a KB link.
		for _, m := range regexp.MustCompile(`href="(http[^"]*)"`).FindAllStringSubmatch(out, -1) {
			if !strings.HasPrefix(m[1], "https://support.microsoft.com/kb/") {
				t.Errorf("%s: unexpected external link %s", lang, m[1])
			}
		}
	}
	// The server inventory: one row per server with its product, build,
	// level, role, cluster membership and Windows version.
	inv := regexp.MustCompile(`(?s)<table class="inventory">.*?</table>`).FindString(string(render(t, "html", sampleReport(detectors.English))))
	for _, want := range []string{"<th>Operating system</th>",
		"<td>Exchange Server 2003</td><td>6.5.7226.0</td><td>SP1</td><td>back-end</td><td>node</td><td>Windows Server 2003 Service Pack 1 (5.2.3790)</td>",
		"<td>6.5.7638.1</td><td>SP2</td><td>front-end</td><td>–</td><td>–</td>"} {
		if !strings.Contains(inv, want) {
			t.Errorf("server inventory lacks %q:\n%s", want, inv)
		}
	}
	// An input read only in part (a damaged chunk) stands out as a
	// warning in the inventory, with its count; one read whole does not.
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		html := string(render(t, "html", sampleReport(lang)))
		md := string(render(t, "markdown", sampleReport(lang)))
		warned := fmt.Sprintf(labelsFor(lang).StatusWarned, 1)
		ul := map[detectors.Lang]string{detectors.English: `<ul class="warn">`, detectors.Polish: `<ul class="warn" lang="en">`}[lang]
		if !strings.Contains(html, `<tr class="sev-warning"><td class="path">contoso-case/EXCLNODE2/System.evtx</td>`) ||
			!strings.Contains(html, `<td class="status">`+htmlText(warned)+ul+`<li>chunk 3 at offset 0x31000`) {
			t.Errorf("%s: html: the partly read System.evtx is not marked %q", lang, warned)
		}
		if !strings.Contains(html, `<tr class=""><td class="path">contoso-case/EXCLNODE1/KB912442.log</td>`) {
			t.Errorf("%s: html: a file read whole is marked", lang)
		}
		if !strings.Contains(md, "| "+mdCell(warned)+"<br>chunk 3 at offset 0x31000") {
			t.Errorf("%s: markdown: the partly read System.evtx is not marked %q", lang, warned)
		}
	}
	// Polish labels, and the severities in Polish.
	pl := string(render(t, "html", sampleReport(detectors.Polish)))
	for _, want := range []string{"Ocena każdego serwera", "Oś czasu", "Pliki wejściowe", "Krytyczny", "Zalecenie", "Niepowodzenie (krytyczne)"} {
		if !strings.Contains(pl, want) {
			t.Errorf("Polish HTML lacks %q", want)
		}
	}
}

// splitCells splits a Markdown table row on the pipes that are not
// escaped (GFM: a pipe right after a backslash is part of the cell).
func splitCells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	if strings.HasSuffix(row, "|") && !strings.HasSuffix(row, `\|`) {
		row = row[:len(row)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '|' && (i == 0 || row[i-1] != '\\') {
			cells = append(cells, row[start:i])
			start = i + 1
		}
	}
	return append(cells, row[start:])
}

var mdAlignRow = regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+$`)

// mdTables returns the tables of a Markdown document as rows of cells,
// failing the test when a row's cell count differs from its header's.
func mdTables(t *testing.T, doc string) [][][]string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	var tables [][][]string
	for i := 0; i+1 < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") || !mdAlignRow.MatchString(lines[i+1]) {
			continue
		}
		header := splitCells(lines[i])
		if n := len(splitCells(lines[i+1])); n != len(header) {
			t.Errorf("line %d: alignment row has %d cells, header %d", i+2, n, len(header))
		}
		table := [][]string{header}
		j := i + 2
		for ; j < len(lines) && strings.HasPrefix(lines[j], "|"); j++ {
			cells := splitCells(lines[j])
			if len(cells) != len(header) {
				t.Errorf("line %d: %d cells, header has %d: %s", j+1, len(cells), len(header), lines[j])
			}
			table = append(table, cells)
		}
		tables = append(tables, table)
		i = j
	}
	return tables
}

func TestMarkdown(t *testing.T) {
	r := sampleReport(detectors.English)
	doc := string(render(t, "markdown", r))
	tables := mdTables(t, doc)
	// verdict, servers, one evidence table per finding, dated, time of
	// day, apart, inputs
	if want := 2 + len(r.Findings) + 3 + 1; len(tables) != want {
		t.Errorf("%d tables, want %d", len(tables), want)
	}
	if got := len(tables[0]) - 1; got != 3 {
		t.Errorf("verdict table has %d rows, want 3 servers", got)
	}
	// The server inventory has every column of the hosts, the OS too.
	last := func(row []string) string { return strings.TrimSpace(row[len(row)-1]) }
	if srv := tables[1]; len(srv) != 4 || last(srv[0]) != "Operating system" || strings.TrimSpace(srv[2][0]) != "EXCLNODE2" ||
		last(srv[2]) != "Windows Server 2003 Service Pack 1 (5.2.3790)" || last(srv[1]) != "–" {
		t.Errorf("server table %q", srv)
	}
	for i, f := range orderedFindings(r) {
		head := fmt.Sprintf("### F%d · %s · %s", i+1, labelsFor("en").sevLabel(f.Severity), mdText(f.Title))
		if !strings.Contains(doc, head+"\n") {
			t.Errorf("no heading %q", head)
		}
	}
	if !strings.Contains(doc, "`CClusterVirtualServer::ScCheckNodeVersion (f:\\titanium\\admin\\src\\udog\\exsetdata\\components\\cluster\\clusvs.cxx:1184)`<br>`") {
		t.Error("multi-line evidence is not kept in its cell as code spans joined by <br>")
	}
	if !strings.Contains(doc, "[KB 823166](https://support.microsoft.com/kb/823166)") {
		t.Error("no KB link")
	}

	tests := []struct{ in, want string }{
		{"a|b", `a\|b`},
		{"two\nlines", "two<br>lines"},
		{"<b>bold</b> *x* _y_ [l](u)", `\<b\>bold\</b\> \*x\* \_y\_ \[l\](u)`},
		{"c:\\dir\\f.log", `c:\\dir\\f.log`},
		{"a & b ~x~ `c`", "a \\& b \\~x\\~ \\`c\\`"},
	}
	for _, tt := range tests {
		if got := mdCell(tt.in); got != tt.want {
			t.Errorf("mdCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	codes := []struct{ in, want string }{
		{`c:\dir\f.log`, "`c:\\dir\\f.log`"},
		{"a|b\nc", "`a\\|b`<br>`c`"},
		{"has `tick`", "`` has `tick` ``"},
		{"<script>", "`<script>`"},
	}
	for _, tt := range codes {
		if got := mdCode(tt.in); got != tt.want {
			t.Errorf("mdCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	leads := []struct{ in, want string }{
		{"# not a heading", `\# not a heading`},
		{"- not a list", `\- not a list`},
		{"12. not a list", `12\. not a list`},
		{"fine", "fine"},
	}
	for _, tt := range leads {
		if got := mdLead(tt.in); got != tt.want {
			t.Errorf("mdLead(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCSV(t *testing.T) {
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		r := sampleReport(lang)
		rows, err := csv.NewReader(bytes.NewReader(render(t, "csv", r))).ReadAll()
		if err != nil {
			t.Fatalf("%s: CSV does not parse: %v", lang, err)
		}
		if got, want := rows[0], labelsFor(lang).CSV; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: header %q, want %q", lang, got, want)
		}
		if len(rows)-1 != len(r.Findings) {
			t.Fatalf("%s: %d rows, want one per finding (%d)", lang, len(rows)-1, len(r.Findings))
		}
		for i, f := range orderedFindings(r) {
			row := rows[i+1]
			want := map[int]string{0: fmt.Sprint(i + 1), 1: f.Severity.String(), 2: f.Rule, 3: f.Title, 4: f.Host, 6: fmt.Sprint(f.Count), 13: f.Remedy}
			for col, v := range want {
				if row[col] != v {
					t.Errorf("%s row %d col %s = %q, want %q", lang, i+1, rows[0][col], row[col], v)
				}
			}
			if got := strings.Count(row[10], "\n") + 1; got < len(f.Evidence) {
				t.Errorf("row %d: evidence cell has %d lines, want at least %d", i+1, got, len(f.Evidence))
			}
			if len(f.Evidence) > 0 && row[9] != f.Evidence[0].Location() {
				t.Errorf("row %d: first location %q", i+1, row[9])
			}
		}
		// The first time is the earliest dated evidence, or the time of day.
		if rows[1][7] != "2006-03-14T22:52:10Z" || rows[3][7] != "22:44:19" || rows[3][8] != "no-date" || rows[4][7] != "2006-03-14T23:05:12Z" || rows[4][8] != "no-zone" {
			t.Errorf("first times: %q %q/%q %q/%q", rows[1][7], rows[3][7], rows[3][8], rows[4][7], rows[4][8])
		}
	}
}

// The SARIF 2.1.0 schema, as far as extriage writes it: for each object
// the properties the schema defines (it allows no others) and those it
// requires. Property kinds: string, integer, boolean, bag (a property
// bag), a "map" of strings, an object name, or "[]" + a kind for arrays.
type sarifShape struct {
	props    map[string]string
	required []string
	anyOf    [][]string
}

var sarifShapes = map[string]sarifShape{
	"log": {props: map[string]string{"$schema": "string", "version": "string", "runs": "[]run",
		"inlineExternalProperties": "[]any", "properties": "bag"}, required: []string{"version", "runs"}},
	"run": {props: map[string]string{"tool": "tool", "invocations": "[]invocation", "conversion": "any",
		"language": "string", "versionControlProvenance": "[]any", "originalUriBaseIds": "uriBaseIds",
		"artifacts": "[]artifact", "logicalLocations": "[]logicalLocation", "graphs": "[]any", "results": "[]result",
		"automationDetails": "any", "runAggregates": "[]any", "baselineGuid": "string", "redactionTokens": "[]string",
		"defaultEncoding": "string", "defaultSourceLanguage": "string", "newlineSequences": "[]string",
		"columnKind": "string", "externalPropertyFileReferences": "any", "threadFlowLocations": "[]any",
		"taxonomies": "[]any", "addresses": "[]any", "translations": "[]any", "policies": "[]any",
		"webRequests": "[]any", "webResponses": "[]any", "specialLocations": "any", "properties": "bag"},
		required: []string{"tool"}},
	"tool": {props: map[string]string{"driver": "toolComponent", "extensions": "[]toolComponent", "properties": "bag"},
		required: []string{"driver"}},
	"toolComponent": {props: map[string]string{"guid": "string", "name": "string", "organization": "string",
		"product": "string", "productSuite": "string", "shortDescription": "mms", "fullDescription": "mms",
		"fullName": "string", "version": "string", "semanticVersion": "string", "dottedQuadFileVersion": "string",
		"releaseDateUtc": "string", "downloadUri": "string", "informationUri": "string", "globalMessageStrings": "any",
		"notifications": "[]reportingDescriptor", "rules": "[]reportingDescriptor", "taxa": "[]reportingDescriptor",
		"locations": "[]artifactLocation", "language": "string", "contents": "[]string", "isComprehensive": "boolean",
		"localizedDataSemanticVersion": "string", "minimumRequiredLocalizedDataSemanticVersion": "string",
		"associatedComponent": "any", "translationMetadata": "any", "supportedTaxonomies": "[]any", "properties": "bag"},
		required: []string{"name"}},
	"reportingDescriptor": {props: map[string]string{"id": "string", "deprecatedIds": "[]string", "guid": "string",
		"deprecatedGuids": "[]string", "name": "string", "deprecatedNames": "[]string", "shortDescription": "mms",
		"fullDescription": "mms", "messageStrings": "any", "defaultConfiguration": "reportingConfiguration",
		"helpUri": "string", "help": "mms", "relationships": "[]any", "properties": "bag"},
		required: []string{"id"}},
	"mms": {props: map[string]string{"text": "string", "markdown": "string", "properties": "bag"}, required: []string{"text"}},
	"reportingConfiguration": {props: map[string]string{"enabled": "boolean", "level": "level", "rank": "number",
		"parameters": "bag", "properties": "bag"}},
	"invocation": {props: map[string]string{"commandLine": "string", "arguments": "[]string", "responseFiles": "[]artifactLocation",
		"startTimeUtc": "string", "endTimeUtc": "string", "exitCode": "integer", "ruleConfigurationOverrides": "[]any",
		"notificationConfigurationOverrides": "[]any", "toolExecutionNotifications": "[]notification",
		"toolConfigurationNotifications": "[]notification", "exitCodeDescription": "string", "exitSignalName": "string",
		"exitSignalNumber": "integer", "processStartFailureMessage": "string", "executionSuccessful": "boolean",
		"machine": "string", "account": "string", "processId": "integer", "executableLocation": "artifactLocation",
		"workingDirectory": "artifactLocation", "environmentVariables": "map", "stdin": "artifactLocation",
		"stdout": "artifactLocation", "stderr": "artifactLocation", "stdoutStderr": "artifactLocation", "properties": "bag"},
		required: []string{"executionSuccessful"}},
	"notification": {props: map[string]string{"locations": "[]location", "message": "message", "level": "level",
		"threadId": "integer", "timeUtc": "string", "exception": "any", "descriptor": "any", "associatedRule": "any",
		"properties": "bag"}, required: []string{"message"}},
	"message": {props: map[string]string{"text": "string", "markdown": "string", "id": "string", "arguments": "[]string",
		"properties": "bag"}, anyOf: [][]string{{"text"}, {"id"}}},
	"artifact": {props: map[string]string{"description": "message", "location": "artifactLocation", "parentIndex": "integer",
		"offset": "integer", "length": "integer", "roles": "[]string", "mimeType": "string", "contents": "any",
		"encoding": "string", "sourceLanguage": "string", "hashes": "map", "lastModifiedTimeUtc": "string", "properties": "bag"}},
	"artifactLocation": {props: map[string]string{"uri": "string", "uriBaseId": "string", "index": "integer",
		"description": "message", "properties": "bag"}},
	"result": {props: map[string]string{"ruleId": "string", "ruleIndex": "integer", "rule": "any", "kind": "string",
		"level": "level", "message": "message", "analysisTarget": "artifactLocation", "locations": "[]location",
		"guid": "string", "correlationGuid": "string", "occurrenceCount": "integer", "partialFingerprints": "map",
		"fingerprints": "map", "stacks": "[]any", "codeFlows": "[]any", "graphs": "[]any", "graphTraversals": "[]any",
		"relatedLocations": "[]location", "suppressions": "[]any", "baselineState": "string", "rank": "number",
		"attachments": "[]any", "hostedViewerUri": "string", "workItemUris": "[]string", "provenance": "any",
		"fixes": "[]any", "taxa": "[]any", "webRequest": "any", "webResponse": "any", "properties": "bag"},
		required: []string{"message"}},
	"location": {props: map[string]string{"id": "integer", "physicalLocation": "physicalLocation",
		"logicalLocations": "[]logicalLocation", "message": "message", "annotations": "[]region",
		"relationships": "[]any", "properties": "bag"}},
	"physicalLocation": {props: map[string]string{"address": "any", "artifactLocation": "artifactLocation",
		"region": "region", "contextRegion": "region", "properties": "bag"},
		anyOf: [][]string{{"address"}, {"artifactLocation"}}},
	"region": {props: map[string]string{"startLine": "integer", "startColumn": "integer", "endLine": "integer",
		"endColumn": "integer", "charOffset": "integer", "charLength": "integer", "byteOffset": "integer",
		"byteLength": "integer", "snippet": "any", "message": "message", "sourceLanguage": "string", "properties": "bag"},
		anyOf: [][]string{{"startLine"}, {"charOffset"}, {"byteOffset"}}},
	"logicalLocation": {props: map[string]string{"name": "string", "index": "integer", "fullyQualifiedName": "string",
		"decoratedName": "string", "parentIndex": "integer", "kind": "string", "properties": "bag"}},
}

// checkSARIF walks a decoded SARIF value against sarifShapes.
func checkSARIF(t *testing.T, v any, kind, path string) {
	t.Helper()
	if strings.HasPrefix(kind, "[]") {
		arr, ok := v.([]any)
		if !ok {
			t.Errorf("%s: want an array, got %T", path, v)
			return
		}
		for i, x := range arr {
			checkSARIF(t, x, kind[2:], fmt.Sprintf("%s[%d]", path, i))
		}
		return
	}
	switch kind {
	case "any":
		return
	case "string":
		if _, ok := v.(string); !ok {
			t.Errorf("%s: want a string, got %T", path, v)
		}
		return
	case "integer", "number":
		n, ok := v.(float64)
		if !ok || (kind == "integer" && n != float64(int64(n))) {
			t.Errorf("%s: want an %s, got %v", path, kind, v)
		}
		return
	case "boolean":
		if _, ok := v.(bool); !ok {
			t.Errorf("%s: want a boolean, got %T", path, v)
		}
		return
	case "level":
		if s, _ := v.(string); s != "none" && s != "note" && s != "warning" && s != "error" {
			t.Errorf("%s: level %v is not none, note, warning or error", path, v)
		}
		return
	case "map":
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: want an object, got %T", path, v)
			return
		}
		for k, x := range m {
			if _, ok := x.(string); !ok {
				t.Errorf("%s.%s: want a string, got %T", path, k, x)
			}
		}
		return
	case "uriBaseIds": // uriBaseId -> artifactLocation whose uri ends in "/"
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: want an object, got %T", path, v)
			return
		}
		for k, x := range m {
			checkSARIF(t, x, "artifactLocation", path+"."+k)
			if loc, _ := x.(map[string]any); loc != nil {
				if u, _ := loc["uri"].(string); !strings.HasSuffix(u, "/") {
					t.Errorf("%s.%s: base URI %q does not end in /", path, k, u)
				}
			}
		}
		return
	case "bag":
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: a property bag must be an object, got %T", path, v)
		}
		if tags, ok := m["tags"]; ok {
			checkSARIF(t, tags, "[]string", path+".tags")
		}
		return
	}
	shape, ok := sarifShapes[kind]
	if !ok {
		t.Fatalf("test bug: no shape %q", kind)
	}
	m, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: want a %s object, got %T", path, kind, v)
		return
	}
	for k, x := range m {
		pk, ok := shape.props[k]
		if !ok {
			t.Errorf("%s: property %q is not defined for %s (the schema allows no others)", path, k, kind)
			continue
		}
		checkSARIF(t, x, pk, path+"."+k)
	}
	for _, r := range shape.required {
		if _, ok := m[r]; !ok {
			t.Errorf("%s: required property %q missing from %s", path, r, kind)
		}
	}
	if len(shape.anyOf) > 0 {
		ok := false
		for _, set := range shape.anyOf {
			all := true
			for _, r := range set {
				if _, has := m[r]; !has {
					all = false
				}
			}
			ok = ok || all
		}
		if !ok {
			t.Errorf("%s: %s needs one of %v", path, kind, shape.anyOf)
		}
	}
	if n, ok := m["startLine"].(float64); ok && n < 1 {
		t.Errorf("%s: startLine %v < 1", path, n)
	}
}

func TestSARIF(t *testing.T) {
	r := sampleReport(detectors.English)
	out := render(t, "sarif", r)
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	checkSARIF(t, doc, "log", "$")
	if doc["version"] != "2.1.0" || doc["$schema"] != SARIFSchema {
		t.Errorf("version %v, $schema %v", doc["version"], doc["$schema"])
	}

	// The same document through typed structs, for the values.
	var log struct {
		Runs []struct {
			Language string
			Tool     struct {
				Driver struct {
					Name  string
					Rules []struct {
						ID, Name, HelpURI                       string
						ShortDescription, FullDescription, Help struct{ Text string }
						DefaultConfiguration                    struct{ Level string }
					}
				}
			}
			Artifacts []struct {
				Location struct{ URI string }
				Hashes   map[string]string
			}
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Message struct{ Text string } }
			}
			Results []struct {
				RuleID    string
				RuleIndex int
				Level     string
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI   string
							Index *int
						}
						Region *struct{ StartLine int }
					}
					LogicalLocations []struct{ Name, FullyQualifiedName string }
					Properties       map[string]any
				}
				RelatedLocations []json.RawMessage
			}
		}
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "extriage" || run.Language != "en" {
		t.Errorf("driver %q language %q", run.Tool.Driver.Name, run.Language)
	}
	rules := run.Tool.Driver.Rules
	ids := map[string]bool{}
	for _, f := range r.Findings {
		ids[f.Rule] = true
	}
	if len(rules) != len(ids) {
		t.Errorf("%d rules, want %d (one per rule that fired)", len(rules), len(ids))
	}
	for _, rule := range rules {
		if rule.ShortDescription.Text == "" || rule.FullDescription.Text == "" || rule.Help.Text == "" ||
			!strings.HasPrefix(rule.HelpURI, "https://support.microsoft.com/kb/") || rule.DefaultConfiguration.Level == "" || rule.Name == "" {
			t.Errorf("rule %s is incomplete: %+v", rule.ID, rule)
		}
	}
	// A catalog rule carries its catalog text: the remedy with its
	// placeholders named, the documentation as the full description.
	for _, rule := range rules {
		if rule.ID == "evs-upgrade-required" {
			if !strings.Contains(rule.Help.Text, "On <host>, open Cluster Administrator") || !strings.Contains(rule.FullDescription.Text, "MSExchangeCluster event 1025") {
				t.Errorf("evs-upgrade-required: help %q full %q", rule.Help.Text, rule.FullDescription.Text)
			}
		}
	}
	if len(run.Artifacts) != len(r.Inputs) || run.Artifacts[0].Hashes["sha-256"] != r.Inputs[0].SHA256 {
		t.Errorf("artifacts: %+v", run.Artifacts)
	}
	if len(run.Invocations) != 1 || !run.Invocations[0].ExecutionSuccessful || len(run.Invocations[0].ToolExecutionNotifications) != len(r.Warnings) {
		t.Errorf("invocations: %+v", run.Invocations)
	}
	fs := orderedFindings(r)
	if len(run.Results) != len(fs) {
		t.Fatalf("%d results, want %d", len(run.Results), len(fs))
	}
	levels := map[detectors.Severity]string{detectors.Critical: "error", detectors.Error: "error", detectors.Warning: "warning", detectors.Info: "note"}
	for i, res := range run.Results {
		f := fs[i]
		if res.RuleID != f.Rule || rules[res.RuleIndex].ID != f.Rule || res.Level != levels[f.Severity] {
			t.Errorf("result %d: rule %s index %d level %s; want %s %s", i, res.RuleID, res.RuleIndex, res.Level, f.Rule, levels[f.Severity])
		}
		if !strings.Contains(res.Message.Text, f.Title) || !strings.Contains(res.Message.Text, f.Host) {
			t.Errorf("result %d message %q", i, res.Message.Text)
		}
		if len(res.Locations) != 1 || len(res.RelatedLocations) != len(f.Evidence) {
			t.Errorf("result %d: %d locations, %d related; want 1 and %d", i, len(res.Locations), len(res.RelatedLocations), len(f.Evidence))
			continue
		}
		loc, e := res.Locations[0], f.Evidence[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != artifactURI(e.Path) || loc.PhysicalLocation.ArtifactLocation.Index == nil {
			t.Errorf("result %d: artifact %+v", i, loc.PhysicalLocation.ArtifactLocation)
		}
		switch {
		case e.Line > 0:
			if loc.PhysicalLocation.Region == nil || loc.PhysicalLocation.Region.StartLine != e.Line {
				t.Errorf("result %d: region %+v, want line %d", i, loc.PhysicalLocation.Region, e.Line)
			}
		case e.Record > 0:
			if loc.PhysicalLocation.Region != nil || len(loc.LogicalLocations) != 1 ||
				loc.LogicalLocations[0].Name != fmt.Sprintf("record %d", e.Record) || loc.Properties["record"] != float64(e.Record) {
				t.Errorf("result %d: record location %+v", i, loc)
			}
		}
	}
	// File names with spaces are percent-encoded; "#" in "Progress.log"
	// paths never appears, but a space does.
	if !strings.Contains(string(out), "Exchange%20Server%20Setup%20Progress.log") {
		t.Error("artifact URIs are not percent-encoded")
	}
}

func TestArtifactURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"case/EXCLNODE1/KB912442.log", "case/EXCLNODE1/KB912442.log"},
		{"case/Exchange Server Setup Progress.log", "case/Exchange%20Server%20Setup%20Progress.log"},
		{`C:\Cases\12345\App.evtx`, "file:///C:/Cases/12345/App.evtx"},
		{"/srv/cases/a#1.log", "file:///srv/cases/a%231.log"},
		{`\\fs01\logs\setup.log`, "file://fs01/logs/setup.log"},
		{"logs.zip!EXCLNODE1/System.evtx", "logs.zip%21EXCLNODE1/System.evtx"},
		{"a:b/c.log", "./a:b/c.log"},
		// Every byte a path may not hold is encoded; UTF-8 byte by byte.
		{"Dziennik zdarzeń/100%?[1].log", "Dziennik%20zdarze%C5%84/100%25%3F%5B1%5D.log"},
		{"a.zip!b.zip!Setup (2).log", "a.zip%21b.zip%21Setup%20(2).log"},
		{"/srv/c.zip!x.log", "file:///srv/c.zip%21x.log"},
	}
	for _, tt := range tests {
		if got := artifactURI(tt.in); got != tt.want {
			t.Errorf("artifactURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestHostileText feeds log text with markup, quotes, terminal escapes,
// invalid UTF-8, bidi overrides and spreadsheet formulas through every
// format and checks that each output is safe for where it goes.
func TestHostileText(t *testing.T) {
	r := hostileReport()
	for _, name := range []string{"html", "markdown", "csv", "sarif", "json", "jsonl", "table"} {
		out := render(t, name, r)
		if !utf8.Valid(out) {
			t.Errorf("%s: output is not valid UTF-8", name)
		}
		if name != "json" && name != "jsonl" && name != "sarif" {
			// JSON escapes control characters itself (\u001b); the others
			// must not carry them raw.
			for _, c := range []byte{0x1b, 0x07, 0x00} {
				if bytes.IndexByte(out, c) >= 0 {
					t.Errorf("%s: output holds control byte %#x", name, c)
				}
			}
			if bytes.Contains(out, []byte("\u202e")) || bytes.Contains(out, []byte("\u009b")) {
				t.Errorf("%s: output holds a bidi override or C1 control", name)
			}
		}
		s := string(out)
		switch name {
		case "html":
			low := strings.ToLower(s)
			for _, bad := range []string{"<script", "<img", `href="javascript`, "<b>"} {
				if strings.Contains(low, bad) {
					t.Errorf("html: raw %q in the output", bad)
				}
			}
			if m := regexp.MustCompile(`<[^>]*\sonerror=`).FindString(low); m != "" {
				t.Errorf("html: an event handler attribute in a tag: %q", m)
			}
			if !strings.Contains(s, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
				t.Error("html: the script text is not shown escaped")
			}
			if !strings.Contains(s, "␛[31mRED") {
				t.Error("html: the escape sequence is not shown as visible text")
			}
		case "markdown":
			mdTables(t, s)
			// Outside code spans, every "<" is escaped or our own <br>.
			plain := regexp.MustCompile("(`+)[^`]*?(`+)").ReplaceAllString(s, "")
			for i := 0; i < len(plain); i++ {
				if plain[i] == '<' && (i == 0 || plain[i-1] != '\\') && !strings.HasPrefix(plain[i:], "<br>") {
					t.Errorf("markdown: unescaped %q", plain[i:min(len(plain), i+20)])
				}
			}
			if regexp.MustCompile(`(^|[^\\])\]\(javascript:`).MatchString(s) {
				t.Error("markdown: a log-made link survived")
			}
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
			if err != nil {
				t.Fatalf("csv: %v", err)
			}
			for i, row := range rows {
				for j, cell := range row {
					if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
						t.Errorf("csv row %d col %d starts a formula: %q", i, j, cell)
					}
				}
			}
			if rows[1][3] != `'=HYPERLINK("http://evil","click")<script>alert("x")</script>` {
				t.Errorf("csv: title cell %q", rows[1][3])
			}
		case "sarif", "json":
			var v any
			if err := json.Unmarshal(out, &v); err != nil {
				t.Errorf("%s: does not parse: %v", name, err)
			}
			if strings.Contains(s, "<script") {
				t.Errorf("%s: raw <script> (JSON writers escape <, > and &)", name)
			}
			if name == "sarif" {
				checkSARIF(t, v, "log", "$")
			}
		case "jsonl":
			for i, line := range strings.Split(strings.TrimSpace(s), "\n") {
				if !json.Valid([]byte(line)) {
					t.Errorf("jsonl line %d does not parse", i+1)
				}
			}
		case "table":
			if strings.Contains(s, "RED\x1b") || !strings.Contains(s, "RED") {
				t.Error("table: the escape sequence is not stripped")
			}
		}
	}
}

// TestDeterministic renders each format twice from equal reports built
// with their maps filled in different orders: the bytes must be equal.
func TestDeterministic(t *testing.T) {
	for _, name := range Names() {
		for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
			a := render(t, name, sampleReport(lang))
			for i := 0; i < 3; i++ {
				r := sampleReport(lang)
				for j := range r.Findings {
					if v := r.Findings[j].Values; v != nil {
						m := map[string]string{}
						keys := make([]string, 0, len(v))
						for k := range v {
							keys = append(keys, k)
						}
						for k := len(keys) - 1; k >= 0; k-- {
							m[keys[k]] = v[keys[k]]
						}
						r.Findings[j].Values = m
					}
				}
				if b := render(t, name, r); !bytes.Equal(a, b) {
					t.Errorf("%s (%s): two renderings differ", name, lang)
					break
				}
			}
		}
	}
}

func TestGeneratedTime(t *testing.T) {
	r := sampleReport(detectors.English)
	for _, name := range []string{"html", "markdown", "json"} {
		if out := string(render(t, name, r)); !strings.Contains(out, "2024-05-06") {
			t.Errorf("%s: the generation time is missing", name)
		}
	}
	// Without a generation time the JSON document has no "generated".
	zero := &Report{Tool: "extriage"}
	if strings.Contains(string(render(t, "json", zero)), `"generated"`) {
		t.Error(`json: "generated" written when no time was set`)
	}
}

// TestSummaryGrammar: the summary line and the "more records" note agree
// with their numbers, in English and in Polish (na 1 serwerze, z 1 pliku
// wejściowego, 1 kolejnego rekordu).
func TestSummaryGrammar(t *testing.T) {
	one := &Report{Inputs: []scan.InputInfo{{Path: "a.log"}},
		Findings: []detectors.Finding{{Rule: "r", Title: "T", Host: "H", Severity: detectors.Error, Count: 2,
			Evidence: []detectors.Evidence{{Path: "a.log", Line: 1, Text: "x"}}}}}
	five := sampleReport(detectors.English)
	five.Findings = five.Findings[:5]
	five.Findings[0].Count = 4
	for _, tt := range []struct {
		lang      detectors.Lang
		r         *Report
		sum, more string
	}{
		{detectors.English, one, "1 finding on 1 server; 1 of 1 input file read.", "1 more matching record not shown."},
		{detectors.Polish, one, "Wyniki: 1 na 1 serwerze; odczytano 1 z 1 pliku wejściowego.", "Nie pokazano 1 kolejnego pasującego rekordu."},
		{detectors.English, five, "5 findings on 2 servers; 5 of 6 input files read.", "3 more matching records not shown."},
		{detectors.Polish, five, "Wyniki: 5 na 2 serwerach; odczytano 5 z 6 plików wejściowych.", "Nie pokazano 3 kolejnych pasujących rekordów."},
	} {
		if tt.lang == detectors.Polish && tt.r == five {
			if table := string(render(t, "table", &Report{Lang: tt.lang, Inputs: five.Inputs, Findings: five.Findings})); !strings.Contains(table, "(Krytyczny: 1, Błąd: 3, Ostrzeżenie: 1)") {
				t.Errorf("pl table: the severities are not counted in Polish:\n%s", table)
			}
		}
		r := *tt.r
		r.Lang = tt.lang
		html := string(render(t, "html", &r))
		md := string(render(t, "markdown", &r))
		for _, want := range []string{tt.sum, tt.more} {
			if !strings.Contains(html, htmlText(want)) {
				t.Errorf("%s html: no %q", tt.lang, want)
			}
			if !strings.Contains(md, mdText(want)) {
				t.Errorf("%s markdown: no %q", tt.lang, want)
			}
		}
		if table := string(render(t, "table", &r)); !strings.Contains(table, strings.TrimSuffix(tt.sum, ".")) {
			t.Errorf("%s table: no %q in\n%s", tt.lang, tt.sum, table)
		}
	}
}

// TestMarkdownInCmarkGFM renders the Markdown reports (the sample, and the
// hostile one) with cmark-gfm, the reference GitHub-flavoured Markdown
// renderer: every table comes out as a table whose rows have as many cells
// as its header, and no log text becomes an element (only our own <br>).
func TestMarkdownInCmarkGFM(t *testing.T) {
	bin := testkit.NeedTool(t, "cmark-gfm", "cmark-gfm")
	for _, tc := range []struct {
		name string
		r    *Report
	}{{"sample", sampleReport(detectors.English)}, {"hostile", hostileReport()}} {
		md := render(t, "markdown", tc.r)
		cmd := exec.Command(bin, "--unsafe", "-e", "table")
		cmd.Stdin = bytes.NewReader(md)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: cmark-gfm: %v", tc.name, err)
		}
		html := string(out)
		tables := regexp.MustCompile(`(?s)<table>.*?</table>`).FindAllString(html, -1)
		if want := len(mdTables(t, string(md))); len(tables) != want {
			t.Errorf("%s: cmark-gfm made %d tables of the %d in the Markdown", tc.name, len(tables), want)
		}
		for i, tb := range tables {
			head := len(regexp.MustCompile(`<th[ >]`).FindAllString(tb, -1))
			for _, row := range regexp.MustCompile(`(?s)<tbody>.*?</tbody>`).FindAllString(tb, -1) {
				for _, tr := range regexp.MustCompile(`(?s)<tr>.*?</tr>`).FindAllString(row, -1) {
					if n := len(regexp.MustCompile(`<td[ >]`).FindAllString(tr, -1)); n != head {
						t.Errorf("%s: table %d: a row of %d cells under %d headers: %s", tc.name, i+1, n, head, tr)
					}
				}
			}
		}
		// A cell's text survives whole: GFM drops the cells a stray pipe
		// would add, so the count above cannot tell.
		if tc.name == "hostile" && !strings.Contains(html, `<td><code>@SUM(1+1) &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; 'single' &quot;double&quot; | pipe</code><br><code>second line ␛[31mRED`) {
			t.Errorf("hostile: the evidence cell is not rendered whole:\n%s", html)
		}
		if tc.name == "sample" && !strings.Contains(html, `<td><code>CClusterVirtualServer::ScCheckNodeVersion (f:\titanium\admin\src\udog\exsetdata\components\cluster\clusvs.cxx:1184)</code><br><code>           Error code 0XC1037B44 (31556)`) {
			t.Errorf("sample: the two-line evidence cell is not rendered whole")
		}
		low := strings.ToLower(html)
		for _, bad := range []string{"<script", "<img", "<b>", `href="javascript`} {
			if strings.Contains(low, bad) {
				t.Errorf("%s: the rendered Markdown has %s from log text", tc.name, bad)
			}
		}
	}
}
