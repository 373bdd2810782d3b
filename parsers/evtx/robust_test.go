package evtx

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/extriage/extriage/parsers"
)

// TestMutations damages an intact file in many random ways (bytes flipped,
// runs zeroed or filled with BinXML tokens) and parses each copy: a bad
// record or chunk may cost records and warnings, never a panic or a hang.
func TestMutations(t *testing.T) {
	orig, err := os.ReadFile(corpusPath(t, "evtx/python-evtx/tests/data/system.evtx"))
	if err != nil {
		t.Fatal(err)
	}
	// Two chunks are enough and keep the test quick.
	orig = orig[:fileHeaderSize+2*chunkSize]
	rng := rand.New(rand.NewPCG(1, 2))
	tokens := []byte{0x00, 0x01, 0x41, 0x02, 0x03, 0x04, 0x05, 0x45, 0x06, 0x46, 0x0c, 0x0d, 0x0e, 0x0f, 0x21, 0x81}
	for i := range 300 {
		b := bytes.Clone(orig)
		for range 1 + rng.IntN(6) {
			pos := fileHeaderSize + rng.IntN(len(b)-fileHeaderSize)
			n := 1 + rng.IntN(64)
			for j := pos; j < min(pos+n, len(b)); j++ {
				switch i % 3 {
				case 0:
					b[j] ^= byte(1 + rng.IntN(255))
				case 1:
					b[j] = 0
				default:
					b[j] = tokens[rng.IntN(len(tokens))]
				}
			}
		}
		in := parsers.Input{Path: "mutant.evtx", R: bytes.NewReader(b), Size: int64(len(b))}
		n := 0
		err := Parser{}.Parse(context.Background(), in, parsers.Sink{
			Record: func(r *parsers.Record) bool {
				n++
				return true
			},
			Warn: func(w parsers.Warning) {
				if w.Path != "mutant.evtx" {
					t.Errorf("warning without the file name: %+v", w)
				}
			},
		})
		if err != nil {
			t.Errorf("mutant %d: %v", i, err)
		}
	}
}

// FuzzParse feeds arbitrary bytes after a valid file header (and as a bare
// chunk) to the parser; it must never panic.
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile(corpusPath(f, "evtx/python-evtx/tests/data/system.evtx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data[fileHeaderSize : fileHeaderSize+chunkSize])
	f.Add(data[fileHeaderSize : fileHeaderSize+4000])
	f.Add([]byte("ElfChnk\x00"))
	f.Fuzz(func(t *testing.T, chunk []byte) {
		for _, b := range [][]byte{append(bytes.Clone(data[:fileHeaderSize]), chunk...), chunk} {
			in := parsers.Input{Path: "fuzz.evtx", R: bytes.NewReader(b), Size: int64(len(b))}
			_ = Parser{Workers: 1}.Parse(context.Background(), in, parsers.Sink{
				Record: func(*parsers.Record) bool { return true },
				Warn:   func(parsers.Warning) {},
			})
		}
	})
}
