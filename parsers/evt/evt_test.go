package evt

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/fixtures/evtwriter"
	"github.com/extriage/extriage/parsers"
)

var t0 = time.Date(2005, 11, 14, 8, 30, 0, 0, time.UTC)

// sampleEvents returns n events that between them use every field: full
// 32-bit identifiers with qualifiers, every event type, SIDs or none,
// non-ASCII and surrogate-pair strings, CRLF inside a string, empty
// strings, no strings, and data blocks on both sides of MaxDataHex.
func sampleEvents(n int) []evtwriter.Event {
	kinds := []evtwriter.Event{
		{Source: "MSExchangeSetup", Computer: "EXCH01", EventID: 0xC00003EC, Type: evtwriter.TypeError, Category: 1,
			Strings: []string{"Setup failed", "0x80070005"}, SID: "S-1-5-21-1004336348-1177238915-682003330-500"},
		{Source: "Service Control Manager", Computer: "EXCH01", EventID: 0xC0001B58, Type: evtwriter.TypeError,
			Strings: []string{"Microsoft Exchange Information Store", "%%1053"}},
		{Source: "MsiInstaller", Computer: "EXCH01", EventID: 11708, Type: evtwriter.TypeInformation,
			Strings: []string{"Product: Microsoft Exchange 2000 -- Installation failed.\r\nSee the log."}, SID: "S-1-5-18", Data: []byte("(NULL)")},
		{Source: "ESE", Computer: "exch01.contoso.local", EventID: 0x800001FE, Type: evtwriter.TypeWarning, Category: 3,
			Strings: []string{"Zażółć gęślą jaźń", "", "emoji \U0001F600 done"}, Data: bytes.Repeat([]byte{0xAB}, MaxDataHex)},
		{Source: "Security", Computer: "DC1", EventID: 529, Type: evtwriter.TypeAuditFailure, Category: 2,
			Strings: []string{"Administrator", "CONTOSO"}, SID: "S-1-5-18"},
		{Source: "Security", Computer: "DC1", EventID: 528, Type: evtwriter.TypeAuditSuccess, Category: 2,
			Strings: []string{"svc-exch"}, SID: "S-1-5-20", Data: bytes.Repeat([]byte{0x01, 0x02}, (MaxDataHex+2)/2)},
		{Source: "Userenv", Computer: "EXCH01", EventID: 1517, Type: 0},
	}
	out := make([]evtwriter.Event, n)
	for i := range out {
		ev := kinds[i%len(kinds)]
		ev.Strings = append(append([]string(nil), ev.Strings...), fmt.Sprintf("event #%d", i))
		if ev.Type == 0 {
			ev.Strings = nil
		}
		ev.Generated = t0.Add(time.Duration(i) * 37 * time.Second)
		if i%3 != 0 {
			ev.Written = ev.Generated.Add(2 * time.Second)
		}
		out[i] = ev
	}
	return out
}

// wantRecord is the record the parser should make of ev.
func wantRecord(path string, ev evtwriter.Event, num uint32, off int64) *parsers.Record {
	written := ev.Written
	if written.IsZero() {
		written = ev.Generated
	}
	r := &parsers.Record{
		Path: path, Format: parsers.FormatEVT, RecordID: uint64(num), Offset: off,
		Time: ev.Generated.UTC(), Host: ev.Computer, Provider: ev.Source,
		EventID: ev.EventID & 0xFFFF, Qualifiers: uint16(ev.EventID >> 16),
		Channel: ChannelFromPath(path),
		Data:    ev.Strings,
		Fields:  map[string]string{"category": strconv.Itoa(int(ev.Category)), "time_written": written.UTC().Format(time.RFC3339)},
	}
	switch ev.Type {
	case 0, 4:
		r.Level = parsers.LevelInformation
	case 1:
		r.Level = parsers.LevelError
	case 2:
		r.Level = parsers.LevelWarning
	case 8:
		r.Level = parsers.LevelAuditSuccess
	case 16:
		r.Level = parsers.LevelAuditFailure
	default:
		r.Fields["event_type"] = strconv.Itoa(int(ev.Type))
	}
	if ev.SID != "" {
		r.Fields["sid"] = ev.SID
	}
	if len(ev.Data) > 0 {
		r.Fields["data_size"] = strconv.Itoa(len(ev.Data))
		if len(ev.Data) <= MaxDataHex {
			r.Fields["data_hex"] = hex.EncodeToString(ev.Data)
		}
	}
	return r
}

// wantLayout is the records the parser should read from a written file:
// dropped records still whole in the free space (only when there is no
// end-of-file record to stop at), then the live records.
func wantLayout(path string, events []evtwriter.Event, lay *evtwriter.Layout) []*parsers.Record {
	var out []*parsers.Record
	for _, p := range append(slices.Clone(lay.Intact), lay.Records...) {
		out = append(out, wantRecord(path, events[p.Event], p.Number, p.Offset))
	}
	return out
}

type result struct {
	recs  []*parsers.Record
	warns []parsers.Warning
	err   error
}

func parseBytes(t testing.TB, path string, b []byte) result {
	t.Helper()
	var res result
	res.err = Parser{}.Parse(context.Background(), parsers.Input{Path: path, R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
		Record: func(r *parsers.Record) bool { res.recs = append(res.recs, r); return true },
		Warn:   func(w parsers.Warning) { res.warns = append(res.warns, w) },
	})
	return res
}

func compareRecords(t *testing.T, got, want []*parsers.Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d records, want %d", len(got), len(want))
	}
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, *got[i], *want[i])
		}
	}
}

// checkWarnings wants exactly one warning per substring, in order, each
// naming the file.
func checkWarnings(t *testing.T, path string, got []parsers.Warning, want ...string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d warnings, want %d: %v", len(got), len(want), got)
	}
	for i := range min(len(got), len(want)) {
		if got[i].Path != path || !strings.Contains(got[i].Msg, want[i]) {
			t.Errorf("warning %d = %v, want one for %s containing %q", i, got[i], path, want[i])
		}
	}
}

// splitSize finds a ring size at which writing events wraps, some records
// are dropped, and a record that survives is split across the end of the
// file, is neither the oldest nor the newest one, and has at least 100
// bytes on either side of the split.
func splitSize(t testing.TB, events []evtwriter.Event, opt evtwriter.Options) int64 {
	t.Helper()
	for size := int64(4096); size < 64<<10; size += 4 {
		opt.MaxSize = size
		_, lay, err := evtwriter.Build(events, opt)
		if err != nil {
			continue
		}
		for i, r := range lay.Records {
			before := size - r.Offset
			if r.Split && i > 0 && i < len(lay.Records)-1 && lay.Dropped > 0 && before >= 100 && int64(r.Length)-before >= 100 {
				return size
			}
		}
	}
	t.Fatal("no ring size splits a record")
	return 0
}

// intactSize finds a ring size at which, with no end-of-file record
// written, a dropped record stays whole in the free space.
func intactSize(t testing.TB, events []evtwriter.Event) int64 {
	t.Helper()
	for size := int64(4096); size < 64<<10; size += 4 {
		if _, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: size, NoEOF: true}); err == nil && len(lay.Intact) > 0 {
			return size
		}
	}
	t.Fatal("no ring size leaves a dropped record whole")
	return 0
}

func TestParseWrittenFiles(t *testing.T) {
	events := sampleEvents(40)
	split := splitSize(t, events, evtwriter.Options{})
	intact := intactSize(t, events)
	cases := []struct {
		name  string
		path  string
		opt   evtwriter.Options
		warns []string
	}{
		{name: "clean", path: `C:\WINNT\system32\config\AppEvent.Evt`},
		{name: "clean live file with free space", path: "bundle.zip!EXCH01_System.evt", opt: evtwriter.Options{MaxSize: 64 << 10, Garbage: true}},
		{name: "record numbers from 1000", path: "x/SysEvent.Evt", opt: evtwriter.Options{FirstRecord: 1000}},
		{name: "wrapped with a split record", path: "SecEvent.Evt", opt: evtwriter.Options{MaxSize: split}},
		{name: "wrapped, garbage in never-written space", path: "w.evt", opt: evtwriter.Options{MaxSize: split, Garbage: true}},
		{name: "dirty, header as when empty", path: "d.evt", opt: evtwriter.Options{MaxSize: 32 << 10, Dirty: true},
			warns: []string{"file is dirty (not closed cleanly) and its header is stale"}},
		{name: "dirty wrapped, header from before the wrap", path: "dw.evt", opt: evtwriter.Options{MaxSize: split, Dirty: true, StaleAfter: 5},
			warns: []string{"file is dirty (not closed cleanly) and its header is stale"}},
		{name: "dirty wrapped, header from after the wrap", path: "dw2.evt", opt: evtwriter.Options{MaxSize: split, Dirty: true, StaleAfter: 30},
			warns: []string{"file is dirty (not closed cleanly) and its header is stale"}},
		{name: "dirty without end-of-file record", path: "dn.evt", opt: evtwriter.Options{MaxSize: 32 << 10, Dirty: true, NoEOF: true},
			warns: []string{"file is dirty (not closed cleanly) and has no end-of-file record"}},
		{name: "dirty wrapped without end-of-file record", path: "dwn.evt", opt: evtwriter.Options{MaxSize: split, Dirty: true, NoEOF: true, StaleAfter: 30, Garbage: true},
			warns: []string{"file is dirty (not closed cleanly) and has no end-of-file record"}},
		{name: "dirty wrapped without end-of-file record, a dropped record left whole", path: "dwi.evt", opt: evtwriter.Options{MaxSize: intact, Dirty: true, NoEOF: true},
			warns: []string{"file is dirty (not closed cleanly) and has no end-of-file record"}},
		{name: "clean header but no end-of-file record", path: "n.evt", opt: evtwriter.Options{NoEOF: true, MaxSize: 32 << 10},
			warns: []string{"no end-of-file record found (header says"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, lay, err := evtwriter.Build(events, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			if c.opt.MaxSize == split && !lay.Wrapped {
				t.Fatal("fixture did not wrap")
			}
			res := parseBytes(t, c.path, b)
			if res.err != nil {
				t.Fatal(res.err)
			}
			compareRecords(t, res.recs, wantLayout(c.path, events, lay))
			checkWarnings(t, c.path, res.warns, c.warns...)
		})
	}
}

// TestParseDamagedHeader reads files whose 48-byte header was overwritten
// (zeroed, or garbage): the records are found by their signatures, with one
// warning that names the damage.
func TestParseDamagedHeader(t *testing.T) {
	events := sampleEvents(40)
	split := splitSize(t, events, evtwriter.Options{})
	for _, c := range []struct {
		name string
		opt  evtwriter.Options
		fill byte
	}{
		{"zeroed", evtwriter.Options{}, 0},
		{"garbage", evtwriter.Options{MaxSize: 32 << 10}, 0xAB},
		{"wrapped, zeroed", evtwriter.Options{MaxSize: split}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, lay, err := evtwriter.Build(events, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			for i := range headerSize {
				b[i] = c.fill
			}
			if got := (Parser{}).Sniff(b[:min(len(b), parsers.SniffSize)]); got < parsers.SniffThreshold {
				t.Errorf("Sniff = %d: not recognised", got)
			}
			const path = "AppEvent.Evt"
			res := parseBytes(t, path, b)
			if res.err != nil {
				t.Fatal(res.err)
			}
			compareRecords(t, res.recs, wantLayout(path, events, lay))
			checkWarnings(t, path, res.warns, "no event log header (ELF_LOGFILE) at the start of the file: it is damaged")
		})
	}
	// Without a header and without a whole record it is not an EVT file.
	b := bytes.Repeat([]byte("LfLe not a record "), 300)
	if got := (Parser{}).Sniff(b); got != 0 {
		t.Errorf("Sniff(text with LfLe) = %d", got)
	}
	if res := parseBytes(t, "x.evt", b); res.err == nil || len(res.recs) != 0 {
		t.Errorf("text with LfLe: err %v, %d records", res.err, len(res.recs))
	}
}

func TestParseWrappedSplitRecord(t *testing.T) {
	events := sampleEvents(40)
	size := splitSize(t, events, evtwriter.Options{})
	b, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: size})
	if err != nil {
		t.Fatal(err)
	}
	var sp evtwriter.Placed
	for _, r := range lay.Records {
		if r.Split {
			sp = r
		}
	}
	if sp.Offset+int64(sp.Length) <= int64(len(b)) {
		t.Fatalf("record %d does not straddle the end of the file", sp.Number)
	}
	if lay.Records[0].Number != uint32(lay.Dropped+1) {
		t.Fatalf("oldest surviving record is %d after %d dropped", lay.Records[0].Number, lay.Dropped)
	}
	res := parseBytes(t, "AppEvent.Evt", b)
	var got *parsers.Record
	for _, r := range res.recs {
		if r.RecordID == uint64(sp.Number) {
			got = r
		}
	}
	want := wantRecord("AppEvent.Evt", events[sp.Event], sp.Number, sp.Offset)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("split record:\n got %+v\nwant %+v", got, want)
	}
	if res.recs[0].RecordID != uint64(lay.Records[0].Number) || res.recs[len(res.recs)-1].RecordID != uint64(len(events)) {
		t.Errorf("records run %d..%d, want %d..%d", res.recs[0].RecordID, res.recs[len(res.recs)-1].RecordID, lay.Records[0].Number, len(events))
	}
	checkWarnings(t, "AppEvent.Evt", res.warns)

	// Damage the continuation of the split record (its trailing size copy
	// at the start of the ring): the part before the end of the file is
	// still read, and so is every other record.
	bad := bytes.Clone(b)
	tail := sp.Offset + int64(sp.Length) - int64(len(b)) + 0x30 - 4
	binary.LittleEndian.PutUint32(bad[tail:], 0xDEADBEEF)
	res = parseBytes(t, "AppEvent.Evt", bad)
	checkWarnings(t, "AppEvent.Evt", res.warns, "runs past the end of the file and its continuation at 0x30 does not end with its size")
	if len(res.recs) != len(lay.Records) {
		t.Fatalf("got %d records, want %d", len(res.recs), len(lay.Records))
	}
	for i, r := range res.recs {
		want := wantRecord("AppEvent.Evt", events[lay.Records[i].Event], lay.Records[i].Number, lay.Records[i].Offset)
		if r.RecordID == uint64(sp.Number) {
			if r.Fields["truncated"] != "true" || r.Provider != want.Provider || r.EventID != want.EventID || !r.Time.Equal(want.Time) {
				t.Errorf("damaged split record: %+v", *r)
			}
			continue
		}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("record %d:\n got %+v\nwant %+v", i, *r, *want)
		}
	}
}

func TestParseCutShortFile(t *testing.T) {
	events := sampleEvents(5)
	full, lay, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	last := lay.Records[4]
	src := int64(len(events[4].Source)*2 + 2)
	// Cut inside the computer name of the last record.
	cut := last.Offset + FixedSize + src + 4
	b := full[:cut]
	res := parseBytes(t, "cut.evt", b)
	if res.err != nil {
		t.Fatal(res.err)
	}
	compareRecords(t, res.recs[:4], wantLayout("cut.evt", events, lay)[:4])
	checkWarnings(t, "cut.evt", res.warns, "file is cut short", "record of "+strconv.Itoa(last.Length)+" bytes is cut off by the end of the file after")
	if len(res.recs) != 5 {
		t.Fatalf("got %d records, want 5", len(res.recs))
	}
	r := res.recs[4]
	if r.RecordID != 5 || r.Provider != events[4].Source || r.Host != events[4].Computer[:2] || r.Data != nil ||
		r.Fields["truncated"] != "true" || !r.Time.Equal(events[4].Generated) {
		t.Errorf("cut record: %+v", *r)
	}

	// Cut in the fixed part of the first record: nothing to decode.
	res = parseBytes(t, "cut2.evt", full[:0x30+20])
	if res.err != nil || len(res.recs) != 0 {
		t.Errorf("got %d records, err %v", len(res.recs), res.err)
	}
	checkWarnings(t, "cut2.evt", res.warns, "file is cut short", "is cut off by the end of the file after 20 bytes", "record fragment of 20 bytes is too short to decode")

	// Just the header.
	res = parseBytes(t, "hdr.evt", full[:0x30])
	if res.err != nil || len(res.recs) != 0 {
		t.Errorf("got %d records, err %v", len(res.recs), res.err)
	}
	checkWarnings(t, "hdr.evt", res.warns, "file is cut short")
}

// FixedSize is the writer's fixed record part, for offsets in tests.
const FixedSize = evtwriter.FixedSize

func TestParseZeroFilledRecord(t *testing.T) {
	events := sampleEvents(6)
	ev := events[2]
	enc, err := evtwriter.EncodeRecord(ev, 3)
	if err != nil {
		t.Fatal(err)
	}
	strOff := int(binary.LittleEndian.Uint32(enc[36:]))
	events[2].ZeroFrom = strOff + 2*7 // 7 characters of the first string survive
	b, lay, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, "z.evt", b)
	want := wantLayout("z.evt", events, lay)
	w := want[2]
	w.Data = []string{ev.Strings[0][:7], ""}
	w.Fields["truncated"] = "true"
	w.Fields["data_hex"] = strings.Repeat("00", len(ev.Data))
	compareRecords(t, res.recs, want)
	checkWarnings(t, "z.evt", res.warns, "record is truncated (zero-filled, trailing size copy is 0)")
	if res.warns[0].Offset != lay.Records[2].Offset {
		t.Errorf("warning at 0x%x, want 0x%x", res.warns[0].Offset, lay.Records[2].Offset)
	}
}

func TestParseDamagedRecord(t *testing.T) {
	events := sampleEvents(8)
	clean, lay, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	all := wantLayout("d.evt", events, lay)
	r3 := lay.Records[3]

	t.Run("signature", func(t *testing.T) {
		b := bytes.Clone(clean)
		copy(b[r3.Offset+4:], "XXXX")
		res := parseBytes(t, "d.evt", b)
		want := append(append([]*parsers.Record{}, all[:3]...), all[4:]...)
		compareRecords(t, res.recs, want)
		checkWarnings(t, "d.evt", res.warns, fmt.Sprintf("no valid record at 0x%x; skipped to the next one at 0x%x", r3.Offset, lay.Records[4].Offset))
	})
	t.Run("trailing size copy", func(t *testing.T) {
		b := bytes.Clone(clean)
		binary.LittleEndian.PutUint32(b[r3.Offset+int64(r3.Length)-4:], 12)
		res := parseBytes(t, "d.evt", b)
		want := append([]*parsers.Record{}, all...)
		w := *want[3]
		w.Fields = map[string]string{"truncated": "true"}
		for k, v := range want[3].Fields {
			w.Fields[k] = v
		}
		want[3] = &w
		compareRecords(t, res.recs, want)
		checkWarnings(t, "d.evt", res.warns, "record's trailing size copy is 0xc, not its length")
	})
	t.Run("length", func(t *testing.T) {
		// A wrong length sends the walk into the next record; it scans
		// back from inside the damaged one and finds the next record.
		b := bytes.Clone(clean)
		binary.LittleEndian.PutUint32(b[r3.Offset:], uint32(r3.Length+8))
		res := parseBytes(t, "d.evt", b)
		var ids []uint64
		for _, r := range res.recs {
			ids = append(ids, r.RecordID)
		}
		if !reflect.DeepEqual(ids, []uint64{1, 2, 3, 4, 5, 6, 7, 8}) {
			t.Errorf("record ids %v", ids)
		}
		checkWarnings(t, "d.evt", res.warns, "trailing size copy", "skipped to the next one")
	})
	t.Run("offsets outside the record", func(t *testing.T) {
		b := bytes.Clone(clean)
		binary.LittleEndian.PutUint32(b[r3.Offset+36:], 0xFFFFFFF0) // strings
		binary.LittleEndian.PutUint32(b[r3.Offset+52:], 0x7FFFFFFF) // data
		binary.LittleEndian.PutUint32(b[r3.Offset+48:], 0x10)       // data size
		res := parseBytes(t, "d.evt", b)
		if len(res.recs) != 8 || res.recs[3].Data != nil || res.recs[3].Fields["data_size"] != "" {
			t.Fatalf("got %d records, record 4 = %+v", len(res.recs), res.recs[3])
		}
		checkWarnings(t, "d.evt", res.warns, "insertion strings at offset 4294967280 lie outside the record", "event data (16 bytes at offset 2147483647) lies outside the record")
	})
}

func TestParseHeaderStartAtEOF(t *testing.T) {
	// A header whose start offset equals its end offset says the log is
	// empty; the end-of-file record there says otherwise and wins.
	events := sampleEvents(4)
	b, lay, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	binary.LittleEndian.PutUint32(b[16:], uint32(lay.EOF))
	res := parseBytes(t, "h.evt", b)
	compareRecords(t, res.recs, wantLayout("h.evt", events, lay))
	checkWarnings(t, "h.evt", res.warns)
}

func TestParseLevels(t *testing.T) {
	cases := []struct {
		typ   uint16
		level parsers.Level
	}{
		{0, parsers.LevelInformation}, {1, parsers.LevelError}, {2, parsers.LevelWarning},
		{4, parsers.LevelInformation}, {8, parsers.LevelAuditSuccess}, {16, parsers.LevelAuditFailure},
		{32, parsers.LevelNone}, {3, parsers.LevelNone},
	}
	var events []evtwriter.Event
	for _, c := range cases {
		events = append(events, evtwriter.Event{Source: "S", Computer: "C", EventID: 1, Type: c.typ, Generated: t0})
	}
	b, _, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, "l.evt", b)
	if len(res.recs) != len(cases) {
		t.Fatalf("got %d records", len(res.recs))
	}
	for i, c := range cases {
		r := res.recs[i]
		if r.Level != c.level {
			t.Errorf("type %d: level %q, want %q", c.typ, r.Level, c.level)
		}
		wantType := ""
		if c.level == parsers.LevelNone {
			wantType = strconv.Itoa(int(c.typ))
		}
		if r.Fields["event_type"] != wantType {
			t.Errorf("type %d: event_type %q, want %q", c.typ, r.Fields["event_type"], wantType)
		}
	}
}

func TestParseEmptyAndNotEVT(t *testing.T) {
	empty, _, err := evtwriter.Build(nil, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := parseBytes(t, "e.evt", empty)
	if res.err != nil || len(res.recs) != 0 || len(res.warns) != 0 {
		t.Errorf("empty log: %d records, warnings %v, err %v", len(res.recs), res.warns, res.err)
	}
	bad := bytes.Clone(empty)
	copy(bad[4:], "ElfL")
	for name, b := range map[string][]byte{"short": empty[:20], "nil": nil, "signature": bad, "evtx": []byte("ElfFile\x00" + strings.Repeat("\x00", 100))} {
		res := parseBytes(t, name, b)
		if res.err == nil || !strings.Contains(res.err.Error(), name) || len(res.recs) != 0 {
			t.Errorf("%s: err %v, %d records", name, res.err, len(res.recs))
		}
	}
}

func TestParseStopAndCancel(t *testing.T) {
	b, _, err := evtwriter.Build(sampleEvents(10), evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in := parsers.Input{Path: "s.evt", R: bytes.NewReader(b), Size: int64(len(b))}
	n := 0
	err = Parser{}.Parse(context.Background(), in, parsers.Sink{Record: func(*parsers.Record) bool { n++; return n < 3 }})
	if err != nil || n != 3 {
		t.Errorf("stop after 3: got %d records, err %v", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n = 0
	err = Parser{}.Parse(ctx, in, parsers.Sink{Record: func(*parsers.Record) bool { n++; return true }})
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Errorf("cancelled: got %d records, err %v", n, err)
	}
}

func TestSniff(t *testing.T) {
	b, _, _ := evtwriter.Build(sampleEvents(2), evtwriter.Options{})
	cases := []struct {
		name string
		head []byte
		want int
	}{
		{"evt", b, 100},
		{"header only", b[:8], 100},
		{"too short", b[:7], 0},
		{"wrong size, no record", append([]byte{0x31}, b[1:8]...), 0},
		{"damaged header, whole records after it", append([]byte{0x31}, b[1:]...), 70},
		{"evtx", []byte("ElfFile\x00\x00\x00\x00\x00"), 0},
		{"text", []byte("Event Type:\tError\r\n"), 0},
		{"empty", nil, 0},
	}
	for _, c := range cases {
		if got := (Parser{}).Sniff(c.head); got != c.want {
			t.Errorf("%s: Sniff = %d, want %d", c.name, got, c.want)
		}
	}
	if parsers.Lookup(parsers.FormatEVT) == nil {
		t.Error("evt parser not registered")
	}
	if p := parsers.Detect(b); p == nil || p.Format() != parsers.FormatEVT {
		t.Errorf("Detect chose %v", p)
	}
}

func TestChannelFromPath(t *testing.T) {
	cases := map[string]string{
		"AppEvent.Evt": "Application",
		`C:\WINDOWS\system32\config\SysEvent.Evt`: "System",
		"dump/secevent.evt":                       "Security",
		"MAIL01_Application.evt":                  "Application",
		"bundle.zip!MPS/MAIL01_System.EVT":        "System",
		"x/MAIL01_Security.evt":                   "Security",
		"DNSEvent.Evt":                            "",
		"Application.evt":                         "",
		"AppEvent.Evt.bak":                        "",
		"MAIL01_Application.txt":                  "",
		"AppEvent.Evt/other.evt":                  "",
	}
	for in, want := range cases {
		if got := ChannelFromPath(in); got != want {
			t.Errorf("ChannelFromPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSIDString(t *testing.T) {
	for _, sid := range []string{"S-1-5-18", "S-1-5-21-1004336348-1177238915-682003330-500", "S-1-0", "S-1-0x123456789ABC-7"} {
		b, err := evtwriter.EncodeSID(sid)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := sidString(b); !ok || got != sid {
			t.Errorf("sidString(%s) = %q, %v", sid, got, ok)
		}
	}
	for _, bad := range [][]byte{nil, {1}, {2, 0, 0, 0, 0, 0, 0, 5}, {1, 2, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0}} {
		if s, ok := sidString(bad); ok {
			t.Errorf("sidString(% x) = %q, want failure", bad, s)
		}
	}
}

// corpusDir finds ../shared/corpus beside the module root.
func corpusDir(t testing.TB) string {
	t.Helper()
	return testkit.Corpus(t)
}

func corpusEVT(t testing.TB) []string {
	d := filepath.Join(corpusDir(t), "evtx", "dissect.eventlog", "tests", "_data")
	return []string{filepath.Join(d, "TestLog.evt"), filepath.Join(d, "TestLog-dirty.evt")}
}

func parseFile(t testing.TB, path string) result {
	t.Helper()
	r := testkit.ParseFile(t, Parser{}, path)
	return result{r.Recs, r.Warns, r.Err}
}

func TestCorpusFiles(t *testing.T) {
	utf16hex := func(s string) string {
		var b []byte
		for _, c := range s {
			b = append(b, byte(c), 0)
		}
		return hex.EncodeToString(b)
	}
	at := func(s string) time.Time {
		tm, err := time.Parse(time.DateTime, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	type rec struct {
		id, ev   uint32
		level    parsers.Level
		cat      string
		when     string
		str, hex string
		off      int64
	}
	want := []rec{
		{1, 1, parsers.LevelInformation, "1", "2021-07-21 02:40:16", "Test log entry, information", "", 0x30},
		{2, 2, parsers.LevelError, "1", "2021-07-21 02:40:46", "Test log entry, error", "", 0xd8},
		{3, 3, parsers.LevelWarning, "1", "2021-07-21 02:41:00", "Test log entry, warning", "", 0x174},
		{4, 65534, parsers.LevelAuditFailure, "99", "2021-07-21 03:11:38", "Test log entry, failure audit", utf16hex("Test Binary Data"), 0x214},
		{5, 5, parsers.LevelAuditSuccess, "1", "2021-07-21 03:16:51", "Test log entry, success audit", utf16hex("Test Binary Data 2"), 0x2e0},
	}
	for i, path := range corpusEVT(t) {
		res := parseFile(t, path)
		if res.err != nil {
			t.Fatal(res.err)
		}
		if i == 0 {
			checkWarnings(t, path, res.warns)
		} else {
			checkWarnings(t, path, res.warns, "file is dirty (not closed cleanly) and its header is stale (end-of-file record at 0x3b0, not 0x30)")
		}
		var exp []*parsers.Record
		for _, w := range want {
			r := &parsers.Record{
				Path: path, Format: parsers.FormatEVT, RecordID: uint64(w.id), Offset: w.off, Time: at(w.when),
				Host: "POPSICKL-79ADD4", Provider: "TestApp", EventID: w.ev, Level: w.level, Data: []string{w.str},
				Fields: map[string]string{"category": w.cat, "time_written": at(w.when).Format(time.RFC3339)},
			}
			if w.hex != "" {
				r.Fields["data_hex"] = w.hex
				r.Fields["data_size"] = strconv.Itoa(len(w.hex) / 2)
			}
			exp = append(exp, r)
		}
		compareRecords(t, res.recs, exp)
	}
}

// errReader fails every read after the header.
type errReader struct{ b []byte }

func (e errReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0x30 {
		n := copy(p, e.b[off:min(int64(len(e.b)), 0x30)])
		if n < len(p) {
			return n, errors.New("I/O error")
		}
		return n, nil
	}
	return 0, errors.New("I/O error")
}

func TestParseUnreadable(t *testing.T) {
	b, _, _ := evtwriter.Build(sampleEvents(3), evtwriter.Options{})
	var n int
	var warns []parsers.Warning
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: "io.evt", R: errReader{b}, Size: int64(len(b))}, parsers.Sink{
		Record: func(*parsers.Record) bool { n++; return true },
		Warn:   func(w parsers.Warning) { warns = append(warns, w) },
	})
	if err != nil || n != 0 || len(warns) == 0 {
		t.Errorf("unreadable body: %d records, err %v, warnings %v", n, err, warns)
	}
}

func BenchmarkParse(b *testing.B) {
	events := sampleEvents(5000)
	data, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: 1 << 20})
	if err != nil {
		b.Fatal(err)
	}
	f := filepath.Join(b.TempDir(), "AppEvent.Evt")
	if err := os.WriteFile(f, data, 0o644); err != nil {
		b.Fatal(err)
	}
	fh, err := os.Open(f)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	in := parsers.Input{Path: f, R: fh, Size: int64(len(data))}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := (Parser{}).Parse(context.Background(), in, parsers.Sink{Record: func(*parsers.Record) bool { n++; return true }}); err != nil {
			b.Fatal(err)
		}
		if n != len(lay.Records) {
			b.Fatalf("got %d records, want %d", n, len(lay.Records))
		}
	}
}

// BenchmarkParseRecovery reads a dirty ring with no end-of-file record,
// which is found by scanning the whole file for the oldest record.
func BenchmarkParseRecovery(b *testing.B) {
	events := sampleEvents(5000)
	data, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: 1 << 20, Dirty: true, NoEOF: true, StaleAfter: 100, Garbage: true})
	if err != nil {
		b.Fatal(err)
	}
	in := parsers.Input{Path: "AppEvent.Evt", R: bytes.NewReader(data), Size: int64(len(data))}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := (Parser{}).Parse(context.Background(), in, parsers.Sink{Record: func(*parsers.Record) bool { n++; return true }}); err != nil {
			b.Fatal(err)
		}
		if want := len(lay.Intact) + len(lay.Records); n != want {
			b.Fatalf("got %d records, want %d", n, want)
		}
	}
}

// TestParseDirtyStaleStartOnNewerRecord: the stale header's start offset
// now holds a newer record (the ring has gone round since), so only the
// end-of-file record's copy of the start can be trusted.
func TestParseDirtyStaleStartOnNewerRecord(t *testing.T) {
	events := make([]evtwriter.Event, 50)
	for i := range events {
		events[i] = evtwriter.Event{Source: "MSExchangeIS", Computer: "MAIL01", EventID: 1000, Type: 4, Generated: t0.Add(time.Duration(i) * time.Second),
			Strings: []string{fmt.Sprintf("event %02d", i)}}
	}
	enc, _ := evtwriter.EncodeRecord(events[0], 1)
	L := int64(len(enc))
	size := 0x30 + 6*L // six slots: five records live, the ring repeats every six
	for k := 7; k < 40; k++ {
		b, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: size, Dirty: true, StaleAfter: k})
		if err != nil {
			t.Fatal(err)
		}
		stale := int64(binary.LittleEndian.Uint32(b[16:]))
		if stale == lay.Start {
			continue
		}
		onLive := false
		for _, r := range lay.Records {
			onLive = onLive || r.Offset == stale
		}
		if !onLive {
			continue
		}
		res := parseBytes(t, "st.evt", b)
		compareRecords(t, res.recs, wantLayout("st.evt", events, lay))
		checkWarnings(t, "st.evt", res.warns, "file is dirty (not closed cleanly) and its header is stale")
		return
	}
	t.Fatal("no stale header start fell on a newer live record")
}

// TestParseStaleCopySkipped: when recovering without an end-of-file
// record, a whole copy of an older record found after newer ones is not
// reported again.
func TestParseStaleCopySkipped(t *testing.T) {
	events := sampleEvents(5)
	b, lay, err := evtwriter.Build(events, evtwriter.Options{MaxSize: 8192, NoEOF: true, Dirty: true})
	if err != nil {
		t.Fatal(err)
	}
	r2 := lay.Records[1]
	last := lay.Records[4]
	at := last.Offset + int64(last.Length) + 200
	copy(b[at:], b[r2.Offset:r2.Offset+int64(r2.Length)])
	res := parseBytes(t, "sc.evt", b)
	compareRecords(t, res.recs, wantLayout("sc.evt", events, lay))
	checkWarnings(t, "sc.evt", res.warns, "has no end-of-file record", "skipped to the next one", "skipped stale copies of 1 records")
}

// TestEventTypeToLevel pins the mapping of EVENTLOGRECORD.EventType to the
// normalised level with literal values (the record builder above derives
// its expectations the way the parser does, so it cannot catch a wrong
// mapping on its own).
func TestEventTypeToLevel(t *testing.T) {
	want := map[uint16]parsers.Level{
		0: "information", 1: "error", 2: "warning", 4: "information",
		8: "audit_success", 16: "audit_failure", 7: "",
	}
	var events []evtwriter.Event
	types := []uint16{0, 1, 2, 4, 8, 16, 7}
	for i, typ := range types {
		events = append(events, evtwriter.Event{Source: "S", Computer: "C", EventID: 1, Type: typ,
			Generated: time.Unix(int64(1e9+i), 0)})
	}
	data, _, err := evtwriter.Build(events, evtwriter.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := testkit.ParseBytes(Parser{}, "AppEvent.Evt", data)
	if res.Err != nil || len(res.Recs) != len(types) {
		t.Fatalf("err %v, %d records", res.Err, len(res.Recs))
	}
	for i, typ := range types {
		r := res.Recs[i]
		if r.Level != want[typ] {
			t.Errorf("type %d: level %q, want %q", typ, r.Level, want[typ])
		}
		if typ == 7 && r.Fields["event_type"] != "7" {
			t.Errorf("unknown type 7 not kept: %v", r.Fields)
		}
	}
}
