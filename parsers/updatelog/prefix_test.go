package updatelog

import (
	"reflect"
	"testing"
)

var prefixSamples = []string{
	"0.000: ================================================================",
	"12.345: Update.exe extended error code = 0xf01e",
	"12,345: comma",
	"1234567890.123: ten digits",
	"12345678901.123: eleven digits",
	"12.3456: four",
	"12.34: two",
	"12.345:",
	"12.345:x",
	"12.345:  two spaces",
	"12.345 : space",
	".345: none",
	"12;345: semicolon",
	"12.345",
	"12.34a: letter",
	"",
	"1",
	"1.",
	"1.000:\t",
	"٣.345: arabic digit",
}

func TestMatchPrefix(t *testing.T) {
	n := 0
	for _, l := range prefixSamples {
		if checkPrefix(t, l) {
			n++
		}
	}
	if n < 5 {
		t.Errorf("only %d samples match prefixRe", n)
	}
}

func checkPrefix(t *testing.T, line string) bool {
	want := prefixRe.FindStringSubmatchIndex(line)
	var got []int
	if m, ok := matchPrefix(line); ok {
		got = m[:]
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matchPrefix(%q) = %v, want %v", line, got, want)
	}
	e, rest, ok := splitPrefix(line)
	if (want != nil) != ok {
		t.Errorf("splitPrefix(%q) ok = %v", line, ok)
	}
	if want != nil {
		if we := line[want[2]:want[3]] + "." + line[want[4]:want[5]]; e != we || rest != line[want[1]:] {
			t.Errorf("splitPrefix(%q) = %q, %q, want %q, %q", line, e, rest, we, line[want[1]:])
		}
	}
	return want != nil
}

// FuzzMatchPrefix checks matchPrefix and splitPrefix against prefixRe.
func FuzzMatchPrefix(f *testing.F) {
	for _, l := range prefixSamples {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkPrefix(t, line)
	})
}
