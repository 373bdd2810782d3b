package setuplog

import (
	"strings"

	"github.com/extriage/extriage/parsers/wintime"
)

// matchModern returns what modernRe.FindStringSubmatchIndex returns for
// line, appending the 20 indices to m[:0], or nil. It reads the stamp by
// hand: the expression ran on every line and was a large part of the
// parse. The expression cannot backtrack into another match (no digit
// run may be cut short to let the rest match, since what follows each one
// is a literal that is not a digit), so reading each part once is enough.
func matchModern(line string, m []int) []int {
	m = m[:0]
	if len(line) == 0 || line[0] != '[' {
		return nil
	}
	m = append(m, 0, 0)
	i := 1
	// the three date numbers, hour, minute, second with what ends each one
	// ("/.-" stands for any of the date separators)
	parts := [6]struct {
		lo, hi int
		end    string
	}{{1, 4, "/.-"}, {1, 2, "/.-"}, {1, 4, " "}, {1, 2, ":"}, {2, 2, ":"}, {2, 2, ""}}
	for _, p := range parts {
		j := skipDigits(line, i)
		if j-i < p.lo || j-i > p.hi {
			return nil
		}
		m = append(m, i, j)
		i = j
		if p.end != "" {
			if i >= len(line) || strings.IndexByte(p.end, line[i]) < 0 {
				return nil
			}
			i++
		}
	}
	// (?:\.(\d{1,7}))?
	if i < len(line) && line[i] == '.' {
		j := skipDigits(line, i+1)
		if j-(i+1) < 1 || j-(i+1) > 7 {
			return nil // a digit or the '.' would have to match what follows
		}
		m = append(m, i+1, j)
		i = j
	} else {
		m = append(m, -1, -1)
	}
	// (?: ?([AaPp][Mm]))?
	q := i
	if q < len(line) && line[q] == ' ' {
		q++
	}
	if q+1 < len(line) && isAP(line[q]) && (line[q+1] == 'M' || line[q+1] == 'm') {
		m = append(m, q, q+2)
		i = q + 2
	} else {
		m = append(m, -1, -1)
	}
	// \] \[(\d{1,6})\] ?
	if i+3 > len(line) || line[i] != ']' || line[i+1] != ' ' || line[i+2] != '[' {
		return nil
	}
	i += 3
	j := skipDigits(line, i)
	if j-i < 1 || j-i > 6 || j >= len(line) || line[j] != ']' {
		return nil
	}
	m = append(m, i, j)
	i = j + 1
	if i < len(line) && line[i] == ' ' {
		i++
	}
	m[1] = i
	return m
}

func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

func isAP(c byte) bool {
	return c == 'A' || c == 'a' || c == 'P' || c == 'p'
}

// isModernStamp reports whether line starts with a 2007+ stamp whose date
// and time can be read.
func isModernStamp(line string) bool {
	var buf [20]int
	m := matchModern(line, buf[:0])
	if m == nil {
		return false
	}
	_, ok := modernTime(line, m, wintime.BySeparator)
	return ok
}
