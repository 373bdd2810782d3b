package evexport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
)

// parse runs the parser over b and collects what it reports.
func parse(t testing.TB, name string, b []byte) ([]*parsers.Record, []parsers.Warning, error) {
	t.Helper()
	r := testkit.ParseBytes(Parser{}, name, b)
	return r.Recs, r.Warns, r.Err
}

// want is the expected content of one record.
type want struct {
	line     int
	time     string // "2006-01-02 15:04:05" (no zone), "" for no time
	level    parsers.Level
	provider string
	id       uint32
	host     string
	channel  string
	fields   map[string]string
	msg      string
}

func checkRecords(t *testing.T, path string, got []*parsers.Record, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, r := range got {
			t.Logf("got line %d %s %d %q", r.Line, r.Provider, r.EventID, r.Message)
		}
		t.Fatalf("%s: %d records, want %d", path, len(got), len(wants))
	}
	for i, w := range wants {
		r := got[i]
		if r.Path != path || r.Format != parsers.FormatEvExport || r.Offset != -1 {
			t.Errorf("record %d: path %q format %q offset %d", i, r.Path, r.Format, r.Offset)
		}
		if r.Line != w.line {
			t.Errorf("record %d: line %d, want %d", i, r.Line, w.line)
		}
		if w.time == "" {
			if !r.Time.IsZero() || r.TimeQ != parsers.TimeNone {
				t.Errorf("record %d: time %v %q, want none", i, r.Time, r.TimeQ)
			}
		} else {
			wt, err := time.Parse("2006-01-02 15:04:05", w.time)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Time.Equal(wt) || r.TimeQ != parsers.TimeNoZone {
				t.Errorf("record %d: time %v %q, want %v no-zone", i, r.Time, r.TimeQ, wt)
			}
		}
		if r.Level != w.level {
			t.Errorf("record %d: level %q, want %q", i, r.Level, w.level)
		}
		if r.Provider != w.provider || r.EventID != w.id || r.Host != w.host || r.Channel != w.channel {
			t.Errorf("record %d: provider/id/host/channel %q/%d/%q/%q, want %q/%d/%q/%q", i,
				r.Provider, r.EventID, r.Host, r.Channel, w.provider, w.id, w.host, w.channel)
		}
		if !reflect.DeepEqual(r.Fields, w.fields) {
			t.Errorf("record %d: fields %v, want %v", i, r.Fields, w.fields)
		}
		if r.Message != w.msg {
			t.Errorf("record %d: message\n%q\nwant\n%q", i, r.Message, w.msg)
		}
	}
}

func cu(category, user string) map[string]string {
	return map[string]string{"category": category, "user": user}
}

const kb316708 = "Mail-02vs System Attendent: An Error occured during the Exchange resource upgrade, please make sure the Admin Group and Routing Group was not changed after the creation of the Exchange resource. Refer to the upgrade documentation for details."

func TestParseTestdata(t *testing.T) {
	tests := []struct {
		file  string
		wants []want
	}{
		{"legacy-en.txt", []want{ // tab-delimited, Windows-1252, no header
			{1, "2001-07-31 05:33:28", parsers.LevelError, "MSExchangeCluster", 2146, "MAIL-01", "", cu("Services", "N/A"), kb316708},
			{2, "2001-07-31 17:40:02", parsers.LevelError, "Service Control Manager", 7000, "MAIL-01", "", cu("None", "N/A"),
				"The Microsoft Exchange Information Store service failed to start due to the following error:\nThe service did not start due to a logon failure."},
			{4, "2001-08-01 00:00:15", parsers.LevelInformation, "MSExchangeIS", 1001, "MAIL-01", "", cu("General", "N/A"),
				"Microsoft Exchange Information Store service started."},
			{5, "2001-08-01 12:05:00", parsers.LevelAuditFailure, "Security", 529, "MAIL-01", "", cu("Logon/Logoff", `CONTOSO\José`),
				"Logon Failure: Reason: Unknown user name or bad password"},
		}},
		{"legacy-pl-header.csv", []want{ // Polish header, Windows-1250, quoted multi-line field
			{2, "2005-03-14 14:02:11", parsers.LevelError, "MSExchangeSA", 9095, "SERWER-01", "", cu("Usługi", "Brak"),
				"Usługa MAD nie może zostać uruchomiona, ponieważ wystąpił błąd.\nKod błędu: 0x8007052e"},
			{4, "2005-03-14 14:02:15", parsers.LevelWarning, "MSExchangeCluster", 1025, "SERWER-01", "", cu("Usługi", "Brak"),
				"Serwer wirtualny wymaga uaktualnienia, uruchom Administratora klastrów."},
			{5, "2005-03-14 09:05:00", parsers.LevelInformation, "Userenv", 1704, "SERWER-01", "", cu("Brak", `NT AUTHORITY\SYSTEM`),
				`Zasady grupy "Domyślne" zostały zastosowane.`},
			{6, "2005-03-15 23:59:59", parsers.LevelAuditFailure, "Security", 529, "SERWER-01", "", cu("Logowanie/wylogowanie", `NT AUTHORITY\SYSTEM`),
				"Błąd logowania:\n\tPrzyczyna:\tNieznana nazwa użytkownika lub złe hasło"},
			{8, "2005-03-16 00:00:01", parsers.LevelAuditSuccess, "Security", 540, "SERWER-01", "", cu("Logowanie/wylogowanie", `CONTOSO\Łukasz`), ""},
		}},
		{"legacy-pl.txt", []want{ // Polish header, UTF-16LE with BOM, DD.MM.YYYY
			{2, "2005-03-14 14:02:11", parsers.LevelError, "MSExchangeIS", 9175, "SERWER-02", "", cu("Ogólne", "Brak"),
				"Wywołanie MAPI \"OpenMsgStore\" nie powiodło się.\nIdentyfikator błędu: 0x80004005"},
			{4, "2005-03-14 14:03:00", parsers.LevelInformation, "Service Control Manager", 7036, "SERWER-02", "", cu("Brak", "Brak"),
				"Usługa Magazyn informacji programu Microsoft Exchange weszła w stan: uruchomiona."},
		}},
		{"vista-en.csv", []want{ // Vista CSV, UTF-8 with BOM
			{2, "2010-03-15 22:20:30", parsers.LevelError, "MSExchangeSetup", 1002, "", "", map[string]string{"category": "Microsoft Exchange Setup"},
				"Exchange Server component Mailbox Role failed.\nError:\nError:\nThe following error was generated when \"$error.Clear(); ...\" was run: \"Access is denied.\"."},
			{8, "2010-03-15 10:21:00", parsers.LevelInformation, "MsiInstaller", 1033, "", "", map[string]string{"category": "None"},
				"Windows Installer installed the product. Product Name: Microsoft Exchange Server. Product Version: 14.3.123.4. Product Language: 1033. Manufacturer: Microsoft Corporation. Installation success or error status: 1603."},
			{9, "2010-03-16 01:02:03", parsers.LevelCritical, "Microsoft-Windows-Kernel-Power", 41, "", "", map[string]string{"category": "(63)"},
				"The system has rebooted without cleanly shutting down first."},
			{10, "2010-03-16 01:05:00", parsers.LevelWarning, "MSExchange ADAccess", 2601, "", "", map[string]string{"category": "General"},
				`Process STORE.EXE (PID=1234). When initializing a remote procedure call (RPC) to the Microsoft Exchange Active Directory Topology service on server "LocalHost", the following error occurred: "Access is denied"`},
		}},
		{"vista-pl.csv", []want{ // Polish Vista CSV, UTF-16LE without BOM
			{2, "2010-03-15 22:20:30", parsers.LevelError, "MSExchangeSetup", 1002, "", "", map[string]string{"category": "Microsoft Exchange Setup"},
				"Nie można ukończyć składnika roli Skrzynka pocztowa.\nOdmowa dostępu."},
			{4, "2010-03-15 22:21:00", parsers.LevelInformation, "MsiInstaller", 11707, "", "", map[string]string{"category": "Brak"},
				"Produkt: Microsoft Exchange Server -- Instalacja zakończona pomyślnie."},
			{5, "2010-03-16 01:02:03", parsers.LevelCritical, "Microsoft-Windows-Kernel-Power", 41, "", "", map[string]string{"category": "(63)"},
				"System został ponownie uruchomiony bez uprzedniego czystego zamknięcia."},
		}},
		{"block-en.txt", []want{ // clipboard blocks, tabs after the keys, hex data skipped
			{1, "2001-07-31 05:33:28", parsers.LevelError, "MSExchangeCluster", 2146, "MAIL-01", "", cu("Services", "N/A"),
				kb316708 + "\n\nFor more information, see Help and Support Center at http://go.microsoft.com/fwlink/events.asp."},
			{16, "2001-08-02 23:15:00", parsers.LevelWarning, "MSExchangeIS Mailbox Store", 1018, "MAIL-01", "", cu("General", "N/A"),
				"The database page read from the file \"E:\\Exchsrvr\\mdbdata\\priv1.edb\" at offset 12345 failed verification.\nUser: this line is part of the description.\n\nTime: so is this one."},
		}},
		{"block-pl.txt", []want{ // Polish blocks, Windows-1250, prose before, KB 328839 key order in the second
			{2, "2005-03-14 14:02:11", parsers.LevelError, "MSExchangeSA", 9095, "SERWER-01", "", cu("Usługi", "Brak"),
				"Usługa MAD nie może zostać uruchomiona.\nKod błędu: 0x8007052e\n\nAby uzyskać więcej informacji, zobacz Centrum pomocy i obsługi technicznej pod adresem http://go.microsoft.com/fwlink/events.asp."},
			{18, "2005-03-15 08:01:02", parsers.LevelWarning, "MSExchangeCluster", 1025, "SERWER-02", "", cu("Usługi", "Brak"),
				"Serwer wirtualny należy uaktualnić przed przełączeniem go do trybu online.\nDruga linia opisu."},
		}},
		{"block-vista.txt", []want{ // Vista blocks, UTF-16LE, Event Xml skipped
			{1, "2008-05-20 10:23:45", parsers.LevelError, "MSExchange ADAccess", 2114, "EX01.contoso.com", "Application",
				map[string]string{"category": "Topology", "user": "N/A", "keywords": "Classic"},
				"Process MSEXCHANGEADTOPOLOGYSERVICE.EXE (PID=1640). Topology discovery failed, error 0x80040a02 (DSC_E_NO_SUITABLE_CDC)."},
			{20, "2008-05-20 10:24:00", parsers.LevelError, "Service Control Manager", 7003, "EX01.contoso.com", "System",
				map[string]string{"category": "None", "user": "N/A", "keywords": "Classic"},
				"The Microsoft Exchange Information Store service depends the following service: NtLmSsp. This service might not be installed."},
			{31, "2008-05-20 23:00:00", parsers.LevelAuditFailure, "Microsoft-Windows-Security-Auditing", 4625, "EX01.contoso.com", "Security",
				map[string]string{"category": "Logon", "user": "N/A", "keywords": "Audit Failure"},
				"An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tSYSTEM\n\tAccount Name:\t\tEX01$"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", tc.file)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte("\r\n")) && !bytes.Contains(b, []byte("\r\x00\n\x00")) {
				t.Fatalf("%s: fixture should have CRLF line ends", path)
			}
			if s := (Parser{}).Sniff(b); s < parsers.SniffThreshold {
				t.Errorf("Sniff = %d, below the threshold", s)
			}
			if p := parsers.Detect(b); p == nil || p.Format() != parsers.FormatEvExport {
				t.Errorf("Detect does not choose evexport")
			}
			recs, warns, err := parse(t, path, b)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range warns {
				t.Errorf("unexpected warning %s", w)
			}
			checkRecords(t, path, recs, tc.wants)
		})
	}
}

// TestParseInline covers forms and damage on small inline inputs (UTF-8).
func TestParseInline(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		wants []want
		warns []string // substrings of the warnings, in order, "path:line: ..."
	}{
		{
			name:  "list view order without header",
			in:    "Error\t7/31/2001\t5:33:28 AM\tMSExchangeSA\tNone\t9095\tN/A\tHOST\tText\n",
			wants: []want{{1, "2001-07-31 05:33:28", parsers.LevelError, "MSExchangeSA", 9095, "HOST", "", cu("None", "N/A"), "Text"}},
		},
		{
			name:  "headerless legacy csv with quoted multi-line description and DD/MM date",
			in:    "31/07/2001,17:00:00,Src,Warning,None,1,N/A,H,\"a,\nb\"\"c\"\"\"\r\n",
			wants: []want{{1, "2001-07-31 17:00:00", parsers.LevelWarning, "Src", 1, "H", "", cu("None", "N/A"), "a,\nb\"c\""}},
		},
		{
			name:  "headerless vista csv",
			in:    "Information,20.05.2008 10:23:45,MSExchangeIS,9646,General,\"x\"\n",
			wants: []want{{1, "2008-05-20 10:23:45", parsers.LevelInformation, "MSExchangeIS", 9646, "", "", map[string]string{"category": "General"}, "x"}},
		},
		{
			name:  "header with columns in another order and a log name column",
			in:    "Log Name;Event ID;Source;Date and Time;Level\nSystem;7036;SCM;2010-03-15 08:00:00;Informacje\n",
			wants: []want{{2, "2010-03-15 08:00:00", parsers.LevelInformation, "SCM", 7036, "", "System", nil, ""}},
		},
		{
			name: "unterminated quote costs only its record",
			in:   "Date,Time,Source,Type,Category,Event,User,Computer,Description\n7/31/2001,5:33:28 AM,A,Error,None,1,N/A,X,\"open\nmore\n7/31/2001,5:33:29 AM,B,Error,None,2,N/A,X,ok\n",
			wants: []want{
				{2, "2001-07-31 05:33:28", parsers.LevelError, "A", 1, "X", "", cu("None", "N/A"), "open\nmore"},
				{4, "2001-07-31 05:33:29", parsers.LevelError, "B", 2, "X", "", cu("None", "N/A"), "ok"},
			},
			warns: []string{"in:2: quoted field is never closed"},
		},
		{
			name:  "text before the first record and a bad event ID",
			in:    "Exported by a script\nsecond line\n7/31/2001\t5:33:28 AM\tA\tError\tNone\tx12\tN/A\tX\tmsg\n",
			wants: []want{{3, "2001-07-31 05:33:28", parsers.LevelError, "A", 0, "X", "", cu("None", "N/A"), "msg"}},
			warns: []string{"in:1: lines 1-2 are not event records", `in:3: event ID "x12" is not a number`},
		},
		{
			name:  "short row and unknown type",
			in:    "Date,Time,Source,Type,Category,Event,User,Computer,Description\n7/31/2001,5:33:28 AM,A,Odd,None,1\n",
			wants: []want{{2, "2001-07-31 05:33:28", "", "A", 1, "", "", map[string]string{"category": "None", "type": "Odd"}, ""}},
			warns: []string{"in:2: record has 6 fields, expected 9"},
		},
		{
			name:  "text between header and first record",
			in:    "Date\tTime\tSource\tType\tCategory\tEvent\tUser\tComputer\tDescription\nstray\nmore stray\n7/31/2001\t5:33:28 AM\tA\tError\tNone\t1\tN/A\tX\tm\n",
			wants: []want{{4, "2001-07-31 05:33:28", parsers.LevelError, "A", 1, "X", "", cu("None", "N/A"), "m"}},
			warns: []string{"in:2: text outside any record"},
		},
		{
			name: "KB-style block with the description on the key line ends at a blank line",
			in: "Some article text.\nEvent Type: Error\nEvent Source: MSExchangeCluster\nEvent ID: 1025\nDate: 7/31/2001\nTime: 5:33:28 PM\n" +
				"User: N/A\nComputer: MAIL-01\nDescription: First line.\nSecond line.\n\nMore article text.\n",
			wants: []want{{2, "2001-07-31 17:33:28", parsers.LevelError, "MSExchangeCluster", 1025, "MAIL-01", "", map[string]string{"user": "N/A"}, "First line.\nSecond line."}},
		},
		{
			name:  "block with placeholder date and no time",
			in:    "Źródło zdarzenia: X\nIdentyfikator zdarzenia: 5\nData: data\nTyp: Krytyczny\nOpis: d\n",
			wants: []want{{1, "", parsers.LevelCritical, "X", 5, "", "", nil, "d"}},
			warns: []string{`in:1: unreadable date "data"`},
		},
		{
			name: "Polish Vista block",
			in: "Nazwa dziennika: Aplikacja\nŹródło: MSExchangeIS\nData: 2008-05-20 10:23:45\nIdentyfikator zdarzenia: 9646\nKategoria zadania: Ogólne\n" +
				"Poziom: Ostrzeżenie\nSłowa kluczowe: Klasyczne\nUżytkownik: Nie dotyczy\nKomputer: EX01\nOpis:\nTekst.\n",
			wants: []want{{1, "2008-05-20 10:23:45", parsers.LevelWarning, "MSExchangeIS", 9646, "EX01", "Aplikacja",
				map[string]string{"category": "Ogólne", "user": "Nie dotyczy", "keywords": "Klasyczne"}, "Tekst."}},
		},
		{
			name: "wevtutil text form",
			in: "Event[0]:\n  Log Name: System\n  Source: Service Control Manager\n  Date: 2010-03-15T10:20:30.000Z\n  Event ID: 7031\n  Task: N/A\n  Level: Error\n" +
				"  Opcode: Info\n  Keyword: Classic\n  User: N/A\n  User Name: N/A\n  Computer: EX01\n  Description: \nThe service terminated.\n\nEvent[1]:\n  Log Name: System\n  Source: X\n  Event ID: 1\n",
			wants: []want{
				{1, "", parsers.LevelError, "Service Control Manager", 7031, "EX01", "System",
					map[string]string{"category": "N/A", "user": "N/A", "user_name": "N/A", "keywords": "Classic", "opcode": "Info"}, "The service terminated."},
				{16, "", "", "X", 1, "", "System", nil, ""},
			},
		},
		{
			name:  "prose key lines without source or ID make no record",
			in:    "Date: tomorrow\nUser: someone\nsaid the article.\nEvent Source: S\nEvent ID: 2\nDescription:\nd\n",
			wants: []want{{4, "", "", "S", 2, "", "", nil, "d"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			recs, warns, err := parse(t, "in", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			checkWarnings(t, warns, tc.warns)
			if tc.name == "wevtutil text form" {
				// The zone of an ISO stamp makes it exact.
				if len(recs) > 0 {
					want := time.Date(2010, 3, 15, 10, 20, 30, 0, time.UTC)
					if !recs[0].Time.Equal(want) || recs[0].TimeQ != parsers.TimeExact {
						t.Errorf("time %v %q, want %v exact", recs[0].Time, recs[0].TimeQ, want)
					}
					recs[0].Time, recs[0].TimeQ = time.Time{}, parsers.TimeNone
				}
			}
			checkRecords(t, "in", recs, tc.wants)
		})
	}
}

func checkWarnings(t *testing.T, got []parsers.Warning, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d warnings %v, want %d %q", len(got), got, len(want), want)
		return
	}
	for i, w := range got {
		if !strings.Contains(w.String(), want[i]) {
			t.Errorf("warning %d = %q, want it to contain %q", i, w.String(), want[i])
		}
	}
}

func TestLongDescriptionIsCut(t *testing.T) {
	var b strings.Builder
	b.WriteString("Event Source: S\nEvent ID: 1\nDescription:\n")
	line := strings.Repeat("x", 1023) + "\n"
	for b.Len() < maxRecordBytes+4096 {
		b.WriteString(line)
	}
	b.WriteString("Event Source: T\nEvent ID: 2\n")
	recs, warns, err := parse(t, "big", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || recs[1].Provider != "T" {
		t.Fatalf("got %d records, want 2 ending with T", len(recs))
	}
	if n := len(recs[0].Message); n > maxRecordBytes || n < maxRecordBytes-2048 {
		t.Errorf("description length %d, want just under %d", n, maxRecordBytes)
	}
	checkWarnings(t, warns, []string{"description of the event at line 1 is longer than"})
}

func TestNotAnExport(t *testing.T) {
	for _, in := range []string{
		"",
		"just some prose\nwithout any events\n",
		"MSI (s) (54:94) [11:57:26:758]: User policy value 'DisableRollback' is 0\n",
	} {
		recs, _, err := parse(t, "x.txt", []byte(in))
		if err == nil || !strings.Contains(err.Error(), "x.txt: evexport: not an Event Viewer export") {
			t.Errorf("%q: err = %v, want not an Event Viewer export", in, err)
		}
		if len(recs) != 0 {
			t.Errorf("%q: %d records", in, len(recs))
		}
	}
	err := Parser{}.Parse(context.Background(), parsers.Input{Path: "nil"}, parsers.Sink{})
	if err == nil {
		t.Error("nil reader: no error")
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		atLeast int
		below   int
	}{
		{"english header", "Date\tTime\tSource\tType\tCategory\tEvent\tUser\tComputer\tDescription\n", 90, 101},
		{"polish vista header", "Poziom,Data i godzina,Źródło,Identyfikator zdarzenia,Kategoria zadania\n", 90, 101},
		{"block", "Event Type: Error\nEvent Source: S\nEvent ID: 1\nDate: 7/31/2001\n", 80, 101},
		{"three records", strings.Repeat("7/31/2001,5:33:28 AM,A,Error,None,1,N/A,X,d\n", 3), 80, 101},
		{"one record", "7/31/2001,5:33:28 AM,A,Error,None,1,N/A,X,d\n", 50, 60},
		{"msi log", "=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: x ===\n", 0, 1},
		{"exchange setup log", "[03/15/2010 10:20:30.0123] [0] Starting Microsoft Exchange Server 2010 Setup\n", 0, 1},
		{"prose with a date", "On 7/31/2001, at 5:33:28 AM, something happened.\n", 0, 1},
		{"only a source line", "Source: the internet\n", 0, parsers.SniffThreshold},
		{"binary", "\x00\x01\x02\x03LfLe\x00", 0, 1},
	}
	for _, tc := range tests {
		s := Parser{}.Sniff([]byte(tc.in))
		if s < tc.atLeast || s >= tc.below {
			t.Errorf("%s: Sniff = %d, want in [%d,%d)", tc.name, s, tc.atLeast, tc.below)
		}
	}
}

func TestStopAndCancel(t *testing.T) {
	b, err := os.ReadFile("testdata/legacy-en.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = Parser{}.Parse(context.Background(), parsers.Input{Path: "p", R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
		Record: func(*parsers.Record) bool { n++; return false },
	})
	if err != nil || n != 1 {
		t.Errorf("stop after the first record: err %v, %d records", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = Parser{}.Parse(ctx, parsers.Input{Path: "p", R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func TestRegistered(t *testing.T) {
	if p := parsers.Lookup(parsers.FormatEvExport); p == nil {
		t.Fatal("evexport is not registered")
	}
}

func TestLevels(t *testing.T) {
	tests := map[string]parsers.Level{
		"Error": parsers.LevelError, "Błąd": parsers.LevelError,
		"Warning": parsers.LevelWarning, "Ostrzeżenie": parsers.LevelWarning,
		"Information": parsers.LevelInformation, "Informacje": parsers.LevelInformation,
		"Success Audit": parsers.LevelAuditSuccess, "Inspekcja sukcesów": parsers.LevelAuditSuccess,
		"Failure Audit": parsers.LevelAuditFailure, "Inspekcja niepowodzeń": parsers.LevelAuditFailure,
		"Audit Failure": parsers.LevelAuditFailure,
		"Critical":      parsers.LevelCritical, "Krytyczny": parsers.LevelCritical,
		"Verbose": parsers.LevelVerbose, "Pełny": parsers.LevelVerbose,
		" ERROR ": parsers.LevelError,
	}
	for in, want := range tests {
		if got, ok := parseLevel(in); !ok || got != want {
			t.Errorf("parseLevel(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if _, ok := parseLevel("Odd"); ok {
		t.Error("parseLevel(Odd) ok")
	}
}

// TestKB328839 reads the event that KB 328839 prints in Polish, in the
// article text itself.
func TestKB328839(t *testing.T) {
	path := sharedPath(t, "kb/kb328839-pl.txt")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, warns, err := parse(t, "kb328839-pl.txt", b)
	if err != nil {
		t.Fatal(err)
	}
	var found *parsers.Record
	for _, r := range recs {
		if r.Provider == "MSExchangeCluster" && r.EventID == 1025 {
			found = r
		}
	}
	if found == nil {
		t.Fatalf("no MSExchangeCluster 1025 among %d records", len(recs))
	}
	w := want{106, "", parsers.LevelError, "MSExchangeCluster", 1025, "nazwa_komputera", "", cu("Usługi", "Brak"), ""}
	msg := found.Message
	found.Message = ""
	checkRecords(t, "kb328839-pl.txt", []*parsers.Record{found}, []want{w})
	if !strings.HasPrefix(msg, "Przed przełączeniem serwera wirtualnego Exchange do trybu online należy go uaktualnić.") ||
		strings.Count(msg, "\n") != 1 {
		t.Errorf("message %q", msg)
	}
	found106 := false
	for _, w := range warns {
		if w.Line == 106 && strings.Contains(w.Msg, `unreadable date "data"`) {
			found106 = true
		}
	}
	if !found106 {
		t.Errorf("no warning about the placeholder date; got %v", warns)
	}
}

// sharedPath finds a file under ../shared beside the repository root (the
// directory holding go.mod).
func sharedPath(t *testing.T, rel string) string {
	t.Helper()
	return testkit.Shared(t, filepath.FromSlash(rel))
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if filepath.Ext(p) == ".py" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("Date,Time,Source\n\"\n"))
	f.Add([]byte("Event Type: Error\nEvent ID: 1\nDescription:\nData:\n0000: 00\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parser{}.Sniff(b)
		last := 0
		_ = Parser{}.Parse(context.Background(), parsers.Input{Path: "f", R: bytes.NewReader(b), Size: int64(len(b))}, parsers.Sink{
			Record: func(r *parsers.Record) bool {
				if r.Line <= last || r.Format != parsers.FormatEvExport || r.Path != "f" {
					t.Fatalf("record line %d after %d, format %q path %q", r.Line, last, r.Format, r.Path)
				}
				last = r.Line
				return true
			},
			Warn: func(w parsers.Warning) {
				if w.Path != "f" || w.Line <= 0 {
					t.Fatalf("warning without place: %+v", w)
				}
			},
		})
	})
}

func BenchmarkParse(b *testing.B) {
	var buf bytes.Buffer
	buf.WriteString("Date,Time,Source,Type,Category,Event,User,Computer,Description\r\n")
	for i := 0; i < 20000; i++ {
		fmt.Fprintf(&buf, "7/31/2001,5:%02d:%02d AM,MSExchangeIS,Error,General,%d,N/A,MAIL-01,\"The store could not start.\r\nError 0x%x.\"\r\n", i/60%60, i%60, 9000+i%100, i)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := Parser{}.Parse(context.Background(), parsers.Input{Path: "b", R: bytes.NewReader(data), Size: int64(len(data))}, parsers.Sink{
			Record: func(*parsers.Record) bool { n++; return true },
		})
		if err != nil || n != 20000 {
			b.Fatalf("err %v, %d records", err, n)
		}
	}
}

// TestLatePolishInWindows1250 reads a Windows 2003 tab export from a Polish
// system whose first kilobytes are ASCII-only records: the Polish type,
// category and description further down must still read as Polish.
func TestLatePolishInWindows1250(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i < 60; i++ {
		fmt.Fprintf(&b, "2006-03-14\t10:%02d:00\tService Control Manager\tInformation\tNone\t7036\tN/A\tMAIL-01\tThe Microsoft Exchange service entered the running state.\r\n", i)
	}
	b.Write(cp1250(t, "2006-03-14\t11:00:00\tMSExchangeCluster\tBłąd\tUsługi\t1025\tNie dotyczy\tMAIL-01\tSerwer wirtualny wymaga uaktualnienia. Odmowa dostępu.\r\n"))
	recs, warns, err := parse(t, "AppEvent.txt", b.Bytes())
	if err != nil || len(warns) > 0 {
		t.Fatalf("err %v, warnings %v", err, warns)
	}
	if len(recs) != 61 {
		t.Fatalf("%d records, want 61", len(recs))
	}
	r := recs[60]
	if r.Level != parsers.LevelError || r.Fields["category"] != "Usługi" || r.Message != "Serwer wirtualny wymaga uaktualnienia. Odmowa dostępu." {
		t.Errorf("last record: level %q, category %q, message %q", r.Level, r.Fields["category"], r.Message)
	}
}

func cp1250(t *testing.T, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1250.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
