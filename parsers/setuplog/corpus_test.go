package setuplog

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/updatelog"
)

// corpusDir finds ../shared/corpus beside the repository root (the
// directory holding go.mod); it skips the test when the corpus is absent,
// unless CI=true.
func corpusDir(t testing.TB) string {
	t.Helper()
	return testkit.Corpus(t)
}

// corpusLogs lists the ExchangeSetup logs of the corpus.
func corpusLogs(t testing.TB) []string {
	t.Helper()
	root := filepath.Join(corpusDir(t), "exchange-setup")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".log") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no .log files in the corpus")
	}
	return files
}

// independent counts, with plain regular expressions over the raw lines,
// what the parser should find: stamped lines, error-level tags, run starts.
type independent struct {
	stamped, errors, warnings, starts int
}

var (
	indepStampRe = regexp.MustCompile(`^\[\d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}\.\d{4}\] \[\d\] `)
	indepErrRe   = regexp.MustCompile(`^\[[^\]]+\] \[\d\] \[(ERROR|ERROR-REFERENCE|REQUIRED)\]`)
	indepWarnRe  = regexp.MustCompile(`^\[[^\]]+\] \[\d\] \[(WARNING|RECOMENDED)\]`)
	indepStartRe = regexp.MustCompile(`^\[[^\]]+\] \[\d\] Starting Microsoft Exchange Server (\d{4}|Subscription Edition) Setup`)
)

func countIndependently(t *testing.T, data []byte) independent {
	var c independent
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 4<<20)
	for sc.Scan() {
		l := sc.Text()
		if indepStampRe.MatchString(l) {
			c.stamped++
		}
		if indepErrRe.MatchString(l) {
			c.errors++
		}
		if indepWarnRe.MatchString(l) {
			c.warnings++
		}
		if indepStartRe.MatchString(l) {
			c.starts++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCorpus parses every real ExchangeSetup.log and checks the records
// against counts made independently of the parser, and the run summary
// against what each file says.
func TestCorpus(t *testing.T) {
	type want struct {
		mode, setup, local, user string
		outcome                  Outcome
		outcomeLine, firstErr    int
		errRef                   string
	}
	known := map[string]want{
		"ExchangeSetup_Service_Disabled.log": {"Upgrade", "15.1.2106.2", "15.1.2106.2", `SOLO\Han`, OutcomeFailed, 136, 115,
			"BridgeheadRoleSetterComponent___115c1108e99e4560bd2c03c0fec99908"},
		"ExchangeSetup_MSI_1.log": {"Upgrade", "15.0.1497.2", "15.0.995.29", `SOLO\Han`, OutcomeFailed, 146, 104,
			"UmLanguagePackComponent___adacb802c5fd485bbad616cb75d89385"},
		"ExchangeSetup-PrepareSchema-8245.log": {"", "15.1.2176.2", "15.1.1531.3", `SOLO\Han`, OutcomeFailed, 1658, 1629,
			"ADSchemaComponent___f5739a161f954a38b6c398d83738bb16"},
		"ExchangeSetup_DC_Site_1.log": {"Upgrade", "15.0.1497.2", "15.0.1395.4", `SOLO\Han`, OutcomeFailed, 580, 0, ""},
		"ExchangeSetup_ADServiceNotStarted.log": {"Install", "15.2.1544.4", "15.2.1544.4", `SOLO\Han`, OutcomeFailed, 552, 500,
			"AllADRolesCommonServiceControl___ee47ab1c06fb47919398e2e95ed99c6c"},
		"ExchangeSetup_NoPerm.log": {"Upgrade", "15.2.792.3", "15.2.721.2", `SOLO\Han`, OutcomeFailed, 2027, 0, ""},
		"ExchangeSetup_MSI_3.log":  {"Install", "15.0.1497.2", "15.0.1130.7", `SOLO\Han`, OutcomeFailed, 75, 75, ""},
		"ExchangeSetup_Vdir_2.log": {"Install", "15.1.2176.2", "15.1.1779.2", `SOLO\Han`, OutcomeFailed, 94, 68, "ClientAccessComponent___75f8c93d15314369983d33ec0742e189"},
	}
	checked := 0
	for _, path := range corpusLogs(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data := readFile(t, path)
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := (Parser{}).Sniff(head(data)); got < 90 {
				t.Errorf("Sniff = %d, want >= 90", got)
			}
			if p := parsers.Detect(head(data)); p == nil || p.Format() != parsers.FormatSetupLog {
				t.Errorf("Detect chose %v", p)
			}
			res := parseInput(t, parsers.Input{Path: path, R: bytes.NewReader(data), Size: int64(len(data)), ModTime: st.ModTime()})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if len(res.warns) != 0 {
				t.Errorf("warnings: %v", res.warns)
			}
			c := countIndependently(t, data)
			var errs, warns int
			for _, r := range res.recs {
				if r.Level == parsers.LevelError {
					errs++
				}
				if r.Level == parsers.LevelWarning {
					warns++
				}
				if r.TimeQ != parsers.TimeNoZone || r.Time.Year() < 2019 || r.Time.Year() > 2025 || r.Fields["generation"] != Gen2007 || r.Fields["run"] == "" {
					t.Fatalf("line %d: time %v %q fields %v", r.Line, r.Time, r.TimeQ, r.Fields)
				}
			}
			if len(res.recs) != c.stamped || errs != c.errors || warns != c.warnings {
				t.Errorf("records %d errors %d warnings %d; independent count %d %d %d", len(res.recs), errs, warns, c.stamped, c.errors, c.warnings)
			}
			runs := Summarise(res.recs)
			if len(runs) != c.starts || c.starts == 0 {
				t.Fatalf("%d runs, %d start lines", len(runs), c.starts)
			}
			last, _, ok := Select(runs)
			if !ok || last.StartLine == 0 || last.SetupBuild == "" || last.Outcome == "" {
				t.Errorf("selected run %+v, ok %v", last, ok)
			}
			w, ok := known[filepath.Base(path)]
			if !ok {
				return
			}
			checked++
			if last.Mode != w.mode || last.SetupBuild != w.setup || last.LocalBuild != w.local || last.User != w.user ||
				last.Outcome != w.outcome || last.OutcomeLine != w.outcomeLine || last.FirstErrorLine != w.firstErr || last.ErrorReference != w.errRef {
				t.Errorf("last run: mode %q setup %q local %q user %q outcome %s@%d first error %d ref %q; want %+v",
					last.Mode, last.SetupBuild, last.LocalBuild, last.User, last.Outcome, last.OutcomeLine, last.FirstErrorLine, last.ErrorReference, w)
			}
		})
	}
	if checked < 5 {
		t.Errorf("only %d corpus files with known values were found", checked)
	}
}

func head(data []byte) []byte {
	if len(data) > parsers.SniffSize {
		return data[:parsers.SniffSize]
	}
	return data
}

func TestSniff(t *testing.T) {
	msi := "=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: c:\\x\\Setup.exe ===\r\n" +
		"MSI (c) (54:94) [11:57:26:758]: User policy value 'DisableRollback' is 0\r\n" +
		"MSI (s) (54!70) [11:57:26:738]: Product: x -- There is a problem with this Windows Installer package.\r\n" +
		"Action ended 11:57:26: InstallExecute. Return value 3.\r\n"
	exportBlock := "Event Type:\tError\r\nEvent Source:\tMSExchangeCluster\r\nEvent Category:\tServices\r\nEvent ID:\t2146\r\nDate:\t\t7/31/2001\r\nTime:\t\t5:33:28 AM\r\nUser:\t\tN/A\r\nComputer:\tMAIL-01\r\nDescription:\r\nMail-02vs System Attendent: An Error occured during the Exchange resource upgrade.\r\n"
	exportCSV := "Type,Date,Time,Source,Category,Event,User,Computer\r\nError,7/31/2001,5:33:28 AM,MSExchangeCluster,Services,2146,N/A,MAIL-01\r\n"
	tests := []struct {
		name     string
		head     []byte
		min, max int
	}{
		{"2016", head(readFile(t, "testdata/ExchangeSetup_2016_two_runs.log")), 90, 100},
		{"2007 utf16", head(readFile(t, "testdata/ExchangeSetup_2007_utf16.log")), 90, 100},
		{"2019 cp1250", head(readFile(t, "testdata/ExchangeSetup_2019_cp1250.log")), 90, 100},
		{"2000 progress", head(readFile(t, "testdata/Exchange Server Setup Progress.log")), 85, 100},
		{"5.5", head(readFile(t, "testdata/Exchange Server Setup.log")), 90, 100},
		{"5.5 interpreter lines only", []byte("Interpreting line <AddShare:.;Resources>\r\nBound to local DSA\r\n"), 50, 70},
		{"time stamps only", []byte("[10:00:00] a\n[10:00:01] b\n[10:00:02] c\n[10:00:03] d\n[10:00:04] e\n"), 50, 60},
		{"two time stamps only", []byte("[10:00:00] a\n[10:00:01] b\n"), 0, 49},
		{"update.exe", head(readFile(t, "../updatelog/testdata/svcpack.log")), 0, 0},
		{"update.exe utf16", head(readFile(t, "../updatelog/testdata/KB_utf16.log")), 0, 0},
		{"msi", []byte(msi), 0, 0},
		{"event export block", []byte(exportBlock), 0, 0},
		{"event export csv", []byte(exportCSV), 0, 0},
		{"empty", nil, 0, 0},
	}
	for _, tt := range tests {
		if got := (Parser{}).Sniff(tt.head); got < tt.min || got > tt.max {
			t.Errorf("%s: Sniff = %d, want %d..%d", tt.name, got, tt.min, tt.max)
		}
	}
}

// TestDetect checks that the registry picks the right parser for each
// test file of both text-log packages.
func TestDetect(t *testing.T) {
	tests := []struct {
		path string
		want parsers.Format
	}{
		{"testdata/ExchangeSetup_2016_two_runs.log", parsers.FormatSetupLog},
		{"testdata/ExchangeSetup_2007_utf16.log", parsers.FormatSetupLog},
		{"testdata/ExchangeSetup_2019_cp1250.log", parsers.FormatSetupLog},
		{"testdata/Exchange Server Setup Progress.log", parsers.FormatSetupLog},
		{"testdata/Exchange Server Setup.log", parsers.FormatSetupLog},
		{"../updatelog/testdata/svcpack.log", parsers.FormatUpdateLog},
		{"../updatelog/testdata/KB979309.log", parsers.FormatUpdateLog},
		{"../updatelog/testdata/KB_utf16.log", parsers.FormatUpdateLog},
		{"../updatelog/testdata/KB_cp1250.log", parsers.FormatUpdateLog},
	}
	for _, tt := range tests {
		p := parsers.Detect(head(readFile(t, tt.path)))
		if p == nil || p.Format() != tt.want {
			t.Errorf("%s: Detect = %v, want %s", tt.path, p, tt.want)
		}
	}
}

// TestSniffForeign checks that neither text-log parser claims files of other
// formats: the other parsers' test files (when present), the EVTX/EVT
// corpus, and the reference documents, which quote log lines in prose.
func TestSniffForeign(t *testing.T) {
	corpus := corpusDir(t)
	var files []string
	for _, pattern := range []string{"../evexport/testdata/*", "../msilog/testdata/*", "../exserver/testdata/*",
		filepath.Join(corpus, "..", "reference", "*"), filepath.Join(corpus, "..", "kb", "*")} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	_ = filepath.WalkDir(filepath.Join(corpus, "evtx"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 20 {
		t.Fatalf("only %d foreign files found", len(files))
	}
	for _, p := range files {
		if strings.HasSuffix(p, ".py") {
			continue
		}
		h := head(readFile(t, p))
		if s := (Parser{}).Sniff(h); s >= parsers.SniffThreshold {
			t.Errorf("%s: setuplog Sniff = %d", p, s)
		}
		if s := (updatelog.Parser{}).Sniff(h); s >= parsers.SniffThreshold {
			t.Errorf("%s: updatelog Sniff = %d", p, s)
		}
	}
}

// BenchmarkParse parses the largest corpus log (2.9 MB, 13,726 lines) and
// summarises its runs.
func BenchmarkParse(b *testing.B) {
	path := filepath.Join(corpusDir(b), "exchange-setup", "KnownIssues", "OrganizationPreparation", "ExchangeSetup_AccessDenied.log")
	data := readFile(b, path)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		res := parseInput(b, parsers.Input{Path: path, R: bytes.NewReader(data), Size: int64(len(data))})
		if res.err != nil || len(Summarise(res.recs)) != 1 {
			b.Fatal(res.err)
		}
	}
}
