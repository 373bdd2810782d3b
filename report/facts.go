package report

import (
	"fmt"
	"sort"

	"github.com/extriage/extriage/detectors"
)

// TimelineOf turns what the logs say happened (setup and hotfix runs,
// Exchange service failures, cluster resource failures) into timeline
// entries labelled in language lang, in time order (entries without a time
// last, in the order found).
func TimelineOf(facts []detectors.Fact, lang detectors.Lang) []TimelineEvent {
	var out []TimelineEvent
	for _, f := range facts {
		label := factLabel(f, lang)
		if label == "" {
			continue
		}
		ev := f.Evidence
		if ev.Time.IsZero() && !f.Time.IsZero() {
			ev.Time = f.Time
		}
		out = append(out, TimelineEvent{Host: f.Host, Label: label, Start: ev, End: f.End})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Start.Time, out[j].Start.Time
		if a.IsZero() || b.IsZero() {
			return !a.IsZero() && b.IsZero()
		}
		return a.Before(b)
	})
	return out
}

func factLabel(f detectors.Fact, lang detectors.Lang) string {
	pl := lang == detectors.Polish
	v := f.Values
	switch f.Kind {
	case detectors.FactInstall:
		what := v["what"]
		if pl && v["what@pl"] != "" {
			what = v["what@pl"]
		}
		if what == "" {
			what = "install"
			if pl {
				what = "instalacja"
			}
		}
		return fmt.Sprintf("%s (%s)", what, outcomeWord(v["outcome"], pl))
	case detectors.FactServiceFailure:
		if pl {
			return fmt.Sprintf("awaria usługi %s (%s)", v["service"], v["event_id"])
		}
		return fmt.Sprintf("%s failed (%s)", v["service"], v["event_id"])
	case detectors.FactClusterResourceFailure:
		if pl {
			return "błąd zasobu klastra Exchange"
		}
		return "Exchange cluster resource failed"
	}
	return ""
}

func outcomeWord(o string, pl bool) string {
	if !pl {
		return o
	}
	switch o {
	case "succeeded":
		return "zakończona"
	case "failed":
		return "nieudana"
	case "started":
		return "rozpoczęta"
	case "unknown":
		return "wynik nieznany"
	}
	return o
}
