package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hostileLog is an update.exe log whose locked file's name carries markup,
// quotes, a terminal colour and title escape, a bell, bytes that are not
// UTF-8, Markdown pipes and backticks and a spreadsheet formula: what an
// attacker, or just an odd file name, can put in a log line.
const hostileName = "c:\\program files\\exchsrvr\\bin\\<script>alert(\"x\")</script>\x1b[31mRED\x1b[0m\x1b]0;owned\x07 caf\xe9\xff 'q' | `tick` =cmd|'/C calc'!A0"

var hostileLog = "0.000: ================================================================================\r\n" +
	"0.000: 2006/03/14 23:02:41.250 (local)\r\n" +
	"0.000: d:\\5d1c2e0a7b93\\update\\update.exe (version 6.3.4.1)\r\n" +
	"0.031: Exchange Server 2003 post-Service Pack 2 hotfix: checking installed files\r\n" +
	"1.203: FileInUse:: Added to Filelist: " + hostileName + "\r\n" +
	"1.250: DoInstallation: CleanupOldPackageInformation: exiting\r\n" +
	"12.484: KB912442 installation did not complete.\r\n" +
	"12.484: Update.exe extended error code = 0xf201\r\n"

// mdCells counts the cells of a GFM table row: pipes split cells, even
// inside code spans, unless escaped.
func mdCells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		if row[i] == '|' && (i == 0 || row[i-1] != '\\') {
			n++
		}
	}
	return n - 1
}

// TestHostileLogInEveryFormat runs a log full of hostile text through the
// parser, the rules and every report format, and through scan's terminal
// table: the finding is reported in each, and no output carries the text
// in a form its reader would act on.
func TestHostileLogInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	host := filepath.Join(dir, "HOST1")
	if err := os.MkdirAll(host, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(host, "KB912442.log"), []byte(hostileLog), 0o644); err != nil {
		t.Fatal(err)
	}
	out := func(ext string) string {
		t.Helper()
		p := filepath.Join(dir, "case."+ext)
		if code, stderr := runCLI(t, "report", "--timestamp", "none", "-o", p, host); code != 0 {
			t.Fatalf("report -o case.%s: exit %d\n%s", ext, code, stderr)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	noControls := func(name, s string) {
		t.Helper()
		if i := strings.IndexAny(s, "\x1b\x07\x00"); i >= 0 {
			t.Errorf("%s: a raw control character at %d: %q", name, i, s[max(0, i-20):min(len(s), i+20)])
		}
	}

	html := out("html")
	noControls("html", html)
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("html: the log's <script> is in the page as markup")
	}
	for _, want := range []string{"hotfix-file-in-use", `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;␛[31mRED␛[0m␛]0;owned␇`, "&#39;q&#39; | `tick` =cmd|"} {
		if !strings.Contains(html, want) {
			t.Errorf("html: %q is not shown", want)
		}
	}

	md := out("md")
	noControls("markdown", md)
	found := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "FileInUse") {
			found = true
			if n := mdCells(line); n != 4 {
				t.Errorf("markdown: the evidence row has %d cells, want 4 (#, location, time, evidence): %s", n, line)
			}
		}
	}
	if !found {
		t.Error("markdown: no evidence row for the locked file")
	}

	rows, err := csv.NewReader(strings.NewReader(out("csv"))).ReadAll()
	if err != nil {
		t.Fatalf("csv: %v", err)
	}
	csvHit := false
	for i, row := range rows {
		for j, cell := range row {
			noControls("csv", cell)
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("csv row %d col %d starts a formula: %q", i, j, cell)
			}
			csvHit = csvHit || strings.Contains(cell, `<script>alert("x")</script>␛[31mRED`)
		}
	}
	if !csvHit {
		t.Error("csv: the locked file's name is not in the evidence")
	}

	for _, ext := range []string{"sarif", "json"} {
		s := out(ext)
		var v map[string]any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Errorf("%s: %v", ext, err)
		}
		if strings.Contains(s, "<script") || !strings.Contains(s, `\u003cscript\u003e`) {
			t.Errorf("%s: the markup is not escaped as \\u003c", ext)
		}
	}
	for i, line := range strings.Split(strings.TrimSpace(out("jsonl")), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("jsonl line %d does not parse", i+1)
		}
	}
	noControls("table", out("txt"))

	var stdout, stderr bytes.Buffer
	if code := run([]string{"scan", host}, &stdout, &stderr); code > exitFindings {
		t.Fatalf("scan: exit %d\n%s", code, stderr.String())
	}
	noControls("scan", stdout.String())
	if !strings.Contains(stdout.String(), "hotfix-file-in-use") || !strings.Contains(stdout.String(), "RED") {
		t.Errorf("scan: the finding or its text is missing:\n%s", stdout.String())
	}
}
