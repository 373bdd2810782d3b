package detectors

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers/updatelog"
)

// laterSuccess returns the last run after run idx (1-based) of the same
// update.exe log that installed the same update successfully, if any. A KB
// log holds every run of its update on the server, so a failure followed by
// a clean retry is history, not the state the server is in. Runs naming
// different packages (svcpack.log, shared by several) do not excuse each
// other; a run that names none is taken to be the file's update.
func laterSuccess(runs []updatelog.Run, idx int) (updatelog.Run, bool) {
	if idx < 1 || idx > len(runs) {
		return updatelog.Run{}, false
	}
	failed := runs[idx-1]
	for i := len(runs) - 1; i >= idx; i-- {
		r := runs[i]
		if r.Index <= failed.Index || !runSucceeded(r) {
			continue
		}
		if failed.Package == "" || r.Package == "" || strings.EqualFold(failed.Package, r.Package) {
			return r, true
		}
	}
	return updatelog.Run{}, false
}

// supersededValues says, for a remedy, that run ok installed the update
// after the failure a finding reports: the values "superseded" and
// "superseded@pl", each a sentence that ends with a space.
func supersededValues(ok updatelog.Run) map[string]string {
	at := fmt.Sprintf("run %d", ok.Index)
	atPL := fmt.Sprintf("przebieg %d", ok.Index)
	if ok.ExtendedErrorLine > 0 {
		at += fmt.Sprintf(", line %d", ok.ExtendedErrorLine)
		atPL += fmt.Sprintf(", wiersz %d", ok.ExtendedErrorLine)
	}
	return map[string]string{
		"superseded": "A later run of the same update succeeded (" + at + "), so the update is installed and this " +
			"failure is history: act on it only if the problem comes back. ",
		"superseded@pl": "Późniejszy przebieg tej samej aktualizacji zakończył się powodzeniem (" + atPL + "), więc " +
			"aktualizacja jest zainstalowana, a ten błąd to już historia: zajmij się nim tylko wtedy, gdy problem wróci. ",
	}
}
