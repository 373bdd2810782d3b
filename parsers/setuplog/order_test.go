package setuplog

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/parsers"
)

// TestDateOrder2007: Exchange 2007 stamps carry the server's short date;
// the file's own dates decide whether it is day or month first, even when
// the telling stamp comes after ambiguous ones.
func TestDateOrder2007(t *testing.T) {
	log := func(dates ...string) string {
		var b strings.Builder
		for i, d := range dates {
			msg := "Setup version: 8.0.685.24."
			if i == 0 {
				msg = "Starting Microsoft Exchange 2007 Setup"
			}
			fmt.Fprintf(&b, "[%s 4:46:12 PM] [0] %s\n", d, msg)
		}
		return b.String()
	}
	tests := []struct {
		name  string
		text  string
		dates []string // the records' dates, 2006-01-02
		warns []string
	}{{
		name:  "gb.log",
		text:  log("3/8/2007", "4/8/2007", "13/8/2007"),
		dates: []string{"2007-08-03", "2007-08-04", "2007-08-13"},
	}, {
		name:  "us.log",
		text:  log("8/3/2007", "8/4/2007", "8/13/2007"),
		dates: []string{"2007-08-03", "2007-08-04", "2007-08-13"},
	}, {
		name:  "dash.log",
		text:  log("08-03-2007", "08-13-2007"),
		dates: []string{"2007-08-03", "2007-08-13"},
	}, {
		name:  "only.log",
		text:  log("3/8/2007", "4/8/2007"),
		dates: []string{"2007-03-08", "2007-04-08"},
		warns: []string{`only.log:1: date order is ambiguous: "3/8/2007" may be day or month first and no date in the file has a day above 12; dates are read month first (M/D/YYYY), as the 2007 setup logs of English Windows write them`},
	}, {
		// Dotted culture dates are day first; no warning.
		name:  "dots.log",
		text:  log("03.08.2007", "04.08.2007"),
		dates: []string{"2007-08-03", "2007-08-04"},
	}, {
		// 2010 and later: the fixed MM/dd/yyyy pattern; no warning.
		name:  "2013.log",
		text:  "[03/04/2021 05:01:29.0411] [0] Starting Microsoft Exchange Server 2013 Setup\n[03/04/2021 05:01:29.0427] [0] Setup version: 15.0.1497.2.\n",
		dates: []string{"2021-03-04", "2021-03-04"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := parseBytes(t, tc.name, []byte(tc.text), time.Time{})
			if res.err != nil {
				t.Fatal(res.err)
			}
			var dates, warns []string
			for _, r := range res.recs {
				dates = append(dates, r.Time.Format("2006-01-02"))
			}
			for _, w := range res.warns {
				warns = append(warns, w.String())
			}
			if strings.Join(dates, ",") != strings.Join(tc.dates, ",") {
				t.Errorf("dates %v, want %v", dates, tc.dates)
			}
			if strings.Join(warns, "\n") != strings.Join(tc.warns, "\n") {
				t.Errorf("warnings %q, want %q", warns, tc.warns)
			}
		})
	}
}

// TestDateOrderPastLookAhead: a telling stamp after the look-ahead
// switches the order for the stamps after it, and says that those before
// it were read in the assumed order.
func TestDateOrderPastLookAhead(t *testing.T) {
	defer func(n int) { maxOrderLines = n }(maxOrderLines)
	maxOrderLines = 3
	var b strings.Builder
	b.WriteString("[3/8/2007 4:46:12 PM] [0] Starting Microsoft Exchange 2007 Setup\n")
	for i := 0; i < 4; i++ {
		b.WriteString("[4/8/2007 4:46:13 PM] [0] step\n")
	}
	b.WriteString("[13/8/2007 4:46:14 PM] [0] step\n[5/8/2007 4:46:15 PM] [0] step\n")
	res := parseBytes(t, "big.log", []byte(b.String()), time.Time{})
	var warns []string
	for _, w := range res.warns {
		warns = append(warns, w.String())
	}
	want := []string{
		`big.log:1: date order is ambiguous: "3/8/2007" may be day or month first and no date in its first 3 lines has a day above 12; dates are read month first (M/D/YYYY), as the 2007 setup logs of English Windows write them`,
		`big.log:6: date "13/8/2007" can be read only day first (D/M/YYYY), but the ambiguous dates from line 1 on were read month first (M/D/YYYY), the assumed order: those may be wrong; later dates are read day first (D/M/YYYY)`,
	}
	if strings.Join(warns, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(warns, "\n"), strings.Join(want, "\n"))
	}
	if n := len(res.recs); n != 7 {
		t.Fatalf("%d records", n)
	}
	if got := res.recs[6].Time.Format("2006-01-02"); got != "2007-08-05" {
		t.Errorf("last record on %s, want 2007-08-05", got)
	}
	if got := res.recs[0].Time.Format("2006-01-02"); got != "2007-03-08" {
		t.Errorf("first record on %s, want 2007-03-08 (assumed month first)", got)
	}
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// A log of Exchange 2010 or later (fixed MM/dd/yyyy stamps with a
// fraction of a second) tells nothing of the culture's date order, so the
// look-ahead gives up after its first fixedStampLines stamps instead of
// reading the whole file a second time; a 2007 log is still read ahead.
func TestLookAheadStopsOnFixedStamps(t *testing.T) {
	var b strings.Builder
	b.WriteString("[03/13/2021 05:01:29.6390] [0] Starting Microsoft Exchange Server 2013 Setup\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "[03/13/2021 05:%02d:%02d.%04d] [1] step %d of the setup run\n", i/60%60, i%60, i%10000, i)
	}
	data := []byte(b.String())
	c := &countingReaderAt{r: bytes.NewReader(data)}
	res := parseInput(t, parsers.Input{Path: "ExchangeSetup.log", R: c, Size: int64(len(data))})
	if res.err != nil || len(res.warns) != 0 {
		t.Fatalf("err %v, warnings %v", res.err, res.warns)
	}
	if got := res.recs[0].Time.Format("2006-01-02"); got != "2021-03-13" {
		t.Errorf("first record on %s", got)
	}
	if c.n > int64(len(data))*5/4 {
		t.Errorf("read %d bytes of a %d-byte 2013 log: the look-ahead read it twice", c.n, len(data))
	}

	// The same stamps in 2007 form: no day above 12 anywhere, so the
	// look-ahead reads to the end before it assumes month first.
	var b7 strings.Builder
	for i := 0; b7.Len() < 1<<18; i++ {
		fmt.Fprintf(&b7, "[3/8/2007 4:%02d:%02d PM] [1] step %d\n", i/60%60, i%60, i)
	}
	data = []byte(b7.String())
	c = &countingReaderAt{r: bytes.NewReader(data)}
	res = parseInput(t, parsers.Input{Path: "ExchangeSetup.log", R: c, Size: int64(len(data))})
	if c.n < int64(len(data))*2 || len(res.warns) != 1 {
		t.Errorf("2007 log: read %d of %d bytes, warnings %v: want it read ahead whole, and one warning", c.n, len(data), res.warns)
	}
}
