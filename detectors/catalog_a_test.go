package detectors

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"
)

// TestCatalogSectionA checks that every rule ID of section A of the
// reference rule catalog (KB 328839) is implemented.
func TestCatalogSectionA(t *testing.T) {
	data, err := os.ReadFile(testkit.Shared(t, "reference", "rule-catalog.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, "## A.")
	end := strings.Index(text, "## B.")
	if start < 0 || end < start {
		t.Fatal("section A not found in rule-catalog.md")
	}
	ids := regexp.MustCompile("(?m)^\\| `([a-z0-9-]+)` \\|").FindAllStringSubmatch(text[start:end], -1)
	if len(ids) < 14 {
		t.Fatalf("found %d IDs in section A, want 14", len(ids))
	}
	rules, err := Catalog()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ids {
		if Find(rules, m[1]) == nil {
			t.Errorf("rule %s (rule-catalog.md section A) is not in the catalog", m[1])
		}
	}
}
