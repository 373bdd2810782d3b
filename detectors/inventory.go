package detectors

import (
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors/builds"
	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
	"github.com/extriage/extriage/parsers/textio"
)

// The kinds of Fact the inventory extractor reports.
const (
	FactVersion        = "version"         // Values: build, product, level, source
	FactRole           = "role"            // Values: role (front-end, back-end)
	FactClusterNode    = "cluster-node"    // the host is a node of an Exchange cluster
	FactOS             = "os"              // Values: version (5.02), build (3790), sp
	FactInstall        = "install"         // Values: what (what@pl), outcome (succeeded, failed, unknown), build
	FactServiceFailure = "service-failure" // Values: service, event_id
	FactMention        = "mention"         // Values: kb (a KB number a log names, e.g. 831464)
	// FactBoot is a system start: EventLog 6005 or 6009, Kernel-General 12,
	// or EventLog 6013 (the daily uptime report; the fact's Time is the
	// event's time less the uptime).
	FactBoot = "boot"
	// FactNoRebootPending is an Exchange 2007+ setup run that found no
	// restart pending: "Evaluated [Rule:RebootPending] ... [Value:"False"]".
	// A restart asked for before it was done (or the pending operations it
	// would have run are gone).
	FactNoRebootPending = "no-reboot-pending"
	// FactRebootRequest is an install asking for a restart: MsiInstaller
	// 1029 or 1038, or 1033/1036 with status 3010 or 1641. Values: what.
	FactRebootRequest = "reboot-request"
	// FactClusterResourceFailure is MSExchangeCluster 2146 or 2065: the
	// Exchange resource failed to upgrade or come online after a node
	// upgrade (KB 316708).
	FactClusterResourceFailure = "cluster-resource-failure"
)

func init() { registerExtractor(inventoryExtractor{}) }

// inventoryExtractor reads the facts bundle rules compare: what each host
// runs, which hosts are cluster nodes, what was installed when, which
// Exchange services failed.
type inventoryExtractor struct{}

func (inventoryExtractor) NewChecker(f FileInfo) Checker {
	return &inventory{info: f, view: f.View}
}

type inventory struct {
	info  FileInfo
	view  *RecordView
	facts []Fact
	seen  map[string]bool // facts already kept, by their merge key
	kinds map[string]int  // facts kept per kind
	// update.exe: the wall-clock start of each run, from its dated lines.
	upTimes map[string]time.Time
	// setup and update.exe logs: the last record of each run, by
	// Fields["run"], for the run's end.
	runLast map[string]*parsers.Record
}

var (
	kbMention  = regexp.MustCompile(`(?i)\b(?:KB|Q)(\d{6,7})\b`)
	msiProduct = regexp.MustCompile(`^(?:Product|Produkt): (.+?) -- `)
)

// exchangeService reports whether an SCM service name is one of Exchange's.
func exchangeService(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "exchange") || strings.HasPrefix(n, "msexchange")
}

// maxFactsPerKind bounds the install and service-failure facts one file
// keeps (after merging repeats), so memory stays bounded on any log.
const maxFactsPerKind = 1024

// setupWhat names an Exchange setup run in an install fact whose log gives
// no product name ("what"); setupWhatPL is the Polish of it ("what@pl"),
// for the timeline of a Polish report.
const (
	setupWhat   = "Exchange Setup"
	setupWhatPL = "instalacja Exchange"
)

func (c *inventory) add(f Fact) {
	if f.Host == "" {
		f.Host = HostName(c.info.HostHint)
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
		c.kinds = map[string]int{}
	}
	var k string
	switch f.Kind {
	case FactVersion, FactClusterNode, FactMention, FactOS, FactRole:
		// One of each per host and value.
		k = f.Kind + "|" + f.Host + "|" + f.Values["build"] + f.Values["product"] + f.Values["kb"] + f.Values["version"] + f.Values["role"]
	case FactInstall:
		// The same product installed with the same outcome within the hour
		// is one install (MsiInstaller logs several events per install).
		k = f.Kind + "|" + f.Host + "|" + f.Values["what"] + "|" + f.Values["outcome"] + "|" + f.Time.Truncate(time.Hour).String()
	case FactBoot, FactRebootRequest, FactNoRebootPending:
		k = f.Kind + "|" + f.Host + "|" + f.Values["what"] + "|" + f.Time.String()
	case FactServiceFailure:
		k = f.Kind + "|" + f.Host + "|" + f.Values["service"] + "|" + f.Values["event_id"] + "|" + f.Time.Truncate(time.Hour).String()
	}
	if k != "" {
		if c.seen[k] {
			return
		}
		c.seen[k] = true
	}
	if c.kinds[f.Kind] >= maxFactsPerKind {
		return
	}
	c.kinds[f.Kind]++
	c.facts = append(c.facts, f)
}

func (c *inventory) Record(r *parsers.Record) {
	host := HostName(r.Host)
	if r.Format == parsers.FormatUpdateLog {
		c.updateRecord(r)
	}
	if r.Format == parsers.FormatSetupLog && !r.Time.IsZero() && strings.Contains(r.Message, "[Rule:RebootPending]") {
		if m := setupEvalRe.FindStringSubmatch(r.Message); m != nil && strings.EqualFold(m[1], "rule") &&
			strings.EqualFold(m[2], "RebootPending") && strings.EqualFold(m[3], "False") {
			c.add(Fact{Kind: FactNoRebootPending, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
		}
	}
	if r.Format == parsers.FormatUpdateLog || r.Format == parsers.FormatSetupLog {
		if c.runLast == nil {
			c.runLast = map[string]*parsers.Record{}
		}
		if last := c.runLast[r.Fields["run"]]; last == nil || r.Line >= last.Line {
			c.runLast[r.Fields["run"]] = r
		}
	}
	if r.Format == parsers.FormatExServer {
		c.serverRecord(r, host)
	}
	switch {
	case r.Provider != "":
		c.eventRecord(r, host)
	}
	// Version banners and KB numbers in any text.
	text := r.Message
	if r.Provider != "" {
		text = c.view.Text()
	}
	if strings.Contains(text, "(Build ") {
		if b, lvl, ok := builds.FromBanner(text); ok {
			c.add(versionFact(host, b, lvl, "banner", r))
		}
	}
	// Error c1037b44 is raised only while an Exchange Virtual Server is
	// upgraded: the host is a cluster node.
	if c.info.Format != parsers.FormatEVTX && c.has(r, text, ndC1037b44) {
		c.add(Fact{Kind: FactClusterNode, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
		// ... of Exchange 2003 (KB 328839: the node lacks 2003 SP1 or later).
		c.add(Fact{Kind: FactVersion, Host: host, Time: r.Time, Evidence: EvidenceOf(r),
			Values: map[string]string{"product": "Exchange Server 2003", "source": "error c1037b44"}})
	}
	if strings.Contains(text, "831464") {
		for _, m := range kbMention.FindAllStringSubmatch(text, -1) {
			c.add(Fact{Kind: FactMention, Host: host, Values: map[string]string{"kb": m[1]}, Evidence: EvidenceOf(r)})
		}
	}
}

func versionFact(host, build, level, source string, r *parsers.Record) Fact {
	v := map[string]string{"build": build, "source": source}
	if b, _, ok := builds.Lookup(build); ok {
		v["product"], v["level"] = b.Product, b.Level
	} else {
		v["product"] = builds.ProductOf(build)
	}
	if level != "" && v["level"] == "" {
		v["level"] = level
	}
	f := Fact{Kind: FactVersion, Host: host, Values: v}
	if r != nil {
		f.Time = r.Time
		f.Evidence = EvidenceOf(r)
	}
	return f
}

func (c *inventory) eventRecord(r *parsers.Record, host string) {
	p := strings.ToLower(r.Provider)
	data := eventArgs(r)
	switch {
	case p == "msexchangecluster":
		c.add(Fact{Kind: FactClusterNode, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
		if r.EventID == 2146 || r.EventID == 2065 {
			c.add(Fact{Kind: FactClusterResourceFailure, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
		}
		if r.EventID == 1025 {
			// Event 1025 exists from Exchange 2003 SP1 on: the node runs
			// Exchange 2003 (signatures A3).
			c.add(Fact{Kind: FactVersion, Host: host, Time: r.Time, Evidence: EvidenceOf(r),
				Values: map[string]string{"product": "Exchange Server 2003", "source": "MSExchangeCluster 1025"}})
		}
	case p == "eventlog" && r.EventID == 6005, p == "microsoft-windows-kernel-general" && r.EventID == 12:
		c.add(Fact{Kind: FactBoot, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
	case p == "eventlog" && r.EventID == 6013 && len(data) >= 5 && !r.Time.IsZero():
		// "The system uptime is %5 seconds."
		if up, err := strconv.ParseInt(strings.TrimSpace(data[4]), 10, 64); err == nil && up >= 0 && up < 100*365*24*3600 {
			c.add(Fact{Kind: FactBoot, Host: host, Time: r.Time.Add(-time.Duration(up) * time.Second), Evidence: EvidenceOf(r)})
		}
	case p == "eventlog" && r.EventID == 6009 && len(data) >= 2:
		c.add(Fact{Kind: FactBoot, Host: host, Time: r.Time, Evidence: EvidenceOf(r)})
		v := map[string]string{"version": strings.TrimSuffix(strings.TrimSpace(data[0]), "."), "build": strings.TrimSpace(data[1])}
		if len(data) >= 3 {
			v["sp"] = strings.TrimSpace(data[2])
		}
		c.add(Fact{Kind: FactOS, Host: host, Time: r.Time, Values: v, Evidence: EvidenceOf(r)})
	case p == "msexchangesetup" && (r.EventID == 1000 || r.EventID == 1001) && len(data) > 0:
		outcome := "started"
		if r.EventID == 1001 {
			outcome = "succeeded"
			c.add(versionFact(host, strings.TrimSpace(data[0]), "", "MSExchangeSetup 1001", r))
		}
		c.add(Fact{Kind: FactInstall, Host: host, Time: r.Time, Evidence: EvidenceOf(r),
			Values: map[string]string{"what": setupWhat + " " + strings.TrimSpace(data[0]), "what@pl": setupWhatPL + " " + strings.TrimSpace(data[0]), "outcome": outcome, "build": strings.TrimSpace(data[0])}})
	case p == "msiinstaller" && (r.EventID == 1029 || r.EventID == 1038):
		c.add(Fact{Kind: FactRebootRequest, Host: host, Time: r.Time, Evidence: EvidenceOf(r), Values: map[string]string{"what": msiWhat(data)}})
	case p == "msiinstaller" && (r.EventID == 1022 || r.EventID == 11707 || r.EventID == 11708 || r.EventID == 1033 || r.EventID == 1036):
		if st := statusArg(r); st == "3010" || st == "1641" {
			c.add(Fact{Kind: FactRebootRequest, Host: host, Time: r.Time, Evidence: EvidenceOf(r), Values: map[string]string{"what": msiWhat(data)}})
		}
		outcome := "succeeded"
		if r.EventID == 11708 {
			outcome = "failed"
		}
		// 1033: "... Installation completed with status: %4"; 1036: "...
		// Update installation completed with status: %5" (signatures B3).
		if st := statusArg(r); st != "" && st != "0" && st != "3010" && st != "1641" {
			outcome = "failed"
		}
		what := ""
		if len(data) > 0 {
			what = data[0]
			// 11707/11708 carry the whole sentence: "Product: X -- Installation ..."
			if m := msiProduct.FindStringSubmatch(what); m != nil {
				what = m[1]
			}
		}
		c.add(Fact{Kind: FactInstall, Host: host, Time: r.Time, Evidence: EvidenceOf(r),
			Values: map[string]string{"what": what, "outcome": outcome}})
	case isSCM(p) && len(data) > 0:
		switch r.EventID {
		case 7000, 7009, 7023, 7024, 7031, 7034:
			if exchangeService(data[0]) {
				c.add(Fact{Kind: FactServiceFailure, Host: host, Time: r.Time, Evidence: EvidenceOf(r),
					Values: map[string]string{"service": data[0], "event_id": strconv.Itoa(int(r.EventID))}})
			}
		}
	}
}

// msiWhat names the product of an MsiInstaller event from its first
// insertion string ("Product: X -- ..." gives X).
func msiWhat(data []string) string {
	if len(data) == 0 {
		return ""
	}
	if m := msiProduct.FindStringSubmatch(data[0]); m != nil {
		return m[1]
	}
	return data[0]
}

func (c *inventory) updateRecord(r *parsers.Record) {
	// The parser dates a run's lines once its "(local)" header is read; the
	// run started at that time less the line's elapsed seconds.
	run := r.Fields["run"]
	if _, seen := c.upTimes[run]; seen || r.Time.IsZero() {
		return
	}
	if c.upTimes == nil {
		c.upTimes = map[string]time.Time{}
	}
	start := r.Time
	if e, err := strconv.ParseFloat(r.Fields["elapsed"], 64); err == nil {
		start = start.Add(-time.Duration(e * float64(time.Second)))
	}
	c.upTimes[run] = start
}

func (c *inventory) Finish() []Hit {
	host := HostName(c.info.HostHint)
	// A hotfix's own log (KB831464.log) or uninstall folder names it.
	if strings.Contains(c.info.Path, "831464") {
		for _, m := range kbMention.FindAllStringSubmatch(c.info.Path, -1) {
			c.add(Fact{Kind: FactMention, Host: host, Values: map[string]string{"kb": m[1]}, Evidence: Evidence{Path: c.info.Path}})
		}
	}
	switch c.info.Format {
	case parsers.FormatUpdateLog:
		for _, run := range c.info.Context.UpdateRuns() {
			outcome := "succeeded"
			if runFailed(run) {
				outcome = "failed"
			} else if run.ExtendedError == "" {
				outcome = "unknown"
			}
			f := Fact{Kind: FactInstall, Host: host, Time: c.upTimes[strconv.Itoa(run.Index)],
				Values: map[string]string{"what": firstNonEmpty(run.Package, updatePackage(c.info.Path)), "outcome": outcome},
				Evidence: Evidence{Path: c.info.Path, Line: run.FirstLine, TimeQ: parsers.TimeElapsed, Text: "update.exe run " + strconv.Itoa(run.Index),
					TextPL: "przebieg update.exe nr " + strconv.Itoa(run.Index)},
				End: c.runEnd(run.Index)}
			if !f.Time.IsZero() {
				f.Evidence.Time, f.Evidence.TimeQ = f.Time, parsers.TimeNoZone
			}
			c.add(f)
		}
	case parsers.FormatSetupLog:
		for _, run := range c.info.Context.SetupRuns() {
			v := map[string]string{"what": firstNonEmpty(run.Product, setupWhat), "what@pl": firstNonEmpty(run.Product, setupWhatPL), "outcome": string(run.Outcome), "build": run.SetupBuild, "mode": run.Mode, "generation": run.Generation}
			c.add(Fact{Kind: FactInstall, Host: host, Time: run.Start, Values: v,
				Evidence: setupRunEvidence(c.info.Path, run, ""),
				End:      c.runEnd(run.Index)})
		}
		if run, _, ok := c.info.Context.VerdictRun(); ok {
			b := run.LocalBuild
			if run.Outcome == setuplog.OutcomeSucceeded && run.SetupBuild != "" {
				b = run.SetupBuild
			}
			if b != "" {
				f := versionFact(host, b, "", "setup log", nil)
				f.Time = run.Start
				f.Evidence = setupRunEvidence(c.info.Path, run, b)
				c.add(f)
			}
		}
	}
	return nil
}

func (c *inventory) Facts() []Fact { return c.facts }

// runEnd cites the last record of run idx of a setup or update.exe log,
// nil if the log has none.
func (c *inventory) runEnd(idx int) *Evidence {
	r := c.runLast[strconv.Itoa(idx)]
	if r == nil {
		return nil
	}
	e := EvidenceOf(r)
	return &e
}

// updatePackage names the update an update.exe log is about when no line
// of the run names it: the log's file name without its ".log" extension
// ("KB912442" for …\WINDOWS\KB912442.log, "svcpack" for svcpack.log).
func updatePackage(logPath string) string {
	base := path.Base(strings.ReplaceAll(logPath, `\`, "/"))
	if ext := path.Ext(base); strings.EqualFold(ext, ".log") && len(base) > len(ext) {
		base = base[:len(base)-len(ext)]
	}
	return base
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

func firstNonZero(n ...int) int {
	for _, x := range n {
		if x != 0 {
			return x
		}
	}
	return 0
}

// buildHosts fills the bundle's host inventory from its facts: the newest
// known build of each host (with product and level from the build table),
// its role, and whether it is a cluster node.
func buildHosts(b *Bundle) {
	best := map[string]builds.Version{}
	for _, f := range b.Facts {
		if f.Host == "" {
			continue
		}
		h := b.Host(f.Host)
		switch f.Kind {
		case FactVersion:
			if v, ok := builds.Parse(f.Values["build"]); ok {
				if cur, seen := best[f.Host]; !seen || cur.Compare(v) < 0 {
					best[f.Host] = v
					h.Build, h.Product, h.Level = f.Values["build"], f.Values["product"], f.Values["level"]
				}
			} else if h.Product == "" {
				h.Product = f.Values["product"]
			}
		case FactRole:
			h.Role = f.Values["role"]
		case FactClusterNode:
			h.Cluster = "node"
		case FactOS:
			h.OS = osName(f.Values)
		}
	}
}

// statusArg returns the status insertion string of MsiInstaller 1033/1036.
func statusArg(r *parsers.Record) string {
	i := -1
	switch r.EventID {
	case 1033:
		i = 3
	case 1036:
		i = 4
	}
	data := eventArgs(r)
	if i < 0 || i >= len(data) {
		return ""
	}
	return strings.TrimSpace(data[i])
}

// serverRecord reads a server's role from Get-ExchangeServer output:
// IsFrontEndServer (Exchange 2003) or ServerRole (2007 and later).
func (c *inventory) serverRecord(r *parsers.Record, host string) {
	role := ""
	switch strings.ToLower(strings.TrimSpace(r.Fields["isfrontendserver"])) {
	case "true":
		role = "front-end"
	case "false":
		role = "back-end"
	}
	if sr := strings.TrimSpace(r.Fields["serverrole"]); role == "" && sr != "" && !strings.EqualFold(sr, "none") {
		role = sr
	}
	if role != "" && host != "" {
		c.add(Fact{Kind: FactRole, Host: host, Values: map[string]string{"role": role}, Evidence: EvidenceOf(r)})
	}
}

// windowsNames names Windows versions by the kernel version EventLog 6009
// reports.
var windowsNames = map[string]string{
	"4.0": "Windows NT 4.0", "5.0": "Windows 2000", "5.1": "Windows XP", "5.2": "Windows Server 2003",
	"6.0": "Windows Server 2008", "6.1": "Windows Server 2008 R2", "6.2": "Windows Server 2012",
	"6.3": "Windows Server 2012 R2", "10.0": "Windows Server 2016 or later",
}

// osName renders an OS fact: "Windows Server 2003 Service Pack 1 (5.2.3790)".
func osName(v map[string]string) string {
	ver := v["version"]
	if len(ver) == 4 && ver[1] == '.' && ver[2] == '0' { // "5.02" as 6009 writes it
		ver = ver[:2] + ver[3:]
	}
	name := windowsNames[ver]
	if name == "" {
		name = "Windows " + ver
	}
	if sp := strings.TrimSpace(v["sp"]); sp != "" {
		name += " " + sp
	}
	return name + " (" + ver + "." + v["build"] + ")"
}

// has reports whether text, the text of r, holds nd once lower-cased
// (see RecordView.Fold), through the view when it shows r, so that the
// test of the text for non-ASCII bytes and its sketch are made once per
// record.
func (c *inventory) has(r *parsers.Record, text string, nd textio.Needle) bool {
	if c.view != nil && c.view.rec == r && c.view.Text() == text {
		return c.view.Has(nd, c.view.Fold())
	}
	if !isASCII(text) {
		text = strings.ToLower(text)
	}
	return nd.In(text)
}

// ndC1037b44 is the error code of a failed Exchange Virtual Server upgrade.
var ndC1037b44 = textio.NewNeedle("c1037b44")

// setupRunEvidence cites a setup run as a whole: its first line, with
// extriage's description of the run (and the build it leaves, when build
// is not empty) in English and Polish.
func setupRunEvidence(path string, run setuplog.Run, build string) Evidence {
	e := Evidence{Path: path, Line: firstNonZero(run.StartLine, run.FirstLine), Time: run.Start, TimeQ: run.StartQ}
	e.Text, e.TextPL = setupRunText(run.Index, string(run.Outcome))
	if build != "" {
		e.Text += ", build " + build
		e.TextPL += ", kompilacja " + build
	}
	return e
}
