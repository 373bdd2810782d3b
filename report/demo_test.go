package report

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/detectors"
	_ "github.com/extriage/extriage/parsers/all"
	"github.com/extriage/extriage/scan"
)

// demoReport is the report of the demo bundle as the report command builds
// it: every parser, the built-in catalog, its rules' metadata.
func demoReport(t *testing.T, lang detectors.Lang) *Report {
	t.Helper()
	rules, err := detectors.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := scan.Scan(context.Background(), []string{"../fixtures/bundles/ex2003-cluster-sp2-failure"},
		detectors.NewEngine(rules, lang), scan.Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := New("test", lang, res)
	for _, rule := range rules {
		r.Rules = append(r.Rules, rule.Meta())
	}
	if len(r.Findings) == 0 {
		t.Fatal("the demo bundle gave no finding")
	}
	return r
}

// TestDemoFormatsValidate: the demo bundle's report, from the real
// parsers and rules, in each machine format: SARIF has the schema's shape
// (every result with a rule that has help text, and a location), the CSV
// parses with a row per finding, the Markdown tables are well formed.
func TestDemoFormatsValidate(t *testing.T) {
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		r := demoReport(t, lang)

		var doc map[string]any
		if err := json.Unmarshal(render(t, "sarif", r), &doc); err != nil {
			t.Fatalf("%s: sarif: %v", lang, err)
		}
		checkSARIF(t, doc, "log", "$")
		var log struct {
			Runs []struct {
				Tool struct {
					Driver struct {
						Rules []struct {
							ID   string
							Help struct{ Text string }
						}
					}
				}
				Results []struct {
					RuleID    string
					Locations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string }
						}
					}
				}
			}
		}
		out := render(t, "sarif", r)
		if err := json.Unmarshal(out, &log); err != nil || len(log.Runs) != 1 {
			t.Fatalf("%s: sarif runs: %v", lang, err)
		}
		run := log.Runs[0]
		help := map[string]string{}
		for _, rule := range run.Tool.Driver.Rules {
			help[rule.ID] = rule.Help.Text
		}
		if len(run.Results) != len(r.Findings) {
			t.Errorf("%s: %d results for %d findings", lang, len(run.Results), len(r.Findings))
		}
		for i, res := range run.Results {
			if help[res.RuleID] == "" {
				t.Errorf("%s: result %d: rule %q has no help text", lang, i, res.RuleID)
			}
			if len(res.Locations) == 0 || !strings.Contains(res.Locations[0].PhysicalLocation.ArtifactLocation.URI, "ex2003-cluster-sp2-failure/EXCLNODE") {
				t.Errorf("%s: result %d (%s) has no location in the bundle", lang, i, res.RuleID)
			}
		}

		rows, err := csv.NewReader(strings.NewReader(string(render(t, "csv", r)))).ReadAll()
		if err != nil || len(rows) != len(r.Findings)+1 {
			t.Errorf("%s: csv: %d rows, %v; want %d", lang, len(rows), err, len(r.Findings)+1)
		}
		mdTables(t, string(render(t, "markdown", r)))
	}
}

// TestDemoSARIFRecordRegions: a SARIF location of an event record points
// at the record's first byte, checked against the EVTX format itself (a
// record starts with the signature "**\0\0", its size, then its record
// number), so that a tool can find it without knowing event logs.
func TestDemoSARIFRecordRegions(t *testing.T) {
	var log struct {
		Runs []struct {
			Results []struct {
				RelatedLocations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           *struct {
							StartLine  int
							ByteOffset *int64
						}
					}
					Properties struct{ Record uint64 }
				}
			}
		}
	}
	if err := json.Unmarshal(render(t, "sarif", demoReport(t, detectors.English)), &log); err != nil {
		t.Fatal(err)
	}
	records := 0
	for _, res := range log.Runs[0].Results {
		for _, l := range res.RelatedLocations {
			p := l.PhysicalLocation
			if l.Properties.Record == 0 {
				if p.Region == nil || p.Region.StartLine < 1 {
					t.Errorf("%s: a text log location without its line", p.ArtifactLocation.URI)
				}
				continue
			}
			records++
			if p.Region == nil || p.Region.ByteOffset == nil || p.Region.StartLine != 0 {
				t.Errorf("%s record %d: region %+v, want a byteOffset only", p.ArtifactLocation.URI, l.Properties.Record, p.Region)
				continue
			}
			name, err := url.PathUnescape(p.ArtifactLocation.URI)
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(filepath.FromSlash(name)) // the path as scanned, from this folder
			if err != nil {
				t.Fatal(err)
			}
			head := make([]byte, 16)
			_, err = f.ReadAt(head, *p.Region.ByteOffset)
			f.Close()
			if err != nil {
				t.Fatalf("%s at %d: %v", name, *p.Region.ByteOffset, err)
			}
			if string(head[:4]) != "**\x00\x00" || binary.LittleEndian.Uint64(head[8:]) != l.Properties.Record {
				t.Errorf("%s: byte %d holds % x, not the header of record %d", name, *p.Region.ByteOffset, head, l.Properties.Record)
			}
		}
	}
	if records == 0 {
		t.Error("the demo's SARIF cites no event record")
	}
}
