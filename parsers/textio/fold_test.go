package textio

import (
	"strings"
	"testing"
)

// containsFoldSlow is the plain definition ContainsFold must agree with:
// sub (lower-case ASCII) occurs in s once s's ASCII capitals are lowered;
// no other byte changes.
func containsFoldSlow(s, sub string) bool {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return strings.Contains(string(b), sub)
}

var foldCases = []struct {
	s, sub string
	want   bool
}{
	{"", "", true},
	{"abc", "", true},
	{"", "a", false},
	{"Starting Microsoft Exchange Server 2019 Setup", "starting microsoft exchange", true},
	{"STARTING MICROSOFT EXCHANGE", "starting microsoft exchange", true},
	{"starting microsoft exchang", "starting microsoft exchange", false},
	{"sSsSetup version: 15", "setup version:", true},
	{"SSSSSSSetuP VERSION:", "setup version:", true},
	{"Setup version; 15", "setup version:", false},
	{"xx[ERROR-REFERENCE Id=1", "[error-reference]", false},
	{"xx[ERROR-REFERENCE] Id=1", "[error-reference", true},
	{"end of setup", "end of setup", true},
	{"end of setu", "end of setup", false},
	{"ab", "abc", false},
	{"Ünïcödé SETUP OPERATION", "setup operation", true},
	{"\u212a", "k", false},                                 // Kelvin sign: not ASCII, does not fold
	{"\u0130nstalled version", "installed version", false}, // dotted capital I
	{"İNSTALLED VERSION", "nstalled version", true},
	{"Return code was MASKED TO 0x643", "masked to", true},
	{"k masked t", "masked to", false},
	{"maskedto masked  to", "masked to", false},
	{"abc:", "c:", true},
	{":abc", "c:", false},
	{"Setup version: 15", "version:", true},
	{"x[ERROR-REFERENCE]", "[error-reference]", true},
	{"aAaAaAaAaAb", "aab", true},
	{"AaAaAaAaAa", "aab", false},
}

func TestContainsFold(t *testing.T) {
	for _, c := range foldCases {
		if got := ContainsFold(c.s, c.sub); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v, want %v", c.s, c.sub, got, c.want)
		}
		if slow := containsFoldSlow(c.s, c.sub); slow != c.want {
			t.Errorf("containsFoldSlow(%q, %q) = %v, want %v (bad case)", c.s, c.sub, slow, c.want)
		}
	}
}

// FuzzContainsFold checks ContainsFold against its plain definition on
// arbitrary text and any lower-case ASCII needle.
func FuzzContainsFold(f *testing.F) {
	for _, c := range foldCases {
		f.Add(c.s, c.sub)
	}
	f.Fuzz(func(t *testing.T, s, sub string) {
		sub = lowerASCIIOnly(sub)
		if got, want := ContainsFold(s, sub), containsFoldSlow(s, sub); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", s, sub, got, want)
		}
	})
}

// lowerASCIIOnly maps sub to a lower-case ASCII needle, as ContainsFold
// requires.
func lowerASCIIOnly(sub string) string {
	b := make([]byte, 0, len(sub))
	for i := 0; i < len(sub); i++ {
		c := sub[i] & 0x7f
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}
