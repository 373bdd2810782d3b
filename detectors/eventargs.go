package detectors

import (
	"regexp"
	"strings"

	"github.com/extriage/extriage/parsers"
)

// Event Viewer text and CSV exports keep an event's rendered message but
// not its insertion strings, so a rule that reads r.Data would see nothing
// in them. eventArgs gives back, for the events the bundle rules read, the
// insertion strings the message was made of, in the order EVTX and EVT
// records carry them (signatures.md B2-B4; English and Polish messages).
var (
	// Service Control Manager: the service a 7000/7009/7023/7024/7031/7034
	// is about.
	scmServiceRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^the (.+?) service (?:failed|terminated|hung|depends|is|was|entered|did)\b`),
		regexp.MustCompile(`(?i)waiting for the (.+?) service to connect`),
		regexp.MustCompile(`(?i)^usługa (.+?) (?:nie |zakończyła|zakończył|niespodziewanie|nieoczekiwanie|została|zależy|jest |weszła|przekroczyła)`),
		regexp.MustCompile(`(?i)(?:połączenie z usługą|połączenia z usługą) (.+?)\.?$`),
	}
	// EventLog 6009: "Microsoft (R) Windows (R) 5.02. 3790 Service Pack 1
	// Multiprocessor Free."
	osBanner = regexp.MustCompile(`(?i)windows \(r\) (\d+\.\d+)\.?\s+(\d+)\s*((?:dodatek )?service pack \d+)?`)
	// EventLog 6013: the uptime in seconds, the message's only number.
	uptimeNumber = regexp.MustCompile(`\b\d+\b`)
	// MSExchangeSetup 1000/1001: "Exchange Setup (build 8.1.240.6) ...".
	buildInText = regexp.MustCompile(`\b(\d{1,2}\.\d{1,2}\.\d{1,5}(?:\.\d{1,5})?)\b`)
	// MsiInstaller 1033/1036: "... Installation completed with status:
	// 1603", "Installation success or error status: 0.", "Stan powodzenia
	// lub błędu instalacji: 0."
	msiStatus = regexp.MustCompile(`(?i)\b(?:status|stan\pL*)\b[^:.]*:\s*(\d+)`)
	// MsiInstaller 1023/1024: "... could not be installed. Error code 1603."
	msiCode = regexp.MustCompile(`(?i)(?:error code|kod błędu)\s*:?\s*(\d+)`)
	// The product: "Product: X -- ...", "Product: X - Update ...", "Product
	// Name: X. Product Version: ...", "Nazwa produktu: X. ...".
	msiProductRes = []*regexp.Regexp{
		regexp.MustCompile(`(?i)^(?:product|produkt): (.+?) --? `),
		regexp.MustCompile(`(?i)(?:product name|nazwa produktu): (.+?)\.(?:\s|$)`),
		regexp.MustCompile(`(?i)^(?:product|produkt): (.+?)\.(?:\s|$)`),
	}
)

func firstSubmatch(res []*regexp.Regexp, s string) string {
	for _, re := range res {
		if m := re.FindStringSubmatch(s); m != nil {
			return strings.TrimSpace(m[1])
		}
	}
	return ""
}

// eventArgs returns r.Data, or, when the record has none (an Event Viewer
// export), the insertion strings read back from its message for the
// events the inventory and the MSI rule need. Positions not known are "".
func eventArgs(r *parsers.Record) []string {
	if len(r.Data) > 0 || r.Message == "" {
		return r.Data
	}
	msg := strings.TrimSpace(r.Message)
	first := msg
	if i := strings.IndexByte(first, '\n'); i >= 0 {
		first = strings.TrimSpace(first[:i])
	}
	p := strings.ToLower(r.Provider)
	switch {
	case isSCM(p):
		if s := firstSubmatch(scmServiceRes, first); s != "" {
			return []string{s}
		}
	case p == "eventlog" && r.EventID == 6013:
		// "The system uptime is 31940 seconds.": the uptime is the
		// message's only number, the fifth insertion string.
		if m := uptimeNumber.FindString(first); m != "" {
			return []string{"", "", "", "", m}
		}
	case p == "eventlog" && r.EventID == 6009:
		if m := osBanner.FindStringSubmatch(msg); m != nil {
			return []string{m[1], m[2], m[3]}
		}
	case p == "msexchangesetup" && (r.EventID == 1000 || r.EventID == 1001):
		if m := buildInText.FindStringSubmatch(msg); m != nil {
			return []string{m[1]}
		}
	case p == "msiinstaller":
		product := firstSubmatch(msiProductRes, msg)
		switch r.EventID {
		case 1033, 1036:
			st := ""
			if m := msiStatus.FindStringSubmatch(msg); m != nil {
				st = m[1]
			}
			args := []string{product, "", "", st}
			if r.EventID == 1036 {
				args = []string{product, "", "", "", st}
			}
			return args
		case 1023, 1024:
			code := ""
			if m := msiCode.FindStringSubmatch(msg); m != nil {
				code = m[1]
			}
			return []string{product, "", code}
		case 11707, 11708, 1022:
			return []string{msg}
		}
	}
	return nil
}

// isSCM reports whether a (lower-case) provider is the Service Control
// Manager.
func isSCM(p string) bool {
	return p == "service control manager" || p == "microsoft-windows-service control manager" || p == "scm"
}
