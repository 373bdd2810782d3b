package detectors

import (
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
)

// The facts sp-setup-failed passes from a file to the bundle: the failure
// of the run that decides an Exchange 5.5 or 2000/2003 setup log, and the
// lines that show it.
const (
	// FactLegacySetupFailure is the failed verdict run of an Exchange
	// 5.5/2000/2003 setup log. Values: path, code, error, product.
	FactLegacySetupFailure = "legacy-setup-failure"
	// FactLegacySetupLine is one line cited for that failure. Values: path.
	FactLegacySetupLine = "legacy-setup-line"
)

func init() { registerGoRule(&legacySetupRule{meta: legacySetupMeta}) }

var legacySetupMeta = Meta{
	ID: "sp-setup-failed",
	Title: Text{
		EN: "Exchange 5.5/2000/2003 Setup or service pack run failed",
		PL: "Instalator lub dodatek Service Pack Exchange 5.5/2000/2003 zakończył się błędem",
	},
	Severity: Error,
	KB:       []string{"328839", "822583"},
	Formats:  []parsers.Format{parsers.FormatSetupLog},
	Doc: Text{
		EN: "The setup run that decides an Exchange 5.5 \"Exchange Server Setup.log\" or an Exchange 2000/2003 \"Exchange " +
			"Server Setup Progress.log\" failed, and no other rule explains it for that file (c1037b44 and 0XC103FD04 " +
			"have rules of their own). The real failure point is the run's last \"Error code 0X...\" that setup did not " +
			"follow with \"=== IGNORING PREVIOUS ERRORS ===\", with the \"Setup failed while installing sub-component ... " +
			"with error code 0x...\" line (KB 822583). A code 0xC007xxxx wraps Windows error xxxx (0XC0070424 is error " +
			"1060); 0xC103xxxx codes are Exchange setup's own.",
		PL: "Przebieg instalatora, który rozstrzyga o wyniku dziennika „Exchange Server Setup.log” (Exchange 5.5) albo " +
			"„Exchange Server Setup Progress.log” (Exchange 2000/2003), zakończył się błędem, a żadna inna reguła go nie " +
			"wyjaśnia dla tego pliku (c1037b44 i 0XC103FD04 mają własne reguły). Właściwym miejscem awarii jest ostatni " +
			"wiersz „Error code 0X...”, po którym instalator nie zapisał „=== IGNORING PREVIOUS ERRORS ===”, razem z " +
			"wierszem „Setup failed while installing sub-component ... with error code 0x...” (KB 822583). Kod 0xC007xxxx " +
			"zawiera błąd systemu Windows xxxx (0XC0070424 to błąd 1060); kody 0xC103xxxx należą do instalatora Exchange.",
	},
	Remedy: Text{
		EN: "Setup failed on {host} ({path}) with error {code}: {error} Read the cited lines and the ones just before " +
			"them: they name the component and the step (a DLL registration, a service, a directory object). For a " +
			"0xC007xxxx code look up Windows error xxxx (\"net helpmsg\" with its decimal value). Before you run the " +
			"service pack again, do what KB 328839 asks: stop the Exchange services and anything that monitors them " +
			"(server monitors, Performance Monitor, antivirus file scanning), make sure the account has the rights setup " +
			"needs (a regsvr32 or registry step failing with access denied, KB 822583), then restart and rerun setup.",
		PL: "Instalator na serwerze {host} ({path}) zakończył się błędem {code}: {error} Przeczytaj przytoczone wiersze " +
			"i te tuż przed nimi: wskazują składnik i krok (rejestrację biblioteki DLL, usługę, obiekt katalogu). Dla " +
			"kodu 0xC007xxxx sprawdź błąd systemu Windows xxxx („net helpmsg” z jego wartością dziesiętną). Zanim " +
			"ponownie uruchomisz dodatek Service Pack, zrób to, czego wymaga KB 328839: zatrzymaj usługi Exchange i " +
			"wszystko, co je monitoruje (monitory serwerów, Monitor wydajności, skanowanie plików przez program " +
			"antywirusowy), upewnij się, że konto ma uprawnienia potrzebne instalatorowi (krok regsvr32 lub rejestru " +
			"kończący się odmową dostępu, KB 822583), a potem uruchom serwer ponownie i jeszcze raz instalator.",
	},
}

// legacySetupRule is sp-setup-failed: a file part that reads the failure
// of a 5.5/2000/2003 setup log, and a bundle part that reports it unless
// another rule's finding cites the same file.
type legacySetupRule struct{ meta Meta }

func (r *legacySetupRule) Meta() *Meta { return &r.meta }

// maxLegacyLines bounds the error lines kept per run: the latest ones,
// since the failure point is the run's last error that setup did not
// ignore.
const maxLegacyLines = 256

func (r *legacySetupRule) NewChecker(f FileInfo) Checker {
	return &legacySetupChecker{info: f}
}

// Keywords: the rule reads setup logs whole.
func (r *legacySetupRule) Keywords(parsers.Format) ([]string, bool) { return nil, false }

type legacySetupChecker struct {
	info  FileInfo
	lines map[int][]legacyLine // per run: its latest error records and "Setup failed" lines, in order
	facts []Fact
	prev  *Evidence // the last record seen
}

// legacyLine is a kept line: the record's line (as the run summary names
// it) and the evidence to cite.
type legacyLine struct {
	line int
	ev   Evidence
	prev *Evidence // the record just before, for context
}

// maxLegacyCited is how many lines from the failure point on are cited.
const maxLegacyCited = 6

func (c *legacySetupChecker) Record(r *parsers.Record) {
	if r.Fields["generation"] == setuplog.Gen2007 {
		return
	}
	prev := c.prev
	here := EvidenceOf(r)
	c.prev = &here
	if r.Fields["error_code"] != "" || containsFold(r.Message, "setup failed") || containsFold(r.Message, "error code") {
		e := EvidenceOf(r)
		// Cite the line that holds the code, not the function line above it.
		if i := strings.Index(strings.ToLower(r.Message), "error code"); i > 0 {
			if nl := strings.LastIndexByte(r.Message[:i], '\n'); nl >= 0 {
				e.Line += strings.Count(r.Message[:nl+1], "\n")
				e.Text = strings.TrimSpace(r.Message[nl+1:])
			}
		}
		if c.lines == nil {
			c.lines = map[int][]legacyLine{}
		}
		run := RunOf(r)
		// Only the last two runs can decide the verdict (the last, or the
		// one before when the last is too short): forget older ones.
		for k := range c.lines {
			if k < run-1 {
				delete(c.lines, k)
			}
		}
		kept := c.lines[run]
		if len(kept) == maxLegacyLines {
			kept = append(kept[:0], kept[1:]...)
		}
		c.lines[run] = append(kept, legacyLine{r.Line, e, prev})
	}
}

func (c *legacySetupChecker) Finish() []Hit {
	run, _, ok := c.info.Context.VerdictRun()
	if !ok || run.Generation == setuplog.Gen2007 || run.Outcome != setuplog.OutcomeFailed {
		return nil
	}
	host := HostName(c.info.HostHint)
	code := firstNonEmpty(run.LastErrorCode, "?")
	errText := run.FirstError
	// The failure point (the last error setup did not ignore) and the
	// lines after it that say what failed.
	from := firstNonZero(run.LastErrorCodeLine, run.FirstErrorLine, run.OutcomeLine)
	var cite []Evidence
	for _, l := range c.lines[run.Index] {
		if l.line < from || len(cite) == maxLegacyCited {
			continue
		}
		if l.line == run.LastErrorCodeLine {
			errText = l.ev.Text
		}
		if len(cite) == 0 && l.prev != nil && l.prev.Line < l.line && strings.TrimSpace(l.prev.Text) != "" {
			// The line before the failure point often says what failed
			// ("Could not open the file named ... It is in use").
			cite = append(cite, *l.prev)
		}
		cite = append(cite, l.ev)
	}
	if len(cite) == 0 {
		e := Evidence{Path: c.info.Path, Line: firstNonZero(from, run.FirstLine), Text: run.FirstError}
		if e.Text == "" {
			e.Text, e.TextPL = "setup run failed", "przebieg instalatora nie powiódł się"
		}
		cite = []Evidence{e}
	}
	errText = strings.TrimSpace(errText)
	if errText != "" && !strings.HasSuffix(errText, ".") {
		errText += "."
	}
	c.facts = append(c.facts, Fact{Kind: FactLegacySetupFailure, Host: host, Time: run.Start, Evidence: cite[0],
		Values: map[string]string{"path": c.info.Path, "code": code, "error": firstNonEmpty(errText, "(see the cited lines)"),
			"error@pl": firstNonEmpty(errText, "(zobacz przytoczone wiersze)")}})
	for _, e := range cite[1:] {
		c.facts = append(c.facts, Fact{Kind: FactLegacySetupLine, Host: host, Evidence: e, Values: map[string]string{"path": c.info.Path}})
	}
	return nil
}

// Facts returns the failure, for the bundle part.
func (c *legacySetupChecker) Facts() []Fact { return c.facts }

// CheckBundle reports each failed 5.5/2000/2003 setup log that no other
// rule's finding cites.
func (r *legacySetupRule) CheckBundle(b *Bundle) []Hit {
	explained := map[string]bool{}
	for _, f := range b.Findings {
		if f.Rule == r.meta.ID {
			continue
		}
		for _, e := range f.Evidence {
			explained[e.Path] = true
		}
	}
	more := map[string][]Evidence{}
	for _, f := range factsOf(b, FactLegacySetupLine) {
		more[f.Values["path"]] = append(more[f.Values["path"]], f.Evidence)
	}
	var hits []Hit
	for _, f := range factsOf(b, FactLegacySetupFailure) {
		p := f.Values["path"]
		if explained[p] {
			continue
		}
		vals := map[string]string{}
		for k, v := range f.Values {
			vals[k] = v
		}
		hits = append(hits, Hit{Host: f.Host, Evidence: append([]Evidence{f.Evidence}, more[p]...), Values: vals, Key: p, Count: 1})
	}
	return hits
}
