package evtx

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/parsers"
)

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

func TestMatcher(t *testing.T) {
	// Filler around the text: binary-looking bytes, zeros included.
	wrap := func(b []byte) []byte {
		return append(append([]byte{0x2a, 0x2a, 0, 0, 0x17, 0xff, 0}, b...), 0, 0, 0x80, 'z')
	}
	for _, tc := range []struct {
		name  string
		words []string
		data  []byte
		want  bool
	}{
		{"ASCII", []string{"msiinstaller"}, wrap([]byte("MsiInstaller")), true},
		{"UTF-16LE", []string{"msiinstaller"}, wrap(utf16le("MsiInstaller")), true},
		{"UTF-16LE upper case", []string{"msiinstaller"}, wrap(utf16le("MSIINSTALLER")), true},
		{"inside a longer text", []string{"service control manager"},
			wrap(utf16le("Microsoft-Windows-Service Control Manager")), true},
		{"absent", []string{"msiinstaller", "eventlog"}, wrap(utf16le("MSExchange ADAccess")), false},
		{"one letter short", []string{"msiinstaller"}, wrap(utf16le("MsiInstalle")), false},
		{"second word", []string{"msexchangecluster", "(build "}, wrap(utf16le("Windows 2003 (Build 3790)")), true},
		{"digits", []string{"831464"}, wrap([]byte("KB831464")), true},
		// A code BinXML stores as a binary value, which the record shows
		// rendered: a HexInt32 0xC1037B44, a UInt32 831464 (0x000CAFE8).
		{"hex code as HexInt32", []string{"c1037b44"}, wrap([]byte{0x44, 0x7b, 0x03, 0xc1}), true},
		{"number as UInt32", []string{"831464"}, wrap([]byte{0xe8, 0xaf, 0x0c, 0x00}), true},
		{"number as UInt64", []string{"3355443752"}, wrap([]byte{0x28, 0x02, 0x00, 0xc8, 0, 0, 0, 0}), true},
		{"other code", []string{"c1037b44"}, wrap([]byte{0x04, 0xfd, 0x03, 0xc1}), false},
		{"no word: nothing is wanted", []string{}, wrap([]byte("MsiInstaller")), false},
		// Characters outside ASCII whose lower case is an ASCII letter, as the
		// rule engine's strings.ToLower and EqualFold see them.
		{"Kelvin sign", []string{"workflow"}, wrap(utf16le("WOR\u212aFLOW")), true},
		{"capital I with dot", []string{"msiinstaller"}, wrap(utf16le("MS\u0130INSTALLER")), true},
		{"Kelvin bytes in the wrong place", []string{"msiinstaller"}, wrap([]byte{0x2a, 0x21, 0x30, 0x01}), false},
		// A word that is not printable ASCII cannot be searched in the raw
		// bytes: every chunk is parsed.
		{"Polish word", []string{"przełączeniem"}, wrap([]byte("nothing")), true},
		{"empty word", []string{""}, wrap([]byte("nothing")), true},
		// Chunks are folded and searched a block at a time: words across a
		// block boundary are found.
		{"ASCII across a block", []string{"msiinstaller"}, append(bytes.Repeat([]byte("x"), matchBlock-11), "MsiInstaller"...), true},
		{"ASCII at the end of a block", []string{"msiinstaller"}, append(bytes.Repeat([]byte("x"), matchBlock-12), "MsiInstaller"...), true},
		{"UTF-16LE across a block", []string{"service control manager"},
			append(bytes.Repeat([]byte{1}, 3*matchBlock-17), utf16le("Service Control Manager")...), true},
		{"far from a block", []string{"msiinstaller"}, append(make([]byte, 5*matchBlock+3), utf16le("MsiInstaller")...), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var scratch []byte
			if got := newMatcher(tc.words).match(tc.data, &scratch); got != tc.want {
				t.Errorf("match(%q) with %q = %v, want %v", tc.data, tc.words, got, tc.want)
			}
		})
	}
}

func TestMatcherDropsRedundantWords(t *testing.T) {
	m := newMatcher([]string{"microsoft-windows-service control manager", "Service Control Manager", "eventlog", "eventlog"})
	var got []string
	for _, w := range m.words {
		got = append(got, string(w))
	}
	if want := []string{"service control manager", "eventlog"}; !reflect.DeepEqual(got, want) {
		t.Errorf("words %q, want %q", got, want)
	}
}

// prefilterLog writes an EVTX log of ordinary events in which only a few
// chunks hold an MsiInstaller event (one in chunk 0, two in a later
// chunk), and returns it with the events.
func prefilterLog(t testing.TB) ([]byte, []evtxwriter.Event) {
	t.Helper()
	base := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	var events []evtxwriter.Event
	for i := range 3000 {
		e := evtxwriter.Event{Provider: "MSExchange ADAccess", EventID: 2080, Level: evtxwriter.LevelInformation,
			Time: base.Add(time.Duration(i) * time.Second), Channel: "Application", Computer: "EXCH01.contoso.local",
			Data: []string{fmt.Sprintf("topology discovery %d", i), "ok"}}
		if i == 3 || i == 2000 || i == 2001 {
			e = evtxwriter.Event{Provider: "MsiInstaller", EventID: 11708, Level: evtxwriter.LevelError,
				Time: e.Time, Channel: "Application", Computer: e.Computer,
				Data: []string{"Product: Microsoft Exchange Server -- Installation operation failed."}}
		}
		events = append(events, e)
	}
	b, err := evtxwriter.Bytes(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b, events
}

// delivery is what reached the sink: a record, or a count of records left
// out.
type delivery struct {
	rec     *parsers.Record
	skipped int
}

// filtered parses b with a pre-filter on words (and ready as its Ready)
// and returns the deliveries in order and the warnings.
func filtered(t *testing.T, b []byte, words []string, ready func() bool) ([]delivery, []parsers.Warning) {
	t.Helper()
	var out []delivery
	var warns []parsers.Warning
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: "app.evtx", R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
		Record: func(r *parsers.Record) bool { out = append(out, delivery{rec: r}); return true },
		Warn:   func(w parsers.Warning) { warns = append(warns, w) },
		Prefilter: &parsers.Prefilter{Words: words, Ready: ready, Skipped: func(n int) {
			if n <= 0 {
				t.Errorf("Skipped(%d)", n)
			}
			out = append(out, delivery{skipped: n})
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, warns
}

// checkOrder checks deliveries against all the records of the file: every
// record delivered is the one at its place in the file, unchanged, and the
// counts of records left out fill the gaps, so that records and counts add
// up to the file. It returns the records delivered.
func checkOrder(t *testing.T, ds []delivery, all []*parsers.Record) []*parsers.Record {
	t.Helper()
	var recs []*parsers.Record
	pos := 0
	for _, d := range ds {
		if d.rec == nil {
			pos += d.skipped
			continue
		}
		if pos >= len(all) || !reflect.DeepEqual(d.rec, all[pos]) {
			t.Fatalf("delivery at position %d is not the record there without the filter: %+v", pos, d.rec)
		}
		recs = append(recs, d.rec)
		pos++
	}
	if pos != len(all) {
		t.Fatalf("records delivered and left out make %d, the file has %d", pos, len(all))
	}
	return recs
}

// TestPrefilter: chunks without the words are passed over and records
// without them left out, all counted in their place; every record with a
// word is delivered as without the filter, and so is the first chunk.
func TestPrefilter(t *testing.T) {
	b, events := prefilterLog(t)
	all := parseInput(Parser{}, parsers.Input{Path: "app.evtx", R: bytes.NewReader(b), Size: int64(len(b))})
	if len(all.recs) != len(events) || len(all.warns) != 0 {
		t.Fatalf("without the filter: %d records, %v", len(all.recs), all.warns)
	}
	inFirst := 0
	for _, r := range all.recs {
		if r.Offset < fileHeaderSize+chunkSize {
			inFirst++
		}
	}
	if chunks := (len(b) - fileHeaderSize) / chunkSize; chunks < 8 || inFirst < 4 {
		t.Fatalf("the log has %d chunks, %d records in the first", chunks, inFirst)
	}

	ds, warns := filtered(t, b, []string{"msiinstaller"}, nil)
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns)
	}
	recs := checkOrder(t, ds, all.recs)
	// The first chunk whole, then only the two MsiInstaller records.
	if len(recs) != inFirst+2 || recs[inFirst].RecordID != 2001 || recs[inFirst+1].RecordID != 2002 {
		t.Errorf("%d records delivered, want the %d of the first chunk and records 2001 and 2002", len(recs), inFirst)
	}
	// Passed-over chunks and left-out records are counted in few calls.
	if calls := len(ds) - len(recs); calls > 15 {
		t.Errorf("%d calls of Skipped", calls)
	}

	// Words in every record: everything is delivered, nothing skipped.
	ds, _ = filtered(t, b, []string{"topology", "msiinstaller"}, nil)
	if recs := checkOrder(t, ds, all.recs); len(recs) != len(all.recs) {
		t.Errorf("a word in every record: %d records delivered", len(recs))
	}
	// No words: nothing is wanted, but the first chunk is read whole all
	// the same (its records name the file's host).
	ds, _ = filtered(t, b, []string{}, nil)
	if recs := checkOrder(t, ds, all.recs); len(recs) != inFirst {
		t.Errorf("with no words, %d records were delivered, want the %d of the first chunk", len(recs), inFirst)
	}
	// Until Ready says so, every record is delivered: here until the
	// 1000th, then the rest of its chunk.
	n := 0
	ready := func() bool { return n >= 1000 }
	var out []delivery
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: "app.evtx", R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
		Record:    func(r *parsers.Record) bool { n++; out = append(out, delivery{rec: r}); return true },
		Prefilter: &parsers.Prefilter{Words: []string{"msiinstaller"}, Ready: ready, Skipped: func(k int) { out = append(out, delivery{skipped: k}) }},
	})
	recs = checkOrder(t, out, all.recs)
	if err != nil || len(recs) < 1000 || len(recs) > 1000+chunkSize/minRecordSize || out[999].rec == nil {
		t.Errorf("with Ready false for the first 1000 records, %d records were delivered (%v)", len(recs), err)
	}
}

// TestPrefilterRecords: a record is kept when its provider or its text
// holds a word as the rule engine sees them: in any case, across the
// Data values (joined by spaces, as Record.Text joins them), and with the
// non-ASCII characters that fold to ASCII letters.
func TestPrefilterRecords(t *testing.T) {
	base := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	ev := func(provider string, data ...string) evtxwriter.Event {
		return evtxwriter.Event{Provider: provider, EventID: 1, Level: evtxwriter.LevelInformation, Time: base,
			Channel: "Application", Computer: "EXCH01", Data: data}
	}
	cases := []struct {
		e    evtxwriter.Event
		want bool
	}{
		{ev("MSIINSTALLER", "x"), true},
		{ev("M\u017fiInstaller", "x"), true}, // long s: strings.EqualFold
		{ev("Other", "Service Control", "Manager"), true},
		{ev("Other", "SERVICE CONTROL MANAGER"), true},
		{ev("Other", "Service Control", "", "Manager"), false}, // two spaces apart
		{ev("Other", "service control manage"), false},
		{ev("Other", "\u0130nstaller M\u212aS"), false},
		{ev("Other", "MS\u0130\u0130NSTALLER"), true}, // capital I with dot: strings.ToLower
		{ev("Other", "the eventlog service"), true},
		{ev("Other", "przełączenie", "serwera"), false},
		{ev("Other", "przełączenie MsiInstaller"), true},
	}
	// Fill the first chunk, which is always read whole.
	var events []evtxwriter.Event
	for len(events) < 400 {
		events = append(events, ev("Filler", "nothing to see"))
	}
	first := len(events)
	for _, c := range cases {
		events = append(events, c.e)
	}
	b, err := evtxwriter.Bytes(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	all := parseInput(Parser{}, parsers.Input{Path: "app.evtx", R: bytes.NewReader(b), Size: int64(len(b))})
	if len(all.recs) != len(events) || all.recs[first].Offset < fileHeaderSize+chunkSize {
		t.Fatalf("%d records; the cases must be past the first chunk", len(all.recs))
	}
	ds, _ := filtered(t, b, []string{"msiinstaller", "service control manager", "eventlog"}, nil)
	got := map[uint64]bool{}
	for _, r := range checkOrder(t, ds, all.recs) {
		got[r.RecordID] = true
	}
	for i, c := range cases {
		if id := uint64(first + i + 1); got[id] != c.want {
			t.Errorf("%s %q: delivered %v, want %v", c.e.Provider, c.e.Data, got[id], c.want)
		}
	}
}

// TestPrefilterParsesDamage: a chunk without the words but with a bad
// checksum or a broken record chain is parsed, so that its damage is
// reported as without the filter (and its records are counted as read).
func TestPrefilterParsesDamage(t *testing.T) {
	b, _ := prefilterLog(t)
	for _, tc := range []struct {
		name   string
		damage func(c []byte)
		fix    bool // recompute the checksums after the damage
	}{
		{"records checksum", func(c []byte) { c[2000] ^= 0xff }, false},
		{"record size copy", func(c []byte) {
			size := le.Uint32(c[chunkHeaderSize+4:])
			le.PutUint32(c[chunkHeaderSize+int(size)-4:], size+8)
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := bytes.Clone(b)
			c := d[fileHeaderSize+3*chunkSize : fileHeaderSize+4*chunkSize]
			tc.damage(c)
			if tc.fix {
				evtxwriter.FixChecksums(d)
			}
			want := parseInput(Parser{}, parsers.Input{Path: "app.evtx", R: bytes.NewReader(d), Size: int64(len(d))})
			if len(want.warns) == 0 {
				t.Fatal("the damage gives no warning without the filter")
			}
			ds, warns := filtered(t, d, []string{"msiinstaller"}, nil)
			if !reflect.DeepEqual(warns, want.warns) {
				t.Errorf("warnings with the filter:\n%v\nwithout:\n%v", warns, want.warns)
			}
			checkOrder(t, ds, want.recs)
		})
	}
}

func TestMatcherGroups(t *testing.T) {
	m := newMatcher([]string{"msexchangecluster", "msexchangeis", "msexchangesetup", "eventlog", "c1037b44", "c103fd04", "831"})
	var got []string
	for _, g := range m.groups {
		got = append(got, fmt.Sprintf("%s%q", g.prefix, g.words))
	}
	want := []string{`msexchange["msexchangecluster" "msexchangeis" "msexchangesetup"]`, `eventlog["eventlog"]`,
		`c103["c1037b44" "c103fd04"]`, `831["831"]`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("groups %q, want %q", got, want)
	}
	var scratch []byte
	for text, want := range map[string]bool{
		"MSExchangeIS": true, "MSExchange ADAccess MSExchangeSetup": true, "MSExchange MSExchange": false,
		"C103FD04": true, "c1037b4": false, "x831x": true,
	} {
		if got := m.match(utf16le(text), &scratch); got != want {
			t.Errorf("match(%q) = %v, want %v", text, got, want)
		}
	}
}

// FuzzPrefilter: whatever the second chunk of a file holds, a parse with
// the pre-filter never panics, delivers only records that a parse without
// it delivers, unchanged and in the same order, and never calls Skipped
// with a count below one.
func FuzzPrefilter(f *testing.F) {
	b, _ := prefilterLog(f)
	head := bytes.Clone(b[:fileHeaderSize+chunkSize])
	le.PutUint16(head[42:], 2)
	evtxwriter.FixChecksums(head)
	for i := 1; i <= 11; i += 5 {
		f.Add(b[fileHeaderSize+i*chunkSize : fileHeaderSize+(i+1)*chunkSize])
	}
	f.Add([]byte("ElfChnk\x00"))
	words := []string{"msiinstaller", "service control manager", "eventlog", "831464", "(build "}
	f.Fuzz(func(t *testing.T, chunk []byte) {
		file := append(bytes.Clone(head), chunk...)
		in := parsers.Input{Path: "fuzz.evtx", R: bytes.NewReader(file), Size: int64(len(file))}
		all := parseInput(Parser{Workers: 1}, in)
		byOffset := map[int64]int{}
		for i, r := range all.recs {
			byOffset[r.Offset] = i
		}
		last := -1
		_ = Parser{Workers: 1}.Parse(context.Background(), in, parsers.Sink{
			Record: func(r *parsers.Record) bool {
				i, ok := byOffset[r.Offset]
				if !ok || i <= last || !reflect.DeepEqual(r, all.recs[i]) {
					t.Fatalf("record at %#x: not delivered the same without the filter", r.Offset)
				}
				last = i
				return true
			},
			Prefilter: &parsers.Prefilter{Words: words, Skipped: func(n int) {
				if n < 1 {
					t.Fatalf("Skipped(%d)", n)
				}
			}},
		})
	})
}
