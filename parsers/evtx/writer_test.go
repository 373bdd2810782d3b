package evtx

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/extriage/extriage/fixtures/evtxwriter"
	"github.com/extriage/extriage/parsers"
)

// TestWriterRoundTrip writes events with fixtures/evtxwriter (whose output
// is checked against evtxexport, python-evtx and golang-evtx in its own
// tests) and reads them back: every field comes out as written.
func TestWriterRoundTrip(t *testing.T) {
	base := time.Date(2014, 2, 3, 4, 5, 6, 123456700, time.UTC)
	const polish = "Przed przełączeniem serwera wirtualnego"
	events := []evtxwriter.Event{
		// A classic source (as Windows writes MSExchangeCluster or
		// MsiInstaller): string-array insertion strings, empty ones kept.
		{Provider: "MSExchangeCluster", EventID: 1025, Qualifiers: 0xC000, Level: evtxwriter.LevelError,
			Time: base, Channel: "Application", Computer: "EXCLNODE1",
			Data: []string{"a", "", "c", ""}, Binary: []byte{1, 2, 3}},
		{Provider: "MsiInstaller", EventID: 1033, Level: evtxwriter.LevelInformation, Time: base.Add(time.Second),
			Channel: "Application", Computer: "EXCLNODE1", UserSID: "S-1-5-18",
			Data: []string{"Microsoft Exchange Server", "15.1.2507.6", "1033", "1603", "Microsoft Corporation"}},
		// A manifest provider with named, typed values.
		{Provider: "Microsoft-Windows-Demo", ProviderGUID: "{01234567-89ab-cdef-0123-456789abcdef}",
			EventID: 5, Level: evtxwriter.LevelWarning, Time: base.Add(2 * time.Second), Channel: "System", Computer: "EXCLNODE2",
			DataNames: []string{"u8", "u16", "u32", "u64", "h32", "h64", "ft", "st", "sid", "guid", "bool", "str"},
			Values: []evtxwriter.Value{evtxwriter.U8(200), evtxwriter.U16(65535), evtxwriter.U32(4000000000),
				evtxwriter.U64(1 << 40), evtxwriter.Hex32(0x1f), evtxwriter.Hex64(0xdeadbeef),
				evtxwriter.FileTime(time.Date(2006, 3, 14, 22, 41, 7, 5e8, time.UTC)),
				evtxwriter.SysTime(time.Date(2006, 3, 14, 22, 41, 7, 250e6, time.UTC)),
				evtxwriter.SID("S-1-5-21-1-2-3-500"), evtxwriter.GUID("{899daace-4868-4295-afcd-9eb8fb497561}"),
				evtxwriter.Bool(true), evtxwriter.Str(polish)}},
		// An audit success in a Security log: level 0, audit keyword.
		{Provider: "Microsoft-Windows-Security-Auditing", ProviderGUID: "{54849625-5478-4994-A5BA-3E3B0328C30D}",
			EventID: 4624, Level: evtxwriter.LevelLogAlways, Keywords: 0x8020000000000000,
			Time: base.Add(3 * time.Second), Channel: "Security", Computer: "DC1",
			DataNames: []string{"TargetUserName"}, Data: []string{"Administrator"}},
		{Provider: "Microsoft-Windows-Demo", ProviderGUID: "{01234567-89ab-cdef-0123-456789abcdef}",
			EventID: 6, Level: evtxwriter.LevelCritical, Time: base.Add(4 * time.Second), Channel: "System", Computer: "EXCLNODE2"},
	}
	// Enough classic events to fill several chunks.
	for i := range 2500 {
		events = append(events, evtxwriter.Event{Provider: "MSExchangeSetup", EventID: uint16(1000 + i%7),
			Qualifiers: 0x4000, Level: evtxwriter.LevelVerbose, Time: base.Add(time.Duration(i) * 1234567800),
			Channel: "Application", Computer: "EXCLNODE3", Data: []string{fmt.Sprintf("step %d", i), "x"}})
	}
	b, err := evtxwriter.Bytes(events, nil)
	if err != nil {
		t.Fatal(err)
	}
	res := parseInput(Parser{}, parsers.Input{Path: "written.evtx", R: bytes.NewReader(b), Size: int64(len(b))})
	if res.err != nil || len(res.warns) != 0 {
		t.Fatalf("err %v, warnings %v", res.err, res.warns)
	}
	if len(res.recs) != len(events) {
		t.Fatalf("read %d records, wrote %d", len(res.recs), len(events))
	}
	if last := res.recs[len(res.recs)-1]; last.Offset < fileHeaderSize+3*chunkSize {
		t.Fatalf("the events fill fewer than four chunks (last record at %#x)", last.Offset)
	}

	levels := map[uint8]parsers.Level{
		evtxwriter.LevelCritical: parsers.LevelCritical, evtxwriter.LevelError: parsers.LevelError,
		evtxwriter.LevelWarning: parsers.LevelWarning, evtxwriter.LevelInformation: parsers.LevelInformation,
		evtxwriter.LevelVerbose: parsers.LevelVerbose,
	}
	typed := []string{"200", "65535", "4000000000", "1099511627776", "0x0000001f", "0x00000000deadbeef",
		"2006-03-14T22:41:07.500000000Z", "2006-03-14T22:41:07.250Z", "S-1-5-21-1-2-3-500",
		"{899DAACE-4868-4295-AFCD-9EB8FB497561}", "true", polish}
	for i, e := range events {
		r := res.recs[i]
		wantLevel := levels[e.Level]
		switch {
		case e.Keywords&0x0020000000000000 != 0:
			wantLevel = parsers.LevelAuditSuccess
		case e.Level == evtxwriter.LevelLogAlways:
			wantLevel = parsers.LevelInformation
		}
		wantData := e.Data
		if e.Values != nil {
			wantData = typed
		}
		if r.RecordID != uint64(i+1) || !r.Time.Equal(e.Time) || r.Provider != e.Provider ||
			r.EventID != uint32(e.EventID) || r.Qualifiers != e.Qualifiers || r.Level != wantLevel ||
			r.Channel != e.Channel || r.Host != e.Computer || !slices.Equal(r.Data, wantData) {
			t.Fatalf("record %d:\n got %+v\nwant %+v (level %s, data %q)", i+1, r, e, wantLevel, wantData)
		}
		names := e.DataNames
		if len(r.Fields) != len(names) {
			t.Fatalf("record %d: fields %v, want names %q", i+1, r.Fields, names)
		}
		for j, n := range names {
			if r.Fields[n] != wantData[j] {
				t.Fatalf("record %d: Fields[%q] = %q, want %q", i+1, n, r.Fields[n], wantData[j])
			}
		}
	}
}
