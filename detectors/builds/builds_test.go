package builds

import (
	"os"
	"strings"
	"testing"

	"github.com/extriage/extriage/internal/testkit"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		build, product, level string
		exact, ok             bool
	}{
		{"6.5.7638.2", "Exchange Server 2003", "SP2", true, true},
		{"6.5.7638", "Exchange Server 2003", "SP2", true, true},
		{"6.5.7226.6", "Exchange Server 2003", "SP1", true, true},
		{"6.5.7226.5", "Exchange Server 2003", "SP1", true, true}, // same build, other fix level
		{"6.5.7300.0", "Exchange Server 2003", "SP1 + 2007 DST update", false, true},
		{"6.0.6249", "Exchange 2000 Server", "SP3", true, true},
		{"5.5.2653", "Exchange Server 5.5", "SP4", true, true},
		{"6.5.1000", "", "", false, false}, // before RTM
		{"7.0.1", "", "", false, false},
		{"garbage", "", "", false, false},
	}
	for _, tc := range tests {
		b, exact, ok := Lookup(tc.build)
		if ok != tc.ok || exact != tc.exact || b.Product != tc.product || b.Level != tc.level {
			t.Errorf("Lookup(%q) = %q %q exact=%v ok=%v; want %q %q exact=%v ok=%v", tc.build, b.Product, b.Level, exact, ok, tc.product, tc.level, tc.exact, tc.ok)
		}
	}
}

func TestModernBuilds(t *testing.T) {
	// Every row of the table must find itself.
	for _, b := range All() {
		got, exact, ok := Lookup(b.Version.String())
		if !ok || !exact || got.Version.Compare(b.Version) != 0 {
			t.Errorf("Lookup(%s) = %v exact=%v ok=%v", b.Version, got.Version, exact, ok)
		}
	}
	if p := ProductOf("15.2.9999.1"); p != "Exchange Server 2019" {
		t.Errorf("ProductOf = %q", p)
	}
}

func TestFromBanner(t *testing.T) {
	tests := []struct{ in, build, level string }{
		{"AdminDisplayVersion : Version 6.5 (Build 7638.2: Service Pack 2)", "6.5.7638.2", "Service Pack 2"},
		{"serialNumber: Version 6.5 (Build 7226.6: Service Pack 1)", "6.5.7226.6", "Service Pack 1"},
		{"Version 8.0 (Build 0685)", "8.0.685", ""},
		{"Version 8.1 (Build 240.6)", "8.1.240.6", ""},
	}
	for _, tc := range tests {
		b, l, ok := FromBanner(tc.in)
		if !ok || b != tc.build || l != tc.level {
			t.Errorf("FromBanner(%q) = %q %q %v", tc.in, b, l, ok)
		}
	}
	if _, _, ok := FromBanner("no version here"); ok {
		t.Error("FromBanner found a banner in plain text")
	}
}

// TestTableMatchesReference: every row of the reference build table
// (../shared/reference/exchange-builds.tsv) is embedded, and Lookup maps
// its build to the row's product and level (remarks in parentheses
// dropped). Where the reference lists one build twice, the first row is
// the one Lookup returns.
func TestTableMatchesReference(t *testing.T) {
	data, err := os.ReadFile(testkit.Shared(t, "reference", "exchange-builds.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string]bool{}
	for _, b := range All() {
		embedded[b.Version.String()+"\t"+b.Product+"\t"+b.Level] = true
	}
	first := map[string]bool{}
	n := 0
	for i, line := range strings.Split(strings.ReplaceAll(string(data), "\r", ""), "\n") {
		f := strings.Split(line, "\t")
		if i == 0 || len(f) < 3 {
			continue
		}
		n++
		v, ok := Parse(f[0])
		if !ok {
			t.Errorf("reference line %d: build %q does not parse", i+1, f[0])
			continue
		}
		level := cleanLevel(f[2])
		if !embedded[v.String()+"\t"+f[1]+"\t"+level] {
			t.Errorf("reference line %d (%s %s %s) is not embedded", i+1, f[0], f[1], f[2])
		}
		if first[v.String()] {
			continue
		}
		first[v.String()] = true
		b, exact, ok := Lookup(f[0])
		if !ok || !exact || b.Product != f[1] || b.Level != level {
			t.Errorf("Lookup(%s) = %q %q exact=%v ok=%v; reference line %d says %q %q", f[0], b.Product, b.Level, exact, ok, i+1, f[1], level)
		}
	}
	if n != len(All()) {
		t.Errorf("reference has %d rows, the embedded table %d", n, len(All()))
	}
}
