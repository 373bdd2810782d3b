package detectors

import (
	"os"
	"regexp"
	"strings"
)

// Lang is a language the catalog speaks: "en" or "pl".
type Lang string

// The languages of the catalog.
const (
	English Lang = "en"
	Polish  Lang = "pl"
)

// Langs lists every language each rule's texts must exist in.
var Langs = []Lang{English, Polish}

// ParseLang reads a --lang value. It accepts the two codes and locale names
// such as pl_PL.UTF-8; anything else is an error.
func ParseLang(s string) (Lang, error) {
	if l, ok := langOfLocale(s); ok {
		return l, nil
	}
	return "", &langError{s}
}

type langError struct{ s string }

func (e *langError) Error() string { return "unknown language " + `"` + e.s + `"` + " (want en or pl)" }

func langOfLocale(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "en" || strings.HasPrefix(s, "en_") || strings.HasPrefix(s, "en-"):
		return English, true
	case s == "pl" || strings.HasPrefix(s, "pl_") || strings.HasPrefix(s, "pl-"):
		return Polish, true
	}
	return "", false
}

// LangFromEnv picks the language from LC_ALL, LC_MESSAGES and LANG, in the
// order POSIX gives them precedence; English when none names a catalog
// language.
func LangFromEnv() Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if l, ok := langOfLocale(s); ok {
				return l
			}
			return English // the first variable that is set decides
		}
	}
	return English
}

// Text is a sentence in every catalog language.
type Text struct {
	EN string `yaml:"en" json:"en"`
	PL string `yaml:"pl" json:"pl"`
}

// In returns the text in language l, falling back to English.
func (t Text) In(l Lang) string {
	if l == Polish && t.PL != "" {
		return t.PL
	}
	return t.EN
}

var placeholder = regexp.MustCompile(`\{([a-z][a-z0-9_]*)(\?)?\}`)

// Fill replaces each {name} in s by values[name]. A placeholder with no
// value is replaced by "?"; an optional one, {name?}, by nothing (for a
// clause that only some findings have, such as the cause of a failure).
func Fill(s string, values map[string]string) string {
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		optional := strings.HasSuffix(m, "?}")
		name := strings.TrimSuffix(m[1:len(m)-1], "?")
		if v, ok := values[name]; ok && v != "" {
			return v
		}
		if optional {
			return ""
		}
		return "?"
	})
}

// Placeholders lists the names of the {name} and {name?} placeholders in s.
func Placeholders(s string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}
