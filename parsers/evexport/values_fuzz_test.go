package evexport

import (
	"strings"
	"testing"
)

// normKeySlow is normKey without its shortcut for plain keys.
func normKeySlow(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

var normKeyCases = []struct{ in, want string }{
	{"", ""},
	{"Date", "date"},
	{"  Event   ID ", "event id"},
	{"\"Event ID\"", "event id"},
	{"\" Task\tCategory \"", "task category"},
	{"Date and Time", "date and time"},
	{"Level\r", "level"},
	{"a\vb", "a b"},
	{"a\fb", "a b"},
	{"Źródło", "źródło"},
	{"Typ\u00a0zdarzenia", "typ zdarzenia"},
	{"Ereignis-ID\u0085", "ereignis-id"},
	{"7/31/2001", "7/31/2001"},
	{"\u212aelvin", "kelvin"},
	{"\"", "\""},
	{strings.Repeat("Ab ", 30) + "C", strings.Repeat("ab ", 30) + "c"},
}

func TestNormKey(t *testing.T) {
	for _, c := range normKeyCases {
		m := map[string]int{c.want: 7}
		if v, ok := lookupKey(m, c.in); v != 7 || !ok {
			t.Errorf("lookupKey(map{%q: 7}, %q) = %d, %v, want 7, true", c.want, c.in, v, ok)
		}
		if v, ok := lookupKey(m, c.in+"x"); ok && c.in != "" && c.in[len(c.in)-1] != '"' {
			t.Errorf("lookupKey(map{%q: 7}, %q) = %d, %v, want not found", c.want, c.in+"x", v, ok)
		}
		if got := normKey(c.in); got != c.want {
			t.Errorf("normKey(%q) = %q, want %q", c.in, got, c.want)
		}
		if slow := normKeySlow(c.in); slow != c.want {
			t.Errorf("normKeySlow(%q) = %q, want %q (bad case)", c.in, slow, c.want)
		}
	}
}

// FuzzNormKey checks normKey against its definition without the shortcut.
func FuzzNormKey(f *testing.F) {
	for _, c := range normKeyCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := normKey(s), normKeySlow(s); got != want {
			t.Fatalf("normKey(%q) = %q, want %q", s, got, want)
		}
		m := map[string]int{normKeySlow(s): 1, "date": 2, "event id": 3}
		v, ok := lookupKey(m, s)
		if want, wantOK := m[normKeySlow(s)]; v != want || ok != wantOK {
			t.Fatalf("lookupKey(%q) = %d, %v, want %d, %v", s, v, ok, want, wantOK)
		}
	})
}
