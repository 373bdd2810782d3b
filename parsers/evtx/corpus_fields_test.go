package evtx

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/extriage/extriage/parsers"
)

// TestCorpusFieldByField checks every EVTX file of the public corpus
// against evtxexport (libevtx), record by record: each record evtxexport
// reads must be read here with the same record ID, provider, event ID and
// time. Where the counts differ the test says which records and why, from
// our own warnings for the file: records evtxexport does not show come from
// chunks past the header's chunk count, chunks with a bad checksum, or a
// resynchronisation after a damaged record; files evtxexport cannot read at
// all (WEC-forwarded logs) are listed and checked for a read without error.
func TestCorpusFieldByField(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-corpus cross-check skipped in -short mode")
	}
	tool := needEvtxexport(t)
	root := filepath.Join(corpusRoot(t), "evtx")
	var files []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(strings.ToLower(p), ".evtx") {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 300 {
		t.Fatalf("found %d corpus files, want the whole corpus (about 330)", len(files))
	}
	type outcome struct {
		rel                   string
		theirs, ours, matched int
		extra                 []uint64
		problems              []string
		warns                 []parsers.Warning
	}
	results := make([]outcome, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, path := range files {
		wg.Add(1)
		go func(i int, path string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			rel, _ := filepath.Rel(root, path)
			o := outcome{rel: filepath.ToSlash(rel)}
			theirs := evtxexportRecords(t, tool, path)
			ours := parseFile(t, Parser{}, path)
			o.theirs, o.ours, o.warns = len(theirs), len(ours.recs), ours.warns
			byID := map[uint64][]*parsers.Record{}
			for _, r := range ours.recs {
				byID[r.RecordID] = append(byID[r.RecordID], r)
			}
			seen := map[uint64]bool{}
			for _, x := range theirs {
				seen[x.RecordID] = true
				cands := byID[x.RecordID]
				if len(cands) == 0 {
					o.problems = append(o.problems, fmt.Sprintf("record %d not read", x.RecordID))
					continue
				}
				ok := false
				var last string
				for _, r := range cands {
					diff := []string{}
					if r.Provider != x.Provider {
						diff = append(diff, fmt.Sprintf("provider %q vs %q", r.Provider, x.Provider))
					}
					if r.EventID != x.EventID {
						diff = append(diff, fmt.Sprintf("event ID %d vs %d", r.EventID, x.EventID))
					}
					if !r.Time.Equal(x.Time) {
						diff = append(diff, fmt.Sprintf("time %s vs %s", r.Time.Format("2006-01-02T15:04:05.0000000Z"), x.Time.Format("2006-01-02T15:04:05.0000000Z")))
					}
					if len(diff) == 0 {
						ok = true
						break
					}
					last = strings.Join(diff, ", ")
				}
				if ok {
					o.matched++
				} else {
					o.problems = append(o.problems, fmt.Sprintf("record %d: %s", x.RecordID, last))
				}
			}
			for _, r := range ours.recs {
				if !seen[r.RecordID] {
					o.extra = append(o.extra, r.RecordID)
				}
			}
			if ours.err != nil && len(theirs) > 0 {
				o.problems = append(o.problems, "our parse failed: "+ours.err.Error())
			}
			results[i] = o
		}(i, path)
	}
	wg.Wait()

	var totalTheirs, totalOurs, unreadable int
	for _, o := range results {
		totalTheirs += o.theirs
		totalOurs += o.ours
		for _, p := range o.problems {
			t.Errorf("%s: %s", o.rel, p)
		}
		switch {
		case o.theirs == 0 && o.ours > 0:
			unreadable++
			t.Logf("%s: evtxexport reads no record, we read %d (WEC-forwarded or damaged beyond libevtx)", o.rel, o.ours)
		case len(o.extra) > 0:
			sort.Slice(o.extra, func(i, j int) bool { return o.extra[i] < o.extra[j] })
			why := "no damage in the file; evtxexport gives up on records it cannot decode (nested BinXML values, golang-evtx-notes item 6)"
			if len(o.warns) > 0 {
				var ws []string
				for i, w := range o.warns {
					if i == 3 {
						ws = append(ws, fmt.Sprintf("and %d more", len(o.warns)-3))
						break
					}
					ws = append(ws, w.Msg)
				}
				why = strings.Join(ws, "; ")
			}
			t.Logf("%s: %d records evtxexport does not show (IDs %s); why, from our warnings: %s",
				o.rel, len(o.extra), idRange(o.extra), why)
		}
	}
	t.Logf("whole corpus: %d files, evtxexport %d records, extriage %d records; %d files only we read",
		len(results), totalTheirs, totalOurs, unreadable)
	if totalOurs < totalTheirs {
		t.Errorf("we read fewer records than evtxexport in all: %d < %d", totalOurs, totalTheirs)
	}
}

// idRange shortens a sorted list of record IDs for a log line.
func idRange(ids []uint64) string {
	if len(ids) <= 6 {
		return fmt.Sprint(ids)
	}
	return fmt.Sprintf("%v ... %v", ids[:3], ids[len(ids)-3:])
}
