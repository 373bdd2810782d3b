package scan

import (
	"path"
	"regexp"
	"strings"
)

// Hosts come, in this order, from the Computer field of a file's own
// records, from the names collectors give files, folders and archives, and
// last from the name of the bundle (the argument) itself. This file holds
// the name rules.

// mpsName matches the file names MPS Reports and similar collectors give
// event logs: SERVER_Application.evt, SERVER_System.txt, SERVER_APP.csv.
var mpsName = regexp.MustCompile(`(?i)^([A-Za-z0-9][A-Za-z0-9-]{0,14})_(?:application|system|security|app|sys|sec|evt|directory ?service|dns ?server|file ?replication ?service|exchange[a-z ]*)(?:[_.].*)?$`)

// netbios matches what can be a computer name.
var netbios = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,14}$`)

// notHostNames are folder and archive names collectors and Windows use that
// are not computer names.
var notHostNames = map[string]bool{}

func init() {
	for _, s := range strings.Fields(`
		log logs eventlogs eventlog events event evtx evt winevt setup setuplogs exchangesetuplogs
		windows winnt system32 syswow64 config temp tmp application system security data export
		exports bundle bundles case cases hotfix hotfixes updates update msi exchange exchsrvr
		exchangeserver bin mdbdata servers server collected collection output files misc other
		new old node nodes cluster dag microsoft program programfiles transportroles mailbox
		frontend hub transport edge cas iis http httperr owa ecp ews mapi rpc autodiscover
		activesync eas pop3 imap4 search perf performance perfmon daily managed availability
		experfwiz message tracking protocol connectivity ha app apps sys sec report reports
		results result archive archives zip backup backups msinfo msinfo32 mps mpsreports
		cab cabs dump dumps crash crashes etl trace traces diag diagnostics support sdp
		payload evidence attachments upload uploads customer download downloads desktop documents
		inetpub logfiles w3svc smtpsvc exchangesetup svcpack setupapi msiexec`) {
		notHostNames[s] = true
	}
}

// notHostPattern matches names that are versions, updates, dates or log
// folders, never computer names: KB912442, Q123456, SP2, CU23, RU4, V15,
// 2024, 20240131, anything with "log" in it (Logs2024, SetupLogs).
var notHostPattern = regexp.MustCompile(`(?i)^(?:(?:kb|q)\d+|sp\d*|cu\d+|ru\d+|ur\d+|v\d+|\d+|\d{4}-\d{2}(?:-\d{2})?|.*log.*)$`)

// collectorSuffix is what ExchangeLogCollector adds to the server's folder
// name when it zips the whole server: "-" and the month and day ("EX01-315",
// "EX01-1231"), then "-N" when that name was taken.
var collectorSuffix = regexp.MustCompile(`-[1-9]\d{2,3}(?:-\d{1,3})?$`)

// dateStamp matches the date (and time) collectors and people append to a
// server's folder or archive name when they collect its logs:
// EX01-20240131, EX01_2024-01-31, EX01-20240131-1530. No computer name
// ends in a full date, so it is cut off before the name is judged.
var dateStamp = regexp.MustCompile(`[-_.](?:19|20)\d{2}(?:(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))(?:[-_T]\d{4}(?:\d{2})?)?$`)

// hostName returns the computer name a single folder or file-name stem
// stands for, or "" when it cannot be one (a single character, a generic
// word, a KB number, a date, anything with "log" in it). A date stamp at
// the end (EX01-20240131) is not part of the name.
func hostName(s string) string {
	s = dateStamp.ReplaceAllString(s, "")
	if len(s) < 2 || !netbios.MatchString(s) || notHostNames[strings.ToLower(s)] || notHostPattern.MatchString(s) {
		return ""
	}
	return strings.ToUpper(s)
}

// archiveStem strips the archive extensions from a file name.
func archiveStem(name string) string {
	lower := strings.ToLower(name)
	for _, ext := range []string{".tar.gz", ".tgz", ".zip", ".tar", ".gz"} {
		if strings.HasSuffix(lower, ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

// collectorArchiveHost reads the computer name from ExchangeLogCollector's
// server archive name: SERVER-315.zip (the month and day), SERVER-1231-2.zip.
func collectorArchiveHost(name string) string {
	stem := archiveStem(name)
	if !collectorSuffix.MatchString(stem) {
		return ""
	}
	return hostName(collectorSuffix.ReplaceAllString(stem, ""))
}

// logExtensions are the extensions of the log files collectors compress
// one by one (EX01-20240131.log.gz, Application.evtx.gz).
var logExtensions = map[string]bool{".log": true, ".txt": true, ".evtx": true, ".evt": true, ".csv": true, ".etl": true, ".xml": true}

// logFileStem returns the name of the log an archive stem is, without its
// extension, and true when the stem ends in a log file's extension
// ("EX01-20240131.log" gives "EX01-20240131").
func logFileStem(stem string) (string, bool) {
	ext := path.Ext(stem)
	if !logExtensions[strings.ToLower(ext)] || len(stem) == len(ext) {
		return "", false
	}
	return stem[:len(stem)-len(ext)], true
}

// hostFromArchiveName reads the computer name from an archive's or a
// bundle's name as collectors write them: SERVER.zip, SERVER-315.zip,
// SERVER_Logs.zip, and for one compressed log, SERVER-20240131.log.gz or
// SERVER_KB1.log.gz. A compressed log with neither a date stamp nor a
// SERVER_ prefix is named after the log, not the server
// (Application.evtx.gz, KB912442.log.gz, ExchangeSetup.log.gz), and gives
// no host.
func hostFromArchiveName(name string) string {
	if h := collectorArchiveHost(name); h != "" {
		return h
	}
	stem := archiveStem(name)
	if log, ok := logFileStem(stem); ok {
		if server := dateStamp.ReplaceAllString(log, ""); server != log {
			return hostName(server)
		}
		stem = log // only a SERVER_ prefix names the server
	} else if h := hostName(stem); h != "" {
		return h
	}
	if i := strings.IndexByte(stem, '_'); i > 0 {
		return hostName(stem[:i])
	}
	return ""
}

// hostFromFileName reads the computer name from an MPS-style file name.
func hostFromFileName(base string) string {
	if m := mpsName.FindStringSubmatch(base); m != nil {
		return hostName(m[1])
	}
	return ""
}

// hostFromFolders returns the computer name of the innermost folder in
// dirs (outermost first) that can be one.
func hostFromFolders(dirs []string) string {
	for i := len(dirs) - 1; i >= 0; i-- {
		if h := hostName(dirs[i]); h != "" {
			return h
		}
	}
	return ""
}

// hostSlots are the host names the path of an input suggests, by where
// they were found. A log takes, in this order: its MPS-style file name,
// the innermost folder inside an archive, the innermost ExchangeLogCollector
// server archive (SERVER-315.zip), the outermost other archive (SERVER.zip,
// SERVER_Logs.zip; never the argument itself, whose name is the bundle's),
// the innermost folder on disk below the argument. Archives nested in a
// server's archive are named after log folders, and case folders hold
// server folders and archives: this order finds the server in both.
type hostSlots struct {
	inFolder  string // innermost host folder inside an archive
	collector string // innermost ExchangeLogCollector server archive
	archive   string // outermost other archive
	disk      string // innermost host folder on disk
}

// pick returns the slots' host for a file named base.
func (h hostSlots) pick(base string) string {
	if m := hostFromFileName(base); m != "" {
		return m
	}
	for _, s := range []string{h.inFolder, h.collector, h.archive, h.disk} {
		if s != "" {
			return s
		}
	}
	return ""
}

// enterArchive returns the slots of an archive's members.
func (h hostSlots) enterArchive(name string, isRoot bool) hostSlots {
	if isRoot {
		return h
	}
	if c := collectorArchiveHost(name); c != "" {
		h.collector = c
	} else if h.archive == "" {
		h.archive = hostFromArchiveName(name)
	}
	return h
}

// member returns the slots of an archive member with the given name.
func (h hostSlots) member(name string) hostSlots {
	clean := strings.Trim(path.Clean("/"+strings.ReplaceAll(name, `\`, "/")), "/")
	if f := hostFromFolders(dirsOf(clean)); f != "" {
		h.inFolder = f
	}
	return h
}

// bundleHost is the last-resort host of a bundle's files: the host its
// name names, else the name itself unless it is a generic word.
func bundleHost(name string) string {
	if name == "" {
		return ""
	}
	if h := hostFromArchiveName(name); h != "" {
		return h
	}
	stem := archiveStem(name)
	if _, ok := logFileStem(stem); ok {
		return "" // a compressed log: its name is the log's
	}
	if notHostNames[strings.ToLower(stem)] || stem == "." || stem == "" {
		return ""
	}
	return strings.ToUpper(stem)
}
