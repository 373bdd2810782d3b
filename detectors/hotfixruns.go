package detectors

import (
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/msilog"
	"github.com/extriage/extriage/parsers/updatelog"
)

func init() {
	registerGoRule(&updateRunRule{meta: hotfixFailedMeta, history: true, pick: func(r updatelog.Run) (bool, int, string, updatelog.Stamp) {
		if !runFailed(r) {
			return false, 0, "", updatelog.Stamp{}
		}
		if r.FirstFailureLine == 0 {
			return true, r.ExtendedErrorLine, "Update.exe extended error code = " + r.ExtendedError, r.ExtendedErrorAt
		}
		return true, r.FirstFailureLine, r.FirstFailure, r.FirstFailureAt
	}})
	registerGoRule(&rebootRule{updateRunRule{meta: hotfixRebootMeta, pick: func(r updatelog.Run) (bool, int, string, updatelog.Stamp) {
		return r.RebootRequired && !runFailed(r), r.RebootLine, "", r.RebootAt
	}}})
}

var hotfixFailedMeta = Meta{
	ID: "hotfix-install-failed",
	Title: Text{
		EN: "Hotfix or service pack installation failed (update.exe)",
		PL: "Instalacja poprawki lub dodatku Service Pack nie powiodła się (update.exe)",
	},
	Severity: Error,
	KB:       []string{"328839", "822798", "949377"},
	Formats:  []parsers.Format{parsers.FormatUpdateLog},
	Doc: Text{
		EN: "An update.exe run ended in failure: a non-zero \"Update.exe extended error code\", \"<package> installation " +
			"did not complete.\", \"Update.exe failed\", or a failed installation step such as " +
			"DoInstallation:MyInstallCatalogFiles failed:STR_CATALOG_INSTALL_FAILED (catalog database, KB 822798) or " +
			"DoRegistryUpdates failed (KB 949377). \"return code was masked to 0x643\" means callers see 1603. A failed run " +
			"followed by a successful run of the same update in the same log is history and is reported as information.",
		PL: "Przebieg update.exe zakończył się błędem: niezerowy „Update.exe extended error code”, „<pakiet> installation " +
			"did not complete.”, „Update.exe failed” albo nieudany krok instalacji, np. DoInstallation:MyInstallCatalogFiles " +
			"failed:STR_CATALOG_INSTALL_FAILED (baza katalogów, KB 822798) lub DoRegistryUpdates failed (KB 949377). " +
			"„return code was masked to 0x643” oznacza, że wywołujący widzi kod 1603. Nieudany przebieg, po którym " +
			"w tym samym dzienniku nastąpił udany przebieg tej samej aktualizacji, to już historia i jest zgłaszany jako informacja.",
	},
	Remedy: Text{
		EN: "{superseded?}The update {package} did not install on {host} ({outcome}); the log's first failure is \"{failure}\". Read the lines " +
			"just before it in the log. Catalog failures (STR_CATALOG_INSTALL_FAILED) point to a damaged catalog database " +
			"or cryptographic service (KB 822798); registry failures to antivirus or a pending restart (KB 949377). Files in " +
			"use are reported separately. Fix the cause, restart the server, stop the Exchange services and run the update " +
			"again as described in KB 328839.",
		PL: "{superseded?}Aktualizacja {package} nie zainstalowała się na serwerze {host} ({outcome}); pierwszy błąd w dzienniku to " +
			"„{failure}”. Przeczytaj wiersze tuż przed nim. Błędy katalogu (STR_CATALOG_INSTALL_FAILED) wskazują na uszkodzoną " +
			"bazę katalogów lub usługę kryptograficzną (KB 822798), błędy rejestru na program antywirusowy lub oczekujący " +
			"restart (KB 949377). Pliki w użyciu są zgłaszane osobno. Usuń przyczynę, uruchom serwer ponownie, zatrzymaj " +
			"usługi Exchange i zainstaluj aktualizację jeszcze raz zgodnie z KB 328839.",
	},
}

var hotfixRebootMeta = Meta{
	ID: "hotfix-reboot-required",
	Title: Text{
		EN: "Update installed but needs a restart to finish",
		PL: "Aktualizacja zainstalowana, ale wymaga ponownego uruchomienia",
	},
	Severity: Info,
	KB:       []string{"328839"},
	Formats:  []parsers.Format{parsers.FormatUpdateLog, parsers.FormatMSILog, parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport},
	Doc: Text{
		EN: "An install succeeded but needs a restart to finish: an update.exe run with exit code 3010 or a " +
			"restart-required line; a Windows Installer log that did not fail but ends with exit code 3010 or 1641, " +
			"schedules a reboot (Info 1903), says \"Windows Installer requires a system restart\" or sets " +
			"ReplacedInUseFiles = 1; or MsiInstaller event 1029 or 1038 (restart required), or 1033/1036 with status " +
			"3010. Replaced files and pending renames take effect only after the restart. A request is not reported when the " +
			"bundle shows the same server started again after it (EventLog 6005, 6009 or 6013, Kernel-General 12, or a later " +
			"Exchange setup run that found no restart pending); a log time without a zone counts as later only when it is " +
			"later in every time zone.",
		PL: "Instalacja się powiodła, ale do zakończenia wymaga ponownego uruchomienia: przebieg update.exe z kodem " +
			"3010 lub wierszem o wymaganym restarcie; dziennik Instalatora Windows bez błędu, ale z kodem zakończenia " +
			"3010 lub 1641, zaplanowanym ponownym uruchomieniem (Info 1903), komunikatem „Windows Installer requires " +
			"a system restart” lub właściwością ReplacedInUseFiles = 1; albo zdarzenie MsiInstaller 1029 lub 1038 " +
			"(wymagane ponowne uruchomienie) lub 1033/1036 ze stanem 3010. Zastąpione pliki i oczekujące zmiany nazw " +
			"zaczną działać dopiero po restarcie. Żądanie nie jest zgłaszane, gdy pakiet pokazuje, że ten sam serwer " +
			"uruchomił się po nim ponownie (EventLog 6005, 6009 lub 6013, Kernel-General 12 albo późniejsze uruchomienie " +
			"instalatora Exchange, które nie wykryło oczekującego restartu); czas z dziennika bez strefy czasowej liczy się " +
			"jako późniejszy tylko wtedy, gdy jest późniejszy w każdej strefie.",
	},
	Remedy: Text{
		EN: "Restart {host} before applying the next update or moving cluster resources to it, then check that the " +
			"Exchange services start. See KB 328839.",
		PL: "Uruchom ponownie serwer {host}, zanim zainstalujesz kolejną aktualizację lub przeniesiesz na niego zasoby " +
			"klastra, a potem sprawdź, czy usługi Exchange się uruchamiają. Zobacz KB 328839.",
	},
}

// updateRunRule reports each update.exe run that pick selects, citing the
// line pick names (with the time the log gives it).
type updateRunRule struct {
	meta Meta
	pick func(updatelog.Run) (fire bool, line int, text string, at updatelog.Stamp)
	// history: a run followed by a successful run of the same update is
	// reported as information only (see laterSuccess).
	history bool
}

func (r *updateRunRule) Meta() *Meta { return &r.meta }

func (r *updateRunRule) NewChecker(f FileInfo) Checker {
	return &updateRunChecker{rule: r, path: f.Path, ctx: f.Context, lines: map[int]Evidence{}}
}

type updateRunChecker struct {
	rule  *updateRunRule
	path  string
	ctx   *FileContext     // its update runs
	lines map[int]Evidence // evidence by line, for lines a run summary may cite
}

func (c *updateRunChecker) Record(r *parsers.Record) {
	// Keep the lines a run summary may cite: failures, exit codes, restarts.
	msg := r.Message
	if len(c.lines) < maxCitedLines && (updatelog.IsFailure(msg) || updatelog.ExtendedError(msg) != "" ||
		containsFold(msg, "restart") || containsFold(msg, "reboot") || strings.Contains(msg, "3010")) {
		c.lines[r.Line] = EvidenceOf(r)
	}
}

// maxCitedLines bounds the lines an update-run checker keeps per file.
const maxCitedLines = 4096

func (c *updateRunChecker) Finish() []Hit {
	var hits []Hit
	for _, run := range c.ctx.UpdateRuns() {
		fire, line, text, at := c.rule.pick(run)
		if !fire {
			continue
		}
		ev, ok := c.lines[line]
		if !ok {
			ev = runLineEvidence(c.path, line, text, at)
		}
		if text == "" {
			text = ev.Text
		}
		h := Hit{
			Evidence: []Evidence{ev},
			Key:      c.path + "#" + strconv.Itoa(run.Index),
			Values: map[string]string{
				"package":    firstNonEmpty(run.Package, updatePackage(c.path)),
				"outcome":    outcomeText(run),
				"outcome@pl": outcomeTextPL(run),
				"failure":    strings.TrimRight(text, ". "),
				"run":        strconv.Itoa(run.Index),
			},
		}
		// A failure that a later run of the same update made good is
		// history: reported, as information.
		if later, ok := laterSuccess(c.ctx.UpdateRuns(), run.Index); ok && c.rule.history {
			sev := Info
			h.Severity = &sev
			maps.Copy(h.Values, supersededValues(later))
		}
		hits = append(hits, h)
	}
	return hits
}

// runLineEvidence cites a line of an update.exe run that a checker did not
// keep as a record: its place, its text and the time the log gives it.
func runLineEvidence(path string, line int, text string, at updatelog.Stamp) Evidence {
	return Evidence{Path: path, Line: line, Text: text, Time: at.Time, TimeQ: at.Q}
}

// rebootRule is hotfix-reboot-required: update.exe runs as updateRunRule
// reads them, plus Windows Installer logs and MsiInstaller events.
type rebootRule struct{ updateRunRule }

// NewChecker reads update.exe and Windows Installer logs; the restart
// requests of event logs are inventory facts, judged in CheckBundle.
func (r *rebootRule) NewChecker(f FileInfo) Checker {
	switch f.Format {
	case parsers.FormatUpdateLog:
		return r.updateRunRule.NewChecker(f)
	case parsers.FormatMSILog:
		sum, owner := sharedMSISummary(f)
		return &msiRebootChecker{sum: sum, owner: owner}
	}
	return nil
}

// msiRebootChecker reports a Windows Installer log that did not fail but
// needs a restart, citing the first line that says so.
type msiRebootChecker struct {
	sum   *msilog.Summarizer
	owner bool            // the checker that adds the records to sum
	cite  *parsers.Record // first reboot line
	exit  *parsers.Record // last line naming exit code 3010 or 1641
}

func (c *msiRebootChecker) Record(r *parsers.Record) {
	if c.owner {
		c.sum.Add(r)
	}
	if c.cite == nil && (r.Fields["reboot"] != "" || r.Fields["property"] == "ReplacedInUseFiles" && r.Fields["value"] == "1") {
		c.cite = r
	}
	if strings.Contains(r.Message, "3010") || strings.Contains(r.Message, "1641") {
		c.exit = r
	}
}

func (c *msiRebootChecker) Finish() []Hit {
	s := c.sum.Summary()
	if !s.RebootRequired || s.Failed {
		return nil
	}
	var ev []Evidence
	for _, r := range []*parsers.Record{c.cite, c.exit} {
		if r != nil && (len(ev) == 0 || ev[0].Line != r.Line) {
			ev = append(ev, EvidenceOf(r))
		}
	}
	return []Hit{{Evidence: ev, Count: 1}}
}

// CheckBundle reports the MsiInstaller events of a host that ask for a
// restart unless the bundle shows the host started again after them (see
// restartedAfter). One finding per host and product.
func (r *rebootRule) CheckBundle(b *Bundle) []Hit {
	starts := restartEvidence(b)
	var hits []Hit
	for _, f := range factsOf(b, FactRebootRequest) {
		ev := f.Evidence
		if ev.Time.IsZero() {
			ev.Time = f.Time
		}
		if !restartedAfter(starts, f.Host, []Evidence{ev}) {
			hits = append(hits, Hit{Host: f.Host, Evidence: []Evidence{f.Evidence}, Key: f.Values["what"], Count: 1})
		}
	}
	return hits
}

// KeepHit drops a restart request read from an update.exe or Windows
// Installer log when the bundle shows its host started again after it: the
// restart was done, there is nothing left to do.
func (r *rebootRule) KeepHit(b *Bundle, h Hit) bool {
	return !restartedAfter(restartEvidence(b), h.Host, h.Evidence)
}

// restartEvidence returns the facts of a bundle that show a host running
// after a restart: its system starts (EventLog 6005, 6009, 6013,
// Kernel-General 12) and Exchange setup runs that found no restart pending.
func restartEvidence(b *Bundle) []Fact {
	return append(factsOf(b, FactBoot), factsOf(b, FactNoRebootPending)...)
}

// restartedAfter reports whether one of starts shows host started again
// after the request cited by ev (its latest dated line). Times compare
// only when both have a date; text logs give local time without a zone
// while event logs give UTC, so when either side has no zone the start
// must come more than the widest zone offset (14 hours) after the
// request, as in exchange-service-failed-after-update: never a restart
// that might, in some zone, have come before.
func restartedAfter(starts []Fact, host string, ev []Evidence) bool {
	var req Evidence
	for _, e := range ev {
		if dated(e.TimeQ) && !e.Time.IsZero() && (req.Time.IsZero() || e.Time.After(req.Time)) {
			req = e
		}
	}
	if req.Time.IsZero() || HostName(host) == "" {
		return false
	}
	for _, s := range starts {
		if HostName(s.Host) != HostName(host) || s.Time.IsZero() || !dated(s.Evidence.TimeQ) {
			continue
		}
		slack := time.Duration(0)
		if req.TimeQ == parsers.TimeNoZone || s.Evidence.TimeQ == parsers.TimeNoZone {
			slack = 14 * time.Hour
		}
		if s.Time.After(req.Time.Add(slack)) {
			return true
		}
	}
	return false
}

// dated reports whether a time of that quality has a date: exact, or local
// without a zone.
func dated(q parsers.TimeQuality) bool { return q == parsers.TimeExact || q == parsers.TimeNoZone }
