package setuplog

import (
	"strings"
	"testing"

	"github.com/extriage/extriage/parsers/textio"
)

// TestNeedles checks that each phrase the parser looks for is lower-case
// ASCII, as textio.ContainsFold requires, and is found in upper case.
func TestNeedles(t *testing.T) {
	for _, n := range []textio.Needle{nCommandLineParameter, nEndOfSetup, nErrorReference, nInstalledVersion, nLoggedOnUser, nSetupIsStoppingNow, nSetupOperation, nSetupVersion, nStartingMicrosoftExchange} {
		sub := n.String()
		if sub != strings.ToLower(sub) || sub == "" {
			t.Errorf("needle %q is not lower-case ASCII", sub)
		}
		if !n.In("x " + strings.ToUpper(sub) + " y") {
			t.Errorf("needle %q not found in upper case", sub)
		}
		if n.In(sub[1:]) {
			t.Errorf("needle %q found in %q", sub, sub[1:])
		}
	}
}
