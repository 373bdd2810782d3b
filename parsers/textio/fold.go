package textio

import "strings"

// ContainsFold reports whether s contains sub, ignoring ASCII case; sub
// must be lower-case ASCII. It is the cheap test run before a regular
// expression. Only ASCII letters fold: other bytes of s must equal those
// of sub. Code that looks for the same sub often uses a Needle, which
// chooses its anchor once.
func ContainsFold(s, sub string) bool {
	return NewNeedle(sub).In(s)
}

// Needle is a lower-case ASCII string to look for, ignoring ASCII case,
// with the byte its search is anchored on.
type Needle struct {
	sub  string
	k    int  // the anchor: the index of sub's least frequent byte (see byteRank)
	c, u byte // sub[k] in lower and upper case
}

// NewNeedle prepares sub (lower-case ASCII) for searching.
func NewNeedle(sub string) Needle {
	k := 0
	for i := 1; i < len(sub); i++ {
		if byteRank[sub[i]] < byteRank[sub[k]] {
			k = i
		}
	}
	n := Needle{sub: sub, k: k}
	if len(sub) > 0 {
		n.c, n.u = sub[k], upper(sub[k])
	}
	return n
}

// In reports whether s contains the needle, as ContainsFold does. It jumps
// between the places where the anchor byte occurs in s, in either case,
// with strings.IndexByte, and compares the needle whole there. It
// allocates nothing.
func (nd Needle) In(s string) bool {
	n, k := len(nd.sub), nd.k
	if n == 0 {
		return true
	}
	if n > len(s) {
		return false
	}
	end := len(s) - n + k + 1 // the anchor can only be in s[k:end]
	nc, nu := nextByte(s, nd.c, k, end), -1
	if nd.u != nd.c {
		nu = nextByte(s, nd.u, k, end)
	}
	for nc >= 0 || nu >= 0 {
		i := nc
		if i < 0 || (nu >= 0 && nu < i) {
			i = nu
		}
		if hasPrefixFold(s[i-k:], nd.sub) {
			return true
		}
		if i == nc {
			nc = nextByte(s, nd.c, i+1, end)
		} else {
			nu = nextByte(s, nd.u, i+1, end)
		}
	}
	return false
}

// byteRank orders bytes by how often they occur in log text, lower
// case, most frequent last: ContainsFold anchors its search on the byte
// of the needle with the lowest rank. Only speed depends on it.
var byteRank = func() (r [256]uint8) {
	for i := range r {
		r[i] = 50 // punctuation and other bytes: rare
	}
	for i := '0'; i <= '9'; i++ {
		r[i] = 100
	}
	const common = "zqjxkvbpygfwmucldrhsnioate " // least to most frequent
	for i := 0; i < len(common); i++ {
		r[common[i]] = uint8(150 + 3*i)
	}
	for _, c := range "[]/.:" { // in every stamp of every line
		r[c] = 140
	}
	return r
}()

// nextByte returns the index of the first b in s[from:end], counted from
// the start of s, or -1.
func nextByte(s string, b byte, from, end int) int {
	if from >= end {
		return -1
	}
	if j := strings.IndexByte(s[from:end], b); j >= 0 {
		return from + j
	}
	return -1
}

// hasPrefixFold reports whether s starts with the lower-case ASCII p,
// ignoring ASCII case; s must be at least as long as p.
func hasPrefixFold(s, p string) bool {
	for k := 0; k < len(p); k++ {
		if lower(s[k]) != p[k] {
			return false
		}
	}
	return true
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// String returns the text the needle looks for.
func (nd Needle) String() string { return nd.sub }

// Sketch summarises a text by the pairs of adjacent bytes it holds, so
// that one pass over a line can rule out most of the needles that several
// rules look for in it: a needle one of whose pairs the sketch lacks is not
// in the text (MayHold). A pair is kept as the low five bits of each byte,
// which are the same for a letter in either case, so the sketch ignores
// ASCII case as Needle does; other bytes share keys with letters, which
// only makes MayHold say "maybe" more often.
type Sketch [1024 / 64]uint64

// SketchOf returns the sketch of s.
func SketchOf(s string) *Sketch {
	sk := new(Sketch)
	sk.Add(s)
	return sk
}

// Add adds the pairs of s to the sketch.
func (sk *Sketch) Add(s string) {
	for i := 1; i < len(s); i++ {
		k := pairKey(s[i-1], s[i])
		sk[k/64] |= 1 << (k % 64)
	}
}

// MayHold reports whether the text the sketch was made of may contain nd
// (ignoring ASCII case); false means that it certainly does not. It is
// also true of any part of that text.
func (sk *Sketch) MayHold(nd Needle) bool {
	for i := 1; i < len(nd.sub); i++ {
		k := pairKey(nd.sub[i-1], nd.sub[i])
		if sk[k/64]&(1<<(k%64)) == 0 {
			return false
		}
	}
	return true
}

// pairKey is the key of two adjacent bytes in a Sketch.
func pairKey(a, b byte) uint {
	return uint(a&31)<<5 | uint(b&31)
}
