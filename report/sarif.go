package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// SARIFSchema is the JSON schema a SARIF 2.1.0 log names in "$schema".
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIFVersion is the SARIF version written.
const SARIFVersion = "2.1.0"

type sarifWriter struct{}

func init() { register(sarifWriter{}) }

// Name returns "sarif".
func (sarifWriter) Name() string { return "sarif" }

// The SARIF 2.1.0 objects extriage writes: a subset of the schema, with
// the property names it defines.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations"`
		Language    string            `json:"language,omitempty"`
		// OriginalURIBaseIDs says where the base of the relative artifact
		// URIs lies on the machine that ran the scan.
		OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
		Artifacts          []sarifArtifact                  `json:"artifacts,omitempty"`
		Results            []sarifResult                    `json:"results"`
		Properties         map[string]any                   `json:"properties,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri,omitempty"`
		Language       string      `json:"language,omitempty"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string         `json:"id"`
		Name                 string         `json:"name"`
		ShortDescription     sarifText      `json:"shortDescription"`
		FullDescription      sarifText      `json:"fullDescription"`
		Help                 sarifText      `json:"help"`
		HelpURI              string         `json:"helpUri,omitempty"`
		DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
		Properties           map[string]any `json:"properties,omitempty"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifConfig struct {
		Level string `json:"level"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool                `json:"executionSuccessful"`
		EndTimeUTC          string              `json:"endTimeUtc,omitempty"`
		Notifications       []sarifNotification `json:"toolExecutionNotifications,omitempty"`
	}
	sarifNotification struct {
		Level   string    `json:"level"`
		Message sarifText `json:"message"`
	}
	sarifArtifact struct {
		Location sarifArtifactLocation `json:"location"`
		// ParentIndex is the artifact of the archive a member was read from.
		ParentIndex *int              `json:"parentIndex,omitempty"`
		Length      int64             `json:"length"`
		Hashes      map[string]string `json:"hashes,omitempty"`
		Props       map[string]any    `json:"properties,omitempty"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
		Index     *int   `json:"index,omitempty"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           int               `json:"ruleIndex"`
		Level               string            `json:"level"`
		Message             sarifText         `json:"message"`
		Locations           []sarifLocation   `json:"locations,omitempty"`
		RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
		PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
		Properties          map[string]any    `json:"properties,omitempty"`
	}
	sarifLocation struct {
		ID               *int                   `json:"id,omitempty"`
		PhysicalLocation *sarifPhysical         `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
		Message          *sarifText             `json:"message,omitempty"`
		Properties       map[string]any         `json:"properties,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	// sarifRegion is a line of a text log or, for a record of a binary
	// event log, its first byte (byteOffset, so that 0 is kept).
	sarifRegion struct {
		StartLine  int    `json:"startLine,omitempty"`
		ByteOffset *int64 `json:"byteOffset,omitempty"`
	}
	sarifLogicalLocation struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
		Kind               string `json:"kind,omitempty"`
	}
)

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s detectors.Severity) string {
	switch {
	case s >= detectors.Error:
		return "error"
	case s == detectors.Warning:
		return "warning"
	}
	return "note"
}

// Write writes a SARIF 2.1.0 log with one run: the rules that fired
// (title, description, remedy as help text, KB link as helpUri, default
// level), one result per finding located at its first evidence with every
// evidence item as a related location (text logs by line, event logs by a
// logical location "record N" and a "record" property), the inputs as
// artifacts with their SHA-256, and the warnings as tool notifications.
func (sarifWriter) Write(w io.Writer, r *Report) error {
	t := labelsFor(r.Lang)
	fs := orderedFindings(r)
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{Name: "extriage", Version: sarifVersion(r.Version),
			InformationURI: "https://github.com/extriage/extriage", Language: string(langOf(r)),
			Rules: []sarifRule{}}},
		Language: string(langOf(r)),
		Results:  []sarifResult{},
	}
	inv := sarifInvocation{ExecutionSuccessful: true}
	if !r.Generated.IsZero() {
		inv.EndTimeUTC = r.Generated.UTC().Format(time.RFC3339)
	}
	for _, s := range r.Warnings {
		inv.Notifications = append(inv.Notifications, sarifNotification{Level: "warning", Message: sarifText{CleanText(s)}})
	}
	run.Invocations = []sarifInvocation{inv}

	if r.BaseURI != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: CleanText(r.BaseURI)}}
	}

	artifactIndex := map[string]int{}
	var artifactPaths []string
	for _, in := range r.Inputs {
		if _, dup := artifactIndex[in.Path]; dup {
			continue
		}
		a := sarifArtifact{Location: sarifArtifactLocationOf(in.Path), Length: in.Bytes}
		if in.SHA256 != "" {
			a.Hashes = map[string]string{"sha-256": CleanText(in.SHA256)}
		}
		props := map[string]any{}
		if in.Format != "" {
			props["format"] = CleanText(string(in.Format))
		}
		if in.Host != "" {
			props["host"] = CleanText(in.Host)
		}
		if in.Bundle != "" {
			props["bundle"] = CleanText(in.Bundle)
		}
		if in.Records > 0 {
			props["records"] = in.Records
		}
		if in.Unrecognised {
			props["unrecognised"] = true
		}
		if in.Failed {
			props["failed"] = true
		}
		if len(props) > 0 {
			a.Props = props
		}
		artifactIndex[in.Path] = len(run.Artifacts)
		artifactPaths = append(artifactPaths, in.Path)
		run.Artifacts = append(run.Artifacts, a)
	}
	// An archive member names the archive it was read from as its parent
	// (inputs list an archive before its members, but look it up anyway).
	for i, p := range artifactPaths {
		if j := strings.LastIndexByte(p, '!'); j > 0 {
			if pi, ok := artifactIndex[p[:j]]; ok && pi != i {
				run.Artifacts[i].ParentIndex = &pi
			}
		}
	}
	// The first log read of each server (and of each bundle, for findings
	// that name no server), for findings without evidence.
	serverLog := map[[2]string]string{}
	for _, in := range r.Inputs {
		if in.Unrecognised || in.Failed || in.Records == 0 {
			continue
		}
		for _, k := range [][2]string{{in.Bundle, in.Host}, {in.Bundle, ""}} {
			if _, ok := serverLog[k]; !ok {
				serverLog[k] = in.Path
			}
		}
	}
	location := func(e detectors.Evidence) sarifLocation {
		al := sarifArtifactLocationOf(e.Path)
		if i, ok := artifactIndex[e.Path]; ok {
			al.Index = &i
		}
		loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: al},
			Message: &sarifText{CleanText(e.Text)}}
		props := map[string]any{}
		if e.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: e.Line}
		} else if e.Record > 0 {
			if e.Offset > 0 {
				off := e.Offset
				loc.PhysicalLocation.Region = &sarifRegion{ByteOffset: &off}
			}
			loc.LogicalLocations = []sarifLogicalLocation{{Name: "record " + strconv.FormatUint(e.Record, 10),
				FullyQualifiedName: CleanText(e.Location())}}
			props["record"] = e.Record
		}
		if !e.Time.IsZero() && e.TimeQ != parsers.TimeElapsed {
			if e.TimeQ == parsers.TimeNoDate {
				props["time"] = logClock(e.Time, r.Zone).Format("15:04:05")
			} else {
				props["time"] = e.Time.UTC().Format(time.RFC3339Nano)
			}
		}
		if e.TimeQ != parsers.TimeExact {
			props["timeQuality"] = string(e.TimeQ)
		}
		if len(props) > 0 {
			loc.Properties = props
		}
		return loc
	}

	ruleIndex := map[string]int{}
	for _, f := range fs {
		if _, ok := ruleIndex[f.Rule]; ok {
			continue
		}
		ruleIndex[f.Rule] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(r, &f, t))
	}
	// With several bundles (scan --per-bundle) the results stay in the one
	// run, each saying its bundle in the message (what viewers show) and in
	// the "bundle" and "host" properties (for tools). One run per bundle
	// would read better in the SARIF viewer's run list, but GitHub code
	// scanning no longer accepts several runs of one tool and category in
	// an upload, and a category per bundle would make each bundle a
	// separate analysis whose alerts close whenever it is left out.
	multi := multiBundle(r)
	if multi {
		// The verdict of each bundle, as the JSON's "bundles" gives it.
		var bundles []map[string]any
		for _, b := range r.Bundles {
			bundles = append(bundles, map[string]any{"name": CleanText(b.Name), "verdict": CleanText(b.Verdict),
				"findings": b.Findings, "hosts": cleanAll(b.Hosts), "rules": cleanAll(b.Rules)})
		}
		run.Properties = map[string]any{"bundles": bundles}
	}
	for i := range fs {
		f := &fs[i]
		res := sarifResult{RuleID: CleanText(f.Rule), RuleIndex: ruleIndex[f.Rule], Level: sarifLevel(f.Severity)}
		host := f.Host
		if host == "" {
			host = t.NoServer
		}
		if multi && f.Bundle != "" {
			host = fmt.Sprintf(t.HostInBundle, host, f.Bundle)
		}
		res.Message = sarifText{CleanText(host + ": " + f.Title + ". " + f.Remedy)}
		for j, e := range f.Evidence {
			if j == 0 {
				res.Locations = []sarifLocation{location(e)}
			}
			loc := location(e)
			id := j + 1
			loc.ID = &id
			res.RelatedLocations = append(res.RelatedLocations, loc)
		}
		if len(f.Evidence) == 0 {
			// A result needs a location to be shown (GitHub code scanning
			// requires one): without evidence, the first log of its server.
			if p, ok := serverLog[[2]string{f.Bundle, f.Host}]; ok {
				al := sarifArtifactLocationOf(p)
				i := artifactIndex[p]
				al.Index = &i
				res.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysical{ArtifactLocation: al}}}
			}
		}
		key := f.Bundle + "\x00" + f.Host + "\x00" + f.Rule
		if len(f.Evidence) > 0 {
			key += "\x00" + f.Evidence[0].Location()
		}
		sum := sha256.Sum256([]byte(key))
		res.PartialFingerprints = map[string]string{"extriageFinding/v1": hex.EncodeToString(sum[:16])}
		props := map[string]any{"severity": f.Severity.String(), "count": f.Count, "kb": cleanAll(f.KB)}
		if f.Host != "" {
			props["host"] = CleanText(f.Host)
		}
		if f.Bundle != "" {
			props["bundle"] = CleanText(f.Bundle)
		}
		if len(f.Values) > 0 {
			vals := map[string]string{}
			for k, v := range f.Values {
				vals[CleanText(k)] = CleanText(v)
			}
			props["values"] = vals
		}
		res.Properties = props
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}})
}

// sarifVersion is the tool's version as SARIF wants it, starting with its
// number: "v1.2.0" becomes "1.2.0"; a version without one ("dev") stays.
func sarifVersion(v string) string {
	v = CleanText(v)
	if len(v) > 1 && v[0] == 'v' && v[1] >= '0' && v[1] <= '9' {
		return v[1:]
	}
	return v
}

// sarifRuleOf describes the rule of finding f: its catalog text when the
// rule is known, else what the finding itself says.
func sarifRuleOf(r *Report, f *detectors.Finding, t *labels) sarifRule {
	rule := sarifRule{ID: CleanText(f.Rule), Name: ruleName(f.Rule),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(f.Severity)}}
	title, full, help := f.Title, "", f.Remedy
	kb := f.KB
	if m := ruleMeta(r, f.Rule); m != nil {
		title = m.Title.In(langOf(r))
		full = m.Doc.In(langOf(r))
		if rem := m.Remedy.In(langOf(r)); rem != "" {
			vals := map[string]string{}
			for _, p := range detectors.Placeholders(rem) {
				vals[p] = "<" + p + ">"
			}
			help = detectors.Fill(rem, vals)
		}
		rule.DefaultConfiguration.Level = sarifLevel(m.Severity)
		if len(m.KB) > 0 {
			kb = m.KB
		}
		rule.Properties = map[string]any{"severity": m.Severity.String()}
	}
	if full == "" {
		full = title
	}
	rule.ShortDescription = sarifText{CleanText(title)}
	rule.FullDescription = sarifText{CleanText(strings.Join(strings.Fields(full), " "))}
	rule.Help = sarifText{CleanText(help)}
	if len(kb) > 0 {
		rule.HelpURI = detectors.KBURL(CleanText(kb[0]))
		if rule.Properties == nil {
			rule.Properties = map[string]any{}
		}
		rule.Properties["kb"] = cleanAll(kb)
	}
	return rule
}

// ruleName turns a kebab-case rule ID into the PascalCase name SARIF
// viewers show ("evs-upgrade-required" -> "EvsUpgradeRequired").
func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.Split(CleanText(id), "-") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func langOf(r *Report) detectors.Lang {
	if r.Lang == detectors.Polish {
		return detectors.Polish
	}
	return detectors.English
}

func cleanAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = CleanText(s)
	}
	return out
}

var driveLetter = regexp.MustCompile(`^[A-Za-z]:/`)

// sarifSrcRoot is the uriBaseId of every relative artifact URI: the
// directory the scan ran in, which Report.BaseURI gives (as the run's
// originalUriBaseIds) and GitHub code scanning takes as the checkout root.
const sarifSrcRoot = "%SRCROOT%"

// sarifArtifactLocationOf locates an input path: a relative path relative
// to %SRCROOT%, an absolute one as a file: URI of its own (SARIF wants no
// uriBaseId on an absolute URI).
func sarifArtifactLocationOf(p string) sarifArtifactLocation {
	u := artifactURI(p)
	if strings.HasPrefix(u, "file:") {
		return sarifArtifactLocation{URI: u}
	}
	return sarifArtifactLocation{URI: u, URIBaseID: sarifSrcRoot}
}

// DirURI returns the file: URI, ending in "/", of an absolute directory
// path (Unix, Windows or UNC), for Report.BaseURI; "" when dir is not
// absolute.
func DirURI(dir string) string {
	u := artifactURI(dir)
	if !strings.HasPrefix(u, "file:") {
		return ""
	}
	if !strings.HasSuffix(u, "/") {
		u += "/"
	}
	return u
}

// artifactURI turns an input path into a URI reference: a relative path
// stays relative, an absolute one (Unix or Windows, with either slash)
// becomes a file: URI. Every byte a path segment may not hold, and "!", is
// percent-encoded: an archive member "a.zip!dir/f.log" becomes
// "a.zip%21dir/f.log", which decodes back to the path the other formats
// print, while a literal "!" could be taken for the "jar:...!/" archive
// separator by some viewers, none of which can open a member anyway.
// The archive itself is the member's parent artifact.
func artifactURI(p string) string {
	p = CleanText(strings.ReplaceAll(p, `\`, "/"))
	switch {
	case strings.HasPrefix(p, "//"): // a UNC path: //server/share/...
		host, rest, _ := strings.Cut(p[2:], "/")
		return "file://" + escapeURIPath(host) + escapeURIPath("/"+rest)
	case strings.HasPrefix(p, "/"):
		return "file://" + escapeURIPath(p)
	case driveLetter.MatchString(p):
		return "file:///" + escapeURIPath(p)
	}
	s := escapeURIPath(p)
	// A relative reference whose first segment holds a colon would read as
	// a scheme; "./" keeps it a path.
	if first, _, _ := strings.Cut(s, "/"); strings.Contains(first, ":") {
		s = "./" + s
	}
	return s
}

// escapeURIPath percent-encodes p for the path of a URI (RFC 3986): it
// keeps the unreserved characters, "/" and the sub-delimiters but "!",
// and encodes every other byte (so UTF-8 names are encoded byte by byte).
func escapeURIPath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/$&'()*+,;=:@", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
