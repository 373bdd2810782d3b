package scan

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/extriage/extriage/parsers"
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

// events, like scan, names the first files that are not logs and counts
// the rest in one warning, so that a folder of thousands of them does not
// bury the warnings that matter.
func TestRecordsSumsUpSkippedFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{"EXCH01/KB1.log": []byte(failedLog), "EXCH01/KB2.zip": []byte("not a zip")}
	for i := range 30 {
		files[fmt.Sprintf("misc/n%02d.txt", i)] = []byte("notes")
	}
	writeFiles(t, dir, files)
	t.Chdir(dir)
	found, probs, err := DiscoverWith([]string{"."}, DiscoverOptions{})
	if err != nil || len(probs) != 0 {
		t.Fatal(err, probs)
	}
	var warnings []string
	records := 0
	infos, err := RecordsWith(context.Background(), found, Options{}, func(*parsers.Record) error { records++; return nil },
		func(s string) { warnings = append(warnings, s) })
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) != 32 || records != 4 {
		t.Errorf("%d inputs, %d records; want 32 and 4", len(infos), records)
	}
	if len(warnings) != maxSkippedListed+1 {
		t.Fatalf("%d warnings, want %d listed and one count:\n%s", len(warnings), maxSkippedListed, strings.Join(warnings, "\n"))
	}
	if !strings.HasPrefix(warnings[0], filepath.Join("EXCH01", "KB2.zip")+": named like an archive") {
		t.Errorf("first warning = %q, want the damaged archive named", warnings[0])
	}
	if last := warnings[len(warnings)-1]; !strings.Contains(last, "11 more files skipped") {
		t.Errorf("last warning = %q, want the count of the other 11", last)
	}
}
