// Package scan finds the log files behind the paths a user gives, sniffs
// each one's format by content, parses the files on a pool of workers and
// runs the rule engine over their records, so that a folder of collected
// logs becomes one list of findings.
package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// File is one input file found by Discover.
type File struct {
	Path     string // the path as shown to the user (relative when the user gave one)
	Bundle   string // the bundle it belongs to: the name of the argument it was found under
	HostHint string // the host the file's name or folder points to, "" if none
	Size     int64
	ModTime  int64 // Unix nanoseconds
}

// Problem is an input that could not be used at all.
type Problem struct {
	Path string
	Err  error
}

func (p Problem) Error() string { return fmt.Sprintf("%s: %v", p.Path, p.Err) }

// Discover expands the user's arguments into files: a file stands for
// itself, a folder for every regular file below it (links to folders are
// not followed, so link loops cannot trap the walk), and an argument with
// glob characters that names no file for the files the doublestar pattern
// matches ("cases/**/*.evtx"). Files are returned sorted by path within
// each argument, arguments in the order given, each file once.
func Discover(args []string) ([]File, []Problem) {
	var files []File
	var probs []Problem
	seen := map[string]bool{}
	add := func(f File) {
		key := filepath.Clean(f.Path)
		if seen[key] {
			return
		}
		seen[key] = true
		files = append(files, f)
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil && hasGlobMeta(arg) {
			matches, gerr := doublestar.FilepathGlob(arg, doublestar.WithFilesOnly(), doublestar.WithFailOnIOErrors())
			if gerr != nil {
				probs = append(probs, Problem{arg, fmt.Errorf("bad pattern: %v", gerr)})
				continue
			}
			if len(matches) == 0 {
				probs = append(probs, Problem{arg, errors.New("no file matches this pattern")})
				continue
			}
			sort.Strings(matches)
			root := globRoot(arg)
			for _, m := range matches {
				if mst, err := os.Stat(m); err == nil && mst.Mode().IsRegular() {
					add(File{Path: m, Bundle: bundleName(root), HostHint: hostHint(root, m), Size: mst.Size(), ModTime: mst.ModTime().UnixNano()})
				}
			}
			continue
		}
		if err != nil {
			probs = append(probs, Problem{arg, describeOpenError(err)})
			continue
		}
		if st.Mode().IsRegular() {
			add(File{Path: arg, Bundle: bundleName(filepath.Dir(arg)), HostHint: hostHint("", arg), Size: st.Size(), ModTime: st.ModTime().UnixNano()})
			continue
		}
		if !st.IsDir() {
			probs = append(probs, Problem{arg, errors.New("not a regular file or folder")})
			continue
		}
		var found []File
		werr := filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				probs = append(probs, Problem{p, describeOpenError(err)})
				if d != nil && d.IsDir() && p != arg {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !d.Type().IsRegular() {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				probs = append(probs, Problem{p, describeOpenError(err)})
				return nil
			}
			found = append(found, File{Path: p, Bundle: bundleName(arg), HostHint: hostHint(arg, p), Size: info.Size(), ModTime: info.ModTime().UnixNano()})
			return nil
		})
		if werr != nil {
			probs = append(probs, Problem{arg, werr})
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Path < found[j].Path })
		for _, f := range found {
			add(f)
		}
	}
	return files, probs
}

func hasGlobMeta(s string) bool { return strings.ContainsAny(s, "*?[{") }

// globRoot returns the folder part of a pattern before its first glob
// character.
func globRoot(pattern string) string {
	base, _ := doublestar.SplitPattern(filepath.ToSlash(pattern))
	return filepath.FromSlash(base)
}

func describeOpenError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("no such file or folder")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("permission denied")
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func bundleName(dir string) string {
	b := filepath.Base(filepath.Clean(dir))
	if b == "." || b == string(filepath.Separator) {
		if abs, err := filepath.Abs(dir); err == nil {
			b = filepath.Base(abs)
		}
	}
	return b
}

// mpsName matches the file names MPS Reports and similar collectors give
// event logs: SERVER_Application.evt, SERVER_System.txt, SERVER_APP.csv.
var mpsName = regexp.MustCompile(`(?i)^([A-Za-z0-9][A-Za-z0-9-]{0,14})_(?:application|system|security|app|sys|sec|evt|directory ?service|dns ?server|file ?replication ?service|exchange[a-z ]*)(?:[_.].*)?$`)

// netbios matches what can be a computer name.
var netbios = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,14}$`)

// genericFolders are folder names collectors use that are not host names.
var genericFolders = map[string]bool{
	"logs": true, "log": true, "eventlogs": true, "eventlog": true, "events": true, "evtx": true, "evt": true,
	"setup": true, "setuplogs": true, "exchangesetuplogs": true, "windows": true, "winnt": true,
	"system32": true, "config": true, "temp": true, "tmp": true, "application": true, "system": true,
	"security": true, "data": true, "export": true, "exports": true, "bundle": true, "bundles": true,
	"case": true, "cases": true, "hotfix": true, "hotfixes": true, "updates": true, "msi": true,
	"exchange": true, "exchsrvr": true, "bin": true, "mdbdata": true, "servers": true, "server": true,
	"collected": true, "output": true, "files": true, "misc": true, "other": true, "new": true, "old": true,
}

// hostHint names the host a file belongs to when its records do not say:
// an MPS-style file name (SERVER_Application.evt), else the first folder
// below the scanned root when that folder can be a computer name.
func hostHint(root, path string) string {
	base := filepath.Base(path)
	if m := mpsName.FindStringSubmatch(base); m != nil && !genericFolders[strings.ToLower(m[1])] {
		return strings.ToUpper(m[1])
	}
	if root == "" {
		return ""
	}
	rel, err := filepath.Rel(root, path)
	if err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	for _, p := range parts[:len(parts)-1] {
		if netbios.MatchString(p) && !genericFolders[strings.ToLower(p)] && !strings.EqualFold(p, "node") {
			return strings.ToUpper(p)
		}
	}
	return ""
}
