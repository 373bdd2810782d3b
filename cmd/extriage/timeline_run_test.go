package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoTimelineRunHasEnd: the JSON timeline gives the demo bundle's
// KB912442 update.exe run an end (its last line, timed like its start), so
// the report draws the run as a bar from start to end.
func TestDemoTimelineRunHasEnd(t *testing.T) {
	out, errs, code := extriage(t, "scan", "--format", "json", "--lang", "en", demo)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs)
	}
	type ev struct {
		Path  string `json:"path"`
		Line  int    `json:"line"`
		Time  string `json:"time"`
		TimeQ string `json:"time_quality"`
		Text  string `json:"text"`
	}
	var r struct {
		Timeline []struct {
			Host  string `json:"host"`
			Label string `json:"label"`
			Start ev     `json:"start"`
			End   *ev    `json:"end"`
		} `json:"timeline"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	found := false
	for _, e := range r.Timeline {
		if !strings.HasPrefix(e.Label, "KB912442") {
			continue
		}
		found = true
		if e.Host != "EXCLNODE1" || e.Start.Time != "2006-03-14T23:02:41.25Z" || e.Start.TimeQ != "no-zone" {
			t.Errorf("start: host %q %+v", e.Host, e.Start)
		}
		if e.End == nil {
			t.Fatalf("KB912442 run has no end: %+v", e)
		}
		if filepath.ToSlash(e.End.Path) != demo+"/EXCLNODE1/KB912442.log" || e.End.Line != 15 ||
			e.End.Time != "2006-03-14T23:02:53.75Z" || e.End.TimeQ != "no-zone" ||
			!strings.HasPrefix(e.End.Text, "Update.exe return code was masked to 0x643") {
			t.Errorf("end = %+v, want KB912442.log:15 at 23:02:53.75 (no zone)", *e.End)
		}
	}
	if !found {
		t.Fatalf("no KB912442 run in the timeline: %+v", r.Timeline)
	}
}
