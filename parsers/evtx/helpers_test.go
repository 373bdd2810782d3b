package evtx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/extriage/extriage/internal/testkit"

	"github.com/extriage/extriage/parsers"
)

// corpusRoot finds ../shared/corpus beside the repository: it walks up from
// the package directory to the directory holding go.mod.
func corpusRoot(t testing.TB) string {
	t.Helper()
	return testkit.Corpus(t)
}

// corpusPath returns the path of a corpus file given relative to the
// corpus root.
func corpusPath(t testing.TB, rel string) string {
	return filepath.Join(corpusRoot(t), filepath.FromSlash(rel))
}

// result is everything one Parse call produced.
type result struct {
	recs  []*parsers.Record
	warns []parsers.Warning
	err   error
}

// parseFile parses a file from disk with p.
func parseFile(t testing.TB, p Parser, path string) result {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return parseInput(p, parsers.Input{Path: path, R: f, Size: st.Size()})
}

// parseInput parses one input, collecting records and warnings.
func parseInput(p Parser, in parsers.Input) result {
	r := testkit.ParseInput(p, in)
	return result{r.Recs, r.Warns, r.Err}
}
