package detectors

import (
	"strconv"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/setuplog"
	"github.com/extriage/extriage/parsers/updatelog"
)

// FileContext is state about one file that several rules share and that
// the engine keeps once, ahead of the rules: the runs of a setup log or of
// an update.exe log.
type FileContext struct {
	format parsers.Format
	setup  setuplog.Tracker
	update updatelog.Tracker
	shared map[any]any
}

// Shared returns the value stored under key for this file, making it with
// mk on the first call (first is then true). Rules use it to share one
// analysis of a file instead of each redoing it.
func (c *FileContext) Shared(key any, mk func() any) (v any, first bool) {
	if v, ok := c.shared[key]; ok {
		return v, false
	}
	if c.shared == nil {
		c.shared = map[any]any{}
	}
	v = mk()
	c.shared[key] = v
	return v, true
}

// record reads r; v is the engine's view of it, whose sketch the setup
// tracker shares.
func (c *FileContext) record(r *parsers.Record, v *RecordView) {
	switch c.format {
	case parsers.FormatSetupLog:
		c.setup.AddSketched(r, v.Sketch())
	case parsers.FormatUpdateLog:
		c.update.Add(r)
	}
}

// UpdateRuns returns the runs of an update.exe log seen so far (all of
// them once the file is finished).
func (c *FileContext) UpdateRuns() []updatelog.Run { return c.update.Runs() }

// SetupRuns returns the runs of a setup log seen so far (all of them once
// the file is finished).
func (c *FileContext) SetupRuns() []setuplog.Run { return c.setup.Runs() }

// VerdictRun returns the setup run whose outcome decides the verdict of a
// setup log: the last run, as setuplog.Select picks it, or for an excerpt
// that has no start line, its last run. Call it from Finish. ok is false
// for other formats and for logs without a run.
func (c *FileContext) VerdictRun() (run setuplog.Run, fellBack bool, ok bool) {
	if c == nil || c.format != parsers.FormatSetupLog {
		return setuplog.Run{}, false, false
	}
	runs := c.setup.Runs()
	if run, fellBack, ok = setuplog.Select(runs); !ok && len(runs) > 0 {
		return runs[len(runs)-1], false, true // an excerpt without a start line: its last run decides
	}
	return run, fellBack, ok
}

// RunOf returns the setup run index a record belongs to (its
// Fields["run"]), 0 when it has none.
func RunOf(r *parsers.Record) int {
	n, _ := strconv.Atoi(r.Fields["run"])
	return n
}

// Extractor reads files for facts only (versions, installs, roles); it
// reports no findings of its own. Bundle rules compare the facts.
type Extractor interface {
	// NewChecker returns the state for one file, or nil when the file's
	// format says nothing the extractor wants. Its Finish must return no
	// hits; its facts come through FactSource.
	NewChecker(f FileInfo) Checker
}

var extractors []Extractor

// registerExtractor adds a fact extractor; catalog files call it from init.
func registerExtractor(e Extractor) { extractors = append(extractors, e) }
