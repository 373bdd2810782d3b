package detectors

import (
	"path"
	"strings"
	"time"
)

func init() { registerGoRule(&bundleRule{meta: perfoptMeta, check: checkPerfopt}) }

var perfoptMeta = Meta{
	ID:       "perfopt-not-rerun",
	Title:    Text{EN: "Performance Optimizer not run after an Exchange 5.5 service pack", PL: "Nie uruchomiono Optymalizatora wydajności po dodatku Service Pack Exchange 5.5"},
	Severity: Warning,
	KB:       []string{"328839", "271824"},
	Doc: Text{
		EN: "Each Exchange 5.5 service pack changes what the Performance Optimizer (Perfwiz.exe) tunes, so Microsoft " +
			"asks for it to be run again after every service pack (KB 271824). The rule fires for a server whose bundle " +
			"holds an Exchange 5.5 setup or service pack run but no perfopt.log written after it. Perfwiz resets " +
			"customised Exchange registry values (KB 245235): note them first.",
		PL: "Każdy dodatek Service Pack Exchange 5.5 zmienia to, co stroi Optymalizator wydajności (Perfwiz.exe), więc " +
			"Microsoft zaleca uruchomienie go ponownie po każdym dodatku (KB 271824). Reguła zgłasza serwer, którego " +
			"pakiet zawiera przebieg instalacji lub dodatku Service Pack Exchange 5.5, ale nie zawiera pliku perfopt.log " +
			"zapisanego po nim. Perfwiz przywraca domyślne wartości zmienionych ustawień rejestru Exchange (KB 245235): " +
			"najpierw je zanotuj.",
	},
	Remedy: Text{
		EN: "{why} Save the customised Exchange registry values of {host}, run Perfwiz.exe (Performance Optimizer) and " +
			"restart the Exchange services; if perfopt.log (in %SystemRoot%\\System32) simply was not collected, check " +
			"its date against the service pack's. See KB 271824 and KB 328839.",
		PL: "{why} Zapisz zmienione wartości rejestru Exchange serwera {host}, uruchom Perfwiz.exe (Optymalizator " +
			"wydajności) i uruchom ponownie usługi Exchange; jeśli pliku perfopt.log (w %SystemRoot%\\System32) po prostu " +
			"nie zebrano, porównaj jego datę z datą dodatku Service Pack. Zobacz KB 271824 i KB 328839.",
	},
}

func checkPerfopt(b *Bundle) []Hit {
	modTimes := map[string]time.Time{}
	var perfopt []Input
	for _, in := range b.Inputs {
		modTimes[in.Path] = in.ModTime
		if strings.EqualFold(path.Base(strings.ReplaceAll(in.Path, `\`, "/")), "perfopt.log") {
			perfopt = append(perfopt, in)
		}
	}
	hosts := map[string]bool{}
	for _, in := range b.Inputs {
		if in.Host != "" {
			hosts[in.Host] = true
		}
	}
	var hits []Hit
	done := map[string]bool{}
	for _, f := range factsOf(b, FactInstall) {
		// A run that failed did not apply the service pack: its failure,
		// not Perfwiz, is what to fix (sp-setup-failed reports it).
		if f.Values["generation"] != "5.5" || f.Values["outcome"] == "failed" || done[f.Host] {
			continue
		}
		when := f.Time
		if when.IsZero() {
			when = modTimes[f.Evidence.Path] // the setup log was last written by that run
		}
		var newest *Input
		for i, p := range perfopt {
			// A perfopt.log counts for its own host, or for any host of a
			// one-server bundle.
			if p.Host == f.Host || (p.Host == "" && len(hosts) <= 1) {
				if newest == nil || p.ModTime.After(newest.ModTime) {
					newest = &perfopt[i]
				}
			}
		}
		var why, whyPL string
		switch {
		case newest == nil:
			why = "The bundle holds an Exchange 5.5 setup or service pack run but no perfopt.log."
			whyPL = "Pakiet zawiera przebieg instalacji lub dodatku Service Pack Exchange 5.5, ale nie zawiera pliku perfopt.log."
		case !when.IsZero() && newest.ModTime.Before(when):
			why = "perfopt.log (" + newest.ModTime.UTC().Format("2006-01-02") + ") is older than the Exchange 5.5 setup run (" + when.UTC().Format("2006-01-02") + ")."
			whyPL = "Plik perfopt.log (" + newest.ModTime.UTC().Format("2006-01-02") + ") jest starszy niż przebieg instalacji Exchange 5.5 (" + when.UTC().Format("2006-01-02") + ")."
		default:
			continue
		}
		done[f.Host] = true
		ev := []Evidence{f.Evidence}
		if newest != nil {
			ev = append(ev, Evidence{Path: newest.Path, Time: newest.ModTime, Text: "perfopt.log last written " + newest.ModTime.UTC().Format(time.RFC3339),
				TextPL: "ostatni zapis pliku perfopt.log: " + newest.ModTime.UTC().Format(time.RFC3339)})
		}
		hits = append(hits, Hit{Host: f.Host, Evidence: ev, Values: map[string]string{"why": why, "why@pl": whyPL}})
	}
	return hits
}
