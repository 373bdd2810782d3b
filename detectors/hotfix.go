package detectors

import (
	"fmt"
	"maps"
	"strconv"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/updatelog"
)

func init() { registerGoRule(&fileInUseRule{meta: fileInUseMeta}) }

var fileInUseMeta = Meta{
	ID: "hotfix-file-in-use",
	Title: Text{
		EN: "Hotfix or service pack could not replace files that were in use",
		PL: "Poprawka lub dodatek Service Pack nie mógł zastąpić używanych plików",
	},
	Severity: Error,
	KB:       []string{"328839"},
	Formats:  []parsers.Format{parsers.FormatUpdateLog},
	Doc: Text{
		EN: "The Windows Package Installer (update.exe) writes \"FileInUse:: Added to Filelist:\" to the " +
			"hotfix log (KB*.log, svcpack.log) for each file it had to replace but found locked by a running " +
			"program. KB 328839 names this line as the sign that a service or program interfered with the " +
			"update. The finding is an error when the same run failed, did not complete or ends without an outcome, " +
			"and a warning when the run still ended without a failure (the files are then replaced at the next restart) " +
			"or when a later run of the same update in the same log succeeded.",
		PL: "Instalator pakietów Windows (update.exe) zapisuje w dzienniku poprawki (KB*.log, svcpack.log) " +
			"wiersz „FileInUse:: Added to Filelist:” dla każdego pliku, który musiał zastąpić, a który był " +
			"zablokowany przez działający program. Według KB 328839 ten wiersz oznacza, że usługa lub program " +
			"zakłócił instalację poprawki. Wynik ma wagę błędu, gdy ten sam przebieg instalacji się nie " +
			"powiódł, nie został ukończony lub dziennik urywa się przed wynikiem, a wagę ostrzeżenia, gdy przebieg " +
			"zakończył się bez błędu " +
			"(pliki zostaną wtedy zastąpione po ponownym uruchomieniu) albo gdy późniejszy przebieg tej samej " +
			"aktualizacji w tym samym dzienniku zakończył się powodzeniem.",
	},
	Remedy: Text{
		EN: "{superseded?}{count} file(s) were locked while the update ran on {host} ({outcome}): {files}. Before you run " +
			"the update again: close antivirus programs that scan files, stop services and programs the " +
			"server does not need (SNMP, server monitors, Performance Monitor sessions, local or remote), " +
			"check in Task Manager that no other Setup, Update or Xcopy is running, and stop the Exchange " +
			"services. If the files stay locked, restart the server first. See KB 328839.",
		PL: "{superseded?}Podczas instalacji aktualizacji na serwerze {host} zablokowanych było plików: {count} ({outcome}): " +
			"{files}. Zanim ponownie uruchomisz aktualizację: zamknij programy antywirusowe skanujące pliki, " +
			"zatrzymaj zbędne usługi i programy (SNMP, monitory serwerów, sesje Monitora wydajności, lokalne i " +
			"zdalne), sprawdź w Menedżerze zadań, że nie działa żaden inny program Setup, Update ani Xcopy, i " +
			"zatrzymaj usługi Exchange. Jeśli pliki nadal są zablokowane, najpierw uruchom serwer ponownie. " +
			"Zobacz KB 328839.",
	},
}

// fileInUseRule reports the FileInUse lines of each update.exe run, with the
// run's outcome deciding the severity.
type fileInUseRule struct{ meta Meta }

func (r *fileInUseRule) Meta() *Meta { return &r.meta }

func (r *fileInUseRule) NewChecker(f FileInfo) Checker {
	return &fileInUseChecker{path: f.Path, ctx: f.Context}
}

type fileInUseChecker struct {
	path string
	ctx  *FileContext       // its update runs
	ev   map[int][]Evidence // run -> FileInUse lines
	runs []int
}

func (c *fileInUseChecker) Record(r *parsers.Record) {
	if _, ok := updatelog.FileInUsePath(r.Message); !ok {
		return
	}
	run, _ := strconv.Atoi(r.Fields["run"])
	if c.ev == nil {
		c.ev = map[int][]Evidence{}
	}
	if _, seen := c.ev[run]; !seen {
		c.runs = append(c.runs, run)
	}
	if len(c.ev[run]) < MaxEvidence {
		c.ev[run] = append(c.ev[run], EvidenceOf(r))
	}
}

func (c *fileInUseChecker) Finish() []Hit {
	if len(c.runs) == 0 {
		return nil
	}
	runs := c.ctx.UpdateRuns()
	var hits []Hit
	for _, idx := range c.runs {
		var run updatelog.Run
		if idx >= 1 && idx <= len(runs) {
			run = runs[idx-1]
		}
		// A warning only when the run is known to have succeeded (the
		// files are then replaced at the next restart); a run that failed,
		// or whose log ends before its outcome, is an error
		// (rule-catalog.md A1).
		sev := Error
		outcome := outcomeText(run)
		later, retried := laterSuccess(runs, idx)
		if runSucceeded(run) || retried {
			sev = Warning
		}
		files := make([]string, 0, len(run.FilesInUse))
		for i, f := range run.FilesInUse {
			if i == 10 {
				files = append(files, fmt.Sprintf("… (+%d)", run.FilesInUseCount-10))
				break
			}
			files = append(files, f.Path)
		}
		ev := c.ev[idx]
		if run.Failed && run.FirstFailureLine > 0 {
			ev = append(ev, runLineEvidence(c.path, run.FirstFailureLine, run.FirstFailure, run.FirstFailureAt))
		}
		s := sev
		values := map[string]string{
			"count":      strconv.Itoa(run.FilesInUseCount),
			"files":      strings.Join(files, ", "),
			"outcome":    outcome,
			"outcome@pl": outcomeTextPL(run),
			"package":    run.Package,
			"run":        strconv.Itoa(idx),
		}
		if retried && !runSucceeded(run) {
			maps.Copy(values, supersededValues(later))
		}
		hits = append(hits, Hit{
			Evidence: ev,
			Count:    run.FilesInUseCount,
			Severity: &s,
			Key:      c.path + "#" + strconv.Itoa(idx),
			Values:   values,
		})
	}
	return hits
}

// runFailed reports whether an update.exe run ended in failure: a failure
// line, "installation did not complete", or a non-zero extended error.
func runFailed(r updatelog.Run) bool {
	return r.Failed || r.DidNotComplete || (r.ExtendedError != "" && !isZeroCode(r.ExtendedError))
}

// runSucceeded reports whether an update.exe run logged its outcome and it
// was a success: a zero extended error code and no failure.
func runSucceeded(r updatelog.Run) bool {
	return !runFailed(r) && r.ExtendedError != "" && isZeroCode(r.ExtendedError)
}

func isZeroCode(s string) bool {
	s = strings.TrimLeft(strings.TrimPrefix(strings.ToLower(s), "0x"), "0")
	return s == ""
}

// outcomeText says in a few words how a run ended, for the remedy.
func outcomeText(r updatelog.Run) string {
	switch {
	case r.ExtendedError != "" && !isZeroCode(r.ExtendedError):
		return "extended error " + r.ExtendedError
	case r.DidNotComplete:
		return "installation did not complete"
	case r.Failed:
		return "failed"
	case r.ExtendedError != "":
		return "completed"
	}
	return "no outcome logged"
}

// outcomeTextPL is outcomeText in Polish.
func outcomeTextPL(r updatelog.Run) string {
	switch {
	case r.ExtendedError != "" && !isZeroCode(r.ExtendedError):
		return "rozszerzony kod błędu " + r.ExtendedError
	case r.DidNotComplete:
		return "instalacja nie została ukończona"
	case r.Failed:
		return "instalacja nie powiodła się"
	case r.ExtendedError != "":
		return "instalacja zakończona"
	}
	return "dziennik nie podaje wyniku"
}
