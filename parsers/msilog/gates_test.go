package msilog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/extriage/extriage/parsers/textio"
)

// gateSamples are lines each expression matches (and a few near misses),
// so that every gate is checked against a real match.
var gateSamples = []string{
	"Doing action: InstallFiles",
	"MSI (c) (29:28) : Resetting cached policy values",
	"MSI (c) (29:28)  : two spaces",
	"MSI (c) (29:28) [10:23:45:738] : spaced after the clock",
	"Property(S): ProductName = Microsoft Exchange Server",
	"Property(C): Installed = 00:00:00",
	"Info 1603. The file C:\\x.dll is being held in use.  Close that application and retry.",
	"Error 1603. A fatal error occurred.",
	"DEBUG: Error 2203:  Database: C:\\Windows\\Installer\\1a2b.msi. Cannot open database file. System error -2147287038",
	"Błąd 1603. Wystąpił błąd krytyczny.",
	"Product: Microsoft Exchange Server -- Error 1603. A fatal error occurred.",
	"Produkt: Microsoft Exchange Server -- Installation operation failed.",
	"Product: Microsoft Exchange Server -- Configuration failed.",
	"Windows Installer installed the product. Product Name: Microsoft Exchange Server. Product Version: 15.1.2176.2. Product Language: 1033.",
	"Note: 1: 2203 2: C:\\Windows\\Installer\\1a2b.msi 3: -2147287038 ",
	"Note: 1: 1708 ",
	"Couldn't find local patch 'C:\\Windows\\Installer\\5e6f.msp'. Looking for it at its source.",
	"MainEngineThread is returning 1603",
	"Windows Installer reconfigured the product. success or error status: 3010.",
	"CustomAction CA_Install returned actual error code 1603 (note this may not be 100% accurate)",
	"The file C:\\Program Files\\x.dll is being held in use by the following process: Name: w3wp, Id 1234, Window Title: '(not determined yet)'.",
	"The file C:\\x.dll is being held in use\nby the following process: Name: w3wp, Id: 7",
	"RESTART MANAGER: Detected that application with id 7000, friendly name 'w3wp', of type RmService and status 1 holds file[s] in use.",
	"Action ended 13:15:01: InstallFinalize. Return value 3.",
	"Action start 13:14:37: INSTALL.",
	"Akcja zakończona 9:05:01: InstallFinalize. Wartość zwracana 1.",
	"Ação iniciada 13:14:37: INSTALL.",
	"Action ended 13:15:01 InstallFinalize.",
	"Action: 13:15:01: x.",
	"Property: Error 1603.",
	"Doing action:InstallFiles",
	"MSI (s) (54:94) [13:14:36:123]: Executing op: FileCopy()",
	"MSI (c) (A0!1C) [9:05:01:7]:Note",
	"MSI (s) (54:94): no clock",
	"MSI (s) (54:94) [13:14:36:123] no colon",
	"MSI (s) (54:94) [13:14:36:1234]: four digits",
	"MSI (s) (54:94) [113:14:36:123]: hour",
	"MSI (s) (54:94) [13:4:36:123]: minute",
	"MSI (s) (54:94) [13:14:36:]: ms",
	"MSI (s) (54:94) [13:14:36:12:",
	"MSI (s) (54:94) :x",
	"MSI (s) (:94): x",
	"MSI (s) (54:): x",
	"MSI (s) (54;94): x",
	"MSI (1) (54:94): x",
	"MSI (s) (54:94)",
	"MSI (s) (54:94):",
	"MSI (s) (54:94)[13:14:36:123]: x",
	"MSI (S) (5g:94): x",
	"",
	"x",
}

// gateLines are the samples and the lines of the test logs.
func gateLines(t testing.TB) []string {
	lines := append([]string(nil), gateSamples...)
	paths, _ := filepath.Glob("testdata/*.log")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		ls := textio.NewLines(bytes.NewReader(data))
		for ls.Next() {
			l := ls.Text()
			lines = append(lines, l)
			if m := rePrefix.FindStringIndex(l); m != nil {
				lines = append(lines, l[m[1]:]) // the message after the prefix
			}
		}
	}
	return lines
}

var allGates = map[string]gated{
	"Doing": gDoing, "Prop": gProp, "Info": gInfo, "Error": gError, "Product": gProduct,
	"ProdNam": gProdNam, "Note": gNote, "Local": gLocal, "Return": gReturn, "Status": gStatus,
	"CAError": gCAError, "InUse": gInUse, "RM": gRM,
}

// checkGates fails when a gate turns away a line its expression matches, or
// when matchAction differs from reAction.
func checkGates(t *testing.T, line string, matched map[string]int) {
	for name, g := range allGates {
		if g.re.MatchString(line) {
			matched[name]++
			if !g.gate(line) {
				t.Errorf("gate %s rejects %q, which its expression matches", name, line)
			}
		}
		if got, want := g.find(line, textio.SketchOf(line)), g.re.FindStringSubmatch(line); !reflect.DeepEqual(got, want) {
			t.Errorf("g%s.find(%q) = %q, want %q", name, line, got, want)
		}
	}
	var m [9]string
	var got []string
	if matchPrefix(line, &m) {
		got = m[:]
	}
	if want := rePrefix.FindStringSubmatch(line); !reflect.DeepEqual(got, want) {
		t.Errorf("matchPrefix(%q) = %q, want %q", line, got, want)
	} else if want != nil {
		matched["Prefix"]++
	}
	want := reAction.FindStringSubmatch(line)
	if want != nil {
		matched["Action"]++
	}
	if got := matchAction(line); !reflect.DeepEqual(got, want) {
		t.Errorf("matchAction(%q) = %q, want %q", line, got, want)
	}
}

func TestGates(t *testing.T) {
	matched := map[string]int{}
	for _, l := range gateLines(t) {
		checkGates(t, l, matched)
	}
	for name := range allGates {
		if matched[name] == 0 {
			t.Errorf("no sample matches the expression of gate %s: the test checks nothing for it", name)
		}
	}
	if matched["Prefix"] < 10 {
		t.Errorf("only %d samples match rePrefix", matched["Prefix"])
	}
	if matched["Action"] < 3 {
		t.Errorf("only %d samples match reAction", matched["Action"])
	}
}

// FuzzGates checks the gates on arbitrary lines.
func FuzzGates(f *testing.F) {
	for _, l := range gateLines(f) {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkGates(t, line, map[string]int{})
	})
}
