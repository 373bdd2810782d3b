package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/extriage/extriage/fixtures/evtwriter"
)

// TestEventID1025InEveryEventFormat: MSExchangeCluster 1025 is found
// whether the customer sent the Windows 2003 .evt file, a wrapped one, or a
// Polish Event Viewer export in Windows-1250; and MsiInstaller 1025 (files
// in use, a different event) is not taken for it.
func TestEventID1025InEveryEventFormat(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2006, 3, 14, 21, 41, 7, 0, time.UTC)
	var events []evtwriter.Event
	for i := 0; i < 300; i++ {
		events = append(events, evtwriter.Event{Source: "MSExchangeIS", Computer: "EXNODE3", EventID: 0x400003E8,
			Type: evtwriter.TypeInformation, Generated: at.Add(time.Duration(i-300) * time.Minute), Strings: []string{"ordinary"}})
	}
	events = append(events,
		evtwriter.Event{Source: "MsiInstaller", Computer: "EXNODE3", EventID: 1025, Type: evtwriter.TypeWarning,
			Generated: at.Add(-time.Minute), Strings: []string{"Exchange", `C:\x.dll`, "store.exe", "1234"}},
		evtwriter.Event{Source: "MSExchangeCluster", Computer: "EXNODE3", EventID: 0xC0000401, Type: evtwriter.TypeError,
			Category: 1, Generated: at, Strings: []string{"EXVS1"}})
	for _, h := range []string{"EXNODE3", "EXNODE4", "EXNODE5"} {
		os.MkdirAll(filepath.Join(dir, h), 0o755)
	}
	if _, err := evtwriter.WriteFile(filepath.Join(dir, "EXNODE3", "AppEvent.Evt"), events, evtwriter.Options{}); err != nil {
		t.Fatal(err)
	}
	// The same log from another node, in a ring buffer small enough to wrap.
	node4 := append([]evtwriter.Event(nil), events...)
	for i := range node4 {
		node4[i].Computer = "EXNODE4"
	}
	if _, err := evtwriter.WriteFile(filepath.Join(dir, "EXNODE4", "AppEvent.Evt"), node4, evtwriter.Options{MaxSize: 16 << 10}); err != nil {
		t.Fatal(err)
	}
	// The block KB 328839 prints, as a Polish server's Event Viewer copies it.
	block := "Źródło zdarzenia: MSExchangeCluster\r\nKategoria zdarzenia: Usługi\r\nIdentyfikator zdarzenia: 1025\r\n" +
		"Data: 2006-03-14\r\nGodzina: 22:41:07\r\nTyp: Błąd\r\nUżytkownik: Brak\r\nKomputer: EXNODE5\r\n" +
		"Opis: Przed przełączeniem serwera wirtualnego Exchange do trybu online należy go uaktualnić.\r\n"
	enc, err := charmap.Windows1250.NewEncoder().String(block)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "EXNODE5", "zdarzenie.txt"), []byte(enc), 0o644); err != nil {
		t.Fatal(err)
	}

	r, errs, code := scanJSON(t, "--lang", "pl", dir)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	hosts := map[string]string{}
	for _, f := range r.Findings {
		if f.Rule != "evs-upgrade-required" {
			continue
		}
		hosts[f.Host] = f.Evidence[0].Path
		if len(f.Evidence) != 1 {
			t.Errorf("%s: %d evidence items, want only the MSExchangeCluster event", f.Host, len(f.Evidence))
		}
		if !strings.Contains(f.Remedy, "Uaktualnij serwer wirtualny Exchange") {
			t.Errorf("remedy not in Polish: %q", f.Remedy)
		}
	}
	for host, file := range map[string]string{"EXNODE3": "AppEvent.Evt", "EXNODE4": "AppEvent.Evt", "EXNODE5": "zdarzenie.txt"} {
		if !strings.HasSuffix(filepath.ToSlash(hosts[host]), host+"/"+file) {
			t.Errorf("%s: evidence %q, want %s", host, hosts[host], file)
		}
	}
	for _, in := range r.Inputs {
		if len(in.Warnings) > 0 {
			t.Errorf("%s: warnings %v", in.Path, in.Warnings)
		}
	}
}

// TestSlashDateOrderPerFile: an export's day/month order is taken from the
// file's own dates. The MSExchangeCluster 1025 event on 03/04/2006 is 3
// April in an en-GB export whose later line shows 14/04/2006, and also in
// an en-US export that writes it 04/03/2006; in an export where no date
// tells, it is read month first and the input carries a warning saying so.
func TestSlashDateOrderPerFile(t *testing.T) {
	dir := t.TempDir()
	export := func(host, cluster string, others ...string) string {
		s := "Date,Time,Source,Type,Category,Event,User,Computer,Description\r\n" +
			cluster + ",21:41:07,MSExchangeCluster,Error,Services,1025,N/A," + host +
			",The Exchange Virtual Server must be upgraded before being brought online.\r\n"
		for _, d := range others {
			s += d + ",08:00:00,MSExchangeIS,Information,General,1000,N/A," + host + ",ordinary\r\n"
		}
		return s
	}
	files := map[string]string{
		"gb.csv":  export("EXNODE3", "03/04/2006", "05/04/2006", "14/04/2006"),
		"us.csv":  export("EXNODE4", "04/03/2006", "04/05/2006", "04/14/2006"),
		"amb.csv": export("EXNODE5", "03/04/2006", "05/04/2006"),
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	r, errs, code := scanJSON(t, "--lang", "en", dir)
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	times := map[string]string{}
	for _, f := range r.Findings {
		if f.Rule == "evs-upgrade-required" && len(f.Evidence) > 0 {
			times[f.Host] = f.Evidence[0].Time
		}
	}
	for host, want := range map[string]string{"EXNODE3": "2006-04-03T21:41:07Z", "EXNODE4": "2006-04-03T21:41:07Z", "EXNODE5": "2006-03-04T21:41:07Z"} {
		if times[host] != want {
			t.Errorf("%s: evidence time %q, want %q", host, times[host], want)
		}
	}
	for _, in := range r.Inputs {
		w := strings.Join(in.Warnings, "\n")
		if strings.HasSuffix(in.Path, "amb.csv") {
			if !strings.Contains(w, `line 2: date order is ambiguous: "03/04/2006"`) || !strings.Contains(w, "read month first") {
				t.Errorf("%s: warnings %q, want the assumed date order", in.Path, in.Warnings)
			}
		} else if w != "" {
			t.Errorf("%s: warnings %q", in.Path, in.Warnings)
		}
	}

	out, errs, code := extriage(t, "events", "--format", "jsonl", "--id", "1025", filepath.Join(dir, "gb.csv"))
	if code != 0 || errs != "" || !strings.Contains(out, `"time":"2006-04-03T21:41:07Z"`) {
		t.Errorf("events gb.csv: exit %d, stderr %q, out %s", code, errs, out)
	}
	out, errs, code = extriage(t, "events", "--format", "jsonl", "--id", "1025", filepath.Join(dir, "amb.csv"))
	if code != 0 || !strings.Contains(out, `"time":"2006-03-04T21:41:07Z"`) ||
		!strings.Contains(errs, "amb.csv") || !strings.Contains(errs, "date order is ambiguous") {
		t.Errorf("events amb.csv: exit %d, stderr %q, out %s", code, errs, out)
	}
}
