package report

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

// sarifDoc is the part of a SARIF log the location tests read.
type sarifDoc struct {
	Runs []struct {
		Properties struct {
			Bundles []struct{ Name, Verdict string } `json:"bundles"`
		} `json:"properties"`
		OriginalURIBaseIDs map[string]struct {
			URI       string `json:"uri"`
			URIBaseID string `json:"uriBaseId"`
		} `json:"originalUriBaseIds"`
		Artifacts []struct {
			Location    sarifLoc       `json:"location"`
			ParentIndex *int           `json:"parentIndex"`
			Properties  map[string]any `json:"properties"`
		} `json:"artifacts"`
		Results []struct {
			Message struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation sarifLoc `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			RelatedLocations []struct {
				PhysicalLocation struct {
					ArtifactLocation sarifLoc `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"relatedLocations"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

type sarifLoc struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
	Index     *int   `json:"index"`
}

// resolveSARIF resolves an artifact location against the run's base IDs
// the way a SARIF consumer does and returns the local path it names.
func resolveSARIF(t *testing.T, bases map[string]string, l sarifLoc) string {
	t.Helper()
	ref, err := url.Parse(l.URI)
	if err != nil {
		t.Fatalf("artifact URI %q does not parse: %v", l.URI, err)
	}
	if ref.IsAbs() {
		if l.URIBaseID != "" {
			t.Errorf("absolute URI %q has uriBaseId %q", l.URI, l.URIBaseID)
		}
		return ref.Path
	}
	if l.URIBaseID == "" {
		t.Errorf("relative URI %q has no uriBaseId: nothing says what it is relative to", l.URI)
		return ""
	}
	base, ok := bases[l.URIBaseID]
	if !ok {
		t.Errorf("uriBaseId %q of %q is not in originalUriBaseIds %v", l.URIBaseID, l.URI, bases)
		return ""
	}
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() || !strings.HasSuffix(b.Path, "/") {
		t.Fatalf("base %q: want an absolute URI ending in /, err %v", base, err)
	}
	return b.ResolveReference(ref).Path
}

// TestSARIFPerBundleLocations: with several bundles, each result names its
// bundle and server (message and properties), every relative artifact URI
// has the %SRCROOT% base that originalUriBaseIds places at the working
// directory, so that it resolves to the file the scan read, and a member
// of an archive resolves to its path as printed ("a.zip!dir/f.log") with
// the archive as its parent artifact.
func TestSARIFPerBundleLocations(t *testing.T) {
	dir := t.TempDir() // stands for the working directory of the scan
	appA := "batch/caseA/EX01/Application.evtx"
	zipB := "batch/caseB/EX01 logs#1.zip"
	kbB := zipB + "!EX01/KB912442 (rerun).log"
	res := &scan.Result{
		Inputs: []scan.InputInfo{
			{Path: appA, Bundle: "caseA", Host: "EX01", Format: parsers.FormatEVTX, Records: 10},
			{Path: zipB, Bundle: "caseB", Format: "zip"},
			{Path: kbB, Bundle: "caseB", Host: "EX01", Format: parsers.FormatUpdateLog, Records: 5},
		},
		Findings: []detectors.Finding{
			{Rule: "evs-upgrade-required", Title: "EVS must be upgraded", Severity: detectors.Error, Host: "EX01", Bundle: "caseA", Count: 1,
				Evidence: []detectors.Evidence{{Path: appA, Record: 3, Text: "MSExchangeCluster 1025"}}, Remedy: "Upgrade the EVS."},
			{Rule: "hotfix-file-in-use", Title: "Files in use", Severity: detectors.Warning, Host: "EX01", Bundle: "caseB", Count: 1,
				Evidence: []detectors.Evidence{{Path: kbB, Line: 7, Text: "FileInUse store.exe"}}, Remedy: "Stop the services."},
		},
	}
	res.Summarize()
	for _, lang := range []detectors.Lang{detectors.English, detectors.Polish} {
		r := New("test", lang, res)
		r.BaseURI = DirURI(dir)
		out := render(t, "sarif", r)
		var raw any
		if err := json.Unmarshal(out, &raw); err != nil {
			t.Fatal(err)
		}
		checkSARIF(t, raw, "log", "$")
		var doc sarifDoc
		if err := json.Unmarshal(out, &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Runs) != 1 {
			t.Fatalf("%d runs, want 1 (GitHub code scanning takes one run per tool and category)", len(doc.Runs))
		}
		run := doc.Runs[0]
		var verdicts []string
		for _, b := range run.Properties.Bundles {
			verdicts = append(verdicts, b.Name+":"+b.Verdict)
		}
		if strings.Join(verdicts, " ") != "caseA:error caseB:warning" {
			t.Errorf("run properties give the bundles' verdicts %v", verdicts)
		}
		bases := map[string]string{}
		for id, b := range run.OriginalURIBaseIDs {
			if b.URIBaseID != "" {
				t.Errorf("base %s is relative to %s; want an absolute URI", id, b.URIBaseID)
			}
			bases[id] = b.URI
		}
		want := func(p string) string { return filepath.ToSlash(dir) + "/" + p }
		if !strings.HasPrefix(want(""), "/") { // a Windows drive: file:///C:/...
			want = func(p string) string { return "/" + filepath.ToSlash(dir) + "/" + p }
		}
		paths := []string{appA, zipB, kbB}
		if len(run.Artifacts) != len(paths) {
			t.Fatalf("%d artifacts, want %d", len(run.Artifacts), len(paths))
		}
		for i, a := range run.Artifacts {
			if got := resolveSARIF(t, bases, a.Location); got != want(paths[i]) {
				t.Errorf("artifact %d %q resolves to %q, want %q", i, a.Location.URI, got, want(paths[i]))
			}
			if a.Properties["bundle"] != res.Inputs[i].Bundle {
				t.Errorf("artifact %d: bundle %v, want %s", i, a.Properties["bundle"], res.Inputs[i].Bundle)
			}
		}
		if p := run.Artifacts[2].ParentIndex; p == nil || *p != 1 {
			t.Errorf("archive member's parentIndex %v, want 1 (the archive)", p)
		}
		if run.Artifacts[0].ParentIndex != nil || run.Artifacts[1].ParentIndex != nil {
			t.Error("a file on disk has a parentIndex")
		}

		bundleWord := map[detectors.Lang]string{detectors.English: "bundle", detectors.Polish: "pakiet"}[lang]
		for i, res := range run.Results {
			f := r.Findings[i]
			if res.Properties["bundle"] != f.Bundle || res.Properties["host"] != f.Host {
				t.Errorf("result %d properties %v, want bundle %s host %s", i, res.Properties, f.Bundle, f.Host)
			}
			if head := f.Host + " (" + bundleWord + " " + f.Bundle + "): "; !strings.HasPrefix(res.Message.Text, head) {
				t.Errorf("result %d message %q does not start with %q", i, res.Message.Text, head)
			}
			for _, l := range append([]sarifLoc{res.Locations[0].PhysicalLocation.ArtifactLocation}, res.RelatedLocations[0].PhysicalLocation.ArtifactLocation) {
				if got := resolveSARIF(t, bases, l); got != want(f.Evidence[0].Path) {
					t.Errorf("result %d location %q resolves to %q, want %q", i, l.URI, got, want(f.Evidence[0].Path))
				}
			}
		}
	}

	// One bundle: the message names the server alone; without a base URI
	// (a library caller) the locations still say which base they need.
	one := New("test", detectors.English, &scan.Result{Inputs: res.Inputs[:1], Findings: res.Findings[:1]})
	var doc sarifDoc
	if err := json.Unmarshal(render(t, "sarif", one), &doc); err != nil {
		t.Fatal(err)
	}
	if m := doc.Runs[0].Results[0].Message.Text; !strings.HasPrefix(m, "EX01: ") {
		t.Errorf("single-bundle message %q", m)
	}
	if doc.Runs[0].OriginalURIBaseIDs != nil || doc.Runs[0].Artifacts[0].Location.URIBaseID != sarifSrcRoot {
		t.Errorf("without BaseURI: bases %v, artifact %+v", doc.Runs[0].OriginalURIBaseIDs, doc.Runs[0].Artifacts[0].Location)
	}
}

func TestDirURI(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/home/ola/sprawy 2024", "file:///home/ola/sprawy%202024/"},
		{"/", "file:///"},
		{`C:\Users\ola\Sprawy`, "file:///C:/Users/ola/Sprawy/"},
		{`\\fs01\cases\`, "file://fs01/cases/"},
		{"relative/dir", ""},
	}
	for _, tt := range tests {
		if got := DirURI(tt.in); got != tt.want {
			t.Errorf("DirURI(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A finding without evidence is still located (GitHub code scanning shows
// no result without a location): at the first log read of its server; and
// the driver's version starts with its number.
func TestSARIFFindingWithoutEvidence(t *testing.T) {
	res := &scan.Result{
		Inputs: []scan.InputInfo{
			{Path: "case/readme.txt", Bundle: "case", Unrecognised: true},
			{Path: "case/EX01/KB1.log", Bundle: "case", Host: "EX01", Format: parsers.FormatUpdateLog, Records: 4},
			{Path: "case/EX02/System.evtx", Bundle: "case", Host: "EX02", Format: parsers.FormatEVTX, Records: 9},
		},
		Findings: []detectors.Finding{
			{Rule: "frontend-mixed-versions", Title: "Front ends differ", Severity: detectors.Warning, Host: "EX02", Bundle: "case", Count: 1, Remedy: "Align them."},
			{Rule: "perfopt-not-rerun", Title: "Run Performance Optimizer", Severity: detectors.Info, Bundle: "case", Count: 1, Remedy: "Run it."},
		},
	}
	r := New("v1.4.0", detectors.English, res)
	out := render(t, "sarif", r)
	var raw any
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	checkSARIF(t, raw, "log", "$")
	var doc struct {
		Runs []struct {
			Tool    struct{ Driver struct{ Version string } }
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation sarifLoc `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Version != "1.4.0" {
		t.Errorf("driver version %q, want 1.4.0", run.Tool.Driver.Version)
	}
	want := []string{"case/EX02/System.evtx", "case/EX01/KB1.log"} // EX02's log; the bundle's first log
	for i, res := range run.Results {
		if len(res.Locations) != 1 {
			t.Errorf("result %d has %d locations, want 1", i, len(res.Locations))
			continue
		}
		al := res.Locations[0].PhysicalLocation.ArtifactLocation
		if al.URI != want[i] || al.URIBaseID != sarifSrcRoot || al.Index == nil {
			t.Errorf("result %d located at %+v, want %s", i, al, want[i])
		}
	}
}
