package scan

import (
	"fmt"
	"sync/atomic"
)

// Limits stop archives that would expand without end (zip bombs, archives
// that contain themselves). A limit that is hit costs a warning naming the
// archive member; the rest of the batch is read.
type Limits struct {
	// MaxBytes is the most bytes read out of one archive on disk, the
	// members of archives nested in it included (--max-archive-bytes).
	MaxBytes int64
	// MaxRatio is the highest expansion (uncompressed bytes per compressed
	// byte) accepted for a member that expands beyond MinRatioBytes, and
	// for all that is read out of one archive on disk (nested archives
	// included) once that passes MinRatioBytes (--max-ratio). Deflate
	// cannot pass about 1032:1; logs rarely pass 100:1.
	MaxRatio float64
	// MinRatioBytes is the size above which MaxRatio applies, so that small
	// files that compress very well are never refused.
	MinRatioBytes int64
	// MaxDepth is how deep archives are opened: 1 opens only archives on
	// disk, 2 also the archives inside them, and so on (--max-depth).
	MaxDepth int
	// MemberMemory is the largest compressed member read into memory
	// whole; bigger ones are decompressed as the parser reads (see doc.go).
	MemberMemory int64
}

// Default limits.
const (
	DefaultMaxBytes      = 32 << 30
	DefaultMaxRatio      = 500
	DefaultMinRatioBytes = 64 << 20
	DefaultMaxDepth      = 5
	DefaultMemberMemory  = 4 << 20
)

// DefaultLimits returns the limits used when Options.Limits is zero.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxRatio: DefaultMaxRatio, MinRatioBytes: DefaultMinRatioBytes,
		MaxDepth: DefaultMaxDepth, MemberMemory: DefaultMemberMemory}
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.MinRatioBytes <= 0 {
		l.MinRatioBytes = d.MinRatioBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MemberMemory <= 0 {
		l.MemberMemory = d.MemberMemory
	}
	return l
}

// limitError is a limit that was hit; its text says which and how to raise
// it.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

// budget counts the bytes read out of one archive on disk.
type budget struct {
	lim  Limits
	root string
	size int64 // the archive's size on disk
	used atomic.Int64
	// stop, once set, is why no further member of the archive is read.
	stop atomic.Pointer[string]
}

// fits returns nil when n more bytes stay within the archive's limits, or
// the warning for a member of n bytes that does not fit.
func (b *budget) fits(n int64) error {
	total := b.used.Load() + n
	if total > b.lim.MaxBytes {
		return b.overError(fmt.Sprintf("it would expand to %s,", humanBytes(n)))
	}
	if b.tooExpanded(total) {
		return b.expandedError(total, "not read:")
	}
	return nil
}

// tooExpanded reports whether total bytes read out of the archive are more
// than --max-ratio times its size on disk. Deflate cannot pass about
// 1032:1 for one member, so an archive that expands further holds
// archives nested many times or members that share their data: a bomb.
func (b *budget) tooExpanded(total int64) bool {
	return b.size > 0 && total > b.lim.MinRatioBytes && float64(total) > b.lim.MaxRatio*float64(b.size)
}

// expandedError is the warning for a member that takes the archive past
// --max-ratio; the archive's other members are not read either.
func (b *budget) expandedError(total int64, verb string) error {
	msg := fmt.Sprintf("%s the archive %s would have expanded %.0f times (%s out of %s on disk), more than --max-ratio %g allows (a zip bomb?); raise --max-ratio to read it",
		verb, b.root, float64(total)/float64(max64(b.size, 1)), humanBytes(total), humanBytes(b.size), b.lim.MaxRatio)
	later := fmt.Sprintf("not read: %s expanded more than --max-ratio %g allows before this member (a zip bomb?); raise --max-ratio to read it", b.root, b.lim.MaxRatio)
	b.stop.CompareAndSwap(nil, &later)
	return &limitError{msg}
}

// overError is the warning for a member that does not fit.
func (b *budget) overError(what string) error {
	later := fmt.Sprintf("not read: the limit of %s read out of one archive (--max-archive-bytes) was reached earlier in %s", humanBytes(b.lim.MaxBytes), b.root)
	b.stop.CompareAndSwap(nil, &later)
	return &limitError{fmt.Sprintf("not read: %s past the limit of %s read out of one archive (%s); raise --max-archive-bytes to read it",
		what, humanBytes(b.lim.MaxBytes), b.root)}
}

// stopped returns why no further member is read, "" while members are.
func (b *budget) stopped() string {
	if p := b.stop.Load(); p != nil {
		return *p
	}
	return ""
}

// meter returns the accounting function of one member: it adds to the
// archive's total, checks the total against the archive's size on disk,
// and the member's ratio against its compressed size (0 when unknown).
func (b *budget) meter(compressed int64) func(int64) error {
	var produced int64
	return func(n int64) error {
		produced += n
		total := b.used.Add(n)
		if total > b.lim.MaxBytes {
			return b.overError(fmt.Sprintf("stopped after %s,", humanBytes(produced)))
		}
		if compressed > 0 && produced > b.lim.MinRatioBytes && float64(produced) > b.lim.MaxRatio*float64(compressed) {
			return ratioError(produced, compressed, b.lim.MaxRatio, true)
		}
		if b.tooExpanded(total) {
			return b.expandedError(total, fmt.Sprintf("stopped after %s of this member:", humanBytes(produced)))
		}
		return nil
	}
}

// ratioError is the warning for a member that expands too much.
func ratioError(size, compressed int64, max float64, stopped bool) error {
	verb := "not read"
	if stopped {
		verb = fmt.Sprintf("stopped after %s", humanBytes(size))
	}
	return &limitError{fmt.Sprintf("%s: it expands %.0f times (%s from %s), more than --max-ratio %g allows (a zip bomb?); raise --max-ratio to read it",
		verb, float64(size)/float64(max64(compressed, 1)), humanBytes(size), humanBytes(compressed), max)}
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// humanBytes writes a byte count in binary units.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
