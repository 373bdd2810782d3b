package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
)

const demoBundle = "../../fixtures/bundles/ex2003-cluster-sp2-failure"

func TestReportFormat(t *testing.T) {
	tests := []struct {
		format, output, want string
		err                  bool
	}{
		{"", "case.html", "html", false},
		{"", "CASE.HTM", "html", false},
		{"", "case.md", "markdown", false},
		{"", "case.csv", "csv", false},
		{"", "case.sarif", "sarif", false},
		{"", "case.sarif.json", "sarif", false},
		{"", "case.json", "json", false},
		{"", "case.jsonl", "jsonl", false},
		{"", "dir.v2/case.txt", "table", false},
		{"", "", "html", false},
		{"", "-", "html", false},
		{"csv", "case.html", "csv", false},
		{"SARIF", "out", "sarif", false},
		{"", "case.docx", "", true},
		{"pdf", "case.html", "", true},
	}
	for _, tt := range tests {
		got, err := reportFormat(tt.format, tt.output)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("reportFormat(%q, %q) = %q, %v; want %q (error %v)", tt.format, tt.output, got, err, tt.want, tt.err)
		}
	}
}

func TestReportTime(t *testing.T) {
	now := func() time.Time { return time.Date(2030, 1, 2, 3, 4, 5, 600, time.UTC) }
	t.Setenv("SOURCE_DATE_EPOCH", "")
	tests := []struct {
		flag, epoch string
		want        time.Time
		err         bool
	}{
		{"", "", time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), false},
		{"none", "", time.Time{}, false},
		{"2024-01-31T12:00:00Z", "", time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC), false},
		{"2024-01-31 12:00", "", time.Date(2024, 1, 31, 12, 0, 0, 0, time.UTC), false},
		{"", "1700000000", time.Unix(1700000000, 0).UTC(), false},
		{"2024-01-31", "1700000000", time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC), false},
		{"yesterday", "", time.Time{}, true},
		{"", "soon", time.Time{}, true},
	}
	for _, tt := range tests {
		t.Setenv("SOURCE_DATE_EPOCH", tt.epoch)
		got, err := reportTime(tt.flag, now)
		if (err != nil) != tt.err || !got.Equal(tt.want) {
			t.Errorf("reportTime(%q) with SOURCE_DATE_EPOCH=%q = %v, %v; want %v (error %v)", tt.flag, tt.epoch, got, err, tt.want, tt.err)
		}
	}
}

// runCLI runs the command line and returns its exit status and stderr.
func runCLI(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(args, &stdout, &stderr)
	return code, stderr.String()
}

// TestReportCommand writes the demo bundle's report in every format: each
// parses as its format says, and a second run with the same --timestamp
// gives the same bytes.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	ts := "--timestamp=2006-03-15T08:00:00Z"
	var doc struct {
		Generated string
		Findings  []struct{ Rule, Host string }
	}
	for _, ext := range []string{"json", "html", "md", "csv", "sarif", "jsonl"} {
		a, b := filepath.Join(dir, "a."+ext), filepath.Join(dir, "b."+ext)
		for _, out := range []string{a, b} {
			if code, stderr := runCLI(t, "report", "--lang", "en", ts, "-o", out, demoBundle); code != 0 {
				t.Fatalf("report -o %s: exit %d\n%s", filepath.Base(out), code, stderr)
			}
		}
		da, err := os.ReadFile(a)
		if err != nil {
			t.Fatal(err)
		}
		db, _ := os.ReadFile(b)
		if !bytes.Equal(da, db) {
			t.Errorf("%s: two runs with the same --timestamp differ", ext)
		}
		switch ext {
		case "json":
			if err := json.Unmarshal(da, &doc); err != nil {
				t.Fatalf("json: %v", err)
			}
			if doc.Generated != "2006-03-15T08:00:00Z" {
				t.Errorf("json: generated %q", doc.Generated)
			}
			if len(doc.Findings) == 0 {
				t.Fatal("the demo bundle gave no finding")
			}
		case "html":
			s := string(da)
			for i, f := range doc.Findings {
				if !strings.Contains(s, fmt.Sprintf(`id="f-%d"`, i+1)) || !strings.Contains(s, "<code>"+f.Rule+"</code>") {
					t.Errorf("html: finding %d (%s) missing", i+1, f.Rule)
				}
			}
		case "csv":
			rows, err := csv.NewReader(bytes.NewReader(da)).ReadAll()
			if err != nil || len(rows) != len(doc.Findings)+1 {
				t.Errorf("csv: %d rows, %v; want %d", len(rows), err, len(doc.Findings)+1)
			}
		case "sarif":
			var s struct {
				Version string
				Runs    []struct{ Results []json.RawMessage }
			}
			if err := json.Unmarshal(da, &s); err != nil || s.Version != "2.1.0" || len(s.Runs) != 1 || len(s.Runs[0].Results) != len(doc.Findings) {
				t.Errorf("sarif: %v, version %q, %d runs", err, s.Version, len(s.Runs))
			}
		case "jsonl":
			if n := bytes.Count(da, []byte("\n")); n != len(doc.Findings) {
				t.Errorf("jsonl: %d lines, want %d", n, len(doc.Findings))
			}
		case "md":
			for i := range doc.Findings {
				if !bytes.Contains(da, []byte(fmt.Sprintf("### F%d · ", i+1))) {
					t.Errorf("markdown: finding F%d missing", i+1)
				}
			}
		}
	}

	// The exit status follows --fail-on (none by default for a report).
	out := filepath.Join(dir, "c.html")
	if code, _ := runCLI(t, "report", ts, "--fail-on", "error", "-o", out, demoBundle); code != exitFindings {
		t.Errorf("--fail-on error: exit %d, want %d", code, exitFindings)
	}
	if code, stderr := runCLI(t, "report", ts, "-o", filepath.Join(dir, "case.docx"), demoBundle); code != exitUsage || !strings.Contains(stderr, "cannot tell the format") {
		t.Errorf("unknown extension: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "case.docx")); err == nil {
		t.Error("a report was written although the format was unknown")
	}
}

// TestDemoReportInBrowser is the acceptance test of the HTML report: the
// report of the demo bundle, loaded in headless Chromium, shows every
// finding, the timeline section and the input inventory, and logs nothing
// to the console.
func TestDemoReportInBrowser(t *testing.T) {
	bin := testkit.Browser(t)
	dir := t.TempDir()
	page, js := filepath.Join(dir, "case.html"), filepath.Join(dir, "case.json")
	for _, out := range []string{page, js} {
		if code, stderr := runCLI(t, "report", "--lang", "en", "--timestamp", "2006-03-15T08:00:00Z", "-o", out, demoBundle); code != 0 {
			t.Fatalf("report: exit %d\n%s", code, stderr)
		}
	}
	var doc struct {
		Inputs []struct {
			Path, SHA256 string
			Unrecognised bool
		}
		Hosts []struct {
			Name, Product string
		}
		Findings []struct {
			Rule, Title string
			Evidence    []struct {
				Time        string `json:"time"`
				TimeQuality string `json:"time_quality"`
			}
		}
	}
	data, _ := os.ReadFile(js)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shot := filepath.Join(dir, "demo.png")
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--no-default-browser-check", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--enable-logging=stderr", "--v=0", "--window-size=1280,2000", "--screenshot="+shot, "--dump-dom", "file://"+page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console: %s", line)
		}
	}
	dom := stdout.String()
	for i, f := range doc.Findings {
		if !strings.Contains(dom, fmt.Sprintf(`id="f-%d"`, i+1)) || !strings.Contains(dom, f.Title) {
			t.Errorf("finding F%d (%s) is not in the rendered page", i+1, f.Rule)
		}
	}
	dated := false
	for _, f := range doc.Findings {
		for _, e := range f.Evidence {
			if e.Time != "" && (e.TimeQuality == "" || e.TimeQuality == "no-zone") {
				dated = true
			}
		}
	}
	if !strings.Contains(dom, `<section id="timeline">`) {
		t.Error("the timeline section is missing")
	}
	if hasSVG := strings.Contains(dom, `<svg class="tl" id="timeline-svg"`); hasSVG != dated {
		t.Errorf("timeline SVG drawn: %v; evidence with a date: %v", hasSVG, dated)
	}
	// Each finding with dated evidence has its mark and label on the
	// dated timeline, and with time-of-day evidence on the clock one.
	svgs := map[string]string{}
	for _, id := range []string{"timeline-svg", "timeline-clock-svg"} {
		svgs[id] = regexp.MustCompile(`(?s)<svg class="tl" id="` + id + `".*?</svg>`).FindString(dom)
	}
	for i, f := range doc.Findings {
		for _, e := range f.Evidence {
			id := ""
			switch {
			case e.Time != "" && (e.TimeQuality == "" || e.TimeQuality == "no-zone"):
				id = "timeline-svg"
			case e.Time != "" && e.TimeQuality == "no-date":
				id = "timeline-clock-svg"
			default:
				continue
			}
			svg := svgs[id]
			if !strings.Contains(svg, fmt.Sprintf(`<a href="#f-%d"><circle class="mark `, i+1)) ||
				!strings.Contains(svg, fmt.Sprintf(`>F%d</text>`, i+1)) {
				t.Errorf("%s: no mark or label for F%d (%s)", id, i+1, f.Rule)
			}
		}
	}
	// The server inventory: a row per host with its product.
	inv := regexp.MustCompile(`(?s)<table class="inventory">.*?</table>`).FindString(dom)
	if len(doc.Hosts) == 0 {
		t.Error("the demo bundle gave no host")
	}
	for _, h := range doc.Hosts {
		if !strings.Contains(inv, ">"+h.Name+"</a></td>") || !strings.Contains(inv, "<td>"+h.Product+"</td>") {
			t.Errorf("server inventory: no row for %s (%s)", h.Name, h.Product)
		}
	}
	for _, in := range doc.Inputs {
		if in.SHA256 != "" && !strings.Contains(dom, in.SHA256) {
			t.Errorf("input %s (%s) is not in the inventory", in.Path, in.SHA256)
		}
	}
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("no screenshot: %v", err)
	}
	if dst := os.Getenv("EXTRIAGE_ARTIFACTS"); dst != "" {
		if err := os.MkdirAll(dst, 0o755); err == nil {
			for _, f := range []string{page, shot} {
				if b, err := os.ReadFile(f); err == nil {
					os.WriteFile(filepath.Join(dst, "demo-"+filepath.Base(f)), b, 0o644)
				}
			}
		}
	}
}
