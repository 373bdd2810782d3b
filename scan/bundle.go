package scan

import (
	"sort"

	"github.com/extriage/extriage/detectors"
)

// Verdicts of a bundle, besides the severity names (info, warning, error,
// critical) of its most severe finding.
const (
	VerdictClean      = "clean"      // logs were read and no rule fired
	VerdictUnreadable = "unreadable" // no input of the bundle could be read as a log
)

// BundleVerdict is the outcome of one bundle: with --per-bundle, one per
// argument. It is an entry of the JSON report's "bundles".
type BundleVerdict struct {
	Name string `json:"name"`
	// Verdict is the severity of the bundle's most severe finding (info,
	// warning, error, critical), "clean" when no rule fired, "unreadable"
	// when no input could be read as a log.
	Verdict    string         `json:"verdict"`
	Findings   int            `json:"findings"`
	BySeverity map[string]int `json:"by_severity"`
	Rules      []string       `json:"rules"` // the rules that fired, sorted
	Hosts      []string       `json:"hosts"` // the servers the bundle's logs name
	Inputs     int            `json:"inputs"`
	Read       int            `json:"read"` // logs read
	Warnings   int            `json:"warnings"`
}

// RuleSummary is how often one rule fired across the bundles.
type RuleSummary struct {
	Rule     string             `json:"rule"`
	Title    string             `json:"title"`
	Severity detectors.Severity `json:"severity"` // the highest it was reported at
	Findings int                `json:"findings"`
	Bundles  int                `json:"bundles"` // on how many bundles
}

// Summary is the view across bundles: how many of each verdict, and which
// rules fired how often on how many bundles (most widespread first). It is
// the JSON report's "summary".
type Summary struct {
	Bundles  int            `json:"bundles"`
	Verdicts map[string]int `json:"verdicts"`
	Rules    []RuleSummary  `json:"rules"`
}

// Summarize (re)computes Bundles and Summary from the inputs and findings,
// for example after findings were filtered.
func (r *Result) Summarize() {
	order := r.bundleOrder
	if order == nil {
		seen := map[string]bool{}
		for _, in := range r.Inputs {
			if !seen[in.Bundle] {
				seen[in.Bundle] = true
				order = append(order, in.Bundle)
			}
		}
	}
	byName := map[string]*BundleVerdict{}
	r.Bundles = make([]BundleVerdict, 0, len(order))
	for _, b := range order {
		hosts := r.bundleHosts[b]
		if hosts == nil {
			hosts = []string{}
		}
		r.Bundles = append(r.Bundles, BundleVerdict{Name: b, BySeverity: map[string]int{}, Rules: []string{}, Hosts: hosts})
	}
	for i := range r.Bundles {
		byName[r.Bundles[i].Name] = &r.Bundles[i]
	}
	for i := range r.Inputs {
		in := &r.Inputs[i]
		v := byName[in.Bundle]
		if v == nil {
			continue
		}
		v.Inputs++
		v.Warnings += len(in.Warnings)
		if in.readLog() {
			v.Read++
		}
	}
	type ruleAgg struct {
		sum     RuleSummary
		bundles map[string]bool
	}
	rules := map[string]*ruleAgg{}
	top := map[string]detectors.Severity{}
	ruleSets := map[string]map[string]bool{}
	for _, f := range r.Findings {
		if v := byName[f.Bundle]; v != nil {
			v.Findings++
			v.BySeverity[f.Severity.String()]++
			if s, ok := top[f.Bundle]; !ok || f.Severity > s {
				top[f.Bundle] = f.Severity
			}
			if ruleSets[f.Bundle] == nil {
				ruleSets[f.Bundle] = map[string]bool{}
			}
			ruleSets[f.Bundle][f.Rule] = true
		}
		a := rules[f.Rule]
		if a == nil {
			a = &ruleAgg{sum: RuleSummary{Rule: f.Rule, Title: f.Title, Severity: f.Severity}, bundles: map[string]bool{}}
			rules[f.Rule] = a
		}
		a.sum.Findings++
		if f.Severity > a.sum.Severity {
			a.sum.Severity = f.Severity
		}
		a.bundles[f.Bundle] = true
	}
	r.Summary = Summary{Bundles: len(r.Bundles), Verdicts: map[string]int{}, Rules: []RuleSummary{}}
	for i := range r.Bundles {
		v := &r.Bundles[i]
		switch s, ok := top[v.Name]; {
		case ok:
			v.Verdict = s.String()
		case v.Read == 0:
			v.Verdict = VerdictUnreadable
		default:
			v.Verdict = VerdictClean
		}
		v.Rules = append(v.Rules, sortedKeys(ruleSets[v.Name])...)
		r.Summary.Verdicts[v.Verdict]++
	}
	for _, a := range rules {
		a.sum.Bundles = len(a.bundles)
		r.Summary.Rules = append(r.Summary.Rules, a.sum)
	}
	sort.Slice(r.Summary.Rules, func(i, j int) bool {
		a, b := r.Summary.Rules[i], r.Summary.Rules[j]
		if a.Bundles != b.Bundles {
			return a.Bundles > b.Bundles
		}
		if a.Findings != b.Findings {
			return a.Findings > b.Findings
		}
		return a.Rule < b.Rule
	})
}
