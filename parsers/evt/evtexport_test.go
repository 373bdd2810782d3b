package evt

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/fixtures/evtwriter"
	"github.com/extriage/extriage/parsers"
)

// needTool finds an external program: missing, the test is skipped, or
// fails when CI=true.
func needTool(t *testing.T, name string) string {
	t.Helper()
	return testkit.NeedTool(t, name, "libevt-utils")
}

// exported is one record as evtexport prints it.
type exported struct {
	num               uint32
	created, written  time.Time
	computer, source  string
	category          int
	id                uint32
	sid               string
	strs              []string
	nstrs             int
	inString, hasStrs bool
}

func (e exported) String() string {
	return fmt.Sprintf("#%d %s/%s id=0x%08x cat=%d sid=%q %s written %s strings=%q",
		e.num, e.source, e.computer, e.id, e.category, e.sid, e.created.Format(time.RFC3339), e.written.Format(time.RFC3339), e.strs)
}

// runEvtexport runs evtexport on path in mode (items, recovered, all) and
// reads its text output.
func runEvtexport(t *testing.T, tool, path, mode string) []exported {
	t.Helper()
	cmd := exec.Command(tool, "-m", mode, path)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("evtexport %s: %v\n%s", path, err, errb.String())
	}
	var recs []exported
	var cur *exported
	// Split on LF only: a CR before it belongs to a string value.
	for _, line := range strings.Split(out.String(), "\n") {
		key, val, found := strings.Cut(line, "\t")
		if found {
			val = strings.TrimLeft(val, "\t")
			val, found = strings.CutPrefix(val, ": ")
			if !found {
				val, found = strings.CutPrefix(val, ":")
			}
		}
		if !found {
			// A blank line ends a record; other lines continue a string
			// that held a line break.
			if cur != nil && cur.inString && line != "" {
				cur.strs[len(cur.strs)-1] += "\n" + line
			} else if cur != nil {
				cur.inString = false
			}
			continue
		}
		if key == "Event number" {
			recs = append(recs, exported{})
			cur = &recs[len(recs)-1]
		}
		if cur == nil {
			continue
		}
		cur.inString = false
		switch {
		case key == "Event number":
			n, _ := strconv.ParseUint(val, 10, 32)
			cur.num = uint32(n)
		case key == "Creation time":
			cur.created = exportTime(t, val)
		case key == "Written time":
			cur.written = exportTime(t, val)
		case key == "Computer name":
			cur.computer = val
		case key == "Source name":
			cur.source = val
		case key == "Event category":
			cur.category, _ = strconv.Atoi(val)
		case key == "User security identifier":
			cur.sid = val
		case key == "Event identifier":
			h, _, _ := strings.Cut(val, " ")
			n, err := strconv.ParseUint(strings.TrimPrefix(h, "0x"), 16, 32)
			if err != nil {
				t.Fatalf("evtexport identifier %q: %v", val, err)
			}
			cur.id = uint32(n)
		case key == "Number of strings":
			cur.nstrs, _ = strconv.Atoi(val)
			cur.hasStrs = true
		case strings.HasPrefix(key, "String: "):
			cur.strs = append(cur.strs, val)
			cur.inString = true
		}
	}
	return recs
}

func exportTime(t *testing.T, s string) time.Time {
	tm, err := time.Parse("Jan 02, 2006 15:04:05 MST", s)
	if err != nil {
		t.Fatalf("evtexport time %q: %v", s, err)
	}
	return tm.UTC()
}

// sameAsExport reports how our record differs from evtexport's, or "".
func sameAsExport(r *parsers.Record, e exported) string {
	var d []string
	if uint32(r.RecordID) != e.num {
		d = append(d, fmt.Sprintf("number %d", r.RecordID))
	}
	if id := r.EventID | uint32(r.Qualifiers)<<16; id != e.id {
		d = append(d, fmt.Sprintf("id 0x%08x", id))
	}
	if r.Provider != e.source || r.Host != e.computer {
		d = append(d, fmt.Sprintf("source/computer %q/%q", r.Provider, r.Host))
	}
	if !r.Time.Equal(e.created) || r.Fields["time_written"] != e.written.Format(time.RFC3339) {
		d = append(d, fmt.Sprintf("times %s/%s", r.Time, r.Fields["time_written"]))
	}
	if r.Fields["category"] != strconv.Itoa(e.category) || r.Fields["sid"] != e.sid {
		d = append(d, fmt.Sprintf("category/sid %s/%q", r.Fields["category"], r.Fields["sid"]))
	}
	if strings.Join(r.Data, "\x00") != strings.Join(e.strs, "\x00") || len(r.Data) != len(e.strs) {
		d = append(d, fmt.Sprintf("strings %q", r.Data))
	}
	return strings.Join(d, "; ")
}

// TestCrossCheckEvtexport compares what we read with libevt's evtexport,
// record by record: record number, full event identifier, source,
// computer, creation and written times, category, SID and strings. Where
// the two differ on damaged files, the case says how and why.
func TestCrossCheckEvtexport(t *testing.T) {
	tool := needTool(t, "evtexport")
	dir := t.TempDir()
	// libevt 20200926 decodes UTF-16 surrogate pairs to the wrong code
	// point (U+1F600 comes out as U+1F201), so the compared events keep to
	// the Basic Multilingual Plane; TestCrossCheckSurrogates shows it.
	events := sampleEvents(40)
	for i := range events {
		events[i].Strings = slices.Clone(events[i].Strings)
		for j, s := range events[i].Strings {
			events[i].Strings[j] = strings.ReplaceAll(s, "\U0001F600", ":-)")
		}
	}
	split := splitSize(t, events, evtwriter.Options{})
	zeroed := sampleEvents(8)
	enc, err := evtwriter.EncodeRecord(zeroed[3], 4)
	if err != nil {
		t.Fatal(err)
	}
	zeroed[3].ZeroFrom = int(le32(enc[36:])) + 2*5

	// How a case's results compare.
	const (
		same        = iota // the same records
		theirSubset        // evtexport returns fewer records, each the same as ours
		oursPartial        // ours has extra records marked truncated; the rest are the same
		zeroTail           // a truncated record's strings are a prefix of evtexport's, which go on with empty strings
	)
	type tc struct {
		name   string
		path   string // a corpus file, or "" to write one
		events []evtwriter.Event
		opt    evtwriter.Options
		mode   string
		expect int
		why    string
	}
	cases := []tc{
		{name: "clean", events: events},
		{name: "clean live file", events: events, opt: evtwriter.Options{MaxSize: 64 << 10, Garbage: true}},
		{name: "wrapped with a split record", events: events, opt: evtwriter.Options{MaxSize: split}},
		{name: "wrapped, garbage in free space", events: events, opt: evtwriter.Options{MaxSize: split, Garbage: true}},
		{name: "dirty, header as when empty", events: events, opt: evtwriter.Options{MaxSize: 32 << 10, Dirty: true}},
		{name: "dirty without end-of-file record", events: events, opt: evtwriter.Options{MaxSize: 32 << 10, Dirty: true, NoEOF: true}},
		// On a dirty file that has wrapped, evtexport (libevt 20200926)
		// finds the oldest record but stops before the record split across
		// the end of the file: the records written after the wrap are
		// missing (on a clean wrapped file it does follow the split). We
		// take the oldest record's and the end-of-file record's offsets
		// from the end-of-file record and walk the whole ring.
		{name: "dirty wrapped, header as when empty", events: events, opt: evtwriter.Options{MaxSize: split, Dirty: true},
			expect: theirSubset, why: "evtexport stops at the record split across the end of the dirty file"},
		{name: "dirty wrapped, header from before the wrap", events: events, opt: evtwriter.Options{MaxSize: split, Dirty: true, StaleAfter: 5},
			expect: theirSubset, why: "evtexport stops at the record split across the end of the dirty file"},
		{name: "dirty wrapped, header from after the wrap", events: events, opt: evtwriter.Options{MaxSize: split, Dirty: true, StaleAfter: 30},
			expect: theirSubset, why: "evtexport stops at the record split across the end of the dirty file"},
		// With no end-of-file record in a wrapped dirty file evtexport
		// finds nothing, in either mode; we start at the lowest record
		// number found by scanning and go once around the ring.
		{name: "dirty wrapped without end-of-file record", events: events, opt: evtwriter.Options{MaxSize: split, Dirty: true, NoEOF: true, StaleAfter: 30},
			mode: "all", expect: theirSubset, why: "evtexport finds no records in a wrapped dirty file without an end-of-file record"},
		{name: "cut short", events: sampleEvents(6), opt: evtwriter.Options{TruncateAt: 0x30 + 5*156},
			expect: oursPartial,
			why:    "evtexport drops the record cut off by the end of the file; we report what is left of it, marked truncated, with a warning"},
		{name: "zero-filled record", events: zeroed, mode: "all", expect: zeroTail,
			why: "evtexport lists the zero-filled record and those after it as recovered items (-m all); we read them in one " +
				"walk, with a warning. In the zero-filled record evtexport splits the whole strings area at each NUL, so the " +
				"zeros show as dozens of empty strings; we keep to the record's string count"},
	}
	for _, p := range corpusEVT(t) {
		cases = append(cases, tc{name: filepath.Base(p), path: p})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.path
			if path == "" {
				path = filepath.Join(dir, strings.ReplaceAll(c.name, " ", "_")+".evt")
				if _, err := evtwriter.WriteFile(path, c.events, c.opt); err != nil {
					t.Fatal(err)
				}
			}
			mode := c.mode
			if mode == "" {
				mode = "items"
			}
			theirs := runEvtexport(t, tool, path, mode)
			res := parseFile(t, path)
			if res.err != nil {
				t.Fatal(res.err)
			}
			ours := res.recs
			if len(ours) == 0 {
				t.Fatal("we read no records")
			}
			switch c.expect {
			case oursPartial:
				var whole []*parsers.Record
				for _, r := range ours {
					if r.Fields["truncated"] == "" {
						whole = append(whole, r)
					}
				}
				if len(whole) == len(ours) {
					t.Fatalf("expected a truncated record (%s)", c.why)
				}
				ours = whole
			case theirSubset:
				if len(theirs) > len(ours) {
					t.Fatalf("evtexport reads %d records, we only %d", len(theirs), len(ours))
				}
				if len(theirs) == len(ours) {
					t.Logf("evtexport reads all %d records now; the difference noted is gone: %s", len(ours), c.why)
					break
				}
				byNum := map[uint32]*parsers.Record{}
				for _, r := range ours {
					byNum[uint32(r.RecordID)] = r
				}
				for _, e := range theirs {
					r := byNum[e.num]
					if r == nil {
						t.Errorf("evtexport has record %d, we do not", e.num)
					} else if d := sameAsExport(r, e); d != "" {
						t.Errorf("record %d differs: ours %s; evtexport %v", e.num, d, e)
					}
				}
				t.Logf("evtexport %d records, we %d: %s", len(theirs), len(ours), c.why)
				return
			}
			if len(ours) != len(theirs) {
				t.Fatalf("we read %d records, evtexport %d", len(ours), len(theirs))
			}
			for i := range ours {
				e := theirs[i]
				if c.expect == zeroTail && ours[i].Fields["truncated"] == "true" {
					if len(e.strs) <= len(ours[i].Data) || strings.Join(e.strs[len(ours[i].Data):], "") != "" {
						t.Errorf("record %d: evtexport's strings %q are not ours %q followed by empty ones", i, e.strs, ours[i].Data)
					}
					e.strs = e.strs[:min(len(e.strs), len(ours[i].Data))]
				}
				if d := sameAsExport(ours[i], e); d != "" {
					t.Errorf("record %d differs: ours %s; evtexport %v", i, d, e)
				}
			}
		})
	}
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// TestCrossCheckSurrogates reads a string outside the Basic Multilingual
// Plane. We decode the UTF-16 surrogate pair to the code point it encodes;
// evtexport 20200926 prints another one, which is logged, not failed.
func TestCrossCheckSurrogates(t *testing.T) {
	tool := needTool(t, "evtexport")
	want := "grin \U0001F600 and \U00010437"
	path := filepath.Join(t.TempDir(), "s.evt")
	if _, err := evtwriter.WriteFile(path, []evtwriter.Event{{Source: "S", Computer: "C", EventID: 1, Type: 4, Generated: t0, Strings: []string{want}}}, evtwriter.Options{}); err != nil {
		t.Fatal(err)
	}
	res := parseFile(t, path)
	if len(res.recs) != 1 || len(res.recs[0].Data) != 1 || res.recs[0].Data[0] != want {
		t.Fatalf("got %+v, want the string %q", res.recs, want)
	}
	theirs := runEvtexport(t, tool, path, "items")
	if len(theirs) != 1 || len(theirs[0].strs) != 1 {
		t.Fatalf("evtexport: %v", theirs)
	}
	if theirs[0].strs[0] != want {
		t.Logf("evtexport decodes %q as %q (%U); we give %U", want, theirs[0].strs[0], []rune(theirs[0].strs[0]), []rune(want))
	}
}
