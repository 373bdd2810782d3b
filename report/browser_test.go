package report

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"
)

// browserPage is what one headless load of a page gave: the DOM after
// parsing, the console lines Chromium logged, and the screenshot.
type browserPage struct {
	DOM      string
	Console  []string
	Shot     string
	ExitCode int
}

// loadInBrowser opens page in headless Chromium at the given window size,
// dumps the DOM and takes a screenshot.
func loadInBrowser(t *testing.T, bin, page, shot string, width, height int) browserPage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	profile := filepath.Join(t.TempDir(), "profile")
	cmd := exec.CommandContext(ctx, bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--user-data-dir="+profile,
		"--enable-logging=stderr", "--v=0",
		fmt.Sprintf("--window-size=%d,%d", width, height),
		"--screenshot="+shot, "--dump-dom", "file://"+page)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, tail(stderr.String(), 40))
	}
	var console []string
	sc := bufio.NewScanner(&stderr)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			console = append(console, line)
		}
	}
	return browserPage{DOM: stdout.String(), Console: console, Shot: shot}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestHTMLInBrowser renders the HTML report of a realistic case in a real
// browser: the DOM after loading holds every finding, the timeline with a
// mark for each piece of dated evidence, the server and input inventories
// and the evidence without a date apart; the page logs nothing to the
// console (its Content Security Policy would log any script or outside
// resource it tried to load); a second page made of hostile log text
// (markup, quotes, escapes, invalid UTF-8) loads without the browser making
// a single element of it. The pages and their screenshots (1280x2000) are
// kept as test artifacts, copied to $EXTRIAGE_ARTIFACTS when it is set.
func TestHTMLInBrowser(t *testing.T) {
	bin := testkit.Browser(t)
	dir := t.TempDir()
	r := sampleReport("en")
	page := filepath.Join(dir, "case.html")
	if err := os.WriteFile(page, render(t, "html", r), 0o644); err != nil {
		t.Fatal(err)
	}

	hostile := filepath.Join(dir, "hostile.html")
	if err := os.WriteFile(hostile, render(t, "html", hostileReport()), 0o644); err != nil {
		t.Fatal(err)
	}

	desk := loadInBrowser(t, bin, page, filepath.Join(dir, "case.png"), 1280, 2000)
	bad := loadInBrowser(t, bin, hostile, filepath.Join(dir, "hostile.png"), 1280, 2000)
	for _, p := range []browserPage{desk, bad} {
		if len(p.Console) > 0 {
			t.Errorf("%s logged to the console:\n%s", p.Shot, strings.Join(p.Console, "\n"))
		}
	}
	// The hostile page: the browser built no element from the log text.
	if !strings.Contains(bad.DOM, `id="findings"`) {
		t.Fatalf("the hostile page did not load: %s", tail(bad.DOM, 10))
	}
	for _, el := range []string{"<script", "<img", "<b>"} {
		if strings.Contains(strings.ToLower(bad.DOM), el) {
			t.Errorf("the hostile page's DOM has a %s element made from log text", el)
		}
	}
	dom := desk.DOM
	if !strings.Contains(dom, `id="findings"`) {
		t.Fatalf("the DOM has no findings section; got %d bytes:\n%s", len(dom), tail(dom, 20))
	}

	// Every finding, with its title, anchor and evidence.
	fs := orderedFindings(r)
	for i, f := range fs {
		art := regexp.MustCompile(`(?s)<article class="finding [^"]*" id="f-` + fmt.Sprint(i+1) + `">(.*?)</article>`).FindStringSubmatch(dom)
		if art == nil {
			t.Errorf("finding F%d (%s) is not in the DOM", i+1, f.Rule)
			continue
		}
		for _, want := range []string{htmlText(f.Title), htmlText(f.Rule), htmlText(f.Host)} {
			if !strings.Contains(art[1], want) {
				t.Errorf("F%d: %q missing from its article", i+1, want)
			}
		}
		if n := strings.Count(art[1], `<pre class="ev">`); n != len(f.Evidence) {
			t.Errorf("F%d: %d evidence items rendered, want %d", i+1, n, len(f.Evidence))
		}
		for _, kb := range f.KB {
			if !strings.Contains(art[1], `href="https://support.microsoft.com/kb/`+kb+`"`) {
				t.Errorf("F%d: no link to KB %s", i+1, kb)
			}
		}
	}
	if !strings.Contains(dom, "<mark>EXVS1</mark>") || !strings.Contains(dom, "<mark>0XC1037B44</mark>") {
		t.Error("the matched parts of the evidence (EXVS1, 0XC1037B44) are not marked")
	}

	// The timeline: an SVG with one lane per server that has dated
	// evidence and one mark per dated evidence item.
	svg := regexp.MustCompile(`(?s)<svg class="tl" id="timeline-svg".*?</svg>`).FindString(dom)
	if svg == "" {
		t.Fatal("the timeline SVG is not in the DOM")
	}
	placed, clock, unplaced := 0, 0, 0
	for _, f := range fs {
		for _, e := range f.Evidence {
			switch {
			case placeable(e):
				placed++
			case e.TimeQ == "no-date":
				clock++
			default:
				unplaced++
			}
		}
	}
	if n := strings.Count(svg, "<circle class=\"mark "); n != placed {
		t.Errorf("timeline has %d marks, want %d (dated evidence)", n, placed)
	}
	if n := strings.Count(svg, `class="lane-name"`); n != 3 {
		t.Errorf("timeline has %d lanes, want 3 (EXCLNODE1, EXCLNODE2, EXFE01)", n)
	}
	if !strings.Contains(svg, "hollow") {
		t.Error("the local-time evidence (no zone) is not drawn hollow")
	}
	clockSVG := regexp.MustCompile(`(?s)<svg class="tl" id="timeline-clock-svg".*?</svg>`).FindString(dom)
	if n := strings.Count(clockSVG, "<circle class=\"mark "); n != clock {
		t.Errorf("time-of-day drawing has %d marks, want %d", n, clock)
	}
	notPlaced := regexp.MustCompile(`(?s)<table class="unplaced">.*?</table>`).FindString(dom)
	if n := strings.Count(notPlaced, "<tr>") - 1; n != unplaced {
		t.Errorf("%d rows of evidence apart from the axes, want %d", n, unplaced)
	}

	// The inventories.
	for _, h := range r.Hosts {
		for _, want := range []string{h.Name, h.Build, h.Level, h.OS} {
			if !strings.Contains(dom, want) {
				t.Errorf("server inventory: %q missing", want)
			}
		}
	}
	inputs := regexp.MustCompile(`(?s)<table class="inputs">.*?</table>`).FindString(dom)
	for _, in := range r.Inputs {
		if !strings.Contains(inputs, in.SHA256) || !strings.Contains(inputs, htmlText(in.Path)) {
			t.Errorf("input inventory: %s (%s) missing", in.Path, in.SHA256)
		}
	}
	if !strings.Contains(inputs, "bad CRC32") {
		t.Error("input inventory: the warning of System.evtx is missing")
	}

	for _, p := range []browserPage{desk, bad} {
		checkPNG(t, p.Shot)
	}
	if dst := os.Getenv("EXTRIAGE_ARTIFACTS"); dst != "" {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{page, desk.Shot, hostile, bad.Shot} {
			copyFile(t, f, filepath.Join(dst, filepath.Base(f)))
		}
		t.Logf("artifacts copied to %s", dst)
	}
}

// htmlText is s as html/template writes it in text.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Errorf("no screenshot: %v", err)
		return
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	if b := img.Bounds(); b.Dx() < 300 || b.Dy() < 300 {
		t.Errorf("screenshot %s is only %dx%d", path, b.Dx(), b.Dy())
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
