package detectors

import (
	"strconv"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
	"github.com/extriage/extriage/parsers/textio"
)

// The kinds of Fact the setup extractor reports, one set per 2007+
// ExchangeSetup.log.
const (
	// FactSetupVerdict is the outcome of the run that decides a setup log's
	// verdict. Values: path, outcome (succeeded, failed, unknown), run,
	// product, setup_build, local_build, mode, first_error, and fell_back
	// ("true" when the last run was too short and the one before decides).
	FactSetupVerdict = "setup-verdict"
	// FactSetupErrorContext is one line of a failed verdict run's error
	// context (the first error and the lines after it), in order. Values:
	// path.
	FactSetupErrorContext = "setup-error-context"
)

// setupContextFacts bounds the context lines reported for a failed run.
const setupContextFacts = 18

func init() {
	registerExtractor(setupExtractor{})
	registerGoRule(&setupFallbackRule{meta: setupFallbackMeta})
}

// setupExtractor reports the verdict of each setup log and, when it
// failed, the error context, for setup-failed-unknown.
type setupExtractor struct{}

func (setupExtractor) NewChecker(f FileInfo) Checker {
	if f.Format != parsers.FormatSetupLog {
		return nil
	}
	scan, owner := sharedSetupScan(f)
	return &setupFacts{scan: scan, owner: owner, view: f.View, path: f.Path}
}

type setupFacts struct {
	scan  *setupScan
	owner bool
	view  *RecordView
	path  string
	facts []Fact
	// outcomes holds the lines that may decide a run's outcome (the setup
	// operation's result, "Setup is stopping", [ERROR] lines), by line, so
	// that a verdict cites its outcome line with the time the log gives.
	outcomes map[int]Evidence
}

// maxOutcomeLines bounds the outcome lines a setup log keeps.
const maxOutcomeLines = 4096

// The phrases that make a line an outcome line for setupFacts.
var (
	ndSetupOperation = textio.NewNeedle("setup operation")
	ndSetupStopping  = textio.NewNeedle("setup is stopping")
)

func (c *setupFacts) Record(r *parsers.Record) {
	if c.owner {
		c.scan.feed(r, c.view)
	}
	line := firstLineOf(r.Message)
	has := func(nd textio.Needle) bool { return nd.In(line) }
	if v := c.view; v != nil && v.rec == r {
		has = func(nd textio.Needle) bool { return v.Has(nd, line) }
	}
	if len(c.outcomes) < maxOutcomeLines && (has(ndSetupOperation) || has(ndSetupStopping) || has(ndError)) {
		if c.outcomes == nil {
			c.outcomes = map[int]Evidence{}
		}
		c.outcomes[r.Line] = setupEvidence(r, 0, line)
	}
}

func (c *setupFacts) Finish() []Hit {
	defer c.scan.release()
	v := c.scan.result()
	if v == nil {
		return nil
	}
	run := v.run
	vals := map[string]string{
		"path":        c.path,
		"outcome":     string(run.Outcome),
		"run":         strconv.Itoa(run.Index),
		"product":     run.Product,
		"setup_build": run.SetupBuild,
		"local_build": run.LocalBuild,
		"mode":        run.Mode,
	}
	if v.fellBack {
		vals["fell_back"] = "true" // the last run was too short to decide
	}
	lines := v.failureContext()
	if len(lines) > 0 {
		vals["first_error"] = lines[0].Text
		for _, l := range lines {
			if l.Line == run.FirstErrorLine || textio.ContainsFold(l.Text, "[error]") {
				vals["first_error"] = l.Text
				break
			}
		}
	}
	ev, ok := c.outcomes[run.OutcomeLine]
	if !ok || run.OutcomeLine == 0 {
		ev = Evidence{Path: c.path, Line: run.OutcomeLine}
		ev.Text, ev.TextPL = setupRunText(run.Index, string(run.Outcome))
	}
	switch {
	case v.rs.success != nil && v.succeeded():
		ev = *v.rs.success
	case len(lines) > 0:
		ev = lines[0]
	}
	c.facts = append(c.facts, Fact{Kind: FactSetupVerdict, Time: run.Start, Values: vals, Evidence: ev})
	for _, l := range lines {
		c.facts = append(c.facts, Fact{Kind: FactSetupErrorContext, Time: l.Time, Values: map[string]string{"path": c.path}, Evidence: l})
	}
	return nil
}

func (c *setupFacts) Facts() []Fact { return c.facts }

// failureContext is the evidence of a failed verdict run: the line before
// the first [ERROR] line, that line and the ones after it up to the
// ERROR-REFERENCE line, stack frames left out; when the run has no
// [ERROR] line, its [REQUIRED] lines. It is empty for a run that did not
// fail.
func (v *setupVerdict) failureContext() []Evidence {
	if !v.failed() {
		return nil
	}
	ctx := v.errorContext()
	if len(ctx) == 0 {
		ctx = v.rs.ctx
	}
	var out []Evidence
	for _, l := range v.withPre(1, ctx) {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "at ") || strings.HasPrefix(t, "--- End of") {
			continue
		}
		out = append(out, l.Evidence)
		if len(out) == setupContextFacts {
			break
		}
	}
	if len(ctx) == 0 {
		out = nil
		for _, e := range v.rs.required {
			out = append(out, e)
			if len(out) == setupContextFacts {
				break
			}
		}
	}
	return out
}

var setupFallbackMeta = Meta{
	ID:       "setup-failed-unknown",
	Severity: Error,
	KB:       []string{"328839"},
	Title: tx("Exchange Setup failed for a reason no known-issue rule recognises",
		"Instalator Exchange zakończył się błędem, którego nie rozpoznaje żadna reguła znanych problemów"),
	Doc: tx(`Fires for each ExchangeSetup.log (2007 and later) whose verdict run failed when no other rule of this section explains the failure for that file. Its evidence is the failure itself: the line before the first [ERROR] line, that line and the lines after it up to the [ERROR-REFERENCE] line (stack frames left out), or the [REQUIRED] lines of a run that failed its prerequisite check without an [ERROR] line. It is the fallback of Microsoft's SetupLogReviewer, which then prints the error context and points to SetupAssist.ps1.`+runDocEN+genDocEN,
		`Zgłaszana dla każdego dziennika ExchangeSetup.log (2007 i nowsze), którego rozstrzygający przebieg zakończył się błędem, gdy żadna inna reguła tej sekcji nie wyjaśnia błędu w tym pliku. Dowodem jest sam błąd: wiersz przed pierwszym wierszem [ERROR], ten wiersz i następne aż do wiersza [ERROR-REFERENCE] (bez ramek stosu), a dla przebiegu, który nie przeszedł sprawdzania wymagań wstępnych bez wiersza [ERROR], jego wiersze [REQUIRED]. To odpowiednik ostatniej kontroli skryptu SetupLogReviewer firmy Microsoft, który wtedy wypisuje kontekst błędu i odsyła do SetupAssist.ps1.`+runDocPL+genDocPL),
	Remedy: tx(`Setup failed on {host} ({path}) and no known cause matched. The first error was: {first_error} Read the cited lines (the first error through the ERROR-REFERENCE line: the component and the exception that stopped Setup), run SetupAssist.ps1 from CSS-Exchange on the server to check prerequisites, permissions and AD state, fix what they show, and rerun Setup.`+genRemEN,
		`Instalacja na serwerze {host} ({path}) nie powiodła się i nie pasuje żadna znana przyczyna. Pierwszy błąd: {first_error} Przeczytaj przytoczone wiersze (od pierwszego błędu do wiersza ERROR-REFERENCE: składnik i wyjątek, który zatrzymał instalator), uruchom na serwerze skrypt SetupAssist.ps1 z CSS-Exchange, aby sprawdzić wymagania wstępne, uprawnienia i stan AD, usuń to, co wskażą, i ponów instalację.`+genRemPL),
}

// setupFallbackRule is setup-failed-unknown: a bundle rule, because it
// must see the findings of every other section B rule for the same file.
type setupFallbackRule struct{ meta Meta }

func (r *setupFallbackRule) Meta() *Meta { return &r.meta }

func (r *setupFallbackRule) CheckBundle(b *Bundle) []Hit {
	explained := map[string]bool{}
	for _, f := range b.Findings {
		if !setupExplains[f.Rule] {
			continue
		}
		for _, e := range f.Evidence {
			explained[e.Path] = true
		}
	}
	ctx := map[string][]Evidence{}
	for _, f := range b.Facts {
		if f.Kind == FactSetupErrorContext {
			p := f.Values["path"]
			ctx[p] = append(ctx[p], f.Evidence)
		}
	}
	var hits []Hit
	for _, f := range b.Facts {
		if f.Kind != FactSetupVerdict || f.Values["outcome"] != string(setuplog.OutcomeFailed) {
			continue
		}
		path := f.Values["path"]
		if explained[path] {
			continue
		}
		evs := ctx[path]
		if len(evs) == 0 {
			evs = []Evidence{f.Evidence}
		}
		vals := map[string]string{"path": path}
		if fe := f.Values["first_error"]; fe != "" {
			vals["first_error"] = fe
		} else {
			vals["first_error"] = "(no [ERROR] line in the run; see the cited lines)"
			vals["first_error@pl"] = "(brak wiersza [ERROR] w przebiegu; zobacz przytoczone wiersze)"
		}
		for _, k := range []string{"setup_build", "mode", "run"} {
			if f.Values[k] != "" {
				vals[k] = f.Values[k]
			}
		}
		hits = append(hits, Hit{Host: f.Host, Evidence: evs, Values: vals, Key: path})
	}
	return hits
}
