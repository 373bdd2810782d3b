package evexport

import (
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
)

// levelNames maps the event type / level words Event Viewer prints, in
// English and Polish, lower-cased, to the normalised level.
var levelNames = map[string]parsers.Level{
	"error":                               parsers.LevelError,
	"błąd":                                parsers.LevelError,
	"warning":                             parsers.LevelWarning,
	"ostrzeżenie":                         parsers.LevelWarning,
	"information":                         parsers.LevelInformation,
	"informacje":                          parsers.LevelInformation,
	"informacja":                          parsers.LevelInformation,
	"success audit":                       parsers.LevelAuditSuccess,
	"audit success":                       parsers.LevelAuditSuccess,
	"inspekcja sukcesów":                  parsers.LevelAuditSuccess,
	"inspekcja zakończona sukcesem":       parsers.LevelAuditSuccess,
	"failure audit":                       parsers.LevelAuditFailure,
	"audit failure":                       parsers.LevelAuditFailure,
	"inspekcja niepowodzeń":               parsers.LevelAuditFailure,
	"inspekcja zakończona niepowodzeniem": parsers.LevelAuditFailure,
	"critical":                            parsers.LevelCritical,
	"krytyczny":                           parsers.LevelCritical,
	"krytyczne":                           parsers.LevelCritical,
	"verbose":                             parsers.LevelVerbose,
	"pełny":                               parsers.LevelVerbose,
	"pełne":                               parsers.LevelVerbose,
	"szczegółowe":                         parsers.LevelVerbose,
}

// parseLevel maps an event type or level as an export prints it to the
// normalised level; ok is false for a word it does not know.
func parseLevel(s string) (parsers.Level, bool) {
	return lookupKey(levelNames, s)
}

// normKey lower-cases s, trims it, strips surrounding quotes and collapses
// inner runs of white space to one space.
func normKey(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	if plainKey(s) {
		return strings.ToLower(s) // what the line below gives, without its copies
	}
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// lookupKey returns m[normKey(s)]. For a short plain key it lowers the key
// into a buffer on the stack instead of a new string: the map lookup of a
// converted byte slice does not allocate.
func lookupKey[V any](m map[string]V, s string) (V, bool) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		t = strings.TrimSpace(t[1 : len(t)-1])
	}
	var buf [64]byte
	if len(t) > len(buf) || !plainKey(t) {
		v, ok := m[normKey(s)]
		return v, ok
	}
	b := buf[:len(t)]
	for i := 0; i < len(t); i++ {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	v, ok := m[string(b)]
	return v, ok
}

// plainKey reports whether strings.Join(strings.Fields(s), " ") is s
// itself, judging ASCII text only: no white space but single spaces
// between words. normKey runs on a field of every line, and the split and
// join cost three allocations.
func plainKey(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80, c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		case c == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' '):
			return false
		}
	}
	return true
}

// parseEventID reads an event ID as an export prints it. Exports show the
// 16-bit value; a larger number (a full classic ID) is split into the low
// 16 bits and the qualifiers.
func parseEventID(s string) (id uint32, qual uint16, ok bool) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, 0, false
	}
	if v > 0xFFFF {
		return uint32(v & 0xFFFF), uint16(v >> 16), true
	}
	return uint32(v), 0, true
}

// combine joins a date and a time of day into a local wall-clock time read
// as UTC.
func combine(y, m, d, h, mi, sec, ns int) time.Time {
	return time.Date(y, time.Month(m), d, h, mi, sec, ns, time.UTC)
}
