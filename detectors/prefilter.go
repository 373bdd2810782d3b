package detectors

import (
	"sort"
	"strings"

	"github.com/extriage/extriage/parsers"
)

// Keyworder is a FileRule or Extractor that can say which words a record
// of a format must contain (in its provider name or its text, compared
// without case) for the rule to look at it at all. ok false means the rule
// needs every record of that format (it follows a file's state, or matches
// on event IDs alone).
type Keyworder interface {
	Keywords(f parsers.Format) (words []string, ok bool)
}

// Keywords returns the words that make a record of format f worth reading
// for this engine's rules and extractors: a parser may skip any region of a
// file (an EVTX chunk) that contains none of them, in ASCII or UTF-16LE,
// without changing what the rules find. It returns nil when some rule needs
// every record of the format, and an empty, non-nil list when no rule reads
// the format at all.
func (e *Engine) Keywords(f parsers.Format) []string {
	set := map[string]bool{}
	consider := func(x any, reads bool) bool {
		if !reads {
			return true
		}
		k, ok := x.(Keyworder)
		if !ok {
			return false
		}
		words, ok := k.Keywords(f)
		if !ok {
			return false
		}
		for _, w := range words {
			set[strings.ToLower(w)] = true
		}
		return true
	}
	for _, r := range e.rules {
		if _, ok := r.(FileRule); !ok {
			continue
		}
		if !consider(r, r.Meta().Reads(f)) {
			return nil
		}
	}
	for _, x := range extractors {
		if !consider(x, true) {
			return nil
		}
	}
	out := make([]string, 0, len(set))
	for w := range set {
		out = append(out, w)
	}
	sort.Strings(out)
	return out
}

// Keywords for a data rule: its providers (a record must come from one of
// them), else its keywords (one must occur). A rule with neither can only
// be judged by reading every record.
func (d *DataRule) Keywords(f parsers.Format) ([]string, bool) {
	switch {
	case len(d.providers) > 0:
		return d.providers, true
	case len(d.keywords) > 0:
		return d.keywords, true
	}
	return nil, false
}

// Keywords: MsiInstaller events in event logs; every line of an MSI log.
func (r *msiFailedRule) Keywords(f parsers.Format) ([]string, bool) {
	switch f {
	case parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport:
		return []string{"MsiInstaller"}, true
	}
	return nil, false
}

// inventoryProviders are the event sources the inventory reads.
var inventoryProviders = []string{"MSExchangeCluster", "EventLog", "MSExchangeSetup", "MsiInstaller", "Service Control Manager", "Microsoft-Windows-Kernel-General"}

// Keywords: in event logs, the sources the inventory reads, version
// banners and the KB it looks for; text logs are read whole.
func (inventoryExtractor) Keywords(f parsers.Format) ([]string, bool) {
	switch f {
	case parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport:
		return append(append([]string(nil), inventoryProviders...), "(Build ", "831464"), true
	}
	return nil, false
}

// Keywords: the setup extractor reads setup logs only, and reads them whole.
func (setupExtractor) Keywords(f parsers.Format) ([]string, bool) {
	if f == parsers.FormatSetupLog {
		return nil, false
	}
	return []string{}, true
}

// Keywords: MsiInstaller events in event logs; every line of an MSI or
// update.exe log.
func (r *rebootRule) Keywords(f parsers.Format) ([]string, bool) {
	switch f {
	case parsers.FormatEVTX, parsers.FormatEVT, parsers.FormatEvExport:
		return []string{"MsiInstaller"}, true
	}
	return nil, false
}
