package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

// perBundleReport is the report of `--per-bundle 'batch/*'` over three
// cases: caseA and caseB each have a server EX01 (at different builds, with
// different findings), caseB also EX02, and caseC holds no log.
func perBundleReport(lang detectors.Lang) *Report {
	appA, kbB, setupB := "batch/caseA/EX01/Application.evtx", "batch/caseB/EX01/KB912442.log", "batch/caseB/EX02/setup.log"
	res := &scan.Result{
		Inputs: []scan.InputInfo{
			{Path: appA, Bundle: "caseA", Host: "EX01", Format: parsers.FormatEVTX, Records: 10},
			{Path: kbB, Bundle: "caseB", Host: "EX01", Format: parsers.FormatUpdateLog, Records: 5},
			{Path: setupB, Bundle: "caseB", Host: "EX02", Format: parsers.FormatSetupLog, Records: 7},
			{Path: "batch/caseC/readme.txt", Bundle: "caseC", Unrecognised: true, Warnings: []string{"not a log format extriage reads: skipped"}},
		},
		Hosts: []detectors.Host{
			{Name: "EX01", Bundle: "caseA", Product: "Exchange Server 2003", Build: "6.5.7638.1"},
			{Name: "EX01", Bundle: "caseB", Product: "Exchange Server 2003", Build: "6.5.7226.0"},
			{Name: "EX02", Bundle: "caseB", Product: "Exchange Server 2003", Build: "6.5.7638.1"},
		},
		Findings: []detectors.Finding{
			{Rule: "evs-upgrade-required", Title: "EVS must be upgraded", Severity: detectors.Error, Host: "EX01", Bundle: "caseA", Count: 1,
				Evidence: []detectors.Evidence{{Path: appA, Record: 3, Time: utc(22, 41, 7), Text: "MSExchangeCluster 1025"}}, Remedy: "Upgrade the EVS. See KB 328839."},
			{Rule: "evs-upgrade-required", Title: "EVS must be upgraded", Severity: detectors.Error, Host: "EX01", Bundle: "caseB", Count: 1,
				Evidence: []detectors.Evidence{{Path: kbB, Line: 4, Time: utc(23, 2, 42), Text: "1025 in the hotfix log"}}, Remedy: "Upgrade the EVS. See KB 328839."},
			{Rule: "hotfix-file-in-use", Title: "Files in use", Severity: detectors.Warning, Host: "EX01", Bundle: "caseB", Count: 1,
				Evidence: []detectors.Evidence{{Path: kbB, Line: 7, Time: utc(23, 2, 43), Text: "FileInUse store.exe"}}, Remedy: "Stop the services."},
			{Rule: "store-mount-failed", Title: "Store did not mount", Severity: detectors.Critical, Host: "EX02", Bundle: "caseB", Count: 1,
				Evidence: []detectors.Evidence{{Path: setupB, Line: 2, Time: utc(23, 10, 0), Text: "error 0xc1037b44"}}, Remedy: "Mount the stores."},
		},
		Facts: []detectors.Fact{
			{Kind: detectors.FactInstall, Host: "EX01", Values: map[string]string{"what": "KB912442", "outcome": "failed"},
				Evidence: detectors.Evidence{Path: kbB, Line: 1, Time: utc(23, 2, 41), Text: "start"}},
		},
	}
	res.Summarize()
	for i := range res.Bundles {
		for _, h := range res.Hosts {
			if h.Bundle == res.Bundles[i].Name {
				res.Bundles[i].Hosts = append(res.Bundles[i].Hosts, h.Name)
			}
		}
	}
	return New("test", lang, res)
}

// TestPerBundleCaseReports: a report of several bundles shows, in HTML and
// Markdown and in both languages, one verdict per bundle and which rules
// fired on how many bundles (as the JSON's bundles and summary), and keeps
// servers of the same name in different bundles apart in the verdicts, the
// server table and the timeline.
func TestPerBundleCaseReports(t *testing.T) {
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		r := perBundleReport(lang)
		l := labelsFor(lang)
		failed, critical := l.Verdict[3], l.Verdict[4]
		summary := map[detectors.Lang]string{
			detectors.English: "3 bundles: Failed (critical): 1, Failed: 1, No log could be read: 1.",
			detectors.Polish:  "Pakiety: 3; Niepowodzenie (krytyczne): 1, Niepowodzenie: 1, Nie odczytano żadnego dziennika: 1.",
		}[lang]
		twoOfThree := map[detectors.Lang]string{detectors.English: "2 of 3", detectors.Polish: "2 z 3"}[lang]

		t.Run(string(lang)+"/html", func(t *testing.T) {
			out := string(render(t, "html", r))
			for _, want := range []string{`<section id="bundles">`, htmlText(l.BundleVerdicts), htmlText(l.Across), htmlText(summary),
				`<a href="#bundles">` + htmlText(l.BundleVerdicts) + `</a>`} {
				if !strings.Contains(out, want) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			for name, verdict := range map[string]string{"caseA": failed, "caseB": critical, "caseC": l.Unreadable} {
				row := regexp.MustCompile(`<tr[^>]*><td class="path"><strong>` + name + `</strong></td><td><span class="verdict [^"]*">([^<]*)</span>`).FindStringSubmatch(out)
				if row == nil || row[1] != htmlText(verdict) {
					t.Errorf("bundle %s: verdict row %q, want verdict %q", name, row, verdict)
				}
			}
			across := regexp.MustCompile(`<tr><td><code>evs-upgrade-required</code></td><td><span class="badge [^"]*">[^<]*</span></td><td class="num">([^<]*)</td><td class="num">(\d+)</td>`).FindStringSubmatch(out)
			if across == nil || across[1] != twoOfThree || across[2] != "2" {
				t.Errorf("evs-upgrade-required across bundles: %q, want %q bundles and 2 findings", across, twoOfThree)
			}

			// The verdict cards: EX01 of caseA (one finding) and EX01 of
			// caseB (two) are two cards, each naming its bundle.
			cards := regexp.MustCompile(`(?s)<div class="card [^"]*" id="s-\d+">\n<div class="card-head"><strong class="srv">([^<]*)</strong>.*?\n</div>\n`).FindAllStringSubmatch(out, -1)
			got := map[string]int{}
			for _, c := range cards {
				b := regexp.MustCompile(`<p class="card-bundle">[^<]*: ([^<]*)</p>`).FindStringSubmatch(c[0])
				if b == nil {
					t.Errorf("card of %s names no bundle: %s", c[1], c[0])
					continue
				}
				got[c[1]+"@"+b[1]] = strings.Count(c[0], "<li>")
			}
			if want := map[string]int{"EX01@caseA": 1, "EX01@caseB": 2, "EX02@caseB": 1}; fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("verdict cards (server@bundle: findings) = %v, want %v", got, want)
			}
			// Each finding links to the card of its own server and bundle.
			cardBundle := map[string]string{}
			for _, m := range regexp.MustCompile(`<div class="card [^"]*" id="(s-\d+)">\n<div class="card-head"><strong class="srv">([^<]*)</strong>[^\n]*\n<p class="card-bundle">[^<]*: ([^<]*)</p>`).FindAllStringSubmatch(out, -1) {
				cardBundle[m[1]] = m[2] + "@" + m[3]
			}
			links := regexp.MustCompile(`<dd><a href="#(s-\d+)">([^<]*)</a></dd>\n<dt>[^<]*</dt><dd>([^<]*)</dd>`).FindAllStringSubmatch(out, -1)
			if len(links) != len(r.Findings) {
				t.Errorf("%d findings link to their server and name their bundle, want %d", len(links), len(r.Findings))
			}
			for _, m := range links {
				if got, want := cardBundle[m[1]], m[2]+"@"+m[3]; got != want {
					t.Errorf("a finding of %s links to the card of %q", want, got)
				}
			}
			// The server table: a row per server of each bundle, with its own build.
			for _, want := range []string{`EX01</a></td><td>caseA</td><td>Exchange Server 2003</td><td>6.5.7638.1</td>`,
				`EX01</a></td><td>caseB</td><td>Exchange Server 2003</td><td>6.5.7226.0</td>`} {
				if !strings.Contains(out, want) {
					t.Errorf("server table lacks the row %q", want)
				}
			}
			// The timeline: a lane for EX01 of each bundle.
			lanes := regexp.MustCompile(`<text class="lane-name" x="10" y="\d+"><title>([^<]*)</title>`).FindAllStringSubmatch(out, -1)
			var names []string
			for _, m := range lanes {
				names = append(names, m[1])
			}
			for _, want := range []string{"EX01 (" + l.Bundle + ": caseA)", "EX01 (" + l.Bundle + ": caseB)"} {
				if !strings.Contains(strings.Join(names, "\n"), htmlText(want)) {
					t.Errorf("timeline lanes %q lack %q", names, want)
				}
			}
		})

		t.Run(string(lang)+"/markdown", func(t *testing.T) {
			doc := string(render(t, "markdown", r))
			for _, want := range []string{"## " + mdText(l.BundleVerdicts), "### " + mdText(l.Across), mdText(summary)} {
				if !strings.Contains(doc, want) {
					t.Errorf("Markdown lacks %q", want)
				}
			}
			var verdicts, across, perServer, srvTable, timeline [][]string
			for _, tb := range mdTables(t, doc) {
				h := make([]string, len(tb[0]))
				for i, c := range tb[0] {
					h[i] = strings.TrimSpace(c)
				}
				h = append(h, "", "")
				switch {
				case h[0] == l.Bundle && h[1] == l.VerdictHead:
					verdicts = tb
				case h[0] == l.Rule && h[2] == l.Bundles:
					across = tb
				case h[0] == l.Server && h[1] == l.Bundle && h[2] == l.VerdictHead:
					perServer = tb
				case h[0] == l.Server && h[1] == l.Bundle && h[2] == l.Product:
					srvTable = tb
				case h[0] == l.Time && h[1] == l.Server && timeline == nil:
					timeline = tb
				}
			}
			cell := func(tb [][]string, row, col int) string {
				if row >= len(tb) || col >= len(tb[row]) {
					return ""
				}
				return strings.TrimSpace(tb[row][col])
			}
			if len(verdicts) != 4 || cell(verdicts, 1, 0) != "caseA" || cell(verdicts, 1, 1) != "**"+mdText(failed)+"**" ||
				cell(verdicts, 2, 1) != "**"+mdText(critical)+"**" || cell(verdicts, 3, 1) != "**"+mdText(l.Unreadable)+"**" {
				t.Errorf("verdict per bundle table = %q", verdicts)
			}
			if len(across) != 4 || cell(across, 1, 0) != "`evs-upgrade-required`" || cell(across, 1, 2) != twoOfThree {
				t.Errorf("rules across bundles table = %q", across)
			}
			var rows []string
			for _, row := range perServer[min(1, len(perServer)):] {
				rows = append(rows, strings.TrimSpace(row[0])+"@"+strings.TrimSpace(row[1])+" "+strings.TrimSpace(row[len(row)-1]))
			}
			if want := []string{"EX01@caseA F2", "EX01@caseB F3, F4", "EX02@caseB F1"}; fmt.Sprint(rows) != fmt.Sprint(want) {
				t.Errorf("verdict per server rows = %q, want %q", rows, want)
			}
			if len(srvTable) != 4 || cell(srvTable, 1, 3) != "6.5.7638.1" || cell(srvTable, 2, 3) != "6.5.7226.0" {
				t.Errorf("server table = %q, want EX01 of caseA and of caseB on rows of their own", srvTable)
			}
			var servers []string
			for _, row := range timeline[min(1, len(timeline)):] {
				servers = append(servers, strings.TrimSpace(row[1]))
			}
			joined := strings.Join(servers, "\n")
			if !strings.Contains(joined, "EX01 (caseA)") || !strings.Contains(joined, "EX01 (caseB)") {
				t.Errorf("timeline servers %q do not tell EX01 of caseA from EX01 of caseB", servers)
			}
		})
	}
}

// TestPerBundleTable: the terminal table of several bundles names each
// finding's server with its bundle and lists same-named servers of two
// bundles on rows that say which bundle each belongs to.
func TestPerBundleTable(t *testing.T) {
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		out := string(render(t, "table", perBundleReport(lang)))
		for _, want := range []string{"EX01 (caseA)", "EX01 (caseB)", "EX02 (caseB)"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: findings table lacks the server %q:\n%s", lang, want, out)
			}
		}
		head := map[detectors.Lang]string{detectors.English: "BUNDLE", detectors.Polish: "PAKIET"}[lang]
		if !regexp.MustCompile(`│\s*` + head + `\s*│`).MatchString(out) {
			t.Errorf("%s: host table has no %s column:\n%s", lang, head, out)
		}
		for _, row := range []string{`EX01\s*│\s*caseA\s*│[^\n]*6\.5\.7638\.1`, `EX01\s*│\s*caseB\s*│[^\n]*6\.5\.7226\.0`} {
			if !regexp.MustCompile(row).MatchString(out) {
				t.Errorf("%s: host table lacks a row matching %s:\n%s", lang, row, out)
			}
		}
	}
}
