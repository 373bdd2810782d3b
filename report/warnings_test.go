package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/extriage/extriage/detectors"
)

// A Polish report quotes the warnings in English, as the scan wrote them,
// and says so once, in Polish, before the first of them (at the input
// files when one shows warnings, else at the list of warnings), in HTML,
// Markdown and the terminal table; an English report needs no such note.
func TestPolishReportSaysWarningsAreQuoted(t *testing.T) {
	const warn = "not a log format extriage reads: skipped"
	note := labelsFor(detectors.Polish).WarningsQuoted
	if note == "" || !strings.Contains(note, "po angielsku") {
		t.Fatalf("Polish note %q", note)
	}
	for _, inInputs := range []bool{true, false} {
		r := perBundleReport(detectors.Polish)
		r.Warnings = []string{"batch/caseC/readme.txt: " + warn}
		if !inInputs {
			for i := range r.Inputs {
				r.Inputs[i].Warnings = nil
			}
		}
		for _, format := range []string{"html", "markdown", "table"} {
			out := string(render(t, format, r))
			n := note
			switch format {
			case "html":
				n = htmlText(note)
			case "markdown":
				n = mdText(note)
			}
			if c := strings.Count(out, n); c != 1 {
				t.Errorf("%s (input warnings %v): the note is there %d times, want once", format, inInputs, c)
				continue
			}
			if strings.Index(out, n) > strings.Index(out, warn) {
				t.Errorf("%s (input warnings %v): the note comes after the first warning", format, inInputs)
			}
			if format == "html" && (strings.Count(out, `<ul class="warn" lang="en">`) != map[bool]int{true: 2, false: 1}[inInputs] || strings.Contains(out, `<ul class="warn">`)) {
				t.Errorf("html (input warnings %v): the lists of English warnings are not marked lang=\"en\"", inInputs)
			}
			if format == "table" {
				continue
			}
			// It stands under the heading of the section it belongs to.
			head := labelsFor(detectors.Polish).Warnings
			if inInputs {
				head = labelsFor(detectors.Polish).Inputs
			}
			sep := map[string]string{"html": "<h2>" + htmlText(head) + "</h2>\n<p class=\"note\">", "markdown": "## " + mdText(head) + "\n\n"}[format]
			if !strings.Contains(out, sep+n) {
				t.Errorf("%s (input warnings %v): the note is not right under %q", format, inInputs, head)
			}
		}
	}

	// No warnings, no note; an English report, no note either.
	r := perBundleReport(detectors.Polish)
	for i := range r.Inputs {
		r.Inputs[i].Warnings = nil
	}
	for _, format := range []string{"html", "markdown", "table"} {
		if out := string(render(t, format, r)); strings.Contains(out, "po angielsku") {
			t.Errorf("%s: a note about warnings in a report without any", format)
		}
	}
	en := perBundleReport(detectors.English)
	en.Warnings = []string{"batch/caseC/readme.txt: " + warn}
	if out := string(render(t, "html", en)); strings.Contains(out, `lang="en">`) && !strings.Contains(out, `<html lang="en">`) || strings.Contains(out, `<ul class="warn" lang=`) {
		t.Error("an English HTML report marks its warnings with a lang of their own")
	}
	for _, format := range []string{"html", "markdown", "table"} {
		if out := string(render(t, format, en)); strings.Contains(out, "quoted") || strings.Contains(out, "po angielsku") {
			t.Errorf("%s: an English report says its warnings are quoted", format)
		}
	}
}

// The terminal tables of a Polish report name severities and verdicts in
// Polish and count "z", as the other formats do; English keeps the words
// the flags take.
func TestPolishTerminalTables(t *testing.T) {
	bundleTable := func(lang detectors.Lang) string {
		var b strings.Builder
		if err := WriteBundleTable(&b, perBundleReport(lang)); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	pl := string(render(t, "table", perBundleReport(detectors.Polish))) + bundleTable(detectors.Polish)
	for _, want := range []string{"│ błąd ", "│ krytyczny ", "PAKIET", "OCENA", "ODCZYTANE DZIENNIKI", "OSTRZEŻENIA", "│ 2 z 3 ",
		"Pakiety: 3; Niepowodzenie (krytyczne): 1, Niepowodzenie: 1, Nie odczytano żadnego dziennika: 1.", "Nie odczytano żadnego dziennika"} {
		if !strings.Contains(pl, want) {
			t.Errorf("Polish tables lack %q:\n%s", want, pl)
		}
	}
	for _, not := range []string{`│ error +│`, `│ critical +│`, `│ warning +│`, "bundle\\(s\\)", " of ", "VERDICT", "unreadable", "LOGS READ"} {
		if regexp.MustCompile(not).MatchString(pl) {
			t.Errorf("Polish tables say %q", not)
		}
	}
	en := bundleTable(detectors.English)
	for _, want := range []string{"BUNDLE", "VERDICT", "│ unreadable ", "│ 2 of 3 ", "3 bundle(s): 1 critical, 1 error, 1 unreadable", "│ error "} {
		if !strings.Contains(en, want) {
			t.Errorf("English bundle table lacks %q:\n%s", want, en)
		}
	}
}
