// Package builds maps Exchange build numbers to the product and the service
// pack, update rollup or cumulative update level they belong to, from a
// table embedded at build time (builds.tsv, with the source of each row).
package builds

import (
	_ "embed"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed builds.tsv
var table string

// Build is one row of the table.
type Build struct {
	Version Version // e.g. 6.5.7638.2
	Product string  // e.g. "Exchange Server 2003"
	Level   string  // e.g. "SP2", "CU23", "RTM RU4"
	Date    string  // release date, YYYY-MM-DD, "" if unknown
	Source  string  // where the row comes from
}

// Version is a dotted Exchange build number, up to four parts.
type Version struct {
	Parts [4]int
	N     int // how many parts were given
}

// String writes the version with as many parts as it was given.
func (v Version) String() string {
	s := make([]string, v.N)
	for i := 0; i < v.N; i++ {
		s[i] = strconv.Itoa(v.Parts[i])
	}
	return strings.Join(s, ".")
}

// Compare orders versions part by part; a missing part counts as 0.
func (v Version) Compare(w Version) int {
	for i := 0; i < 4; i++ {
		if v.Parts[i] != w.Parts[i] {
			if v.Parts[i] < w.Parts[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Parse reads "6.5.7638.2", "15.01.2507.039" or "8.0.685.24" (leading
// zeros allowed). ok is false when s is not two to four dotted numbers.
func Parse(s string) (Version, bool) {
	var v Version
	parts := strings.Split(strings.TrimSpace(s), ".")
	if len(parts) < 2 || len(parts) > 4 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 6 {
			return v, false
		}
		v.Parts[i] = n
	}
	v.N = len(parts)
	return v, true
}

var rows = load()

func load() []Build {
	var out []Build
	for i, line := range strings.Split(table, "\n") {
		if i == 0 || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 {
			continue
		}
		v, ok := Parse(f[0])
		if !ok {
			continue
		}
		b := Build{Version: v, Product: f[1], Level: cleanLevel(f[2])}
		if len(f) > 3 {
			b.Date = f[3]
		}
		if len(f) > 4 {
			b.Source = f[4]
		}
		out = append(out, b)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Version.Compare(out[j].Version) < 0 })
	return out
}

var paren = regexp.MustCompile(`\s*\([^)]*\)`)

// cleanLevel drops the table's remarks in parentheses: "SP2 (protocol
// banner build)" is SP2.
func cleanLevel(s string) string { return strings.TrimSpace(paren.ReplaceAllString(s, "")) }

// All returns every row, ordered by version.
func All() []Build { return append([]Build(nil), rows...) }

// Lookup finds what a build is. An exact row wins (four parts, then the
// first three); otherwise the nearest earlier row of the same major and
// minor version is returned with exact false: a build between two table
// rows carries the earlier row's level plus later fixes. ok is false when
// no row of that major.minor is at or below the build.
func Lookup(build string) (b Build, exact, ok bool) {
	v, okv := Parse(build)
	if !okv {
		return Build{}, false, false
	}
	var best *Build
	for i := range rows {
		r := &rows[i]
		if r.Version.Parts[0] != v.Parts[0] || r.Version.Parts[1] != v.Parts[1] {
			continue
		}
		switch c := r.Version.Compare(v); {
		case c == 0 && r.Version.N == v.N:
			return *r, true, true
		case c == 0 && r.Version.N == 3 && v.N == 4:
			best = r // 6.5.7638 for 6.5.7638.0: same build, fix level unknown
		case c <= 0:
			if best == nil || best.Version.Compare(r.Version) < 0 || (best.Version.Compare(r.Version) == 0 && r.Version.N > best.Version.N) {
				best = r
			}
		}
	}
	if best == nil {
		return Build{}, false, false
	}
	same := best.Version.Parts[2] == v.Parts[2] && (best.Version.N == 3 || best.Version.Parts[3] == v.Parts[3])
	return *best, same, true
}

// ProductOf names the Exchange product of a build from its major and minor
// version alone, for builds newer than the table.
func ProductOf(build string) string {
	v, ok := Parse(build)
	if !ok {
		return ""
	}
	switch [2]int{v.Parts[0], v.Parts[1]} {
	case [2]int{5, 5}:
		return "Exchange Server 5.5"
	case [2]int{6, 0}:
		return "Exchange 2000 Server"
	case [2]int{6, 5}:
		return "Exchange Server 2003"
	case [2]int{8, 0}, [2]int{8, 1}, [2]int{8, 2}, [2]int{8, 3}:
		return "Exchange Server 2007"
	case [2]int{14, 0}, [2]int{14, 1}, [2]int{14, 2}, [2]int{14, 3}:
		return "Exchange Server 2010"
	case [2]int{15, 0}:
		return "Exchange Server 2013"
	case [2]int{15, 1}:
		return "Exchange Server 2016"
	case [2]int{15, 2}:
		return "Exchange Server 2019"
	}
	return ""
}

var banner = regexp.MustCompile(`(?i)\bVersion (\d+)\.(\d+) \(Build (\d+)(?:\.(\d+))?(?:: ([^)]+))?\)`)

// FromBanner reads an Exchange version banner as AdminDisplayVersion,
// serialNumber and ExBPA write it: "Version 6.5 (Build 7638.2: Service
// Pack 2)" gives "6.5.7638.2" and "Service Pack 2"; "Version 8.0 (Build
// 0685)" gives "8.0.685". ok is false when s holds no banner.
func FromBanner(s string) (build, level string, ok bool) {
	m := banner.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	b := m[1] + "." + m[2] + "." + strings.TrimLeft(m[3], "0")
	if strings.TrimLeft(m[3], "0") == "" {
		b = m[1] + "." + m[2] + ".0"
	}
	if m[4] != "" {
		b += "." + m[4]
	}
	return b, strings.TrimSpace(m[5]), true
}
