package detectors

import (
	"sort"
	"strings"
	"time"
)

// Host is one server of a bundle as the evidence describes it.
type Host struct {
	Name    string `json:"name"`
	Product string `json:"product"`           // e.g. "Exchange Server 2003"
	Build   string `json:"build"`             // e.g. "6.5.7638.2"
	Level   string `json:"level"`             // SP or CU level, e.g. "SP2"
	Role    string `json:"role"`              // front-end, back-end, mailbox, ...
	Cluster string `json:"cluster,omitempty"` // "node" when the host is a cluster node
	OS      string `json:"os,omitempty"`      // e.g. "Windows Server 2003 SP1 (5.2.3790)"
	// Bundle is the bundle (case) the host was seen in, set by the scan:
	// with --per-bundle two cases may each have a server of the same name.
	Bundle string `json:"bundle,omitempty"`
}

// Fact is something a file says about a host that bundle rules compare
// across files: a version banner, the start or end of an install, a role.
type Fact struct {
	Kind     string            // e.g. "version", "install", "role", "cluster-node"
	Host     string            // the host it is about
	Time     time.Time         // when, zero if unknown
	Values   map[string]string // the fact's values (build, product, outcome ...)
	Evidence Evidence          // the record that says it
	// End is, for a run (an install fact of a setup or update.exe log), its
	// last record: with Evidence it spans the run on the timeline. Nil when
	// the fact is not a run.
	End *Evidence
}

// FactSource is a Checker that also reports facts for bundle rules.
type FactSource interface {
	Facts() []Fact
}

// Bundle is what bundle rules see: every host, fact and file-level finding
// of one bundle (one case's logs), never mixed with another bundle's.
type Bundle struct {
	Name     string
	Hosts    map[string]*Host
	Facts    []Fact
	Findings []Finding
	// Inputs lists every file of the bundle, read or not: some rules ask
	// whether a file exists (perfopt.log) and how old it is.
	Inputs []Input
}

// Input is one file of a bundle as the scan found it.
type Input struct {
	Path    string
	Host    string // the host its name or folder points to, "" if none
	ModTime time.Time
	Format  string // the format it was read as, "" when unrecognised
}

// Host returns the named host, adding it when new.
func (b *Bundle) Host(name string) *Host {
	if b.Hosts == nil {
		b.Hosts = map[string]*Host{}
	}
	h := b.Hosts[name]
	if h == nil {
		h = &Host{Name: name}
		b.Hosts[name] = h
	}
	return h
}

// HostList returns the hosts sorted by name.
func (b *Bundle) HostList() []Host {
	out := make([]Host, 0, len(b.Hosts))
	for _, h := range b.Hosts {
		out = append(out, *h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// HostName normalises a computer name to the form findings are grouped by:
// the NetBIOS name in upper case ("exclnode1.contoso.local" -> "EXCLNODE1").
// An IP address is kept whole.
func HostName(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, `\\`)
	if s == "" || s == "-" || strings.EqualFold(s, "N/A") || strings.EqualFold(s, "brak") {
		return ""
	}
	if !isIPv4(s) {
		if i := strings.IndexByte(s, '.'); i > 0 {
			s = s[:i]
		}
	}
	return strings.ToUpper(s)
}

func isIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return false
			}
		}
	}
	return true
}
