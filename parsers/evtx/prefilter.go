package evtx

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The chunk pre-filter (parsers.Prefilter). A scan's rules read only the
// records that contain one of a few words (provider names, message
// phrases), so a chunk whose 64 KiB hold none of them, in ASCII or in
// UTF-16LE, in any ASCII case, can be passed over without decoding a
// record: its record count is taken from its record headers instead.
//
// Everything a record's provider name and text are made of is in its
// chunk: literal text in the template definitions (each chunk carries its
// own), substitution values in the records. A word that occurs in a chunk
// only across the boundary of two values is still found (a false positive
// costs a parse, never a finding), and so is a word in a record's slack or
// in old data behind the last record.
//
// A word of digits or hex letters ("831464", "c1037b44") may also be
// shown from a number that BinXML stores in binary (a UInt32 or HexInt32
// value) and not as text. Such a word is looked for in the raw chunk too,
// as the little-endian 4- and 8-byte integers it can be read as (decimal,
// and hexadecimal where it has hex letters or eight digits), so the filter
// never passes over a chunk whose rendered text would hold it.
//
// The search folds the chunk, 8 KiB at a time: ASCII letters to lower
// case, and every zero byte dropped, so that UTF-16LE text of ASCII
// characters ("M\x00S\x00I\x00") and ASCII text ("MSI") both read "msi".
// In each folded block it looks for the rarest byte of each word with
// bytes.IndexByte, whose assembly scans many bytes at once, and for the
// word where that byte is; a chunk with a word near its start is settled
// after the first block.
//
// Three characters outside ASCII match ASCII letters under the Unicode case
// rules the rule engine applies: the Kelvin sign U+212A (k, for
// strings.ToLower and strings.EqualFold), the capital I with dot U+0130 (i,
// for strings.ToLower) and the long s U+017F (s, for strings.EqualFold).
// When a chunk holds their UTF-16LE bytes next to text, a second fold turns
// them into their letters before the words are looked for again.
//
// In a chunk that holds a word, each decoded record is checked as well,
// the way the rules look at it (its provider name, and its message and
// Data values joined as parsers.Record.Text joins them, compared without
// case): a record without any word is counted and left out, which saves
// the rules the work of turning it down.

// matchBlock is how many bytes of a chunk are folded between searches.
const matchBlock = 8 << 10

// matcher holds a compiled word list.
type matcher struct {
	longest int      // length of the longest word
	words   [][]byte // lower-case ASCII; none contains another
	groups  []group  // the words by their first four bytes
	all     bool     // some word cannot be searched for this way: parse every chunk
	binary  [][]byte // numeric words as the binary integers BinXML may store them as
}

// binaryForms returns the little-endian integers a word of digits or hex
// letters can be rendered from: its decimal value, and its hexadecimal value
// when it has hex letters or eight digits (a HexInt32 code), each as 4 bytes
// when it fits and as 8.
func binaryForms(w string) [][]byte {
	var out [][]byte
	add := func(v uint64) {
		if v <= 0xFFFFFFFF {
			b := make([]byte, 4)
			binary.LittleEndian.PutUint32(b, uint32(v))
			out = append(out, b)
		}
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, v)
		out = append(out, b)
	}
	if v, err := strconv.ParseUint(w, 10, 64); err == nil {
		add(v)
	}
	hexLetters := strings.ContainsAny(w, "abcdef")
	if hexLetters || len(w) == 8 {
		if v, err := strconv.ParseUint(strings.TrimPrefix(w, "0x"), 16, 64); err == nil {
			add(v)
		}
	}
	return out
}

// group is words that begin alike ("msexchangecluster", "msexchangeis"):
// their common beginning is looked for once, and each word where it is.
type group struct {
	prefix []byte
	words  [][]byte
	anchor int // the prefix's rarest byte, which the search looks for
}

// rarity ranks bytes by how seldom they occur in folded EVTX chunks: more
// is rarer. Letters go by their frequency in English text.
func rarity(c byte) int {
	const byFrequency = "etaoinshrdlcumwfgypbvkjxqz"
	switch {
	case c >= 'a' && c <= 'z':
		return 10 + strings.IndexByte(byFrequency, c)
	case c == ' ':
		return 0
	case c >= '0' && c <= '9':
		return 15
	case c < 0x20 || c >= 0x7f:
		return 5
	}
	return 30 // punctuation
}

// newMatcher compiles a Prefilter's words. A word that is empty, or holds
// a byte outside printable ASCII, turns the filter off (every chunk is
// parsed): its other spellings cannot be told from the raw bytes.
func newMatcher(words []string) *matcher {
	m := &matcher{}
	var ws []string
	for _, w := range words {
		w = strings.ToLower(w)
		if w == "" {
			m.all = true
			return m
		}
		for i := 0; i < len(w); i++ {
			if w[i] < 0x20 || w[i] > 0x7e {
				m.all = true
				return m
			}
		}
		ws = append(ws, w)
		m.binary = append(m.binary, binaryForms(w)...)
	}
	// A word that contains another is found whenever the other is.
	for i, w := range ws {
		redundant := false
		for j, v := range ws {
			if i != j && strings.Contains(w, v) && (len(v) < len(w) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			m.words = append(m.words, []byte(w))
			m.longest = max(m.longest, len(w))
		}
	}
	for _, w := range m.words {
		gi := -1
		for i, g := range m.groups {
			if len(w) >= 4 && len(g.prefix) >= 4 && bytes.Equal(w[:4], g.prefix[:4]) {
				gi = i
				break
			}
		}
		if gi < 0 {
			m.groups = append(m.groups, group{prefix: w, words: [][]byte{w}})
			continue
		}
		g := &m.groups[gi]
		n := 0
		for n < len(g.prefix) && n < len(w) && g.prefix[n] == w[n] {
			n++
		}
		g.prefix = g.prefix[:n:n]
		g.words = append(g.words, w)
	}
	for i := range m.groups {
		g := &m.groups[i]
		for k, c := range g.prefix {
			if rarity(c) > rarity(g.prefix[g.anchor]) {
				g.anchor = k
			}
		}
	}
	return m
}

// lowerTab maps a byte to its ASCII lower case; keepTab is 0 for the zero
// byte, which fold drops, and 1 for every other.
var lowerTab, keepTab = func() (lower, keep [256]byte) {
	for i := range lower {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
		if i != 0 {
			keep[i] = 1
		}
	}
	return lower, keep
}()

// Byte pairs of the two non-ASCII characters that fold to ASCII letters,
// as UTF-16LE stores them.
var (
	kelvinUTF16 = []byte{0x2a, 0x21} // U+212A KELVIN SIGN
	dotIUTF16   = []byte{0x30, 0x01} // U+0130 LATIN CAPITAL LETTER I WITH DOT ABOVE
	longSUTF16  = []byte{0x7f, 0x01} // U+017F LATIN SMALL LETTER LONG S
)

// inText reports whether the UTF-16LE character pair occurs in data next
// to a UTF-16LE ASCII letter, as it must to be part of a word (the pairs
// also turn up inside binary values, where they do not matter).
func inText(data, pair []byte) bool {
	letter := func(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
	for p := 0; p < len(data); p++ {
		i := bytes.Index(data[p:], pair)
		if i < 0 {
			return false
		}
		p += i
		if p >= 2 && data[p-1] == 0 && letter(data[p-2]) || p+3 < len(data) && data[p+3] == 0 && letter(data[p+2]) {
			return true
		}
	}
	return false
}

// match reports whether data may hold a record with one of the words.
// scratch is a buffer the caller keeps between calls.
func (m *matcher) match(data []byte, scratch *[]byte) bool {
	if m.all {
		return true
	}
	for _, b := range m.binary {
		if bytes.Contains(data, b) {
			return true
		}
	}
	if len(m.words) == 0 {
		return false
	}
	// Fold and search a block at a time, so that a chunk with a word near
	// its start (a provider name in a template definition, often) is
	// settled early. Each search starts far enough back to catch a word
	// across the block boundary.
	if cap(*scratch) < len(data) {
		*scratch = make([]byte, len(data))
	}
	folded := (*scratch)[:0]
	searched := 0
	for i := 0; i < len(data); i += matchBlock {
		end := min(i+matchBlock, len(data))
		tail := folded[len(folded):cap(folded)]
		folded = folded[:len(folded)+len(fold(data[i:end], &tail, false))]
		if m.find(folded[max(0, searched-m.longest+1):]) {
			return true
		}
		searched = len(folded)
	}
	if hasSpecial(folded, data) {
		return m.find(fold(data, scratch, true))
	}
	return false
}

// hasSpecial reports whether data holds the UTF-16LE bytes of U+212A,
// U+0130 or U+017F next to text. folded is data as fold leaves it, where
// the pairs stay side by side (neither byte is zero) in less room: they are
// looked for there first.
func hasSpecial(folded, data []byte) bool {
	for _, pair := range [][]byte{kelvinUTF16, dotIUTF16, longSUTF16} {
		if bytes.Contains(folded, pair) && inText(data, pair) {
			return true
		}
	}
	return false
}

// find reports whether folded bytes hold one of the words. For each group
// it looks for the rarest byte of the group's prefix with bytes.IndexByte
// (which scans many bytes at once), and where it is, for the prefix and
// the words: bytes.Index would stop at every occurrence of the prefix's
// first byte, a common letter.
func (m *matcher) find(folded []byte) bool {
	for _, g := range m.groups {
		a, c := g.anchor, g.prefix[g.anchor]
		for p := a; p < len(folded); p++ {
			i := bytes.IndexByte(folded[p:], c)
			if i < 0 {
				break
			}
			p += i
			f := folded[p-a:]
			if !bytes.HasPrefix(f, g.prefix) {
				continue
			}
			for _, w := range g.words {
				if bytes.HasPrefix(f, w) {
					return true
				}
			}
		}
	}
	return false
}

// fold writes data, with ASCII letters in lower case and zero bytes left
// out, to *scratch and returns it. With specials, the UTF-16LE bytes of
// U+212A, U+0130 and U+017F become "k", "i" and "s" as well.
//
// (Folding eight bytes at a time with word arithmetic, for runs without a
// zero and runs of UTF-16LE text, was tried: EVTX chunks mix the two so
// finely that it came out a third slower than this loop.)
func fold(data []byte, scratch *[]byte, specials bool) []byte {
	if cap(*scratch) < len(data) {
		*scratch = make([]byte, len(data))
	}
	out := (*scratch)[:len(data)]
	j := 0
	if !specials {
		for _, c := range data {
			// Without a branch: write every byte, keep the non-zero ones.
			out[j] = lowerTab[c]
			j += int(keepTab[c])
		}
		return out[:j]
	}
	prev := byte(0)
	for _, c := range data {
		switch {
		case c == 0:
		case c == kelvinUTF16[1] && prev == kelvinUTF16[0] && j > 0:
			out[j-1] = 'k'
		case c == dotIUTF16[1] && prev == dotIUTF16[0] && j > 0:
			out[j-1] = 'i'
		case c == longSUTF16[1] && prev == longSUTF16[0] && j > 0:
			out[j-1] = 's'
		default:
			out[j] = lowerTab[c]
			j++
		}
		prev = c
	}
	return out[:j]
}

// wantsProvider reports whether a provider name holds one of the words,
// as the rules compare names: strings.EqualFold with a whole word, or a
// word inside its lower case. scratch is a buffer for the lower case.
func (m *matcher) wantsProvider(p string, scratch *[]byte) bool {
	if p == "" {
		return false
	}
	ascii := true
	for i := 0; i < len(p) && ascii; i++ {
		ascii = p[i] < utf8.RuneSelf
	}
	for _, w := range m.words {
		if (!ascii || len(w) == len(p)) && strings.EqualFold(p, string(w)) {
			return true
		}
	}
	*scratch = append((*scratch)[:0], p...)
	return m.wantsText(*scratch)
}

// wantsText reports whether UTF-8 text holds one of the words once put in
// lower case as strings.ToLower does. It folds text in place.
func (m *matcher) wantsText(text []byte) bool {
	// Only two characters outside ASCII have an ASCII lower case, U+212A
	// and U+0130 (UTF-8 e2 84 aa and c4 b0): other text is folded a byte
	// at a time.
	if bytes.IndexByte(text, 0xe2) >= 0 || bytes.IndexByte(text, 0xc4) >= 0 {
		return m.find([]byte(strings.ToLower(string(text))))
	}
	for i, c := range text {
		text[i] = lowerTab[c]
	}
	return m.find(text)
}
