// Package detectors holds the rule catalog and the engine that runs it: rules
// that match single records (written as data in an embedded YAML file),
// rules that follow the state of one file (Go code), and rules that compare
// what a whole bundle says (hosts, versions, order of upgrades). Every rule
// carries its remedy in English and Polish, citing the KB article it rests
// on.
package detectors

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// Severity ranks a finding. The zero value is Info.
type Severity int

// The severities, lowest first.
const (
	Info Severity = iota
	Warning
	Error
	Critical
)

var severityNames = [...]string{"info", "warning", "error", "critical"}

// String returns the severity's name: info, warning, error or critical.
func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name, case-insensitively. "none" is above
// every severity (so `--fail-on none` never fails).
func ParseSeverity(s string) (Severity, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range severityNames {
		if t == n {
			return Severity(i), nil
		}
	}
	if t == "none" {
		return Critical + 1, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning, error, critical or none)", s)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil || v > Critical {
		// "none" is a --fail-on value, never a rule's severity.
		return fmt.Errorf("unknown severity %q (want info, warning, error or critical)", b)
	}
	*s = v
	return nil
}

// UnmarshalYAML reads a severity name from a rule file, naming the line of
// a bad one.
func (s *Severity) UnmarshalYAML(n *yaml.Node) error {
	if err := s.UnmarshalText([]byte(n.Value)); err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	return nil
}
