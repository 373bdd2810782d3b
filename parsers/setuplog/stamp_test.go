package setuplog

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/extriage/extriage/parsers/textio"
)

var stampSamples = []string{
	"[03/08/2021 04:32:02.0206] [0] **********",
	"[3/8/2021 4:32:02.0206] [12] Starting",
	"[03/08/2021 04:32:02] [0] no fraction",
	"[03/08/2021 04:32:02 PM] [0] pm",
	"[03/08/2021 04:32:02PM] [0] pm",
	"[03/08/2021 04:32:02.123 am] [0] am",
	"[03/08/2021 04:32:02.1234567] [123456]",
	"[03/08/2021 04:32:02.1234567] [123456]x",
	"[03/08/2021 04:32:02.12345678] [0] eight digits",
	"[03/08/2021 04:32:02.] [0] no digits",
	"[03/08/2021 04:32:02.0206] [1234567] depth",
	"[03/08/2021 04:32:02.0206] [] depth",
	"[03/08/2021 04:32:02.0206]  [0] two spaces",
	"[03/08/2021 04:32:02  PM] [0]",
	"[03/08/2021 04:32:02 P] [0]",
	"[03/08/2021 04:32:02 XM] [0]",
	"[03/08/2021 04:32:2] [0]",
	"[03/08/21 04:32:02] [0]",
	"[003/08/2021 04:32:02] [0]",
	"[03/08/2021 004:32:02] [0]",
	"[03/08/2021 04:32:02] [0",
	"[03/08/2021 04:32:02] [0]  ",
	"[03-08-2021 04:32:02] [0]",
	"[03/08/2021 04:32:02.0206] [0]\tx",
	"[",
	"",
	"[12:00:00] legacy",
	"[03/08/2021 04:32:02.0206 AM] [0]",
	"[03/08/2021 04:32:02.0206 AMx] [0]",
}

// stampLines are the samples and the lines of the test logs and of the
// first part of a few corpus logs.
func stampLines(t testing.TB) []string {
	lines := append([]string(nil), stampSamples...)
	paths, _ := filepath.Glob("testdata/*")
	if dir := fuzzCorpusRoot(); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "exchange-setup", "*", "*", "*.log"))
		if len(more) > 20 {
			more = more[:20]
		}
		paths = append(paths, more...)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(data) > 64<<10 {
			data = data[:64<<10]
		}
		ls := textio.NewLines(bytes.NewReader(data))
		for ls.Next() {
			lines = append(lines, ls.Text())
		}
	}
	return lines
}

func checkStamp(t *testing.T, line string) bool {
	want := modernRe.FindStringSubmatchIndex(line)
	got := matchModern(line, make([]int, 3, 20))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("matchModern(%q) = %v, want %v", line, got, want)
	}
	return want != nil
}

func TestMatchModern(t *testing.T) {
	n := 0
	for _, l := range stampLines(t) {
		if checkStamp(t, l) {
			n++
		}
	}
	if n < 10 {
		t.Errorf("only %d lines match modernRe: the test checks too little", n)
	}
}

// FuzzMatchModern checks matchModern against modernRe on arbitrary lines.
func FuzzMatchModern(f *testing.F) {
	for _, l := range stampSamples {
		f.Add(l)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkStamp(t, line)
	})
}
