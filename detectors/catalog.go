package detectors

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
)

//go:embed rules/*.yaml
var ruleFiles embed.FS

// goRules are the catalog's rules written in Go, for conditions that need a
// file's or a bundle's state.
var goRules []Rule

// registerGoRule adds a Go rule to the catalog; rule files call it from init.
func registerGoRule(r Rule) { goRules = append(goRules, r) }

// Catalog returns the built-in rules: the embedded rule files and the Go
// rules, sorted by ID. It fails only if the embedded files are broken, which
// the tests prevent.
func Catalog() ([]Rule, error) {
	var out []Rule
	err := fs.WalkDir(ruleFiles, "rules", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := ruleFiles.ReadFile(p)
		if err != nil {
			return err
		}
		rs, err := LoadRules(p, data)
		if err != nil {
			return err
		}
		out = append(out, rs...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range goRules {
		if err := r.Meta().Validate(); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := checkUnique(out); err != nil {
		return nil, err
	}
	SortRules(out)
	return out, nil
}

// SortRules orders rules by ID.
func SortRules(rs []Rule) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Meta().ID < rs[j].Meta().ID })
}

func checkUnique(rs []Rule) error {
	seen := map[string]bool{}
	for _, r := range rs {
		id := r.Meta().ID
		if seen[id] {
			return fmt.Errorf("rule %s is defined twice", id)
		}
		seen[id] = true
	}
	return nil
}

// Merge adds user rules to a catalog. A user rule may not reuse a built-in
// ID: rule IDs are stable and mean one thing.
// The error names the file and line of the clashing user rule.
func Merge(catalog, user []Rule) ([]Rule, error) {
	seen := map[string]bool{}
	for _, r := range catalog {
		seen[r.Meta().ID] = true
	}
	for _, r := range user {
		id := r.Meta().ID
		if seen[id] {
			where := ""
			if s, ok := r.(interface{ Source() string }); ok {
				where = s.Source() + ": "
			}
			return nil, fmt.Errorf("%srule %s is defined twice: an earlier rule file or the built-in catalog already has that ID", where, id)
		}
		seen[id] = true
	}
	out := append(append([]Rule(nil), catalog...), user...)
	SortRules(out)
	return out, nil
}

// Find returns the rule with the given ID, or nil.
func Find(rs []Rule, id string) Rule {
	for _, r := range rs {
		if r.Meta().ID == id {
			return r
		}
	}
	return nil
}
