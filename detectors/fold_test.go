package detectors

import (
	"testing"

	"github.com/extriage/extriage/parsers"
)

// TestKeywordsFoldAsLowerCase checks that a rule's keywords find what they
// would in the lower-cased text, whether the text is ASCII (searched as it
// is, ignoring case) or not (searched lower-cased, where the Kelvin sign
// and the dotted capital I turn into ASCII letters).
func TestKeywordsFoldAsLowerCase(t *testing.T) {
	rules, err := LoadRules("k.yaml", []byte("rules:\n  - id: kill-rule\n    title: {en: t, pl: t}\n    severity: error\n    kb: [\"328839\"]\n    formats: [setuplog]\n    match: {keywords: [kill, ił]}\n    remedy: {en: r, pl: r}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := rules[0].(*DataRule)
	for _, tc := range []struct {
		msg  string
		want bool
	}{
		{"The process was KILLED.", true},
		{"the process was killed", true},
		{"the process was \u212Ailled (Kelvin sign)", true},
		{"żółć: the process was KiLL", true},
		{"BIŁ", true},       // the non-ASCII keyword, in the lower-cased text
		{"K\u0130LL", true}, // the dotted capital I lowers to i: "kill"
		{"the process was k-illed", false},
		{"żółć: the process was k ill", false},
	} {
		r := &parsers.Record{Format: parsers.FormatSetupLog, Message: tc.msg}
		var v RecordView
		v.Reset(r)
		if _, got := d.Match(r, &v); got != tc.want {
			t.Errorf("Match(%q) = %v, want %v", tc.msg, got, tc.want)
		}
	}
}
