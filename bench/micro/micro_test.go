package micro

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	_ "github.com/extriage/extriage/parsers/all"
)

// eventRecords makes n records like those of an Exchange server's
// Application and System logs (the sources bench/genbundle writes), with
// now and then one the catalog reports.
func eventRecords(n int) []*parsers.Record {
	type src struct {
		provider string
		id       uint32
		data     []string
	}
	common := []src{
		{"MSExchange ADAccess", 2080, []string{"topology discovery completed for domain controller dc01", "2080"}},
		{"MSExchangeHM", 1001, []string{"health probe monitor responder latency", "15"}},
		{"ESE", 326, []string{"Information Store (4400) DB01: the database engine attached a database", "1"}},
		{"MSExchangeTransport", 12014, []string{"certificate for transport connector", "0"}},
		{"Service Control Manager", 7036, []string{"Microsoft Exchange Transport", "running"}},
		{"Microsoft-Windows-DistributedCOM", 10016, []string{"application-specific", "Local", "Activation"}},
		{"MSExchangeIS", 9523, []string{"mailbox store session", "9523"}},
	}
	t := time.Date(2021, 3, 13, 5, 0, 0, 0, time.UTC)
	recs := make([]*parsers.Record, n)
	for i := range recs {
		s := common[i%len(common)]
		if i%5000 == 4999 {
			s = src{"MsiInstaller", 11708, []string{"Product: Microsoft Exchange Server -- Installation operation failed."}}
		}
		recs[i] = &parsers.Record{Path: "Application.evtx", Format: parsers.FormatEVTX, RecordID: uint64(i + 1),
			Offset: int64(4096 + i*300), Time: t.Add(time.Duration(i) * time.Second), Host: "exch01.contoso.local",
			Provider: s.provider, EventID: s.id, Level: parsers.LevelInformation, Channel: "Application", Data: s.data}
	}
	return recs
}

func engine(b *testing.B) *detectors.Engine {
	rules, err := detectors.Catalog()
	if err != nil {
		b.Fatal(err)
	}
	return detectors.NewEngine(rules, detectors.English)
}

// BenchmarkEngineEvents runs the whole catalog over event records, one
// file run per 10,000 records, as a scan of an EVTX log does: "all" gives
// the engine every record, "prefiltered" only those that hold one of the
// engine's keywords (as the EVTX parser's pre-filter leaves them).
func BenchmarkEngineEvents(b *testing.B) {
	eng := engine(b)
	recs := eventRecords(10000)
	words := eng.Keywords(parsers.FormatEVTX)
	var kept []*parsers.Record
	for _, r := range recs {
		text := strings.ToLower(r.Provider + "\x00" + r.Text())
		for _, w := range words {
			if strings.Contains(text, w) {
				kept = append(kept, r)
				break
			}
		}
	}
	for _, bc := range []struct {
		name string
		recs []*parsers.Record
	}{{"all", recs}, {"prefiltered", kept}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			findings := 0
			for b.Loop() {
				fr := eng.NewFile(detectors.FileInfo{Path: "Application.evtx", Format: parsers.FormatEVTX, HostHint: "EXCH01"})
				for _, r := range bc.recs {
					fr.Record(r)
				}
				findings = len(fr.Finish().Hits)
			}
			if findings == 0 {
				b.Fatal("no finding: the records must make the rules work")
			}
			b.ReportMetric(float64(b.N*len(recs))/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/record")
		})
	}
}

// BenchmarkExServer parses a Get-ExchangeServer | Format-List listing of
// 2,000 servers.
func BenchmarkExServer(b *testing.B) {
	var buf bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&buf, "\r\nName                  : EXCH%04d\r\nAdminDisplayVersion   : Version 15.1 (Build 2507.6)\r\n"+
			"IsFrontEndServer      : False\r\nServerRole            : Mailbox, ClientAccess\r\nFqdn                  : EXCH%04d.contoso.local\r\n", i, i)
	}
	data := buf.Bytes()
	p := parsers.Lookup(parsers.FormatExServer)
	if p == nil || p.Sniff(data[:min(len(data), parsers.SniffSize)]) < parsers.SniffThreshold {
		b.Fatal("the exserver parser does not take the listing")
	}
	in := parsers.Input{Path: "servers.txt", R: bytes.NewReader(data), Size: int64(len(data))}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := p.Parse(context.Background(), in, parsers.Sink{Record: func(*parsers.Record) bool { n++; return true }}); err != nil || n != 2000 {
			b.Fatalf("%d records, %v", n, err)
		}
	}
}
