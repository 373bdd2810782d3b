package scan

import (
	"fmt"
	"slices"
	"testing"

	_ "github.com/extriage/extriage/parsers/exserver" // Get-ExchangeServer lists: roles and builds for the bundle rules
)

// serverList is Get-ExchangeServer | Format-List output naming front-end
// servers and their builds.
func serverList(servers ...[2]string) []byte {
	s := ""
	for _, sv := range servers {
		s += fmt.Sprintf("\r\nName                  : %s\r\nAdminDisplayVersion   : %s\r\nIsFrontEndServer      : True\r\nServerRole            : None\r\n", sv[0], sv[1])
	}
	return []byte(s)
}

const (
	sp2 = "Version 6.5 (Build 7638.2: Service Pack 2)"
	rtm = "Version 6.5 (Build 6944.4)"
)

// Rules that compare the servers of a bundle (front ends at different
// builds) compare the arguments of one case, but with --per-bundle never
// the servers of two cases, even when both cases name a server alike; the
// hosts list says which case each server belongs to.
func TestBundleRulesStayInTheirBundle(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"caseA/servers.txt": serverList([2]string{"EXFE01", sp2}),
		"caseB/servers.txt": serverList([2]string{"EXFE01", rtm}, [2]string{"EXFE02", sp2}),
		"caseC/servers.txt": serverList([2]string{"EXFE02", rtm}),
	})
	const mixed = "frontend-mixed-versions"

	res := scanArgs(t, dir, Config{}, "caseA", "caseC")
	if got := findings(res, mixed); len(got) != 1 {
		t.Errorf("one case of two folders: %s findings = %q, want one (EXFE01 SP2, EXFE02 RTM)", mixed, got)
	}

	res = scanArgs(t, dir, Config{Discover: DiscoverOptions{PerBundle: true}}, "caseA", "caseB", "caseC")
	var where []string
	for _, f := range res.Findings {
		if f.Rule == mixed {
			where = append(where, f.Bundle)
		}
	}
	if !slices.Equal(where, []string{"caseB"}) {
		t.Errorf("per bundle: %s fired in %q, want only caseB (its own two front ends differ)", mixed, where)
	}
	var hosts []string
	for _, h := range res.Hosts {
		hosts = append(hosts, h.Bundle+"/"+h.Name+"@"+h.Level)
	}
	if want := []string{"caseA/EXFE01@SP2", "caseB/EXFE01@RTM", "caseB/EXFE02@SP2", "caseC/EXFE02@RTM"}; !slices.Equal(hosts, want) {
		t.Errorf("hosts = %q, want %q", hosts, want)
	}
}
