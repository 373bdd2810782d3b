package evexport

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// times returns the records' times as "2006-01-02 15:04".
func times(recs []*parsers.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Time.Format("2006-01-02 15:04"))
	}
	return out
}

// orderWarnings returns the warnings about the date order.
func orderWarnings(ws []parsers.Warning) []string {
	var out []string
	for _, w := range ws {
		if strings.Contains(w.Msg, "date order") || strings.Contains(w.Msg, "can be read only") {
			out = append(out, w.String())
		}
	}
	return out
}

func TestDateOrder(t *testing.T) {
	const legacyHead = "Date,Time,Source,Type,Category,Event,User,Computer,Description\n"
	row := func(date, clock string) string {
		return fmt.Sprintf("%s,%s,MSExchangeIS,Error,General,9518,N/A,EX1,Error 0x80004005 starting storage group\n", date, clock)
	}
	tests := []struct {
		name  string
		text  string
		times []string
		warns []string // substrings of the date-order warnings, in order
	}{{
		// en-GB: the line that tells the order comes after ambiguous ones.
		name:  "gb.csv",
		text:  legacyHead + row("03/04/2024", "10:00:00") + row("11/04/2024", "10:05:00") + row("25/04/2024", "11:00:00"),
		times: []string{"2024-04-03 10:00", "2024-04-11 10:05", "2024-04-25 11:00"},
	}, {
		// en-US: the same, month first.
		name:  "us.csv",
		text:  legacyHead + row("04/03/2024", "10:00:00") + row("04/11/2024", "10:05:00") + row("04/25/2024", "11:00:00"),
		times: []string{"2024-04-03 10:00", "2024-04-11 10:05", "2024-04-25 11:00"},
	}, {
		// Only ambiguous dates: month first (English default), said once.
		name:  "only.csv",
		text:  legacyHead + row("03/04/2024", "10:00:00") + row("05/04/2024", "10:05:00"),
		times: []string{"2024-03-04 10:00", "2024-05-04 10:05"},
		warns: []string{`only.csv:2: date order is ambiguous: "03/04/2024" may be day or month first and no date in the file has a day above 12; dates are read month first (M/D/YYYY)`},
	}, {
		// The same day twice is not ambiguous.
		name:  "same.csv",
		text:  legacyHead + row("04/04/2024", "10:00:00"),
		times: []string{"2024-04-04 10:00"},
	}, {
		// A Polish header with slash dates: day first, with a warning.
		name:  "pl.csv",
		text:  "Data,Godzina,Źródło,Typ,Kategoria,Zdarzenie,Użytkownik,Komputer,Opis\n" + row("03/04/2024", "10:00:00"),
		times: []string{"2024-04-03 10:00"},
		warns: []string{"dates are read day first (D/M/YYYY), as the Polish header or keys suggest"},
	}, {
		// Dotted dates are day first and need no warning.
		name:  "dots.csv",
		text:  legacyHead + row("03.04.2024", "10:00:00"),
		times: []string{"2024-04-03 10:00"},
	}, {
		// Vista CSV, date and time in one column; the block form.
		name: "vista.csv",
		text: "Level,Date and Time,Source,Event ID,Task Category\n" +
			"Error,02/01/2024 10:00:00,MSExchangeSetup,1002,None,Setup failed\n" +
			"Error,30/01/2024 10:00:00,MSExchangeSetup,1002,None,Setup failed\n",
		times: []string{"2024-01-02 10:00", "2024-01-30 10:00"},
	}, {
		name: "block.txt",
		text: "Event Type:\tError\nEvent Source:\tMSExchangeIS\nEvent Category:\tGeneral\nEvent ID:\t9518\nDate:\t\t02/01/2024\nTime:\t\t10:00:00\nDescription:\nfailed\n\n" +
			"Event Type:\tError\nEvent Source:\tMSExchangeIS\nEvent Category:\tGeneral\nEvent ID:\t9518\nDate:\t\t30/01/2024\nTime:\t\t10:00:00\nDescription:\nfailed\n",
		times: []string{"2024-01-02 10:00", "2024-01-30 10:00"},
	}, {
		// Dates in both orders: reported, the later one read as it must.
		name:  "mixed.csv",
		text:  legacyHead + row("25/04/2024", "10:00:00") + row("04/26/2024", "10:05:00") + row("03/04/2024", "10:06:00"),
		times: []string{"2024-04-25 10:00", "2024-04-26 10:05", "2024-04-03 10:06"},
		warns: []string{`mixed.csv:3: date "04/26/2024" can be read only month first (M/D/YYYY), but the date at line 2 only day first (D/M/YYYY)`},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, ws, err := parse(t, tc.name, []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if got := times(recs); strings.Join(got, ",") != strings.Join(tc.times, ",") {
				t.Errorf("times %v, want %v", got, tc.times)
			}
			got := orderWarnings(ws)
			if len(got) != len(tc.warns) {
				t.Fatalf("date order warnings %q, want %d like %q", got, len(tc.warns), tc.warns)
			}
			for i, w := range tc.warns {
				if !strings.Contains(got[i], w) {
					t.Errorf("warning %q, want it to hold %q", got[i], w)
				}
			}
			for _, r := range recs {
				if r.TimeQ != parsers.TimeNoZone {
					t.Errorf("line %d: time quality %q", r.Line, r.TimeQ)
				}
			}
		})
	}
}

// TestDateOrderPastLookAhead: when the date that tells the order comes
// after the look-ahead, the dates before it are read in the default order
// with a warning, the warning at the telling date names where the assumed
// reading began, and the dates after it are read right.
func TestDateOrderPastLookAhead(t *testing.T) {
	defer func(n int) { maxProbeLines = n }(maxProbeLines)
	maxProbeLines = 5
	var b strings.Builder
	b.WriteString("Date,Time,Source,Type,Category,Event,User,Computer,Description\n")
	for i := 0; i < 8; i++ {
		fmt.Fprintf(&b, "0%d/04/2024,10:00:00,S,Error,None,1,N/A,EX1,text\n", i%9+1)
	}
	b.WriteString("25/04/2024,10:00:00,S,Error,None,1,N/A,EX1,text\n")
	b.WriteString("03/04/2024,10:00:00,S,Error,None,1,N/A,EX1,text\n")
	recs, ws, err := parse(t, "big.csv", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	got := orderWarnings(ws)
	want := []string{
		`big.csv:2: date order is ambiguous: "01/04/2024" may be day or month first and no date in its first 5 lines has a day above 12; dates are read month first (M/D/YYYY), the order of English Windows`,
		`big.csv:10: date "25/04/2024" can be read only day first (D/M/YYYY), but the ambiguous dates from line 2 on were read month first (M/D/YYYY), the assumed order: those may be wrong; later dates are read day first (D/M/YYYY)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(recs) != 10 {
		t.Fatalf("%d records", len(recs))
	}
	first, last := recs[0].Time, recs[9].Time
	if !first.Equal(time.Date(2024, 1, 4, 10, 0, 0, 0, time.UTC)) || !last.Equal(time.Date(2024, 4, 3, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("first %v, last %v", first, last)
	}
}
