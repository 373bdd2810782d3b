package evtx

import (
	"bytes"
	"encoding/xml"
	"io"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
)

// xrec is one record as evtxexport (libevtx) shows it in its XML output.
type xrec struct {
	RecordID   uint64
	Provider   string
	EventID    uint32
	Qualifiers uint16
	Time       time.Time
	Level      int
	Channel    string
	Computer   string
	Data       []string
}

// needEvtxexport skips the test when evtxexport is missing, or fails it
// under CI=true, where the tool must be installed.
func needEvtxexport(t testing.TB) string {
	t.Helper()
	return testkit.NeedTool(t, "evtxexport", "libevtx-utils")
}

// evtxexportRecords runs `evtxexport -f xml file` and reads its output.
func evtxexportRecords(t testing.TB, tool, file string) []xrec {
	t.Helper()
	out, err := exec.Command(tool, "-f", "xml", file).Output()
	if err != nil && len(out) == 0 {
		t.Fatalf("evtxexport %s: %v", file, err)
	}
	recs, err := parseEvtxexportXML(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("reading evtxexport output for %s: %v", file, err)
	}
	return recs
}

// parseEvtxexportXML reads the <Event> documents evtxexport prints one after
// the other (after a version line).
func parseEvtxexportXML(r io.Reader) ([]xrec, error) {
	raw, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	dec := xml.NewDecoder(bytes.NewReader(xmlSafe(raw)))
	dec.Strict = false
	var recs []xrec
	var cur *xrec
	var path []string
	var hasChild []bool
	var hasAttr []bool // the open element's attributes were data values
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		switch x := tok.(type) {
		case xml.StartElement:
			name := x.Name.Local
			if len(path) == 0 && name == "Event" {
				recs = append(recs, xrec{})
				cur = &recs[len(recs)-1]
			}
			if len(hasChild) > 0 {
				hasChild[len(hasChild)-1] = true
			}
			path = append(path, name)
			hasChild = append(hasChild, false)
			hasAttr = append(hasAttr, false)
			text.Reset()
			if cur == nil {
				continue
			}
			p := strings.Join(path, "/")
			if len(path) >= 3 && path[1] == "UserData" {
				// Attribute values below UserData's first child are data
				// values, in document order (CAPI2 events).
				for _, a := range x.Attr {
					if a.Name.Space != "xmlns" && a.Name.Local != "xmlns" {
						cur.Data = append(cur.Data, a.Value)
						hasAttr[len(hasAttr)-1] = true
					}
				}
			}
			for _, a := range x.Attr {
				switch {
				case p == "Event/System/Provider" && a.Name.Local == "Name":
					cur.Provider = a.Value
				case p == "Event/System/EventID" && a.Name.Local == "Qualifiers":
					n, _ := strconv.ParseUint(a.Value, 10, 16)
					cur.Qualifiers = uint16(n)
				case p == "Event/System/TimeCreated" && a.Name.Local == "SystemTime":
					cur.Time, _ = time.Parse(time.RFC3339Nano, a.Value)
				}
			}
		case xml.CharData:
			text.Write(x)
		case xml.EndElement:
			if cur != nil {
				p := strings.Join(path, "/")
				s := text.String()
				switch p {
				case "Event/System/EventID":
					n, _ := strconv.ParseUint(s, 10, 32)
					cur.EventID = uint32(n)
				case "Event/System/EventRecordID":
					cur.RecordID, _ = strconv.ParseUint(s, 10, 64)
				case "Event/System/Level":
					cur.Level, _ = strconv.Atoi(s)
				case "Event/System/Channel":
					cur.Channel = s
				case "Event/System/Computer":
					cur.Computer = s
				case "Event/EventData/Data":
					cur.Data = append(cur.Data, s)
				default:
					if len(path) >= 4 && path[1] == "UserData" && !hasChild[len(hasChild)-1] && !(hasAttr[len(hasAttr)-1] && s == "") {
						cur.Data = append(cur.Data, s)
					}
				}
			}
			text.Reset()
			if len(path) > 0 {
				path = path[:len(path)-1]
				hasChild = hasChild[:len(hasChild)-1]
				hasAttr = hasAttr[:len(hasAttr)-1]
			}
			if len(path) == 0 {
				cur = nil
			}
		}
	}
}

// xmlSafe replaces the control characters XML forbids (evtxexport prints
// them as they are) with U+FFFD so that encoding/xml reads the output, and
// turns CR LF into LF as an XML reader would.
func xmlSafe(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	b = bytes.ReplaceAll(b, []byte("\r"), []byte("\n"))
	out := make([]byte, 0, len(b))
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\t' && c != '\r' {
			out = append(out, "\uFFFD"...)
			continue
		}
		out = append(out, c)
	}
	return out
}

// TestCrossCheckEvtxexport compares records field by field with evtxexport
// (Debian's libevtx-utils) on a handful of corpus files: a classic
// Application log (MsiInstaller and other classic sources), two System logs
// (one of them a dirty VSS copy), a Security log, a CAPI2 log with nested
// BinXML and a damaged RDP log. Every record evtxexport reads must be read
// here too, with the same record ID, provider, event ID, qualifiers, time
// (to 100 ns), level, channel and computer; data values too where
// evtxexport's rendering is known to agree.
func TestCrossCheckEvtxexport(t *testing.T) {
	tool := needEvtxexport(t)
	files := []struct {
		rel       string
		checkData bool
	}{
		{"evtx/DeepBlueCLI/evtx/many-events-application.evtx", false}, // "\r\n"-only values are shown empty
		{"evtx/python-evtx/tests/data/system.evtx", true},
		{"evtx/evtx-rs/samples/2-vss_7-System.evtx", true},
		{"evtx/DeepBlueCLI/evtx/smb-password-guessing-security.evtx", true},
		{"evtx/evtx-rs/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx", true},
		{"evtx/evtx-rs/samples/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx", true},
	}
	for _, f := range files {
		t.Run(f.rel, func(t *testing.T) {
			path := corpusPath(t, f.rel)
			theirs := evtxexportRecords(t, tool, path)
			ours := parseFile(t, Parser{}, path)
			if len(theirs) == 0 {
				t.Fatal("evtxexport read no record")
			}
			byID := make(map[uint64]*parsers.Record, len(ours.recs))
			for _, r := range ours.recs {
				byID[r.RecordID] = r
			}
			for _, x := range theirs {
				r := byID[x.RecordID]
				if r == nil {
					t.Errorf("record %d (evtxexport) not read", x.RecordID)
					continue
				}
				if r.Provider != x.Provider || r.EventID != x.EventID || r.Qualifiers != x.Qualifiers ||
					!r.Time.Equal(x.Time) || r.Channel != x.Channel || r.Host != x.Computer ||
					r.Level != level(x.Level, true, 0) && !strings.HasPrefix(string(r.Level), "audit_") {
					t.Errorf("record %d:\n ours       provider %q event %d/%d time %v level %s channel %q host %q\n evtxexport provider %q event %d/%d time %v level %d channel %q host %q",
						x.RecordID, r.Provider, r.EventID, r.Qualifiers, r.Time, r.Level, r.Channel, r.Host,
						x.Provider, x.EventID, x.Qualifiers, x.Time, x.Level, x.Channel, x.Computer)
				}
				if f.checkData {
					got := make([]string, len(r.Data))
					for i, d := range r.Data {
						got[i] = string(xmlSafe([]byte(d)))
					}
					if !slices.Equal(got, x.Data) {
						t.Errorf("record %d data:\n ours       %q\n evtxexport %q", x.RecordID, got, x.Data)
					}
				}
			}
			t.Logf("evtxexport %d records, ours %d", len(theirs), len(ours.recs))
		})
	}
}
