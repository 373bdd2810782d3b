package report

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/scan"
)

// labels are the words of the case reports (HTML, Markdown, CSV, SARIF) in
// one language.
type labels struct {
	Title, Generated, Version, Summary, NoFindings                    string
	Verdicts, Servers, Server, Bundle, Product, Build, Level, Role    string
	Cluster, ClusterNode, NoServer, Findings, Rule, Count, Evidence   string
	OS                                                                string // the operating system column
	Remedy, KB, Location, Time, Timeline, TimelineNote                string
	TimelineZone, TimelineUTC, NotPlaced, NoTimes, Inputs, File       string
	Format, Size, Records, Status, StatusRead, StatusUnrecognised     string
	StatusFailed, Warnings, None, Legend, HollowNote, Contents, Value string
	StatusWarned                                                      string // read, with %d warnings
	Values, Placed, VerdictHead, ClockTitle, ClockNote, ClockList     string
	EventLegend                                                       string
	// BreakTitle says what a break in the timeline's axis skips (%s: how
	// long), BreakNote explains the breaks, and Day, Hour, Minute are the
	// units of such durations.
	BreakTitle, BreakNote, Day, Hour, Minute string
	// BundleVerdicts heads the verdict of each bundle (a report of several
	// bundles, from --per-bundle), Across the rules that fired across
	// them. BundleSummary is the line under it: %[1]d bundles (noun %[2]s,
	// from BundleN), then %[3]s, the verdicts with their counts ("Failed:
	// 2, No known failure: 1"), a form that needs no plural in Polish.
	BundleVerdicts, Across, AcrossNote, BundleSummary string
	BundleN                                           [2]string
	Unreadable, LogsRead, Severity, Bundles, Title2   string
	OfTotal                                           string // "%d of %d" bundles
	NoRulesFired                                      string
	// HostInBundle names a server (%[1]s) of bundle %[2]s where a line
	// has room for no bundle column (SARIF result messages).
	HostInBundle string
	// WarningsQuoted says, once per report, that the warnings are quoted
	// in English as the parsers and the scan wrote them; empty in English.
	WarningsQuoted string
	// Summary is the line under the title: %[1]d findings (noun %[2]s) on
	// %[3]d servers (%[4]s); %[5]d of %[6]d input files (%[7]s) read. The
	// nouns come from FindingN, ServerN and FileN, each [one, other], and
	// MoreN is "N more matching records not shown" in the same two forms:
	// for English and Polish the count 1 is the only one that differs.
	FindingN, ServerN, FileN, MoreN [2]string
	Sev                             [4]string // info, warning, error, critical
	Verdict                         [5]string // none, info, warning, error, critical
	TimeQ                           map[parsers.TimeQuality]string
	CSV                             []string
}

var labelSets = map[detectors.Lang]*labels{
	detectors.English: {
		Title:              "Exchange update triage report",
		Generated:          "Generated",
		Version:            "extriage version",
		Summary:            "%[1]d %[2]s on %[3]d %[4]s; %[5]d of %[6]d %[7]s read.",
		FindingN:           [2]string{"finding", "findings"},
		ServerN:            [2]string{"server", "servers"},
		FileN:              [2]string{"input file", "input files"},
		MoreN:              [2]string{"%d more matching record not shown.", "%d more matching records not shown."},
		NoFindings:         "No known failure signature was found in these logs.",
		Verdicts:           "Verdict per server",
		Servers:            "Servers",
		Server:             "Server",
		Bundle:             "Bundle",
		Product:            "Product",
		Build:              "Build",
		Level:              "SP / CU",
		Role:               "Role",
		Cluster:            "Cluster",
		OS:                 "Operating system",
		ClusterNode:        "node",
		NoServer:           "(no server named)",
		HostInBundle:       "%[1]s (bundle %[2]s)",
		Findings:           "Findings",
		Rule:               "Rule",
		Count:              "Matching records",
		Evidence:           "Evidence",
		Remedy:             "Remedy",
		KB:                 "KB articles",
		Location:           "Location",
		Time:               "Time",
		Timeline:           "Timeline",
		TimelineNote:       "Each row is a server; each mark is a piece of evidence, coloured by the severity of its finding and labelled with the finding's number. A bar spans the evidence of one log file.",
		TimelineZone:       "Times as the logs state them; hollow marks are local times of logs that give no zone.",
		TimelineUTC:        "Times in UTC.",
		NotPlaced:          "Evidence with no usable time (elapsed seconds only, or none)",
		NoTimes:            "No evidence carries a date and time, so there is nothing to draw on a dated axis.",
		Inputs:             "Input files",
		File:               "File",
		Format:             "Format",
		Size:               "Bytes",
		Records:            "Records",
		Status:             "Status",
		StatusRead:         "read",
		StatusUnrecognised: "not recognised, skipped",
		StatusFailed:       "could not be read",
		StatusWarned:       "read, with warnings (%d)",
		Warnings:           "Warnings",
		None:               "none",
		Legend:             "Legend",
		HollowNote:         "local time, zone unknown",
		Contents:           "Contents",
		Value:              "Value",
		Values:             "Captured values",
		Placed:             "Evidence in time order",
		VerdictHead:        "Verdict",
		ClockTitle:         "By time of day (these logs give no date)",
		ClockNote:          "These logs state only the time of day, so this drawing orders their evidence by clock time; marks may lie on different days and are not comparable with the dated timeline above.",
		ClockList:          "Evidence by time of day",
		EventLegend:        "run or key event",
		BreakTitle:         "Break in the axis: %s with nothing to show are left out",
		BreakNote:          "Where nothing happens for long the axis is broken (//) and each stretch is drawn to its own scale; the time a break skips is written under it.",
		Day:                "d",
		Hour:               "h",
		Minute:             "min",
		BundleVerdicts:     "Verdict per bundle",
		Across:             "Across the bundles",
		AcrossNote:         "Which rules fired on how many bundles, the most widespread first.",
		BundleSummary:      "%[1]d %[2]s: %[3]s.",
		BundleN:            [2]string{"bundle", "bundles"},
		Unreadable:         "No log could be read",
		LogsRead:           "Logs read",
		Severity:           "Severity",
		Bundles:            "Bundles",
		Title2:             "Title",
		OfTotal:            "%d of %d",
		NoRulesFired:       "No rule fired on any bundle.",
		Sev:                [4]string{"Info", "Warning", "Error", "Critical"},
		Verdict:            [5]string{"No known failure", "Information only", "Warnings", "Failed", "Failed (critical)"},
		TimeQ: map[parsers.TimeQuality]string{
			parsers.TimeNoZone:  "local time, zone unknown",
			parsers.TimeNoDate:  "time of day only, date unknown",
			parsers.TimeElapsed: "seconds since the process started",
			parsers.TimeNone:    "no time",
		},
		CSV: []string{"Number", "Severity", "Rule", "Title", "Server", "Bundle", "Count",
			"First time", "Time quality", "First location", "Evidence", "KB", "KB links", "Remedy"},
	},
	detectors.Polish: {
		Title:              "Raport z diagnozy aktualizacji Exchange",
		Generated:          "Wygenerowano",
		Version:            "wersja extriage",
		Summary:            "Wyniki: %[1]d na %[3]d %[4]s; odczytano %[5]d z %[6]d %[7]s.",
		FindingN:           [2]string{"wynik", "wyniki"},
		ServerN:            [2]string{"serwerze", "serwerach"},
		FileN:              [2]string{"pliku wejściowego", "plików wejściowych"},
		MoreN:              [2]string{"Nie pokazano %d kolejnego pasującego rekordu.", "Nie pokazano %d kolejnych pasujących rekordów."},
		NoFindings:         "W tych dziennikach nie znaleziono żadnej znanej sygnatury błędu.",
		Verdicts:           "Ocena każdego serwera",
		Servers:            "Serwery",
		Server:             "Serwer",
		Bundle:             "Pakiet",
		Product:            "Produkt",
		Build:              "Kompilacja",
		Level:              "SP / CU",
		Role:               "Rola",
		Cluster:            "Klaster",
		OS:                 "System operacyjny",
		ClusterNode:        "węzeł",
		NoServer:           "(serwer nieznany)",
		HostInBundle:       "%[1]s (pakiet %[2]s)",
		WarningsQuoted:     "Ostrzeżenia dotyczące plików wejściowych są przytoczone po angielsku, dosłownie w brzmieniu, w jakim zapisał je extriage podczas odczytu plików.",
		Findings:           "Wyniki",
		Rule:               "Reguła",
		Count:              "Pasujące rekordy",
		Evidence:           "Dowody",
		Remedy:             "Zalecenie",
		KB:                 "Artykuły KB",
		Location:           "Miejsce",
		Time:               "Czas",
		Timeline:           "Oś czasu",
		TimelineNote:       "Każdy wiersz to serwer; każdy znacznik to dowód w kolorze wagi wyniku, opisany numerem wyniku. Pasek obejmuje dowody z jednego pliku dziennika.",
		TimelineZone:       "Czas tak, jak zapisały go dzienniki; puste znaczniki to czas lokalny z dzienników bez strefy czasowej.",
		TimelineUTC:        "Czas UTC.",
		NotPlaced:          "Dowody bez użytecznego czasu (tylko sekundy od startu procesu albo brak)",
		NoTimes:            "Żaden dowód nie ma daty i godziny, więc na osi dat nie ma czego narysować.",
		Inputs:             "Pliki wejściowe",
		File:               "Plik",
		Format:             "Format",
		Size:               "Bajty",
		Records:            "Rekordy",
		Status:             "Stan",
		StatusRead:         "odczytany",
		StatusUnrecognised: "nierozpoznany, pominięty",
		StatusFailed:       "nie do odczytania",
		StatusWarned:       "odczytany, z ostrzeżeniami (%d)",
		Warnings:           "Ostrzeżenia",
		None:               "brak",
		Legend:             "Legenda",
		HollowNote:         "czas lokalny, strefa nieznana",
		Contents:           "Spis treści",
		Value:              "Wartość",
		Values:             "Odczytane wartości",
		Placed:             "Dowody w kolejności czasu",
		VerdictHead:        "Ocena",
		ClockTitle:         "Według godziny (te dzienniki nie podają daty)",
		ClockNote:          "Te dzienniki podają tylko godzinę, więc ten rysunek porządkuje ich dowody według zegara; znaczniki mogą pochodzić z różnych dni i nie można ich porównywać z osią czasu powyżej.",
		ClockList:          "Dowody według godziny",
		EventLegend:        "przebieg lub ważne zdarzenie",
		BreakTitle:         "Przerwa w osi: pominięto %s bez zdarzeń",
		BreakNote:          "Gdzie przez dłuższy czas nic się nie dzieje, oś jest przerwana (//), a każdy odcinek ma własną skalę; pod przerwą podano, ile czasu pomija.",
		Day:                "d",
		Hour:               "godz.",
		Minute:             "min",
		BundleVerdicts:     "Ocena każdego pakietu",
		Across:             "Podsumowanie wszystkich pakietów",
		AcrossNote:         "Które reguły zadziałały w ilu pakietach, od najczęstszych.",
		BundleSummary:      "Pakiety: %[1]d; %[3]s.",
		BundleN:            [2]string{"pakiet", "pakiety"},
		Unreadable:         "Nie odczytano żadnego dziennika",
		LogsRead:           "Odczytane dzienniki",
		Severity:           "Waga",
		Bundles:            "Pakiety",
		Title2:             "Tytuł",
		OfTotal:            "%d z %d",
		NoRulesFired:       "Żadna reguła nie zadziałała w żadnym pakiecie.",
		Sev:                [4]string{"Informacja", "Ostrzeżenie", "Błąd", "Krytyczny"},
		Verdict:            [5]string{"Brak znanych błędów", "Tylko informacje", "Ostrzeżenia", "Niepowodzenie", "Niepowodzenie (krytyczne)"},
		TimeQ: map[parsers.TimeQuality]string{
			parsers.TimeNoZone:  "czas lokalny, strefa nieznana",
			parsers.TimeNoDate:  "tylko godzina, data nieznana",
			parsers.TimeElapsed: "sekundy od startu procesu",
			parsers.TimeNone:    "brak czasu",
		},
		CSV: []string{"Numer", "Waga", "Reguła", "Tytuł", "Serwer", "Pakiet", "Liczba",
			"Pierwszy czas", "Jakość czasu", "Pierwsze miejsce", "Dowody", "KB", "Linki KB", "Zalecenie"},
	},
}

// labelsFor returns the words for a language, English when it is unknown.
func labelsFor(l detectors.Lang) *labels {
	if t, ok := labelSets[l]; ok {
		return t
	}
	return labelSets[detectors.English]
}

// Where a report says WarningsQuoted: before the first warning it shows.
const (
	quotedNowhere = iota
	quotedAtInputs
	quotedAtWarnings
)

// quotedAt says where the report says, once, that its warnings are quoted
// in English: at the input files when one of them shows warnings (they come
// first), else at the list of warnings, and nowhere when there are none or
// the report is in English.
func (t *labels) quotedAt(r *Report) int {
	if t.WarningsQuoted == "" {
		return quotedNowhere
	}
	for _, in := range r.Inputs {
		if len(in.Warnings) > 0 {
			return quotedAtInputs
		}
	}
	if len(r.Warnings) > 0 {
		return quotedAtWarnings
	}
	return quotedNowhere
}

// sevLabel names a severity in the report's language.
func (t *labels) sevLabel(s detectors.Severity) string {
	if s < detectors.Info || s > detectors.Critical {
		return s.String()
	}
	return t.Sev[s]
}

// CleanText makes log text safe to place in any document while keeping it
// whole: invalid UTF-8 becomes U+FFFD, and control characters other than
// newline and tab become their visible Unicode "control picture" (ESC is
// shown as ␛), so that an escape sequence in a log is shown, never acted
// on. Characters that reorder text (bidirectional overrides) are shown as
// U+FFFD. CR LF and lone CR become a newline.
func CleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.Contains(s, "\r") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	clean := true
	for _, r := range s {
		if needsPicture(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case !needsPicture(r):
			b.WriteRune(r)
		case r < 0x20:
			b.WriteRune(0x2400 + r)
		case r == 0x7f:
			b.WriteRune('\u2421')
		default:
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}

func needsPicture(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20 || r == 0x7f:
		return true
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == '\u2028', r == '\u2029':
		return true
	}
	return false
}

// oneLine is CleanText with line breaks and tabs turned into spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		return r
	}, CleanText(s))
}

// timeText renders an evidence time in the report's words: UTC for exact
// times; for a log that gave no zone or no date, the clock time the log
// wrote, marked as such, with the zone given for such logs (zone, --tz)
// when there is one; "" when there is no time.
func (t *labels) timeText(e detectors.Evidence, zone *time.Location) string {
	switch {
	case e.TimeQ == parsers.TimeElapsed, e.TimeQ == parsers.TimeNone, e.Time.IsZero():
		if q, ok := t.TimeQ[e.TimeQ]; ok && e.TimeQ != parsers.TimeNone {
			return "(" + q + ")"
		}
		return ""
	case e.TimeQ == parsers.TimeNoDate:
		return logClock(e.Time, zone).Format("15:04:05") + zoneSuffix(zone) + " (" + t.TimeQ[parsers.TimeNoDate] + ")"
	case e.TimeQ == parsers.TimeNoZone && zone != nil:
		return logClock(e.Time, zone).Format("2006-01-02 15:04:05") + zoneSuffix(zone)
	case e.TimeQ == parsers.TimeNoZone:
		return logClock(e.Time, zone).Format("2006-01-02 15:04:05") + " (" + t.TimeQ[parsers.TimeNoZone] + ")"
	}
	return e.Time.UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// logClock returns a time of a log that gave no zone or no date on the
// clock the log kept: in zone, the zone given for such logs (--tz), whose
// times were converted from it to UTC; without one, in UTC, where their
// clock times are kept as read.
func logClock(t time.Time, zone *time.Location) time.Time {
	if zone == nil {
		return t.UTC()
	}
	return t.In(zone)
}

// zoneSuffix names the zone given for logs that state none, after a
// space; "" when none was given.
func zoneSuffix(zone *time.Location) string {
	if zone == nil {
		return ""
	}
	return " " + zone.String()
}

// duration writes how long a break in the timeline skips, short enough to
// fit under it: the largest unit, and the next one too while the first is
// below ten ("45 min", "3 h 20 min", "12 h", "1 d 7 h", "12 d").
func (t *labels) duration(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days >= 10 || days > 0 && hours == 0:
		return fmt.Sprintf("%d %s", days, t.Day)
	case days > 0:
		return fmt.Sprintf("%d %s %d %s", days, t.Day, hours, t.Hour)
	case hours >= 10 || hours > 0 && mins == 0:
		return fmt.Sprintf("%d %s", hours, t.Hour)
	case hours > 0:
		return fmt.Sprintf("%d %s %d %s", hours, t.Hour, mins, t.Minute)
	}
	return fmt.Sprintf("%d %s", mins, t.Minute)
}

// placeable reports whether evidence can go on an absolute time axis: it
// has a date and a time (exact, or local time of unknown zone).
func placeable(e detectors.Evidence) bool {
	if e.Time.IsZero() {
		return false
	}
	return e.TimeQ == parsers.TimeExact || e.TimeQ == parsers.TimeNoZone
}

// orderedFindings returns the findings most severe first (stable), the
// order and numbering (F1, F2, ...) every case report uses.
func orderedFindings(r *Report) []detectors.Finding {
	fs := append([]detectors.Finding(nil), r.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].Severity > fs[j].Severity })
	return fs
}

// server is one row of the verdict table: a host and what was found on it.
type server struct {
	Name     string // "" for findings that name no server
	Bundle   string // the server's bundle when the report holds several
	Bundles  []string
	Host     detectors.Host
	Counts   [4]int
	Worst    int   // index into labels.Verdict: 0 none, 1+severity otherwise
	Findings []int // indexes into orderedFindings
}

// servers builds the verdict rows: every host of the report plus any host
// a finding names, sorted by name, the nameless last. When the report holds
// several bundles a row is a server of one bundle (sorted by bundle first):
// two cases may each have a server of the same name, and their verdicts
// must not be merged.
func servers(r *Report, fs []detectors.Finding) []*server {
	multi := multiBundle(r)
	byName := map[laneKey]*server{}
	key := func(bundle, name string) laneKey {
		if !multi {
			bundle = ""
		}
		return laneKey{bundle, name}
	}
	get := func(bundle, name string) *server {
		k := key(bundle, name)
		s := byName[k]
		if s == nil {
			s = &server{Name: name, Bundle: k.bundle, Host: detectors.Host{Name: name, Bundle: k.bundle}}
			byName[k] = s
		}
		return s
	}
	for _, h := range r.Hosts {
		get(h.Bundle, h.Name).Host = h
	}
	addBundle := func(s *server, b string) {
		if b == "" {
			return
		}
		for _, x := range s.Bundles {
			if x == b {
				return
			}
		}
		s.Bundles = append(s.Bundles, b)
	}
	for _, in := range r.Inputs {
		if in.Host != "" {
			if s, ok := byName[key(in.Bundle, in.Host)]; ok {
				addBundle(s, in.Bundle)
			}
		}
	}
	for i, f := range fs {
		s := get(f.Bundle, f.Host)
		addBundle(s, f.Bundle)
		if f.Severity >= detectors.Info && f.Severity <= detectors.Critical {
			s.Counts[f.Severity]++
			if w := int(f.Severity) + 1; w > s.Worst {
				s.Worst = w
			}
		}
		s.Findings = append(s.Findings, i)
	}
	out := make([]*server, 0, len(byName))
	for _, s := range byName {
		sort.Strings(s.Bundles)
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Bundle != b.Bundle {
			return a.Bundle < b.Bundle
		}
		if (a.Name == "") != (b.Name == "") {
			return b.Name == ""
		}
		return a.Name < b.Name
	})
	return out
}

// multiBundle reports whether the report holds several bundles (a scan
// with --per-bundle of more than one argument).
func multiBundle(r *Report) bool { return len(bundles(r)) > 1 }

// findingServer is the key of a finding's server among the verdict rows;
// multi is multiBundle of the report.
func findingServer(f *detectors.Finding, multi bool) laneKey {
	if multi {
		return laneKey{f.Bundle, f.Host}
	}
	return laneKey{"", f.Host}
}

// summary is the one-sentence count of the report.
func (t *labels) summary(r *Report) string {
	hosts := map[laneKey]bool{}
	multi := multiBundle(r)
	for i := range r.Findings {
		hosts[findingServer(&r.Findings[i], multi)] = true
	}
	read := 0
	for _, in := range r.Inputs {
		if !in.Unrecognised && !in.Failed && !in.Archive { // logs read; an archive only holds them
			read++
		}
	}
	n := len(r.Findings)
	return fmt.Sprintf(t.Summary, n, plural(n, t.FindingN), len(hosts), plural(len(hosts), t.ServerN),
		read, len(r.Inputs), plural(len(r.Inputs), t.FileN))
}

// bundleVerdict names a bundle's verdict ("error", "clean", "unreadable"
// ...) in the report's words, with the class that colours it.
func (t *labels) bundleVerdict(v string) (string, string) {
	switch v {
	case scan.VerdictUnreadable:
		return t.Unreadable, "unread"
	case scan.VerdictClean:
		return t.Verdict[0], verdictClasses[0]
	}
	for s := detectors.Info; s <= detectors.Critical; s++ {
		if v == s.String() {
			return t.Verdict[s+1], verdictClasses[s+1]
		}
	}
	return v, ""
}

// verdictOrder is the order bundle verdicts are counted in, worst first.
var verdictOrder = []string{"critical", "error", "warning", "info", scan.VerdictClean, scan.VerdictUnreadable}

// bundleSummary is the line that counts the bundles by verdict.
func (t *labels) bundleSummary(r *Report) string {
	var parts []string
	for _, v := range verdictOrder {
		if n := r.Summary.Verdicts[v]; n > 0 {
			label, _ := t.bundleVerdict(v)
			parts = append(parts, fmt.Sprintf("%s: %d", label, n))
		}
	}
	n := len(r.Bundles)
	return fmt.Sprintf(t.BundleSummary, n, plural(n, t.BundleN), strings.Join(parts, ", "))
}

// more says how many matching records a finding does not show.
func (t *labels) more(n int) string { return fmt.Sprintf(plural(n, t.MoreN), n) }

// plural picks the form for count n: forms[0] for one, forms[1] otherwise
// (English; and Polish in the cases the reports use: the locative "na 2
// serwerach", the genitive "z 5 plików", "nie pokazano 3 rekordów").
func plural(n int, forms [2]string) string {
	if n == 1 {
		return forms[0]
	}
	return forms[1]
}

// inputStatus names what happened to an input: read, read only in part
// (it has warnings: a truncated or damaged file), skipped, or unreadable.
func (t *labels) inputStatus(unrecognised, failed bool, warnings int) string {
	switch {
	case failed:
		return t.StatusFailed
	case unrecognised:
		return t.StatusUnrecognised
	case warnings > 0:
		return fmt.Sprintf(t.StatusWarned, warnings)
	}
	return t.StatusRead
}

// bundles lists the distinct bundle names of the inputs, sorted.
func bundles(r *Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, in := range r.Inputs {
		if in.Bundle != "" && !seen[in.Bundle] {
			seen[in.Bundle] = true
			out = append(out, in.Bundle)
		}
	}
	sort.Strings(out)
	return out
}

// sortedValues returns a finding's captured values as sorted pairs.
func sortedValues(m map[string]string) [][2]string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([][2]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, [2]string{k, m[k]})
	}
	return out
}

// segment is a run of evidence text, marked when it is part of what the
// rule matched or captured.
type segment struct {
	Text string
	Mark bool
}

// errorCode matches the tokens a failure signature usually keys on: hex
// error codes (0x80070005, 0XC1037B44, c1037b44) and KB numbers.
var errorCode = regexp.MustCompile(`(?i)\b0x[0-9a-f]{4,8}\b|\b[c8][0-9a-f]{7}\b|\bKB ?\d{5,7}\b`)

// markTokens splits evidence text (already cleaned) into segments, marking
// the finding's captured values and error codes where they occur. The text
// is never shortened.
func markTokens(text string, f *detectors.Finding) []segment {
	type span struct{ a, b int }
	var spans []span
	// Values are found without regard to case where folding keeps byte
	// offsets (it does for every script a Windows log is written in).
	hay, fold := strings.ToLower(text), true
	if len(hay) != len(text) {
		hay, fold = text, false
	}
	for _, kv := range sortedValues(f.Values) {
		for _, v := range strings.Split(kv[1], ", ") {
			v = strings.TrimSpace(CleanText(v))
			if !markable(v) {
				continue
			}
			lv := v
			if fold {
				if lv = strings.ToLower(v); len(lv) != len(v) {
					lv = v
				}
			}
			for i := 0; ; {
				j := strings.Index(hay[i:], lv)
				if j < 0 {
					break
				}
				spans = append(spans, span{i + j, i + j + len(lv)})
				i += j + len(lv)
			}
		}
	}
	for _, m := range errorCode.FindAllStringIndex(text, -1) {
		spans = append(spans, span{m[0], m[1]})
	}
	if len(spans) == 0 {
		return []segment{{Text: text}}
	}
	sort.Slice(spans, func(i, j int) bool {
		if spans[i].a != spans[j].a {
			return spans[i].a < spans[j].a
		}
		return spans[i].b > spans[j].b
	})
	var out []segment
	pos := 0
	for _, s := range spans {
		if s.b <= pos {
			continue
		}
		if s.a < pos {
			s.a = pos
		}
		if s.a > pos {
			out = append(out, segment{Text: text[pos:s.a]})
		}
		out = append(out, segment{Text: text[s.a:s.b], Mark: true})
		pos = s.b
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

// markable reports whether a captured value is distinctive enough to mark
// wherever it occurs: at least three characters, and four for numbers.
func markable(v string) bool {
	n := utf8.RuneCountInString(v)
	if n < 3 {
		return false
	}
	digits := true
	for _, r := range v {
		if !unicode.IsDigit(r) {
			digits = false
			break
		}
	}
	return !digits || n >= 4
}

var catalogOnce sync.Once
var catalogRules []detectors.Rule

// ruleMeta finds the metadata of a rule: from the report's rules when the
// command gave them, else from the built-in catalog; nil when unknown.
func ruleMeta(r *Report, id string) *detectors.Meta {
	for _, m := range r.Rules {
		if m != nil && m.ID == id {
			return m
		}
	}
	catalogOnce.Do(func() { catalogRules, _ = detectors.Catalog() })
	if rule := detectors.Find(catalogRules, id); rule != nil {
		return rule.Meta()
	}
	return nil
}

// generatedText renders the generation time, or "" when it is not set.
func generatedText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05") + " UTC"
}

// kbRef finds KB article references in remedy text, for links.
var kbRef = regexp.MustCompile(`\bKB ?(\d{5,7})\b`)
