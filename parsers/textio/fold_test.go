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

// TestSketch checks that a sketch never rules out a needle its text holds,
// in any ASCII case, and that it does rule out needles whose pairs the
// text lacks.
func TestSketch(t *testing.T) {
	text := "[03/13/2021 05:01:30.0540] [0] Setup Version: 15.0.1497.2. The ERROR-reference follows"
	sk := SketchOf(text)
	for _, sub := range []string{"setup version:", "error-reference", "[0]", "15.0.1497", "s", "", "ws"} {
		if !NewNeedle(sub).In(text) {
			t.Fatalf("test is wrong: %q is not in the text", sub)
		}
		if !sk.MayHold(NewNeedle(sub)) {
			t.Errorf("the sketch rules out %q, which the text holds", sub)
		}
	}
	for _, sub := range []string{"installed version", "completed successfully", "logged on user:"} {
		if sk.MayHold(NewNeedle(sub)) {
			t.Errorf("the sketch does not rule out %q", sub)
		}
	}
}

// FuzzSketch holds MayHold to In: whenever a needle is in a text, the
// text's sketch may hold it.
func FuzzSketch(f *testing.F) {
	f.Add("Setup version: 15.0", "setup version:")
	f.Add("MSI (s) (54:94) [13:14:36:123]: Note: 1: 2203", "note: 1:")
	f.Add("\u212Aelvin K\u0130LL", "kill")
	f.Fuzz(func(t *testing.T, text, sub string) {
		sub = strings.ToLower(sub)
		for i := 0; i < len(sub); i++ {
			if sub[i] >= 0x80 {
				return // needles are ASCII
			}
		}
		if nd := NewNeedle(sub); nd.In(text) && !SketchOf(text).MayHold(nd) {
			t.Errorf("SketchOf(%q) rules out %q, which the text holds", text, sub)
		}
		if len(sub) > 1 && len(text) > 2 {
			// A needle taken from the text, in another case.
			s := strings.ToUpper(text[1 : len(text)-1])
			if nd := NewNeedle(strings.ToLower(s)); isASCIIString(s) && !SketchOf(text).MayHold(nd) {
				t.Errorf("SketchOf(%q) rules out %q, a part of it", text, s)
			}
		}
	})
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
