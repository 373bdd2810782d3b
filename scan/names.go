package scan

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// memberName returns an archive member's name as text. A zip records names
// in UTF-8 only when it says so; Windows' own "compressed folder" writes
// them in the computer's OEM code page instead: 437 on English systems,
// 852 on Polish ones. A name that is not valid UTF-8 is decoded with the
// one of the two that reads as more Latin letters (Polish letters such as
// ń or ż are Greek letters or box drawing in 437), 437 when both read
// alike, since the zip format names it the default. Without this, such a
// name was printed with replacement characters, and two members whose
// names differ only in those letters looked the same.
func memberName(raw string) string {
	if utf8.ValidString(raw) {
		return raw
	}
	best, bestScore := raw, -1
	for _, cm := range []*charmap.Charmap{charmap.CodePage437, charmap.CodePage852} {
		s, err := cm.NewDecoder().String(raw)
		if err != nil {
			continue
		}
		score := 0
		for _, r := range s {
			if r >= utf8.RuneSelf && unicode.Is(unicode.Latin, r) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = s, score
		}
	}
	if bestScore < 0 {
		return string([]rune(raw)) // invalid bytes become U+FFFD
	}
	return best
}
