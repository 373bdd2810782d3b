package parsers

import (
	"context"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// Input is one file's bytes, however they are stored: a file on disk, an
// archive member held in memory, a carved region. Parsers read it only
// through R, never by path, and never write to it.
type Input struct {
	Path string      // the name shown to the user and cited as evidence
	R    io.ReaderAt // the bytes
	Size int64       // how many bytes R holds
	// ModTime is the file's modification time, zero if unknown. Text logs
	// whose stamps carry no date use it to anchor their dates.
	ModTime time.Time
}

// Warning is a problem with one input that cost some of its records but not
// the scan: a bad chunk, a truncated record, an undecodable line.
type Warning struct {
	Path   string `json:"path"`
	Offset int64  `json:"offset"` // byte offset of the problem, -1 if unknown
	Line   int    `json:"line,omitempty"`
	Msg    string `json:"message"`
}

// String formats the warning as "path: offset 0x1000: message".
func (w Warning) String() string {
	switch {
	case w.Line > 0:
		return fmt.Sprintf("%s:%d: %s", w.Path, w.Line, w.Msg)
	case w.Offset >= 0:
		return fmt.Sprintf("%s: offset 0x%x: %s", w.Path, w.Offset, w.Msg)
	default:
		return fmt.Sprintf("%s: %s", w.Path, w.Msg)
	}
}

// Error is a parser's failure to read an input at all: which format could
// not read which file, and why. It prints as "path: format: why", so a
// caller that names the file itself reads Format and Err instead of taking
// the text apart.
type Error struct {
	Format Format
	Path   string
	Err    error
}

func (e *Error) Error() string { return e.Path + ": " + string(e.Format) + ": " + e.Err.Error() }

// Unwrap returns the cause, so that errors.Is and errors.As see through an
// Error (a read error, a cancelled context).
func (e *Error) Unwrap() error { return e.Err }

// Fail returns an *Error of format f for the input at path; the cause is
// fmt.Errorf(msg, args...), so msg may wrap an error with %w.
func Fail(f Format, path, msg string, args ...any) error {
	return &Error{Format: f, Path: path, Err: fmt.Errorf(msg, args...)}
}

// Sink receives what a parser reads from one Input. Record is called once
// per record, in file order; returning false stops the parse early. The
// Record passed is owned by the callee. Warn is called for each problem.
// A parser may work on several goroutines, but it calls the Sink's
// functions from one goroutine at a time.
type Sink struct {
	Record func(*Record) bool
	Warn   func(Warning)
	// Prefilter, when set, lets the parser skip the parts of the input in
	// which no record can interest the consumer (see Prefilter). It is
	// optional twice over: nil means every record is wanted, and a parser
	// that does not support it parses everything and ignores it.
	Prefilter *Prefilter
}

// Prefilter says which records a consumer (the rule engine) can use, so
// that a parser may leave the others out without the work of decoding or
// delivering them. A parser that supports it may pass over a whole region
// of the file (an EVTX chunk) whose raw bytes contain none of Words, in
// ASCII or UTF-16LE, compared without ASCII case, and may leave out a
// decoded record whose provider name and text (Record.Text) contain none
// of them, compared as strings.ToLower and strings.EqualFold compare. It
// counts what it leaves out through Skipped. The EVTX parser supports it.
type Prefilter struct {
	// Words are the lower-case words of which a wanted record contains at
	// least one (in its provider name or its text). An empty, non-nil list
	// means no record is wanted.
	Words []string
	// Skipped, when set, is told how many records were left out. It is
	// called like Record: from one goroutine at a time, in file order with
	// the records around it.
	Skipped func(records int)
	// Ready, when set, is asked before records are left out: until it
	// returns true the parser delivers every record (the scan needs the
	// first record that names the file's host, whatever its words). It is
	// called like Record.
	Ready func() bool
}

// Parser reads one log format.
type Parser interface {
	// Format names the format this parser reads.
	Format() Format
	// Sniff looks at the first bytes of a file (up to SniffSize of them,
	// fewer for a short file) and says how sure it is that they are this
	// format: 0 not at all, 100 certain (a magic number).
	Sniff(head []byte) int
	// Parse streams the records of in to sink. It returns an error only when
	// nothing at all could be read (not this format, unreadable), as an
	// *Error (see Fail) unless it is the context's; damage inside a file is
	// reported through sink.Warn and parsing goes on.
	// Parse never panics on any input.
	Parse(ctx context.Context, in Input, sink Sink) error
}

// SniffSize is how many leading bytes Sniff is given.
const SniffSize = 8192

// SniffThreshold is the lowest Sniff score that counts as a match.
const SniffThreshold = 50

var (
	regMu    sync.RWMutex
	registry []Parser
)

// Register adds a parser to the set Detect chooses from. Format packages
// call it from init; the registry is what `extriage` recognises.
func Register(p Parser) {
	regMu.Lock()
	defer regMu.Unlock()
	for _, q := range registry {
		if q.Format() == p.Format() {
			panic("parsers: format registered twice: " + string(p.Format()))
		}
	}
	registry = append(registry, p)
	sort.Slice(registry, func(i, j int) bool { return registry[i].Format() < registry[j].Format() })
}

// Lookup returns the registered parser of format f, or nil.
func Lookup(f Format) Parser {
	regMu.RLock()
	defer regMu.RUnlock()
	for _, p := range registry {
		if p.Format() == f {
			return p
		}
	}
	return nil
}

// Registered returns the registered parsers in a stable order.
func Registered() []Parser {
	regMu.RLock()
	defer regMu.RUnlock()
	return append([]Parser(nil), registry...)
}

// Detect chooses the parser for a file by its content: the registered parser
// whose Sniff scores highest at or above SniffThreshold. It returns nil when
// no parser recognises the bytes.
func Detect(head []byte) Parser {
	var best Parser
	bestScore := SniffThreshold - 1
	for _, p := range Registered() {
		if s := p.Sniff(head); s > bestScore {
			best, bestScore = p, s
		}
	}
	return best
}

// ReadHead reads the first SniffSize bytes (or fewer) of in.
func ReadHead(in Input) ([]byte, error) {
	n := in.Size
	if n > SniffSize {
		n = SniffSize
	}
	if n <= 0 {
		return nil, nil
	}
	buf := make([]byte, n)
	m, err := in.R.ReadAt(buf, 0)
	if m == len(buf) {
		return buf, nil
	}
	if err == io.EOF {
		return buf[:m], nil
	}
	return buf[:m], err
}
