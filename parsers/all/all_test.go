package all

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"
	"github.com/extriage/extriage/parsers"
)

// TestDetectAcrossFormats: with every parser registered, each sample file
// is claimed by exactly its own format, by content (the file names here
// would mislead a name-based guess: .txt, .log and .csv are everywhere),
// and files that are not logs are claimed by none.
func TestDetectAcrossFormats(t *testing.T) {
	root := testkit.RepoRoot(t)
	want := map[parsers.Format][]string{}
	add := func(f parsers.Format, glob string) {
		m, _ := filepath.Glob(filepath.Join(root, glob))
		if len(m) == 0 {
			t.Fatalf("no sample matches %s", glob)
		}
		for _, p := range m {
			if !strings.HasSuffix(p, ".py") {
				want[f] = append(want[f], p)
			}
		}
	}
	add(parsers.FormatEvExport, "parsers/evexport/testdata/*")
	add(parsers.FormatExServer, "parsers/exserver/testdata/*")
	add(parsers.FormatMSILog, "parsers/msilog/testdata/*.log")
	add(parsers.FormatSetupLog, "parsers/setuplog/testdata/*.log")
	add(parsers.FormatUpdateLog, "parsers/updatelog/testdata/*.log")
	add(parsers.FormatEVTX, "fixtures/bundles/*/*/*.evtx")
	add(parsers.FormatSetupLog, "fixtures/bundles/*/*/Exchange Server Setup Progress.log")
	add(parsers.FormatUpdateLog, "fixtures/bundles/*/*/KB*.log")
	corpus := testkit.Corpus(t)
	for _, p := range []string{"evtx/dissect.eventlog/_data/*.evt", "exchange-setup/*/*.log", "exchange-setup/*/*/*.log"} {
		m, _ := filepath.Glob(filepath.Join(corpus, p))
		f := parsers.FormatSetupLog
		if strings.HasSuffix(p, ".evt") {
			f = parsers.FormatEVT
		}
		want[f] = append(want[f], m...)
	}
	n := 0
	for f, paths := range want {
		for _, p := range paths {
			got := detect(t, p)
			if got != f {
				t.Errorf("%s: detected as %q, want %q", p, got, f)
			}
			n++
		}
	}
	// Not logs: documentation, source code, the rule files, an image.
	for _, p := range []string{"README.md", "LICENSE", "go.mod", "parsers/record.go", "detectors/rules/kb328839.yaml", "docs/report.png", "docs/rules.md"} {
		if got := detect(t, filepath.Join(root, p)); got != parsers.FormatUnknown {
			t.Errorf("%s: detected as %q, want no format", p, got)
		}
	}
	if n < 35 {
		t.Errorf("only %d samples checked", n)
	}
}

func detect(t *testing.T, path string) parsers.Format {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	head, err := parsers.ReadHead(parsers.Input{Path: path, R: f, Size: st.Size()})
	if err != nil {
		t.Fatal(err)
	}
	if p := parsers.Detect(head); p != nil {
		return p.Format()
	}
	return parsers.FormatUnknown
}
