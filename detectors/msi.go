package detectors

import (
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/msilog"
)

func init() { registerGoRule(&msiFailedRule{meta: msiFailedMeta}) }

var msiFailedMeta = Meta{
	ID:       "msi-install-failed",
	Title:    Text{EN: "Windows Installer package failed to install", PL: "Instalacja pakietu Instalatora Windows nie powiodła się"},
	Severity: Error,
	KB:       []string{"328839", "2263996"},
	Formats:  []parsers.Format{parsers.FormatMSILog, parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport},
	Doc: Text{
		EN: "A Windows Installer verbose log with \"Return value 3\" or a fatal error (1603), or an MsiInstaller event " +
			"11708 (installation failed) or 1023 (an update could not be installed). The finding cites the first failing " +
			"action with the lines before it, where the cause usually is, and names the cause when the log shows it: " +
			"files held in use by a process, or a package missing from the Windows Installer cache (C:\\Windows\\Installer).",
		PL: "Szczegółowy dziennik Instalatora Windows z „Return value 3” lub błędem krytycznym (1603) albo zdarzenie " +
			"MsiInstaller 11708 (instalacja nie powiodła się) lub 1023 (nie można zainstalować aktualizacji). Wynik " +
			"cytuje pierwszą nieudaną akcję z poprzedzającymi ją wierszami, w których zwykle jest przyczyna, i podaje " +
			"przyczynę, gdy dziennik ją pokazuje: pliki używane przez proces albo brak pakietu w pamięci podręcznej " +
			"Instalatora Windows (C:\\Windows\\Installer).",
	},
	Remedy: Text{
		EN: "{product} failed on {host}{cause?}. Read the lines before the first \"Return value 3\" in the log for the " +
			"failing action. Close the programs holding files open (or restart), restore missing installer-cache " +
			"packages from the original media (for Exchange, CSS-Exchange's FixInstallerCache.ps1 does this), then run " +
			"the installation again from an elevated prompt. See KB 2263996 and KB 328839.",
		PL: "Instalacja {product} na serwerze {host} nie powiodła się{cause?}. Przeczytaj wiersze przed pierwszym " +
			"„Return value 3” w dzienniku, aby znaleźć nieudaną akcję. Zamknij programy, które trzymają otwarte pliki " +
			"(albo uruchom serwer ponownie), przywróć brakujące pakiety pamięci podręcznej instalatora z oryginalnego " +
			"nośnika (dla Exchange robi to skrypt FixInstallerCache.ps1 z CSS-Exchange), a potem uruchom instalację " +
			"ponownie z wiersza polecenia z uprawnieniami administratora. Zobacz KB 2263996 i KB 328839.",
	},
}

type msiFailedRule struct{ meta Meta }

func (r *msiFailedRule) Meta() *Meta { return &r.meta }

func (r *msiFailedRule) NewChecker(f FileInfo) Checker {
	if f.Format == parsers.FormatMSILog {
		sum, owner := sharedMSISummary(f)
		return &msiLogChecker{sum: sum, owner: owner}
	}
	return &msiEventChecker{}
}

// msiSummaryKey names the summary of an MSI log in a file's shared slots.
type msiSummaryKey struct{}

// sharedMSISummary returns the summary of the MSI log f describes, which
// the rules that read such logs share, making it for the first checker
// that asks. owner is true for that checker: it alone adds the records.
func sharedMSISummary(f FileInfo) (sum *msilog.Summarizer, owner bool) {
	if f.Context == nil {
		return msilog.NewSummarizer(), true
	}
	v, first := f.Context.Shared(msiSummaryKey{}, func() any { return msilog.NewSummarizer() })
	return v.(*msilog.Summarizer), first
}

// msiLogChecker judges one MSI verbose log from its summary.
type msiLogChecker struct {
	sum   *msilog.Summarizer
	owner bool // the checker that adds the records to sum
}

func (c *msiLogChecker) Record(r *parsers.Record) {
	if c.owner {
		c.sum.Add(r)
	}
}

// msiContextLines is how many lines before the first failure the finding
// cites.
const msiContextLines = 6

func (c *msiLogChecker) Finish() []Hit {
	s := c.sum.Summary()
	if !s.Failed {
		return nil
	}
	var ev []Evidence
	ctx := s.Context
	if len(ctx) > msiContextLines {
		ctx = ctx[len(ctx)-msiContextLines:]
	}
	for _, r := range ctx {
		ev = append(ev, EvidenceOf(r))
	}
	if s.FirstFailure != nil {
		ev = append(ev, EvidenceOf(s.FirstFailure))
	} else if len(s.Errors) > 0 {
		ev = append(ev, EvidenceOf(s.Errors[0]))
	}
	var causes, causesPL []string
	if len(s.FilesInUse) > 0 {
		var names []string
		for i, f := range s.FilesInUse {
			if i == 5 {
				names = append(names, "…")
				break
			}
			n := f.Path
			if f.Process != "" {
				n = strings.TrimSpace(n + " (" + f.Process + ")")
			}
			names = append(names, n)
		}
		causes = append(causes, "files in use: "+strings.Join(names, ", "))
		causesPL = append(causesPL, "pliki w użyciu: "+strings.Join(names, ", "))
	}
	if len(s.CacheMissing) > 0 {
		var names []string
		for i, m := range s.CacheMissing {
			if i == 5 {
				names = append(names, "…")
				break
			}
			names = append(names, m.Path)
		}
		causes = append(causes, "missing from the installer cache: "+strings.Join(names, ", "))
		causesPL = append(causesPL, "brak w pamięci podręcznej instalatora: "+strings.Join(names, ", "))
	}
	cause, causePL := "", ""
	if len(causes) > 0 {
		cause = " (" + strings.Join(causes, "; ") + ")"
		causePL = " (" + strings.Join(causesPL, "; ") + ")"
	}
	product := firstNonEmpty(s.Product, "The package")
	if s.ExitCode > 0 {
		cause = fmt.Sprintf(", exit code %d%s", s.ExitCode, cause)
		causePL = fmt.Sprintf(", kod zakończenia %d%s", s.ExitCode, causePL)
	}
	vals := map[string]string{"product": product, "product@pl": firstNonEmpty(s.Product, "pakietu")}
	if cause != "" {
		vals["cause"], vals["cause@pl"] = cause, causePL
	}
	return []Hit{{Evidence: ev, Count: 1, Values: vals}}
}

// msiEventChecker reports MsiInstaller failure events.
type msiEventChecker struct{ hits hitSet }

func (c *msiEventChecker) Record(r *parsers.Record) {
	if !strings.EqualFold(r.Provider, "MsiInstaller") {
		return
	}
	failed := r.EventID == 11708 || r.EventID == 1023 || r.EventID == 1024
	if r.EventID == 1033 || r.EventID == 1036 {
		st := statusArg(r)
		failed = st != "" && st != "0" && st != "3010" && st != "1641"
	}
	if !failed {
		return
	}
	data := eventArgs(r)
	product, productPL := "The package", "pakietu"
	if len(data) > 0 && data[0] != "" {
		product = data[0]
		// 11708 carries the whole sentence, "Product: X -- Installation
		// failed." (Polish "Produkt: X -- ..."); the product is X, the
		// same name 1033 and 1023 give, so the events of one install
		// merge into one finding.
		if m := msiProduct.FindStringSubmatch(product); m != nil {
			product = m[1]
		}
		productPL = product
	}
	code := ""
	switch {
	case (r.EventID == 1023 || r.EventID == 1024) && len(data) > 2:
		code = data[2]
	case r.EventID == 1033 || r.EventID == 1036:
		code = statusArg(r)
	}
	vals := map[string]string{"product": product, "product@pl": productPL}
	if code != "" {
		// Only events that carry a code set it, so that a 1033 merged
		// after the 11708 of the same install still gives its status.
		vals["cause"], vals["cause@pl"] = ", error code "+code, ", kod błędu "+code
	}
	c.hits.add(Hit{Host: HostName(r.Host), Evidence: []Evidence{EvidenceOf(r)}, Key: product, Values: vals}, 0)
}

func (c *msiEventChecker) Finish() []Hit { return c.hits.hits }
