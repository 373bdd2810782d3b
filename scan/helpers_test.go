package scan

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/extriage/extriage/detectors"
	_ "github.com/extriage/extriage/parsers/updatelog" // the KB*.log format the tests' findings come from
)

// failedLog is an update.exe log whose run failed with a file in use: the
// rule hotfix-file-in-use reports it as an error.
const failedLog = "0.000: ========================================================================\r\n" +
	"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
	"1.203: FileInUse:: Added to Filelist: c:\\x.exe\r\n" +
	"12.484: Update.exe extended error code = 0xf201\r\n"

// lockedButDoneLog had a file in use in a run that succeeded: a warning.
const lockedButDoneLog = "0.000: ========================================================================\r\n" +
	"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
	"1.203: FileInUse:: Added to Filelist: c:\\y.dll\r\n" +
	"12.484: Update.exe extended error code = 0x0\r\n"

// cleanLog is a run that succeeded: no finding.
const cleanLog = "0.000: ========================================================================\r\n" +
	"0.000: Started: 2010/04/14 (Y/M/D) 10:21:07.125 (local)\r\n" +
	"1.203: DoInstallation: installing\r\n" +
	"12.484: Update.exe extended error code = 0x0\r\n"

const fileInUse = "hotfix-file-in-use"

// entry is one file of an archive built by a test.
type entry struct {
	name  string
	data  []byte
	store bool   // zip: stored, not deflated
	flags uint16 // zip: extra header flags (1 = encrypted)
	// link makes a tar entry a hard link (a symbolic one with symlink)
	// to this name.
	link    string
	symlink bool
}

func e(name, data string) entry { return entry{name: name, data: []byte(data)} }

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, en := range entries {
		h := &zip.FileHeader{Name: en.name, Method: zip.Deflate, Modified: time.Date(2010, 4, 14, 10, 0, 0, 0, time.UTC)}
		if en.store {
			h.Method = zip.Store
		}
		h.Flags |= en.flags
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(en.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, en := range entries {
		hdr := &tar.Header{Name: en.name, Mode: 0o644, Size: int64(len(en.data)), Typeflag: tar.TypeReg,
			ModTime: time.Date(2010, 4, 14, 10, 0, 0, 0, time.UTC)}
		if en.link != "" {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, en.link, 0
			if en.symlink {
				hdr.Typeflag = tar.TypeSymlink
			}
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(en.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipOf(t testing.TB, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// writeFiles creates files (slash paths relative to dir).
func writeFiles(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func engine(t testing.TB) *detectors.Engine {
	t.Helper()
	rules, err := detectors.Catalog()
	if err != nil {
		t.Fatal(err)
	}
	return detectors.NewEngine(rules, detectors.English)
}

// scanArgs runs a whole scan as the CLI does, from the folder dir (so
// that paths in the result are relative).
func scanArgs(t testing.TB, dir string, cfg Config, args ...string) *Result {
	t.Helper()
	t.Chdir(dir)
	res, _, err := Scan(context.Background(), args, engine(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// input returns the inventory entry of path, failing when there is none.
func input(t testing.TB, res *Result, path string) InputInfo {
	t.Helper()
	for _, in := range res.Inputs {
		if in.Path == path {
			return in
		}
	}
	var paths []string
	for _, in := range res.Inputs {
		paths = append(paths, in.Path)
	}
	t.Fatalf("no input %q; inputs: %q", path, paths)
	return InputInfo{}
}

// hasWarning reports whether in has a warning containing all of parts.
func hasWarning(in InputInfo, parts ...string) bool {
	for _, w := range in.Warnings {
		ok := true
		for _, p := range parts {
			if !strings.Contains(w, p) {
				ok = false
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// findings returns "rule@host" of every finding, in order.
func findings(res *Result, rule string) []string {
	var out []string
	for _, f := range res.Findings {
		if rule == "" || f.Rule == rule {
			out = append(out, f.Rule+"@"+f.Host)
		}
	}
	return out
}

// listTree returns every path below dir with its size and time, to show
// that a scan wrote nothing.
func listTree(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		out[p] = fmt.Sprint(info.Mode(), info.ModTime(), info.Size())
		return nil
	})
	return out
}

// overlappingZip builds a zip in which n central directory entries all
// point at the same deflated data (the overlapping-member bomb: no tool
// writes it, archive/zip reads it without complaint).
func overlappingZip(t testing.TB, n int, data []byte) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	fw.Close()
	crc := crc32.ChecksumIEEE(data)
	le := binary.LittleEndian
	var out bytes.Buffer
	name := "zeros.txt"
	var lh [30]byte
	le.PutUint32(lh[0:], 0x04034b50)
	le.PutUint16(lh[4:], 20)
	le.PutUint16(lh[8:], 8) // deflate
	le.PutUint32(lh[14:], crc)
	le.PutUint32(lh[18:], uint32(comp.Len()))
	le.PutUint32(lh[22:], uint32(len(data)))
	le.PutUint16(lh[26:], uint16(len(name)))
	out.Write(lh[:])
	out.WriteString(name)
	out.Write(comp.Bytes())
	cdStart := out.Len()
	for i := range n {
		nm := fmt.Sprintf("z%04d.txt", i)
		var ch [46]byte
		le.PutUint32(ch[0:], 0x02014b50)
		le.PutUint16(ch[4:], 20)
		le.PutUint16(ch[6:], 20)
		le.PutUint16(ch[10:], 8)
		le.PutUint32(ch[16:], crc)
		le.PutUint32(ch[20:], uint32(comp.Len()))
		le.PutUint32(ch[24:], uint32(len(data)))
		le.PutUint16(ch[28:], uint16(len(nm)))
		// local header offset 0: every entry shares the one member's data
		out.Write(ch[:])
		out.WriteString(nm)
	}
	var end [22]byte
	le.PutUint32(end[0:], 0x06054b50)
	le.PutUint16(end[8:], uint16(n))
	le.PutUint16(end[10:], uint16(n))
	le.PutUint32(end[12:], uint32(out.Len()-cdStart))
	le.PutUint32(end[16:], uint32(cdStart))
	out.Write(end[:])
	return out.Bytes()
}
