package scan

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/extriage/extriage/detectors"
)

// Merging a file's hits before the collector sees them changes nothing in
// the findings: counts, evidence, severities, values.
func TestCompactHitsKeepsFindings(t *testing.T) {
	rules, err := detectors.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	rule := detectors.Find(rules, fileInUse)
	if rule == nil {
		t.Fatal("no rule " + fileInUse)
	}
	warn, crit := detectors.Warning, detectors.Critical
	var hits []detectors.RuleHit
	for i := range 60 {
		h := detectors.Hit{Host: fmt.Sprintf("EX%d", i%2), Key: fmt.Sprintf("k%d", i%3),
			Evidence: []detectors.Evidence{{Path: "KB1.log", Line: i + 1, Text: fmt.Sprint("line ", i)}},
			Values:   map[string]string{"files": fmt.Sprint("f", i), "count": "1"}}
		switch i {
		case 7:
			h.Severity = &warn
		case 40:
			h.Severity = &crit
		case 11:
			h.Count = 5
		}
		hits = append(hits, detectors.RuleHit{Rule: rule, Hit: h})
	}
	findings := func(hs []detectors.RuleHit) string {
		c := detectors.NewEngine(rules, detectors.English).NewCollector("b")
		c.Add(detectors.FileResult{Hits: hs})
		b, err := json.Marshal(c.Finish())
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	compact := compactHits(append([]detectors.RuleHit(nil), hits...))
	if len(compact) != 6 {
		t.Errorf("%d hits after compaction, want 6 (2 hosts x 3 keys)", len(compact))
	}
	if a, b := findings(hits), findings(compact); a != b {
		t.Errorf("findings differ:\n%s\n%s", a, b)
	}
}
