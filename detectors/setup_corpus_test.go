package detectors

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
)

// repoCorpus finds ../shared/corpus beside the repository root (the
// directory holding go.mod); it skips the test when the corpus is absent,
// unless CI=true.
func repoCorpus(t testing.TB) string {
	t.Helper()
	return testkit.Corpus(t)
}

// scanSetupBytes parses data with the real setup log parser and runs the
// whole catalog over it as one file of one bundle.
func scanSetupBytes(t testing.TB, path string, data []byte, lang Lang) []Finding {
	t.Helper()
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	eng := NewEngine(rules, lang)
	fr := eng.NewFile(FileInfo{Path: path, Format: parsers.FormatSetupLog, HostHint: "EXSVR1"})
	sink := parsers.Sink{
		Record: func(r *parsers.Record) bool { fr.Record(r); return true },
		Warn:   func(w parsers.Warning) { t.Logf("%s: parser warning: %v", path, w) },
	}
	in := parsers.Input{Path: path, R: bytes.NewReader(data), Size: int64(len(data))}
	if err := (setuplog.Parser{}).Parse(context.Background(), in, sink); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := eng.NewCollector("case")
	c.Add(fr.Finish())
	return c.Finish()
}

func scanSetupFile(t testing.TB, path string, lang Lang) []Finding {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return scanSetupBytes(t, path, data, lang)
}

// corpusExpect maps each ExchangeSetup log of the corpus, by file name, to
// the rules its name calls for (after reading each file), and the values
// the first of them must carry.
var corpusExpect = map[string]struct {
	rules  []string
	values map[string]string
}{
	// L1: ldifde failed with 8245 on PostExchange2003_schema80.ldf.
	"ExchangeSetup-PrepareSchema-8245.log": {[]string{"setup-schema-import-failed"},
		map[string]string{"code": "8245", "errfile": `C:\Users\Han\AppData\Local\Temp\ldif.err`}},
	// S1a: the topology service was not running.
	"ExchangeSetup_ADServiceNotStarted.log": {[]string{"setup-shared-config-dc-failed"},
		map[string]string{"inner": "Topology Provider coundn't find the Microsoft Exchange Active Directory Topology service on end point 'TopologyClientTcpEndpoint (localhost)'."}},
	// E4a: CN=Folder Hierarchies already exists.
	"ExchangeSetup_Missing_PF_Object.log": {[]string{"setup-public-folder-tree-missing"},
		map[string]string{"dc": "DC2.Solo.local", "object": "CN=Folder Hierarchies,CN=Exchange Administrative Group (FYDIBOHF23SPDLT),CN=Administrative Groups,CN=SoloORG,CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=Solo,DC=local"}},
	// E5a: old Fsis nodes.
	"ExchangeSetup_Search_Foundation_Failure_Install.log": {[]string{"setup-search-foundation-failed"},
		map[string]string{"datafolder": `D:\Program Files\Microsoft\Exchange Server\V15\Bin\Search\Ceres\HostController\Data`}},
	// E2 (and the same build rerun: Upgrade at 15.1.2106.2 over 15.1.2106.2).
	"ExchangeSetup_Service_Disabled.log": {[]string{"setup-service-disabled", "setup-same-build-rerun"},
		map[string]string{"service": "MSExchangeServiceHost"}},
	// M1: the reviewer's tests expect 15.0.995.29 and 15.0.1130.7.
	"ExchangeSetup_MSI_1.log": {[]string{"setup-installer-cache-missing"}, map[string]string{"localbuild": "15.0.995.29"}},
	"ExchangeSetup_MSI_3.log": {[]string{"setup-installer-cache-missing"}, map[string]string{"localbuild": "15.0.1130.7"}},
	// R1: INSUFF_ACCESS_RIGHTS on CN=Microsoft Exchange System Objects.
	"ExchangeSetup_AccessDenied.log": {[]string{"setup-ad-permissions-insufficient"},
		map[string]string{"object": "CN=Microsoft Exchange System Objects,DC=Solo,DC=local", "dc": "Solo-DC1.Solo.local", "user": `SOLO\Han`}},
	// E11: PushNotifications already exists.
	"ExchangeSetup_Vdir_2.log": {[]string{"setup-virtual-directory-failed"},
		map[string]string{"vdir": "PushNotifications", "site": "ExSvr1.child.SoloORG.COM/Exchange Back End"}},
	// P5 with the DC and its empty site.
	"ExchangeSetup_DC_Site_1.log": {[]string{"setup-dc-out-of-site"},
		map[string]string{"dc": "DC2.Solo.local", "dcsite": "(empty)", "site": "NorthAmerica"}},
	// P1, P2, P4, P6, P7, P8.
	"ExchangeSetup_AD_Prep_Reboot.log": {[]string{"setup-ad-validation-failed", "setup-reboot-pending-windows-component",
		"setup-powershell-sessions-open", "setup-remote-registry-failed", "setup-msdtc-stopped", "setup-iis-url-rewrite-missing"}, nil},
	// P11, P12, P13, P14, P15.
	"ExchangeSetup_NoPerm.log": {[]string{"setup-needs-schema-admins", "setup-prepareschema-needs-enterprise-admins",
		"setup-preparead-needs-enterprise-admins", "setup-preparedomain-needs-enterprise-admins", "setup-needs-organization-management"},
		map[string]string{"user": `SOLO\Han`}},
}

// TestSetupCorpus runs the real parser and the whole catalog over every
// ExchangeSetup log of the corpus: each yields the findings its name calls
// for, setup-failed-unknown stays silent when a known rule explains the
// failure, and no finding cites a line outside the verdict run.
func TestSetupCorpus(t *testing.T) {
	root := filepath.Join(repoCorpus(t), "exchange-setup")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".log") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			fs := scanSetupFile(t, path, English)
			if checkSucceeded(t, path, fs) {
				return
			}
			want, ok := corpusExpect[name]
			if !ok {
				t.Fatalf("no expectation for %s: read it and add one", name)
			}
			seen++
			for _, id := range want.rules {
				if len(byRule(fs, id)) != 1 {
					t.Errorf("want one %s finding; got %s", id, ruleList(fs))
				}
			}
			if len(byRule(fs, "setup-succeeded")) != 0 {
				t.Errorf("a failed run reported setup-succeeded")
			}
			if len(byRule(fs, "setup-failed-unknown")) != 0 {
				t.Errorf("setup-failed-unknown fired although %s explains the failure", want.rules[0])
			}
			first := byRule(fs, want.rules[0])
			if len(first) == 0 {
				return
			}
			f := first[0]
			for k, v := range want.values {
				if f.Values[k] != v {
					t.Errorf("%s value %s = %q, want %q", f.Rule, k, f.Values[k], v)
				}
			}
			if f.Severity != Error || f.Host != "EXSVR1" || len(f.Evidence) == 0 || f.Evidence[0].Path != path {
				t.Errorf("finding %+v", f)
			}
			if strings.Contains(f.Remedy, "{") {
				t.Errorf("remedy has an unfilled placeholder: %s", f.Remedy)
			}
			// The remedy shows the captured values.
			for _, k := range []string{"object", "localbuild", "service", "dc", "code"} {
				if v := want.values[k]; v != "" && !strings.Contains(f.Remedy, v) {
					t.Errorf("remedy does not name %s %q: %s", k, v, f.Remedy)
				}
			}
		})
	}
	if seen < len(corpusExpect) {
		t.Errorf("only %d of %d expected corpus files were found", seen, len(corpusExpect))
	}
}

// checkSucceeded reports whether the verdict run of a setup log succeeded,
// as the parser's own run summary says; if so, the findings must hold
// setup-succeeded and nothing of error severity.
func checkSucceeded(t *testing.T, path string, fs []Finding) bool {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	run, _, ok := setuplog.Select(setuplog.Summarise(parseSetup(t, path, data)))
	if !ok || run.Outcome != setuplog.OutcomeSucceeded {
		return false
	}
	if len(byRule(fs, "setup-succeeded")) != 1 {
		t.Errorf("verdict run succeeded, but no setup-succeeded finding: %s", ruleList(fs))
	}
	for _, f := range fs {
		if f.Severity >= Error {
			t.Errorf("error finding %s on a log whose verdict run succeeded", f.Rule)
		}
	}
	return true
}

// TestSetupTestdataLogs runs the catalog over the hand-written setup logs
// of testdata/: a log whose last run succeeded after a failed one.
func TestSetupTestdataLogs(t *testing.T) {
	paths, err := filepath.Glob("testdata/ExchangeSetup_*.log")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no testdata logs: %v", err)
	}
	succeeded := 0
	for _, p := range paths {
		fs := scanSetupFile(t, p, English)
		if checkSucceeded(t, p, fs) {
			succeeded++
		}
	}
	if succeeded == 0 {
		t.Errorf("no testdata log has a successful verdict run")
	}
}

func ruleList(fs []Finding) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.Rule+"("+f.Severity.String()+")")
	}
	return strings.Join(ids, ", ")
}

// BenchmarkSetupCatalog runs the whole catalog over the largest corpus
// setup log (2.9 MB).
func BenchmarkSetupCatalog(b *testing.B) {
	path := filepath.Join(repoCorpus(b), "exchange-setup", "KnownIssues", "OrganizationPreparation", "ExchangeSetup_AccessDenied.log")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		scanSetupBytes(b, path, data, English)
	}
}
