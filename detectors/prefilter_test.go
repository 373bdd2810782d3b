package detectors

import (
	"strings"
	"testing"

	"github.com/extriage/extriage/parsers"
)

func TestEngineKeywords(t *testing.T) {
	rules, _ := Catalog()
	eng := NewEngine(rules, English)
	kw := eng.Keywords(parsers.FormatEVTX)
	if kw == nil {
		t.Fatal("the catalog can be pre-filtered on EVTX, got nil")
	}
	for _, want := range []string{"msexchangecluster", "msiinstaller", "service control manager", "msexchangeis", "eventlog"} {
		found := false
		for _, w := range kw {
			found = found || w == want
		}
		if !found {
			t.Errorf("keywords lack %q: %v", want, kw)
		}
	}
	// Text logs are followed line by line (runs, frames): no pre-filter.
	if kw := eng.Keywords(parsers.FormatUpdateLog); kw != nil {
		t.Errorf("update logs pre-filtered on %v", kw)
	}
	// A user rule on event IDs alone turns the EVTX pre-filter off.
	user, err := LoadRules("u.yaml", []byte("rules:\n  - id: any-1000\n    title: {en: t, pl: t}\n    severity: info\n    kb: [\"328839\"]\n    formats: [evtx]\n    match: {event_id: [1000]}\n    remedy: {en: r, pl: r}\n"))
	if err != nil {
		t.Fatal(err)
	}
	all, _ := Merge(rules, user)
	if kw := NewEngine(all, English).Keywords(parsers.FormatEVTX); kw != nil {
		t.Errorf("an ID-only rule must disable the pre-filter, got %d words", len(kw))
	}
}

// TestKeywordsAreSound: every finding the catalog makes on event records
// comes from a record that contains one of the engine's keywords; a parser
// that skips the others loses nothing.
func TestKeywordsAreSound(t *testing.T) {
	rules, _ := Catalog()
	eng := NewEngine(rules, English)
	kw := eng.Keywords(parsers.FormatEVTX)
	recs := []*parsers.Record{
		event("MSExchangeCluster", 1025, "EXVS1"),
		event("MsiInstaller", 11708, "Microsoft Exchange Server"),
		event("MSExchangeIS", 5000, "0xc8000228"),
		event("Service Control Manager", 7024, "Microsoft Exchange Information Store", "3355443752"),
	}
	for _, r := range recs {
		text := strings.ToLower(r.Provider + " " + r.Text())
		ok := false
		for _, w := range kw {
			ok = ok || strings.Contains(text, w)
		}
		if !ok {
			t.Errorf("%s %d would be skipped by the pre-filter", r.Provider, r.EventID)
		}
		if fs := runFile(t, English, FileInfo{Path: "a.evtx", Format: parsers.FormatEVTX}, []*parsers.Record{r}); len(fs) == 0 {
			t.Errorf("%s %d: no finding; the test needs records that fire", r.Provider, r.EventID)
		}
	}
}
