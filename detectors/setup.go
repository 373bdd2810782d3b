package detectors

// Section B of the catalog: the known failures of modern Exchange setup
// (2007, 2013, 2016, 2019, SE; ExchangeSetup.log). One analysis of each log
// is shared by every section B rule that reads the file: it follows the
// setup runs, keeps what the rules need of each run (prerequisite values,
// the error context, a few single lines) and, once the file ends, picks the
// run that decides the verdict the way setuplog.Select does. Earlier runs
// are history: no rule reports them.

import (
	"regexp"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
	"github.com/extriage/extriage/parsers/textio"
)

// Limits of the per-run state.
const (
	// setupCtxLines bounds the error context: the first [ERROR] line and
	// the 200 lines after it, blank lines left out.
	setupCtxLines = 201
	// setupPreLines is how many lines before the first error are kept.
	setupPreLines = 2
	// setupKeepRuns is how many run states are kept: the verdict run is the
	// last run or the one before it.
	setupKeepRuns = 3
	// setupMaxLines bounds the small lists a run keeps ([REQUIRED] lines,
	// TargetApplicationUri searches).
	setupMaxLines = 64
	// setupMaxEvals bounds the distinct settings and rules remembered.
	setupMaxEvals = 4096
	// setupMaxText bounds the text of one evidence line.
	setupMaxText = 4096
)

// setupEval is one value a line gave, with the line that gave it.
type setupEval struct {
	value string
	ev    Evidence
}

// setupLine is one non-blank physical line of an error context.
type setupLine struct {
	Evidence
	ref bool // an [ERROR-REFERENCE] line
}

// setupRunScan is what the analysis keeps of one setup run.
type setupRunScan struct {
	index int
	// evals holds the last "Evaluated [Rule|Setting:Name] ... [Value:"w"]"
	// of the run whose value is a single word, keyed "rule:name" or
	// "setting:name" in lower case (the reviewer's TestEvaluatedSettingOrRule).
	evals     map[string]setupEval
	watermark *Evidence            // an InstallWatermark rule evaluated True
	status    map[string]setupEval // "schema", "organization configuration", "domain configuration"

	// The error context: up to setupPreLines lines before the first line
	// holding "[ERROR]", then that line and the ones after it.
	pre     []Evidence
	errSeen bool
	ctx     []setupLine
	ctxFull bool
	lastRef setupEval // the last [ERROR-REFERENCE] Id of the run

	certErr   *Evidence // [ERROR] The certificate is expired.
	cert      map[string]string
	certEv    *Evidence
	sharedErr *Evidence // [ERROR] Unable to set shared config DC
	sharedRef *Evidence // [ERROR-REFERENCE] Id=AllADRolesCommonServiceControl___...
	inner     setupEval // An error ocurred while setting shared config DC. Error: ...
	catch     setupEval // An exception ocurred while setting shared config DC. Exception: ...

	hybridEval int // line of the last "Evaluated [Setting:IsHybridObjectFoundOnPremises]"
	searches   []setupEval

	setupVersion, installed, backup, success *Evidence
	required                                 []Evidence
}

// setupScan is the shared analysis of one setup log.
type setupScan struct {
	// tracker summarises the runs when the scan has no FileContext (a
	// checker made outside the engine); otherwise the context's runs are
	// used, which the engine keeps anyway.
	tracker setuplog.Tracker
	runs    []*setupRunScan
	// file holds the last non-empty value of each setting or rule over the
	// whole file (the reviewer's GetEvaluatedSettingOrRule, which is not
	// limited to the last run: DC name and site, SIDs, FQDN, site name).
	file    map[string]setupEval
	done    bool
	verdict *setupVerdict

	// ctx is the file's context when the scan is shared through it; its
	// setup tracker then serves, and the scan keeps none of its own.
	ctx *FileContext
}

var (
	setupEvalRe     = regexp.MustCompile(`(?i)Evaluated \[(Rule|Setting):([^\]]+)\].+\[Value:"(.*)"\] \[ParentValue:`)
	setupWordRe     = regexp.MustCompile(`^\w+$`)
	setupStatusRe   = regexp.MustCompile(`(?i)(Schema|Organization Configuration|Domain Configuration) Update Required Status : '(\w+)'\.`)
	setupSearchRe   = regexp.MustCompile(`(?i)Searching for (.+) as the TargetApplicationUri`)
	setupSuccessRe  = regexp.MustCompile(`(?i)The Exchange Server setup operation completed successfully\.`)
	setupRefRe      = regexp.MustCompile(`(?i)\[ERROR-REFERENCE\] Id=(.+?) Component=`)
	setupCertErrRe  = regexp.MustCompile(`(?i)\[ERROR\] The certificate is expired\.`)
	setupCertRe     = regexp.MustCompile(`(?i)Installing certificate signed by '(.*)' for site '(.*)'\.\s+Certificate is valid from (\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} \w\w) until (\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} \w\w)`)
	setupSharedRe   = regexp.MustCompile(`(?i)\[ERROR\] Unable to set shared config DC`)
	setupInnerRe    = regexp.MustCompile(`(?i)^An error occ?urr?ed while setting shared config DC\. Error: (.+)`)
	setupCatchRe    = regexp.MustCompile(`(?i)^An exception occ?urr?ed while setting shared config DC\. Exception: (.+)`)
	setupVersionRe  = regexp.MustCompile(`(?i)Setup version: (.+)\.`)
	setupInstallRe  = regexp.MustCompile(`(?i)The locally installed version is (.+)\.`)
	setupBackupRe   = regexp.MustCompile(`(?i)The backup copy of the previously installed version is '(.+)'\.`)
	refSharedConfig = "AllADRolesCommonServiceControl___ee47ab1c06fb47919398e2e95ed99c6c"
)

// setupScanKey names the setup analysis in a file's shared slots.
type setupScanKey struct{}

// sharedSetupScan returns the analysis of the file f describes, creating it
// for the first checker that asks. owner is true for that first checker: it
// alone feeds the records, because the engine gives every record to every
// checker in turn. The analysis lives in the file's context, so it goes
// when the file's run does.
func sharedSetupScan(f FileInfo) (scan *setupScan, owner bool) {
	if f.Context == nil {
		return &setupScan{}, true
	}
	v, first := f.Context.Shared(setupScanKey{}, func() any { return &setupScan{ctx: f.Context} })
	return v.(*setupScan), first
}

// release is kept for the checkers' symmetry; the file context owns the
// analysis, so there is nothing to free.
func (s *setupScan) release() {}

// runState returns the state of run idx, adding it when new.
func (s *setupScan) runState(idx int) *setupRunScan {
	n := len(s.runs)
	if idx < 1 {
		if n > 0 {
			return s.runs[n-1]
		}
		idx = 1
	}
	for i := n - 1; i >= 0; i-- {
		if s.runs[i].index == idx {
			return s.runs[i]
		}
	}
	rs := &setupRunScan{index: idx}
	s.runs = append(s.runs, rs)
	if len(s.runs) > setupKeepRuns {
		s.runs[0] = nil
		s.runs = s.runs[1:]
	}
	return rs
}

// The phrases feed looks for in a line's first line, lower-cased; each is
// searched from its rarest byte.
var (
	ndEvaluated        = textio.NewNeedle("evaluated [")
	ndTargetURI        = textio.NewNeedle("as the targetapplicationuri")
	ndUpdateRequired   = textio.NewNeedle("update required status")
	ndSetupVersion     = textio.NewNeedle("setup version:")
	ndInstalledVersion = textio.NewNeedle("installed version")
	ndCompleted        = textio.NewNeedle("completed successfully")
	ndCertExpired      = textio.NewNeedle("the certificate is expired")
	ndCertSigned       = textio.NewNeedle("installing certificate signed by")
	ndSharedConfig     = textio.NewNeedle("shared config dc")
	ndErrorRef         = textio.NewNeedle("[error-reference]")
	ndHybridEval       = textio.NewNeedle("evaluated [setting:ishybridobjectfoundonpremises]")
	ndError            = textio.NewNeedle("[error]")
)

// feed reads one record. v is the engine's view of the record, or nil.
func (s *setupScan) feed(r *parsers.Record, v *RecordView) {
	if s.ctx == nil {
		s.tracker.Add(r)
	}
	if r.Format != parsers.FormatSetupLog || r.Fields["generation"] != setuplog.Gen2007 {
		return
	}
	rs := s.runState(RunOf(r))
	// fold is the text to search ignoring ASCII case (see RecordView.Fold).
	if v == nil || v.rec != r {
		v = new(RecordView)
		v.Reset(r)
	}
	fold := v.Fold()
	head, headFold := firstLineOf(r.Message), firstLineOf(fold)
	has := func(nd textio.Needle) bool { return v.Has(nd, headFold) }
	ev := func() Evidence { return setupEvidence(r, 0, head) }

	if has(ndEvaluated) {
		s.evaluated(rs, r, head, headFold)
	}
	if has(ndTargetURI) && len(rs.searches) < setupMaxLines {
		if m := setupSearchRe.FindStringSubmatch(head); m != nil {
			rs.searches = append(rs.searches, setupEval{value: strings.TrimSpace(m[1]), ev: ev()})
		}
	}
	if has(ndUpdateRequired) {
		if m := setupStatusRe.FindStringSubmatch(head); m != nil {
			if rs.status == nil {
				rs.status = map[string]setupEval{}
			}
			rs.status[strings.ToLower(m[1])] = setupEval{value: m[2], ev: ev()}
		}
	}
	if has(ndSetupVersion) && setupVersionRe.MatchString(head) {
		e := ev()
		rs.setupVersion = &e
	}
	if has(ndInstalledVersion) {
		if setupInstallRe.MatchString(head) {
			e := ev()
			rs.installed = &e
		}
		if setupBackupRe.MatchString(head) {
			e := ev()
			rs.backup = &e
		}
	}
	if has(ndCompleted) && setupSuccessRe.MatchString(head) {
		e := ev()
		rs.success = &e
	}
	if hasPrefixFold(headFold, "[required]") && len(rs.required) < setupMaxLines {
		rs.required = append(rs.required, ev())
	}
	if has(ndCertExpired) && setupCertErrRe.MatchString(head) {
		e := ev()
		rs.certErr = &e
	}
	if has(ndCertSigned) {
		if m := setupCertRe.FindStringSubmatch(head); m != nil {
			e := ev()
			rs.certEv = &e
			rs.cert = map[string]string{"signer": m[1], "cert": m[2], "from": m[3], "until": m[4]}
		}
	}
	if has(ndSharedConfig) {
		if setupSharedRe.MatchString(head) {
			e := ev()
			rs.sharedErr = &e
		}
		if m := setupInnerRe.FindStringSubmatch(head); m != nil {
			rs.inner = setupEval{value: strings.TrimSpace(m[1]), ev: ev()}
		}
		if m := setupCatchRe.FindStringSubmatch(head); m != nil {
			rs.catch = setupEval{value: strings.TrimSpace(m[1]), ev: ev()}
		}
	}
	if has(ndErrorRef) {
		id := r.Fields["error_reference"]
		if m := setupRefRe.FindStringSubmatch(head); m != nil {
			id = m[1]
		}
		if id != "" {
			rs.lastRef = setupEval{value: id, ev: ev()}
			if strings.EqualFold(id, refSharedConfig) {
				e := ev()
				rs.sharedRef = &e
			}
		}
	}
	s.context(rs, r, v)
}

// evaluated reads an "Evaluated [Rule|Setting:Name] ..." line.
func (s *setupScan) evaluated(rs *setupRunScan, r *parsers.Record, head, headFold string) {
	if ndHybridEval.In(headFold) {
		rs.hybridEval = r.Line
	}
	m := setupEvalRe.FindStringSubmatch(head)
	if m == nil {
		return
	}
	key := strings.ToLower(m[1] + ":" + m[2])
	value := m[3]
	e := setupEval{value: value, ev: setupEvidence(r, 0, head)}
	if setupWordRe.MatchString(value) {
		if rs.evals == nil {
			rs.evals = map[string]setupEval{}
		}
		if _, ok := rs.evals[key]; ok || len(rs.evals) < setupMaxEvals {
			rs.evals[key] = e
		}
		if key == "rule:installwatermark" && strings.EqualFold(value, "true") {
			rs.watermark = &e.ev
		}
	}
	if value != "" {
		if s.file == nil {
			s.file = map[string]setupEval{}
		}
		if _, ok := s.file[key]; ok || len(s.file) < setupMaxEvals {
			s.file[key] = e
		}
	}
}

// context follows the error context of a run: the lines before the first
// "[ERROR]" line (the last few of them are kept), then that line and up to
// setupCtxLines lines in all. Blank lines do not count, as in the reviewer.
func (s *setupScan) context(rs *setupRunScan, r *parsers.Record, v *RecordView) {
	if rs.ctxFull {
		return
	}
	if !rs.errSeen && !v.Has(ndError, v.Fold()) {
		// Only the tail of the record can precede a later error.
		msg := r.Message
		var tail [setupPreLines]Evidence
		n := 0
		end := len(msg)
		k := strings.Count(msg, "\n")
		for end >= 0 && n < setupPreLines {
			start := strings.LastIndexByte(msg[:end], '\n') + 1
			if line := msg[start:end]; strings.TrimSpace(line) != "" {
				tail[n] = setupEvidence(r, k, line)
				n++
			}
			k--
			end = start - 1
		}
		for i := n - 1; i >= 0; i-- {
			rs.pushPre(tail[i])
		}
		return
	}
	k := 0
	msg := r.Message
	for {
		line := msg
		i := strings.IndexByte(msg, '\n')
		if i >= 0 {
			line = msg[:i]
		}
		if strings.TrimSpace(line) != "" {
			if !rs.errSeen && !textio.ContainsFold(line, "[error]") {
				rs.pushPre(setupEvidence(r, k, line))
			} else {
				rs.errSeen = true
				rs.ctx = append(rs.ctx, setupLine{Evidence: setupEvidence(r, k, line), ref: textio.ContainsFold(line, "[error-reference] id=")})
				if len(rs.ctx) >= setupCtxLines {
					rs.ctxFull = true
					return
				}
			}
		}
		if i < 0 {
			return
		}
		msg = msg[i+1:]
		k++
	}
}

func (rs *setupRunScan) pushPre(e Evidence) {
	if len(rs.pre) == setupPreLines {
		copy(rs.pre, rs.pre[1:])
		rs.pre = rs.pre[:setupPreLines-1]
	}
	rs.pre = append(rs.pre, e)
}

// setupEvidence cites physical line k (0 = the record's first line) of a
// record.
func setupEvidence(r *parsers.Record, k int, text string) Evidence {
	text = strings.TrimRight(text, " \t\r")
	if len(text) > setupMaxText {
		text = strings.ToValidUTF8(text[:setupMaxText], "") + "…"
	}
	return Evidence{Path: r.Path, Line: r.Line + k, Time: r.Time, TimeQ: r.TimeQ, Text: text}
}

func firstLineOf(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// hasPrefixFold reports whether s starts with p, a lower-case ASCII
// string, ignoring ASCII case.
func hasPrefixFold(s, p string) bool {
	if len(s) < len(p) {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != p[i] {
			return false
		}
	}
	return true
}

// setupVerdict is the analysis of the run that decides a setup log's
// verdict.
type setupVerdict struct {
	run      setuplog.Run
	fellBack bool // the last run was too short; the run before it decides
	rs       *setupRunScan
	file     map[string]setupEval
}

// result picks the verdict run once the file has ended; nil when the file
// is not a 2007+ setup log with a run.
func (s *setupScan) result() *setupVerdict {
	if s.done {
		return s.verdict
	}
	s.done = true
	var runs []setuplog.Run
	if s.ctx == nil {
		runs = s.tracker.Runs()
	} else {
		runs = s.ctx.SetupRuns()
	}
	run, fellBack, ok := setuplog.Select(runs)
	if !ok {
		// A log without a start line (an excerpt) is still read: its last
		// run decides.
		if len(runs) == 0 {
			return nil
		}
		run = runs[len(runs)-1]
	}
	if run.Generation != setuplog.Gen2007 {
		return nil
	}
	var rs *setupRunScan
	for _, x := range s.runs {
		if x.index == run.Index {
			rs = x
		}
	}
	if rs == nil {
		rs = &setupRunScan{index: run.Index}
	}
	s.verdict = &setupVerdict{run: run, fellBack: fellBack, rs: rs, file: s.file}
	return s.verdict
}

func (v *setupVerdict) succeeded() bool { return v.run.Outcome == setuplog.OutcomeSucceeded }
func (v *setupVerdict) failed() bool    { return v.run.Outcome == setuplog.OutcomeFailed }

// eval returns the run's last single-word value of a rule or setting.
func (v *setupVerdict) eval(kind, name string) (setupEval, bool) {
	e, ok := v.rs.evals[strings.ToLower(kind+":"+name)]
	return e, ok
}

// is reports whether the run evaluated a rule or setting to want (True or
// False), and cites the line.
func (v *setupVerdict) is(kind, name, want string) (Evidence, bool) {
	e, ok := v.eval(kind, name)
	if !ok || !strings.EqualFold(e.value, want) {
		return Evidence{}, false
	}
	return e.ev, true
}

// fileValue returns the last non-empty value of a setting anywhere in the
// file.
func (v *setupVerdict) fileValue(kind, name string) (setupEval, bool) {
	e, ok := v.file[strings.ToLower(kind+":"+name)]
	return e, ok
}

// errorContext is the context the reviewer's error checks read: the first
// [ERROR] line of the run through the last [ERROR-REFERENCE] line. It is
// empty when the run has no ERROR-REFERENCE after its first error.
func (v *setupVerdict) errorContext() []setupLine {
	if v.rs.lastRef.value == "" {
		return nil
	}
	for i := len(v.rs.ctx) - 1; i >= 0; i-- {
		if v.rs.ctx[i].ref {
			return v.rs.ctx[:i+1]
		}
	}
	if v.rs.ctxFull && v.rs.lastRef.ev.Line > v.rs.ctx[len(v.rs.ctx)-1].Line {
		return v.rs.ctx // the reference lies beyond the bounded context
	}
	return nil
}

// withPre puts the last n lines before the first error in front of lines.
func (v *setupVerdict) withPre(n int, lines []setupLine) []setupLine {
	if len(lines) == 0 {
		return nil
	}
	pre := v.rs.pre
	if len(pre) > n {
		pre = pre[len(pre)-n:]
	}
	out := make([]setupLine, 0, len(pre)+len(lines))
	for _, e := range pre {
		out = append(out, setupLine{Evidence: e})
	}
	return append(out, lines...)
}

// setupMatch is a context line a pattern matched, with its groups.
type setupMatch struct {
	line   setupLine
	groups []string
}

// findAll returns the context lines re matches.
func findAll(lines []setupLine, re *regexp.Regexp) []setupMatch {
	var out []setupMatch
	for _, l := range lines {
		if m := re.FindStringSubmatch(l.Text); m != nil {
			out = append(out, setupMatch{line: l, groups: m})
		}
	}
	return out
}

func evidenceOf(ms []setupMatch) []Evidence {
	out := make([]Evidence, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.line.Evidence)
	}
	return out
}
