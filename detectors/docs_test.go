package detectors

import (
	"os"
	"regexp"
	"testing"
)

// TestRulesDocExamplesLoad keeps docs/rules.md honest: every YAML example
// in it must load as a rule file.
func TestRulesDocExamplesLoad(t *testing.T) {
	data, err := os.ReadFile("../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllSubmatch(data, -1)
	if len(blocks) < 2 {
		t.Fatalf("found %d yaml examples in docs/rules.md, want at least 2", len(blocks))
	}
	for i, b := range blocks {
		rules, err := LoadRules("docs/rules.md example", b[1])
		if err != nil {
			t.Errorf("example %d: %v", i+1, err)
			continue
		}
		cat, _ := Catalog()
		if _, err := Merge(cat, rules); err != nil {
			t.Errorf("example %d clashes with the catalog: %v", i+1, err)
		}
	}
}
