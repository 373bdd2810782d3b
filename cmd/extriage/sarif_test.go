package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/report"
)

// `scan --per-bundle --format sarif 'cases/*'`: one run whose results each
// say their bundle and server, and whose artifact URIs, resolved against
// the %SRCROOT% base the run places at the working directory, name the
// files read: a file on disk exists there, an archive member is its
// archive's path, "!" and its path inside, with the archive as parent.
func TestPerBundleSARIF(t *testing.T) {
	threeBundles(t)
	out, errs, code := extriage(t, "scan", "--per-bundle", "--format", "sarif", "--progress", "never", "cases/*")
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	var doc struct {
		Runs []struct {
			OriginalURIBaseIDs map[string]struct{ URI string } `json:"originalUriBaseIds"`
			Artifacts          []struct {
				Location struct {
					URI       string `json:"uri"`
					URIBaseID string `json:"uriBaseId"`
				} `json:"location"`
				ParentIndex *int `json:"parentIndex"`
			} `json:"artifacts"`
			Results []struct {
				Message    struct{ Text string } `json:"message"`
				Properties map[string]any        `json:"properties"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	base := run.OriginalURIBaseIDs["%SRCROOT%"].URI
	if base != report.DirURI(wd) || base == "" {
		t.Fatalf("%%SRCROOT%% = %q, want the working directory %q", base, report.DirURI(wd))
	}
	b, _ := url.Parse(base)
	local := make([]string, len(run.Artifacts))
	for i, a := range run.Artifacts {
		ref, err := url.Parse(a.Location.URI)
		if err != nil || a.Location.URIBaseID != "%SRCROOT%" {
			t.Fatalf("artifact %d: %+v (%v)", i, a.Location, err)
		}
		local[i] = filepath.FromSlash(b.ResolveReference(ref).Path)
	}
	members := 0
	for i, a := range run.Artifacts {
		rel, _ := filepath.Rel(wd, local[i])
		archive, member, inArchive := strings.Cut(rel, "!")
		if !inArchive {
			if _, err := os.Stat(local[i]); err != nil || a.ParentIndex != nil {
				t.Errorf("artifact %q does not resolve to the file read: %v (parent %v)", a.Location.URI, err, a.ParentIndex)
			}
			continue
		}
		members++
		if archive != filepath.Join("cases", "alpha.zip") || member == "" {
			t.Errorf("member artifact %q resolves to %q", a.Location.URI, rel)
		}
		if a.ParentIndex == nil || !strings.HasPrefix(local[i], local[*a.ParentIndex]+"!") {
			t.Errorf("member %q: parent %v is not its archive", rel, a.ParentIndex)
		}
	}
	if members < 3 { // two inner zips and two logs, nested
		t.Errorf("%d archive members among the artifacts, want the nested zips and logs", members)
	}
	seen := map[string]bool{}
	for _, r := range run.Results {
		bundle, _ := r.Properties["bundle"].(string)
		host, _ := r.Properties["host"].(string)
		seen[bundle] = true
		if !strings.HasPrefix(r.Message.Text, host+" (bundle "+bundle+"): ") {
			t.Errorf("result %q does not say its server %q and bundle %q", r.Message.Text, host, bundle)
		}
	}
	if !seen["alpha.zip"] || !seen["beta"] || len(seen) != 2 {
		t.Errorf("results from bundles %v, want alpha.zip and beta", seen)
	}
}
