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
