package report

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ansiEscape matches terminal escape sequences: CSI (ESC [ ... final), OSC
// (ESC ] ... BEL or ESC \) and two-byte escapes.
var ansiEscape = regexp.MustCompile(`\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]`)

// TerminalSafe makes log text safe to print on a terminal: escape
// sequences and control characters are removed (a tab becomes a space, a
// newline is kept when keepNewlines is set), and invalid UTF-8 becomes
// U+FFFD. Log text is evidence from a customer's machine and must not be
// able to move the cursor, change colours or retitle the window.
func TerminalSafe(s string, keepNewlines bool) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = ansiEscape.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' && keepNewlines:
			return r
		case r == '\t' || r == '\n' || r == '\r':
			return ' '
		case unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\u202e', r == '\u202d':
			return -1
		}
		return r
	}, s)
}

// Shorten cuts s to at most n runes, marking the cut with an ellipsis.
func Shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}
