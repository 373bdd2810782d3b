package exserver

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/extriage/extriage/parsers"
)

func parseFile(t *testing.T, path string) ([]*parsers.Record, []parsers.Warning, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in := parsers.Input{Path: path, R: strings.NewReader(string(data)), Size: int64(len(data))}
	if s := (Parser{}).Sniff(data); s < parsers.SniffThreshold {
		t.Fatalf("Sniff(%s) = %d", path, s)
	}
	var recs []*parsers.Record
	var warns []parsers.Warning
	err = Parser{}.Parse(context.Background(), in, parsers.Sink{
		Record: func(r *parsers.Record) bool { recs = append(recs, r); return true },
		Warn:   func(w parsers.Warning) { warns = append(warns, w) },
	})
	return recs, warns, err
}

func TestFormatList(t *testing.T) {
	recs, warns, err := parseFile(t, "testdata/servers-list.txt")
	if err != nil || len(warns) != 0 {
		t.Fatalf("err %v warnings %v", err, warns)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	r := recs[0]
	if r.Host != "EXFE01" || r.Line != 2 || r.Fields["isfrontendserver"] != "True" || r.Fields["admindisplayversion"] != "Version 6.5 (Build 7638.2: Service Pack 2)" {
		t.Errorf("first = %+v", r)
	}
	if dn := recs[2].Fields["distinguishedname"]; !strings.HasSuffix(dn, "CN=Microsoft Exchange,CN=Services,CN=Configuration,DC=contoso,DC=local") {
		t.Errorf("wrapped value not joined: %q", dn)
	}
}

func TestCSV(t *testing.T) {
	recs, warns, err := parseFile(t, "testdata/servers.csv")
	if err != nil || len(warns) != 0 {
		t.Fatalf("err %v warnings %v", err, warns)
	}
	if len(recs) != 2 || recs[1].Host != "EXBE01" || recs[1].Fields["isfrontendserver"] != "False" || recs[1].Line != 4 {
		t.Fatalf("records = %+v", recs)
	}
}

func TestSniffRejectsOtherLogs(t *testing.T) {
	for _, s := range []string{
		"[03/13/2021 05:01:29.0411] [0] Starting Microsoft Exchange Server 2013 Setup\n",
		"Name : something\nColour : blue\n",
		"1.203: FileInUse:: Added to Filelist: c:\\x.exe\n",
	} {
		if got := (Parser{}).Sniff([]byte(s)); got >= parsers.SniffThreshold {
			t.Errorf("Sniff(%q) = %d", s, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/servers-list.txt", "testdata/servers.csv"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in := parsers.Input{Path: "f", R: strings.NewReader(string(b)), Size: int64(len(b))}
		_ = Parser{}.Parse(context.Background(), in, parsers.Sink{Record: func(*parsers.Record) bool { return true }, Warn: func(parsers.Warning) {}})
	})
}

// TestSemicolonCSV reads Export-Csv -UseCulture output from a Polish
// system: a #TYPE line, then semicolon-separated fields.
func TestSemicolonCSV(t *testing.T) {
	data := "#TYPE Microsoft.Exchange.Data.Directory.Management.ExchangeServer\r\n" +
		"\"Name\";\"AdminDisplayVersion\";\"IsFrontEndServer\";\"ServerRole\"\r\n" +
		"\"EXFE01\";\"Version 6.5 (Build 7638.2: Service Pack 2)\";\"True\";\"None\"\r\n" +
		"\"EXBE01\";\"Version 6.5 (Build 6944.4)\";\"False\";\"None\"\r\n"
	for _, head := range []string{data, data[strings.Index(data, "\n")+1:]} {
		if s := (Parser{}).Sniff([]byte(head)); s < parsers.SniffThreshold {
			t.Fatalf("Sniff = %d: not recognised", s)
		}
		var recs []*parsers.Record
		err := Parser{}.Parse(context.Background(), parsers.Input{Path: "servers.csv", R: strings.NewReader(head), Size: int64(len(head))}, parsers.Sink{
			Record: func(r *parsers.Record) bool { recs = append(recs, r); return true },
			Warn:   func(w parsers.Warning) { t.Errorf("warning %v", w) },
		})
		if err != nil || len(recs) != 2 {
			t.Fatalf("err %v, %d records", err, len(recs))
		}
		if r := recs[0]; r.Host != "EXFE01" || r.Fields["admindisplayversion"] != "Version 6.5 (Build 7638.2: Service Pack 2)" || r.Fields["isfrontendserver"] != "True" {
			t.Errorf("first = %+v", r)
		}
	}
}
