package msilog

import (
	"context"
	"strconv"
	"time"

	"github.com/extriage/extriage/parsers"
)

// Limits of a Summary.
const (
	// ContextLines is how many records before the first "Return value 3"
	// a Summary keeps: the usual way to read an MSI log is to search for
	// that line and read upwards.
	ContextLines = 20
	// MaxErrors is how many error-level records a Summary keeps.
	MaxErrors = 50
	// MaxItems is how many files in use and missing cache packages a
	// Summary keeps.
	MaxItems = 100
)

// Summary is what the rules need to know about one Windows Installer log.
// Build one with a Summarizer (fed the records of a parse) or Summarize.
type Summary struct {
	Product        string    // product name: ProductName property, "Product Name: X." or "Product: X --"
	ProductVersion string    // from "Product Version: V" where the log says it
	CallingProcess string    // from the first "logging started" header
	Started        time.Time // time of the first header (TimeNoZone), zero if unknown
	Stopped        bool      // a "logging stopped" line was seen: the run ended, not the log
	// ExitCode is the last "MainEngineThread is returning N" (or, failing
	// that, the last "Installation success or error status: N"); -1 when
	// the log never says.
	ExitCode int
	// Failed is true when the log has a "Return value 3" or an exit code
	// other than 0, 3010 and 1641.
	Failed bool
	// RebootRequired is true for exit code 3010 or 1641, a scheduled
	// reboot (Info 1903), "requires a system restart", or the property
	// ReplacedInUseFiles = 1.
	RebootRequired bool
	// FirstFailure is the first "Return value 3" record, nil if none.
	FirstFailure *parsers.Record
	// Context holds up to ContextLines records just before FirstFailure,
	// oldest first.
	Context []*parsers.Record
	// Errors holds the first MaxErrors error-level records, in order.
	Errors []*parsers.Record
	// FilesInUse lists the files and processes that held the install up
	// ("Info 1603. The file ... is being held in use", Restart Manager
	// detections), each path and process once.
	FilesInUse []FileInUse
	// CacheMissing lists the cached packages (.msi/.msp under
	// %windir%\Installer) that Windows Installer could not find, each
	// once: the usual cause of a failed update of an installed product.
	CacheMissing []CacheMiss
}

// FileInUse is one file held in use, or one process that held files.
type FileInUse struct {
	Path      string // the file; empty when only the process is known
	Process   string
	ProcessID string
	Line      int // line of the first mention
}

// CacheMiss is one missing cached package.
type CacheMiss struct {
	Path string
	Line int // line of the first mention
}

// Summarizer builds a Summary from the records of one log, given in file
// order. It keeps the records it puts in the Summary (and no others beyond
// the last ContextLines), and never changes them. The zero value is not
// ready: use NewSummarizer.
type Summarizer struct {
	s        Summary
	ring     []*parsers.Record // the last ContextLines records, ring buffer
	next     int
	full     bool
	status   int
	inUse    map[FileInUse]bool
	missing  map[string]bool
	product2 string // product from "Product: X --" lines, used when nothing better is known
}

// NewSummarizer returns an empty Summarizer.
func NewSummarizer() *Summarizer {
	return &Summarizer{
		s:       Summary{ExitCode: -1},
		ring:    make([]*parsers.Record, ContextLines),
		status:  -1,
		inUse:   map[FileInUse]bool{},
		missing: map[string]bool{},
	}
}

// Add takes the next record of the log.
func (z *Summarizer) Add(r *parsers.Record) {
	f := r.Fields
	if v, ok := f["calling_process"]; ok && z.s.CallingProcess == "" {
		z.s.CallingProcess = v
		z.s.Started = r.Time
	}
	if z.s.Started.IsZero() && f["build_type"] != "" {
		z.s.Started = r.Time
	}
	if len(r.Message) > 3 && r.Message[:3] == "===" && reStopped.MatchString(r.Message) {
		z.s.Stopped = true
	}
	if p := f["product"]; p != "" {
		switch {
		case f["property"] == "ProductName" || f["product_version"] != "":
			z.s.Product = p
			if v := f["product_version"]; v != "" {
				z.s.ProductVersion = v
			}
		case z.product2 == "":
			z.product2 = p
		}
	}
	if f["property"] == "ProductVersion" && z.s.ProductVersion == "" {
		z.s.ProductVersion = f["value"]
	}
	if f["property"] == "ReplacedInUseFiles" && f["value"] == "1" {
		z.s.RebootRequired = true
	}
	if f["reboot"] != "" {
		z.s.RebootRequired = true
	}
	if v, ok := f["return_code"]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			z.s.ExitCode = n
		}
	}
	if v, ok := f["status"]; ok {
		if n, err := strconv.Atoi(v); err == nil {
			z.status = n
		}
	}
	if f["return_value"] == "3" && z.s.FirstFailure == nil {
		z.s.FirstFailure = r
		z.s.Context = z.context()
	}
	if r.Level == parsers.LevelError && len(z.s.Errors) < MaxErrors {
		z.s.Errors = append(z.s.Errors, r)
	}
	if p, proc := f["file_in_use"], f["process"]; p != "" || proc != "" {
		key := FileInUse{Path: p, Process: proc, ProcessID: f["process_id"]}
		if !z.inUse[key] && len(z.s.FilesInUse) < MaxItems {
			z.inUse[key] = true
			key.Line = r.Line
			z.s.FilesInUse = append(z.s.FilesInUse, key)
		}
	}
	if p := f["installer_cache_missing"]; p != "" && !z.missing[p] && len(z.s.CacheMissing) < MaxItems {
		z.missing[p] = true
		z.s.CacheMissing = append(z.s.CacheMissing, CacheMiss{Path: p, Line: r.Line})
	}
	if z.s.FirstFailure == nil {
		z.ring[z.next] = r
		z.next = (z.next + 1) % len(z.ring)
		if z.next == 0 {
			z.full = true
		}
	}
}

// context returns the ring's records, oldest first.
func (z *Summarizer) context() []*parsers.Record {
	var out []*parsers.Record
	if z.full {
		out = append(out, z.ring[z.next:]...)
	}
	out = append(out, z.ring[:z.next]...)
	return out
}

// Summary returns the summary of the records added so far.
func (z *Summarizer) Summary() Summary {
	s := z.s
	if s.Product == "" {
		s.Product = z.product2
	}
	if s.ExitCode < 0 {
		s.ExitCode = z.status
	}
	if s.ExitCode == 3010 || s.ExitCode == 1641 {
		s.RebootRequired = true
	}
	s.Failed = s.FirstFailure != nil || (s.ExitCode > 0 && s.ExitCode != 3010 && s.ExitCode != 1641)
	return s
}

// Summarize parses a Windows Installer log and summarises it. Warnings go
// to warn (which may be nil); the error is Parse's.
func Summarize(ctx context.Context, in parsers.Input, warn func(parsers.Warning)) (Summary, error) {
	z := NewSummarizer()
	err := Parser{}.Parse(ctx, in, parsers.Sink{
		Record: func(r *parsers.Record) bool { z.Add(r); return true },
		Warn: func(w parsers.Warning) {
			if warn != nil {
				warn(w)
			}
		},
	})
	return z.Summary(), err
}
