package scan

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/extriage/extriage/detectors"
	"github.com/extriage/extriage/parsers"
)

// The collector layout of ExchangeLogCollector: a zip per server
// (SERVER-Md.zip) holding a zip per log folder, here gathered in one case
// archive. Each server's finding must be attributed to it, each member
// must be in the inventory with its own SHA-256.
func TestZipInZipTwoServers(t *testing.T) {
	dir := t.TempDir()
	setup1 := zipOf(t, e("KB912442.log", failedLog))
	server1 := zipOf(t, entry{name: "Setup_Logs.zip", data: setup1}, e("notes.txt", "collected by hand"))
	server2 := zipOf(t, e("Hotfix/KB912443.log", lockedButDoneLog))
	outer := zipOf(t, entry{name: "EXCH01-315.zip", data: server1}, entry{name: "EXCH02_Logs.zip", data: server2, store: true})
	writeFiles(t, dir, map[string][]byte{"case42.zip": outer})

	res := scanArgs(t, dir, Config{}, "case42.zip")

	if got, want := findings(res, fileInUse), []string{fileInUse + "@EXCH01", fileInUse + "@EXCH02"}; !slices.Equal(got, want) {
		t.Errorf("findings = %q, want %q", got, want)
	}
	sev := map[string]detectors.Severity{}
	for _, f := range res.Findings {
		if f.Rule == fileInUse {
			sev[f.Host] = f.Severity
			if f.Bundle != "case42.zip" {
				t.Errorf("finding bundle = %q, want case42.zip", f.Bundle)
			}
		}
	}
	if sev["EXCH01"] != detectors.Error || sev["EXCH02"] != detectors.Warning {
		t.Errorf("severities = %v, want EXCH01 error (failed run), EXCH02 warning (run succeeded)", sev)
	}
	log1 := input(t, res, "case42.zip!EXCH01-315.zip!Setup_Logs.zip!KB912442.log")
	if log1.Host != "EXCH01" || log1.Format != "updatelog" || log1.SHA256 != sha([]byte(failedLog)) ||
		log1.Bytes != int64(len(failedLog)) || log1.Records != 4 {
		t.Errorf("member entry = %+v", log1)
	}
	log2 := input(t, res, "case42.zip!EXCH02_Logs.zip!Hotfix/KB912443.log")
	if log2.Host != "EXCH02" || log2.SHA256 != sha([]byte(lockedButDoneLog)) {
		t.Errorf("member entry = %+v", log2)
	}
	for path, data := range map[string][]byte{"case42.zip": outer, "case42.zip!EXCH01-315.zip": server1,
		"case42.zip!EXCH01-315.zip!Setup_Logs.zip": setup1, "case42.zip!EXCH02_Logs.zip": server2} {
		in := input(t, res, path)
		if !in.Archive || in.Format != "zip" || in.SHA256 != sha(data) || in.Bytes != int64(len(data)) {
			t.Errorf("archive entry %s = %+v, want a zip of %d bytes with its SHA-256", path, in, len(data))
		}
	}
	if in := input(t, res, "case42.zip"); in.Members != 2 {
		t.Errorf("case42.zip members = %d, want 2", in.Members)
	}
	if notes := input(t, res, "case42.zip!EXCH01-315.zip!notes.txt"); !notes.Unrecognised || !hasWarning(notes, "not a log format") {
		t.Errorf("notes.txt = %+v, want unrecognised with a warning", notes)
	}
	var hosts []string
	for _, h := range res.Hosts {
		hosts = append(hosts, h.Name)
	}
	if !slices.Contains(hosts, "EXCH01") || !slices.Contains(hosts, "EXCH02") {
		t.Errorf("hosts = %q, want EXCH01 and EXCH02", hosts)
	}
	for _, f := range res.Findings {
		if f.Rule == fileInUse && f.Host == "EXCH01" && f.Evidence[0].Path != log1.Path {
			t.Errorf("evidence path = %q, want the member path %q", f.Evidence[0].Path, log1.Path)
		}
	}
}

// Every kind of container gives the same finding under the member's name.
func TestContainers(t *testing.T) {
	log := []byte(failedLog)
	tests := []struct {
		name   string
		file   []byte
		member string
	}{
		{"EXCH03.tar", tarOf(t, entry{name: "Logs/KB1.log", data: log}), "EXCH03.tar!Logs/KB1.log"},
		{"EXCH03.tar.gz", gzipOf(t, tarOf(t, entry{name: "Logs/KB1.log", data: log})), "EXCH03.tar.gz!Logs/KB1.log"},
		{"EXCH03.tgz", gzipOf(t, tarOf(t, entry{name: "a.txt", data: []byte("x")}, entry{name: "KB1.log", data: log})), "EXCH03.tgz!KB1.log"},
		{"EXCH03_KB1.log.gz", gzipOf(t, log), "EXCH03_KB1.log.gz!EXCH03_KB1.log"},
		{"EXCH03.zip", zipOf(t, entry{name: "inner.tar.gz", data: gzipOf(t, tarOf(t, entry{name: "KB1.log", data: log}))}),
			"EXCH03.zip!inner.tar.gz!KB1.log"},
		{"EXCH03-1231.zip", zipOf(t, entry{name: "KB1.log", data: log, store: true}), "EXCH03-1231.zip!KB1.log"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string][]byte{"bundle/" + tc.name: tc.file})
			res := scanArgs(t, dir, Config{}, "bundle")
			in := input(t, res, filepath.Join("bundle", tc.member))
			if in.Format != "updatelog" || in.SHA256 != sha(log) || in.Records != 4 || len(in.Warnings) != 0 {
				t.Errorf("member = %+v", in)
			}
			if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@EXCH03"}) {
				t.Errorf("findings = %q, want one on EXCH03 (from the archive's name)", got)
			}
		})
	}
}

// badCase is an input that must cost a warning and nothing else: the good
// log beside it is still read.
type badCase struct {
	name  string
	files map[string][]byte
	setup func(t *testing.T, dir string)
	lim   Limits
	path  string   // the input that carries the warning
	want  []string // parts of the warning
	// wantFinding is a finding the bad input itself still gives.
	wantFinding string
}

func badCases(t *testing.T) []badCase {
	good := zipOf(t, e("KB1.log", failedLog), entry{name: "filler.txt", data: bytes.Repeat([]byte("0123456789abcdef\n"), 8000)})
	corrupt := append([]byte(nil), good...)
	// Damage the deflated data of the first member (it starts after the
	// 30-byte local header and the 7-byte name).
	for i := 40; i < 60; i++ {
		corrupt[i] ^= 0x5a
	}
	// A deflated member bigger than MemberMemory is streamed: its CRC-32
	// is checked only where the stream ends.
	filler := strings.Repeat("12.500: filler line of the hotfix log\r\n", 4000)
	exact := failedLog + filler[:128<<10-len(failedLog)-2] + "\r\n" // a multiple of the reads: none runs into the stream's end
	badStreamCRC := zipOf(t, e("KB1.log", exact))
	cd := bytes.LastIndex(badStreamCRC, []byte("PK\x01\x02"))
	badStreamCRC[cd+16] ^= 1
	long := failedLog + filler[:8000]
	lying := zipOf(t, e("KB1.log", long))
	cd = bytes.LastIndex(lying, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(lying[cd+24:], uint32(len(long)-100)) // the uncompressed size
	badCRC := zipOf(t, entry{name: "KB1.log", data: []byte(failedLog), store: true})
	badCRC[bytes.Index(badCRC, []byte("FileInUse"))] ^= 1 // one byte of the stored data
	zeros := make([]byte, 8<<20)
	text := func(seed int64) []byte {
		r := rand.New(rand.NewSource(seed))
		var b bytes.Buffer
		for b.Len() < 1<<20 {
			fmt.Fprintf(&b, "%d.000: line %x\r\n", b.Len(), r.Int63())
		}
		return b.Bytes()
	}
	nested := zipOf(t, e("KB1.log", failedLog))
	for i := 3; i >= 1; i-- {
		nested = zipOf(t, entry{name: fmt.Sprintf("d%d.zip", i+1), data: nested})
	}
	small := Limits{MinRatioBytes: 1 << 20, MaxRatio: 50}
	// A bomb of nested zips whose members each stay below the size the
	// per-member ratio applies to: 16 x 16 members of 512 KiB of zeros.
	half := make([]byte, 512<<10)
	var leaves []entry
	for i := range 16 {
		leaves = append(leaves, entry{name: fmt.Sprintf("f%02d.txt", i), data: half})
	}
	var mids []entry
	for i := range 16 {
		mids = append(mids, entry{name: fmt.Sprintf("m%02d.zip", i), data: zipOf(t, leaves...)})
	}
	fan := zipOf(t, mids...)
	return []badCase{
		{name: "corrupt zip", files: map[string][]byte{"bad.zip": corrupt},
			path: "bad.zip!KB1.log", want: []string{"damaged"}},
		{name: "checksum", files: map[string][]byte{"crc.zip": badCRC},
			path: "crc.zip!KB1.log", want: []string{"checksum mismatch"}},
		{name: "checksum of a streamed member", files: map[string][]byte{"crc.zip": badStreamCRC}, lim: Limits{MemberMemory: 1024},
			path: "crc.zip!KB1.log", want: []string{"checksum mismatch"}, wantFinding: fileInUse + "@CRC"},
		{name: "streamed member longer than stated", files: map[string][]byte{"long.zip": lying}, lim: Limits{MemberMemory: 1024},
			path: "long.zip!KB1.log", want: []string{"damaged"}, wantFinding: fileInUse + "@LONG"},
		{name: "not a zip at all", files: map[string][]byte{"junk.zip": append([]byte("PK\x03\x04"), make([]byte, 100)...)},
			path: "junk.zip", want: []string{"not a readable zip archive"}},
		{name: "named zip", files: map[string][]byte{"fake.zip": []byte("hello, I am not an archive")},
			path: "fake.zip", want: []string{"named like an archive"}},
		{name: "named evtx", files: map[string][]byte{"EXCH05/Application.EVTX": []byte("Application log, saved as text by mistake")},
			path: filepath.Join("EXCH05", "Application.EVTX"), want: []string{`named like an EVTX event log, but it does not start with the EVTX signature "ElfFile"`, "skipped"}},
		{name: "named evt", files: map[string][]byte{"EXCH05/SysEvent.Evt": make([]byte, 300)},
			path: filepath.Join("EXCH05", "SysEvent.Evt"), want: []string{`named like a Windows 2000/2003 event log, but no EVT header or record signature "LfLe" was found`}},
		{name: "encrypted", files: map[string][]byte{"secret.zip": zipOf(t, entry{name: "KB1.log", data: []byte(failedLog), flags: 1})},
			path: "secret.zip!KB1.log", want: []string{"encrypted", "password"}},
		{name: "truncated zip", files: map[string][]byte{"cut.zip": good[:len(good)*2/3]},
			path: "cut.zip", want: []string{"damaged zip archive", "recovered from their local headers"},
			wantFinding: fileInUse + "@CUT"},
		{name: "truncated tar.gz", files: map[string][]byte{"cut.tar.gz": func() []byte {
			b := gzipOf(t, tarOf(t, entry{name: "KB1.log", data: []byte(failedLog)}, entry{name: "big.txt", data: text(1)}))
			return b[:len(b)/2]
		}()}, path: "cut.tar.gz!big.txt", want: []string{"unexpected EOF"}, wantFinding: fileInUse + "@CUT"},
		{name: "zip bomb", files: map[string][]byte{"bomb.zip": zipOf(t, entry{name: "zeros.log", data: zeros})}, lim: small,
			path: "bomb.zip!zeros.log", want: []string{"not read", "--max-ratio", "zip bomb"}},
		{name: "tar.gz bomb", files: map[string][]byte{"bomb.tar.gz": gzipOf(t, tarOf(t, entry{name: "zeros.log", data: zeros}))}, lim: small,
			path: "bomb.tar.gz!zeros.log", want: []string{"stopped after", "--max-ratio"}},
		{name: "overlapping members", files: map[string][]byte{"overlap.zip": overlappingZip(t, 500, make([]byte, 512<<10))},
			path: "overlap.zip!z0001.txt", want: []string{"not read", "overlaps", "z0000.txt", "zip bomb"}},
		{name: "nested bomb", files: map[string][]byte{"fan.zip": fan}, lim: small,
			path: "fan.zip!m00.zip!f01.txt", want: []string{"not read", "fan.zip", "would have expanded", "--max-ratio"}},
		{name: "total bytes", files: map[string][]byte{"big.zip": zipOf(t, entry{name: "a.txt", data: text(1)}, entry{name: "b.txt", data: text(2)},
			entry{name: "c.txt", data: text(3)})}, lim: Limits{MaxBytes: 5 << 19},
			path: "big.zip!c.txt", want: []string{"--max-archive-bytes", "big.zip"}},
		{name: "depth", files: map[string][]byte{"d1.zip": nested}, lim: Limits{MaxDepth: 2},
			path: "d1.zip!d2.zip!d3.zip", want: []string{"not opened", "--max-depth 2"}},
		{name: "member paths", files: map[string][]byte{"paths.zip": zipOf(t, e("../../evil/KB1.log", failedLog), e("/abs/KB2.log", failedLog))},
			path: "paths.zip!../../evil/KB1.log", want: []string{`climbs out of the archive with ".."`, "never used as a file path"},
			wantFinding: fileInUse + "@EVIL"},
		{name: "absolute member path", files: map[string][]byte{"paths.zip": zipOf(t, e("/abs/KB2.log", failedLog), e(`C:\abs\KB3.log`, failedLog))},
			path: "paths.zip!/abs/KB2.log", want: []string{"absolute path", "never used as a file path"}},
		{name: "symlink loop", files: map[string][]byte{"EXCH05/KB5.log": []byte(cleanLog)},
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink("..", filepath.Join(dir, "bundle", "EXCH05", "again")); err != nil {
					t.Skip("cannot make symbolic links here:", err)
				}
			}, path: filepath.Join("bundle", "EXCH05", "again"), want: []string{"symbolic link loop", "not followed"}},
		{name: "symlink loop through a link above", files: map[string][]byte{"EXCH05/KB5.log": []byte(cleanLog)},
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink("..", filepath.Join(dir, "bundle", "up")); err != nil {
					t.Skip("cannot make symbolic links here:", err)
				}
			}, path: filepath.Join("bundle", "up", "bundle"),
			want: []string{"symbolic link loop: a folder reached through a symbolic link that leads back to bundle, a folder above it", "not followed"}},
		{name: "empty file", files: map[string][]byte{"EXCH05/KB5.log": {}},
			path: filepath.Join("EXCH05", "KB5.log"), want: []string{"empty file: skipped"}},
		{name: "unreadable file", files: map[string][]byte{"EXCH05/KB5.log": []byte(failedLog)},
			setup: func(t *testing.T, dir string) {
				p := filepath.Join(dir, "bundle", "EXCH05", "KB5.log")
				if os.Geteuid() != 0 {
					if err := os.Chmod(p, 0); err != nil {
						t.Skip(err)
					}
					return
				}
				// Root reads any file whatever its mode; a write-only
				// kernel setting refuses it even that.
				const wo = "/proc/sys/vm/compact_memory"
				if fh, err := os.Open(wo); err == nil || !errors.Is(err, fs.ErrPermission) {
					if fh != nil {
						fh.Close()
					}
					t.Skip("no file here that root cannot read")
				}
				os.Remove(p)
				if err := os.Symlink(wo, p); err != nil {
					t.Skip(err)
				}
			}, path: filepath.Join("EXCH05", "KB5.log"), want: []string{"cannot open: permission denied"}},
		{name: "links in a tar", files: map[string][]byte{"links.tar": tarOf(t, entry{name: "KB1.log", data: []byte(failedLog)},
			entry{name: "again.log", link: "KB1.log"}, entry{name: "soft.log", link: "/etc/passwd", symlink: true})},
			path: "links.tar!again.log", want: []string{`a hard link to the member "KB1.log"`}, wantFinding: fileInUse + "@LINKS"},
		{name: "broken symlink", files: map[string][]byte{"EXCH05/KB5.log": []byte(cleanLog)},
			setup: func(t *testing.T, dir string) {
				if err := os.Symlink("nowhere", filepath.Join(dir, "bundle", "EXCH05", "dangling.log")); err != nil {
					t.Skip("cannot make symbolic links here:", err)
				}
			}, path: filepath.Join("bundle", "EXCH05", "dangling.log"), want: []string{"broken symbolic link"}},
	}
}

func TestBadInputs(t *testing.T) {
	for _, tc := range badCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tmp := t.TempDir()
			t.Setenv("TMPDIR", tmp)
			files := map[string][]byte{"EXCH09/KB9.log": []byte(failedLog)}
			for name, data := range tc.files {
				files[name] = data
			}
			for name, data := range files {
				writeFiles(t, filepath.Join(dir, "bundle"), map[string][]byte{name: data})
			}
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			before := listTree(t, filepath.Dir(dir))
			res := scanArgs(t, dir, Config{Options: Options{Limits: tc.lim}}, "bundle")

			path := tc.path
			if !strings.HasPrefix(path, "bundle") {
				path = "bundle" + string(filepath.Separator) + path // not Join: member names may hold ".."
			}
			in := input(t, res, path)
			if !hasWarning(in, tc.want...) {
				t.Errorf("%s warnings = %q, want one with %q", path, in.Warnings, tc.want)
			}
			found := false
			for _, w := range res.Warnings {
				if strings.HasPrefix(w, path+": ") && strings.Contains(w, tc.want[0]) {
					found = true
				}
			}
			if !found {
				t.Errorf("no warning naming %s in %q", path, res.Warnings)
			}
			got := findings(res, fileInUse)
			if !slices.Contains(got, fileInUse+"@EXCH09") {
				t.Errorf("findings = %q: the good log beside the bad input was not read", got)
			}
			if tc.wantFinding != "" && !slices.Contains(got, tc.wantFinding) {
				t.Errorf("findings = %q, want %q from what the bad input still holds", got, tc.wantFinding)
			}
			if after := listTree(t, filepath.Dir(dir)); !reflect.DeepEqual(before, after) {
				t.Errorf("the scan changed the file system around the bundle")
			}
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("the scan wrote %d file(s) to the temporary folder", len(left))
			}
		})
	}
}

// A file that is listed and then removed before it is read (as when a
// collector is still cleaning up) costs a warning naming it.
func TestFileVanishesDuringScan(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"EXCH01/KB1.log": []byte(failedLog), "EXCH02/KB2.log": []byte(failedLog)})
	t.Chdir(dir)
	files, probs, err := DiscoverWith([]string{"."}, DiscoverOptions{})
	if err != nil || len(files) != 2 {
		t.Fatalf("discover: %v %v %v", files, probs, err)
	}
	if err := os.Remove(filepath.Join("EXCH01", "KB1.log")); err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), files, probs, engine(t), Options{Jobs: 2})
	in := input(t, res, filepath.Join("EXCH01", "KB1.log"))
	if !in.Failed || !hasWarning(in, "vanished during the scan") {
		t.Errorf("vanished file = %+v", in)
	}
	if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@EXCH02"}) {
		t.Errorf("findings = %q, want the other file's", got)
	}
}

// A file that changes while it is read is flagged.
func TestFileChangesDuringScan(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"EXCH01/KB1.log": []byte(failedLog)})
	p := filepath.Join(dir, "EXCH01", "KB1.log")
	w := &walker{ctx: context.Background(), lim: DefaultLimits(), f: &File{Path: p, Size: int64(len(failedLog))}, hash: true,
		parse: func(w *walker, _ parsers.Parser, _ parsers.Input, _ *node, _ *InputInfo) detectors.FileResult {
			if err := os.WriteFile(p, []byte(failedLog+failedLog), 0o644); err != nil {
				t.Fatal(err)
			}
			return detectors.FileResult{}
		}}
	items := w.run()
	if len(items) != 1 || !hasWarning(items[0].info, "changed while it was being read") {
		t.Errorf("items = %+v", items)
	}
}

// A folder of many small files (100,000 in the issue): every one is in
// the inventory, the log among them is read, and the warnings list stays
// readable. The normal suite makes 10,000, which takes a few seconds;
// EXTRIAGE_MANY_FILES=100000 runs the full count (measured once on a busy
// 2-core machine: the CLI scanned 100,000 files in 9 s, peak RSS 190 MiB
// with the table, 285 MiB with JSON output).
func TestManySmallFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("creates thousands of files")
	}
	count := 10000
	if s := os.Getenv("EXTRIAGE_MANY_FILES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1000 || n%100 != 0 {
			t.Fatalf("EXTRIAGE_MANY_FILES=%q: want a multiple of 100, at least 1000", s)
		}
		count = n
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "bundle")
	// Hard links to one tiny file: creating 100,000 inodes takes minutes on
	// some file systems, a link a few microseconds, and to the scan each
	// link is a file of its own.
	seed := filepath.Join(dir, "seed.txt")
	if err := os.WriteFile(seed, []byte{'x'}, 0o644); err != nil {
		t.Fatal(err)
	}
	perDir := count / 100
	for d := 0; d < 100; d++ {
		sub := filepath.Join(root, fmt.Sprintf("d%02d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := 0; f < perDir; f++ {
			p := filepath.Join(sub, fmt.Sprintf("f%04d.txt", f))
			if err := os.Link(seed, p); err != nil {
				if err := os.WriteFile(p, []byte{'x'}, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	writeFiles(t, root, map[string][]byte{"EXCH01/KB1.log": []byte(failedLog)})
	res := scanArgs(t, dir, Config{}, "bundle")
	if len(res.Inputs) != count+1 {
		t.Errorf("inputs = %d, want %d", len(res.Inputs), count+1)
	}
	if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@EXCH01"}) {
		t.Errorf("findings = %q", got)
	}
	if n := len(res.Warnings); n > maxSkippedListed+1 {
		t.Errorf("%d warnings; want the skipped files summed up in one", n)
	}
	if last, want := res.Warnings[len(res.Warnings)-1], fmt.Sprintf("%d more files skipped", count-maxSkippedListed); !strings.Contains(last, want) {
		t.Errorf("last warning = %q, want %q", last, want)
	}
	if res.Bundles[0].Inputs != count+1 || res.Bundles[0].Warnings != count {
		t.Errorf("bundle = %+v", res.Bundles[0])
	}
}

// The result does not depend on how many workers read the files.
func TestDeterministicOutput(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{}
	for i := 0; i < 12; i++ {
		host := fmt.Sprintf("EXCH%02d", i)
		switch i % 3 {
		case 0:
			files[host+"/KB1.log"] = []byte(failedLog)
		case 1:
			files[host+".zip"] = zipOf(t, e("Logs/KB2.log", lockedButDoneLog), e("x.txt", "x"))
		case 2:
			files[host+"/a.tgz"] = gzipOf(t, tarOf(t, entry{name: "KB3.log", data: []byte(failedLog)}))
		}
	}
	writeFiles(t, dir, files)
	var outs []string
	for _, jobs := range []int{1, 4} {
		res := scanArgs(t, dir, Config{Options: Options{Jobs: jobs}}, ".")
		b, err := json.Marshal([]any{res.Inputs, res.Findings, res.Warnings, res.Hosts, res.Bundles, res.Summary})
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, string(b))
		if n := len(findings(res, fileInUse)); n != 12 {
			t.Errorf("jobs=%d: %d findings, want 12", jobs, n)
		}
	}
	if outs[0] != outs[1] {
		t.Errorf("--jobs 1 and --jobs 4 differ:\n%s\n%s", outs[0], outs[1])
	}
}

// --include and --exclude apply inside archives too.
func TestIncludeExcludeInArchives(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"bundle/EXCH01.zip":      zipOf(t, e("Setup/KB1.log", failedLog), e("IIS/KB2.log", failedLog), e("notes.txt", "x")),
		"bundle/EXCH02/KB3.log":  []byte(failedLog),
		"bundle/EXCH02/other.md": []byte("x"),
	})
	res := scanArgs(t, dir, Config{Discover: DiscoverOptions{Include: []string{"*.LOG"}, Exclude: []string{"**/iis/**"}}}, "bundle")
	var paths []string
	for _, in := range res.Inputs {
		paths = append(paths, filepath.ToSlash(in.Path))
	}
	want := []string{"bundle/EXCH01.zip", "bundle/EXCH01.zip!Setup/KB1.log", "bundle/EXCH02/KB3.log"}
	if !slices.Equal(paths, want) {
		t.Errorf("inputs = %q, want %q", paths, want)
	}
}

// With --per-bundle, an argument that names nothing readable is a bundle
// of its own, judged unreadable; the others are judged as usual.
func TestPerBundleUnreadable(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"a/EXCH01/KB1.log": []byte(failedLog), "b/x.txt": []byte("x")})
	res := scanArgs(t, dir, Config{Discover: DiscoverOptions{PerBundle: true}}, "a", "missing", "none/*.log", "b")
	var got []string
	for _, b := range res.Bundles {
		got = append(got, b.Name+"="+b.Verdict)
	}
	want := []string{"a=error", "missing=unreadable", "none/*.log=unreadable", "b=unreadable"} // in argument order
	if !slices.Equal(got, want) {
		t.Errorf("verdicts = %q, want %q", got, want)
	}
	if res.Summary.Verdicts[VerdictUnreadable] != 3 || res.Summary.Bundles != 4 {
		t.Errorf("summary = %+v", res.Summary)
	}
}

// Once an archive has expanded past --max-ratio times its size on disk,
// nothing more is read out of it, nested archives included: a bomb costs
// a few megabytes, not --max-archive-bytes.
func TestArchiveExpansionStopsTheArchive(t *testing.T) {
	half := make([]byte, 512<<10)
	var leaves, mids []entry
	for i := range 16 {
		leaves = append(leaves, entry{name: fmt.Sprintf("f%02d.txt", i), data: half})
	}
	for i := range 16 {
		mids = append(mids, entry{name: fmt.Sprintf("m%02d.zip", i), data: zipOf(t, leaves...)})
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"b/fan.zip": zipOf(t, mids...), "b/EXCH01/KB1.log": []byte(failedLog)})
	res := scanArgs(t, dir, Config{Options: Options{Limits: Limits{MinRatioBytes: 1 << 20, MaxRatio: 50}}}, "b")
	var read int64
	stopped := 0
	for _, in := range res.Inputs {
		if !strings.HasPrefix(in.Path, filepath.Join("b", "fan.zip")+"!") {
			continue
		}
		switch {
		case in.Failed:
			if !hasWarning(in, "--max-ratio") {
				t.Errorf("%s: %q, want the --max-ratio warning", in.Path, in.Warnings)
			}
			stopped++
		case !in.Archive:
			read += in.Bytes
		}
	}
	if read > 2<<20 {
		t.Errorf("%d bytes read out of the bomb, want at most 2 MiB", read)
	}
	if stopped != 15+15 { // the rest of m00 and the other 15 inner archives
		t.Errorf("%d members stopped, want 30", stopped)
	}
	if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@EXCH01"}) {
		t.Errorf("findings = %q, want the log beside the bomb", got)
	}
}

// When the argument is an archive, patterns with a slash are matched
// against the paths inside it, as they are against the paths inside a
// folder given as the argument.
func TestIncludeExcludeBelowArchiveArgument(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{
		"EXCH01.zip": zipOf(t, e(`EXCH01\`, ""), e(`EXCH01\Setup\`, ""), e(`EXCH01\Setup\KB1.log`, failedLog), e("EXCH01/IIS/KB2.log", failedLog)),
	})
	paths := func(res *Result) []string {
		var out []string
		for _, in := range res.Inputs {
			out = append(out, in.Path)
		}
		return out
	}
	res := scanArgs(t, dir, Config{Discover: DiscoverOptions{Include: []string{"EXCH01/Setup/*.log"}}}, "EXCH01.zip")
	if got, want := paths(res), []string{"EXCH01.zip", `EXCH01.zip!EXCH01\Setup\KB1.log`}; !slices.Equal(got, want) {
		t.Errorf("--include: inputs = %q, want %q", got, want)
	}
	res = scanArgs(t, dir, Config{Discover: DiscoverOptions{Exclude: []string{"EXCH01/IIS"}}}, "EXCH01.zip")
	if got, want := paths(res), []string{"EXCH01.zip", `EXCH01.zip!EXCH01\Setup\KB1.log`}; !slices.Equal(got, want) {
		t.Errorf("--exclude: inputs = %q, want %q", got, want)
	}
}

// A folder given with a trailing slash is the same bundle, with the same
// paths, as without it.
func TestTrailingSlash(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"bundle/EXCH01/KB1.log": []byte(failedLog)})
	for _, arg := range []string{"bundle", "bundle/", "bundle" + string(filepath.Separator)} {
		res := scanArgs(t, dir, Config{}, arg)
		in := input(t, res, filepath.Join("bundle", "EXCH01", "KB1.log"))
		if in.Bundle != "bundle" || in.Host != "EXCH01" {
			t.Errorf("%q: input = %+v, want bundle \"bundle\", host EXCH01", arg, in)
		}
		if got := findings(res, fileInUse); !slices.Equal(got, []string{fileInUse + "@EXCH01"}) {
			t.Errorf("%q: findings = %q", arg, got)
		}
	}
}

// Zip member names that are not UTF-8 (Windows' compressed folders write
// the OEM code page) are decoded: 852 for Polish letters, else 437.
func TestZipMemberNamesInOEMCodePages(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"Dzienniki zdarze\xe4/EXCH01/KB1.log", "Journal d'\x82v\x82nements/KB2.log", "B\x91r/KB3.log"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, NonUTF8: true, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(failedLog))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"case.zip": buf.Bytes()})
	res := scanArgs(t, dir, Config{}, "case.zip")
	for _, want := range []string{"case.zip!Dzienniki zdarzeń/EXCH01/KB1.log", "case.zip!Journal d'événements/KB2.log", "case.zip!Bær/KB3.log"} {
		if in := input(t, res, want); in.Format != "updatelog" {
			t.Errorf("%s = %+v", want, in)
		}
	}
	if got := findings(res, fileInUse); !slices.Contains(got, fileInUse+"@EXCH01") {
		t.Errorf("findings = %q, want one on EXCH01, the folder inside the archive", got)
	}
}

// Workers get the largest files first, ties in file order.
func TestLargestFirst(t *testing.T) {
	files := []File{{Size: 10}, {Size: 300}, {Size: 10}, {Size: 2000}, {Size: 0}}
	got := fmt.Sprint(largestFirst(files))
	if want := "[3 1 0 2 4]"; got != want {
		t.Errorf("largestFirst = %s, want %s", got, want)
	}
}
