package scan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// File is one file on disk found by Discover: a log, or an archive whose
// members are read when the file is scanned.
type File struct {
	Path     string // the path as shown to the user (relative when the user gave one)
	Bundle   string // the bundle it belongs to (see DiscoverOptions.PerBundle)
	HostHint string // the host the file's name or folders point to, "" if none
	Size     int64
	ModTime  int64 // Unix nanoseconds

	// Root is the argument (or glob match) the file was found under.
	Root string
	// Match is the file's path relative to Root, with slashes: what
	// --include and --exclude patterns are matched against. Members of an
	// archive extend it: "SERVER.zip/Logs/x.log".
	Match string
	// RootHost is the last-resort host of the file: the one the bundle's
	// name stands for, "" when the argument was a file.
	RootHost string
	// IsRoot is true when the file is itself the argument: an archive given
	// as a bundle does not lend its name to its members as a host hint.
	IsRoot bool
	// Arg is the index of the argument the file was found under.
	Arg int
}

// Problem is an input that could not be used at all.
type Problem struct {
	Path   string
	Bundle string
	Err    error
	Arg    int // the index of the argument it comes from
}

func (p Problem) Error() string { return fmt.Sprintf("%s: %v", p.Path, p.Err) }

// DiscoverOptions steer Discover.
type DiscoverOptions struct {
	// PerBundle makes each argument (and each match of a glob argument) a
	// bundle of its own, with its own verdict; otherwise every argument
	// belongs to one bundle, one case whose hosts may be compared.
	PerBundle bool
	// Include, when not empty, keeps only the logs whose path matches one
	// of these doublestar patterns; Exclude drops files, folders and
	// archive members whose path matches one. See Filter.
	Include, Exclude []string
}

// Filter applies --include and --exclude patterns. A pattern without a
// slash is matched against the base name ("*.evtx"); one with a slash
// against the path below the argument, archive members included, with
// slashes ("EX01/**/*.log", "**/IIS/**"); when the argument is an archive,
// that is the path inside it. An excluded folder takes everything below it,
// inside archives too ("**/IIS"). Matching ignores case, as Windows does.
// Archives are never dropped by Include, since they may hold logs that
// match.
type Filter struct {
	include, exclude []string
}

// NewFilter checks and compiles the patterns.
func NewFilter(include, exclude []string) (*Filter, error) {
	f := &Filter{}
	for _, set := range []struct {
		name string
		in   []string
		out  *[]string
	}{{"--include", include, &f.include}, {"--exclude", exclude, &f.exclude}} {
		for _, p := range set.in {
			p = strings.TrimSpace(filepath.ToSlash(p))
			if p == "" {
				continue
			}
			p = strings.TrimPrefix(p, "./")
			if !doublestar.ValidatePattern(p) {
				return nil, fmt.Errorf("%s: bad pattern %q", set.name, p)
			}
			*set.out = append(*set.out, strings.ToLower(p))
		}
	}
	return f, nil
}

func matchAny(pats []string, rel string) bool {
	rel = strings.ToLower(strings.TrimPrefix(rel, "/"))
	base := path.Base(rel)
	for _, p := range pats {
		target := rel
		if !strings.Contains(p, "/") {
			target = base
		}
		if doublestar.MatchUnvalidated(p, target) {
			return true
		}
	}
	return false
}

// Excluded reports whether a file, folder or member at rel is excluded.
func (f *Filter) Excluded(rel string) bool {
	return f != nil && len(f.exclude) > 0 && matchAny(f.exclude, rel)
}

// excludedMember reports whether an archive member at rel is excluded,
// itself or through one of the folders above it: an archive lists its
// members, not its folders, so "--exclude '**/IIS'" must be tried against
// each folder of the path, as the walk of a folder on disk does.
func (f *Filter) excludedMember(rel string) bool {
	if f == nil || len(f.exclude) == 0 {
		return false
	}
	for i := 0; i < len(rel); i++ {
		if rel[i] == '/' && i > 0 && matchAny(f.exclude, rel[:i]) {
			return true
		}
	}
	return matchAny(f.exclude, rel)
}

// Included reports whether a log at rel passes --include.
func (f *Filter) Included(rel string) bool {
	return f == nil || len(f.include) == 0 || matchAny(f.include, rel)
}

// hasInclude reports whether --include was given.
func (f *Filter) hasInclude() bool { return f != nil && len(f.include) > 0 }

// archiveName reports whether a file name has an archive's extension.
func archiveName(name string) bool {
	return archiveStem(name) != name
}

// Discover expands the user's arguments into files, every argument
// belonging to one bundle. See DiscoverWith.
func Discover(args []string) ([]File, []Problem) {
	files, probs, _ := DiscoverWith(args, DiscoverOptions{})
	return files, probs
}

// DiscoverWith expands the user's arguments into files: a file stands for
// itself, a folder for every file below it, and an argument with glob
// characters that names no file for what the doublestar pattern matches
// ("cases/**/*.evtx"). Symbolic links are followed, except a link that
// leads back into a folder being walked (a loop), which is reported.
// Files are returned in walk order (each folder's entries sorted by name)
// within each argument, arguments in the order given, each file once. The
// error is for bad patterns only; unusable inputs are Problems.
func DiscoverWith(args []string, o DiscoverOptions) ([]File, []Problem, error) {
	filter, err := NewFilter(o.Include, o.Exclude)
	if err != nil {
		return nil, nil, err
	}
	d := &discoverer{filter: filter, seen: map[string]bool{}}
	// Expand globs first: in per-bundle mode each match is a bundle.
	type root struct {
		path   string // the file or folder
		base   string // what Match paths are relative to
		bundle string
		glob   string // the glob argument it came from, if any
		arg    int
	}
	var roots []root
	for argi, arg := range args {
		if _, err := os.Stat(arg); err != nil && hasGlobMeta(arg) {
			if !doublestar.ValidatePattern(filepath.ToSlash(arg)) {
				d.probs = append(d.probs, Problem{Path: arg, Err: errors.New("bad glob pattern"), Arg: argi})
				continue
			}
			matches, gerr := doublestar.FilepathGlob(arg, doublestar.WithNoFollow())
			if gerr != nil {
				d.probs = append(d.probs, Problem{Path: arg, Err: fmt.Errorf("bad pattern: %v", gerr), Arg: argi})
				continue
			}
			if len(matches) == 0 {
				d.probs = append(d.probs, Problem{Path: arg, Err: errors.New("no file matches this pattern"), Arg: argi})
				continue
			}
			sort.Strings(matches)
			for _, m := range matches {
				if o.PerBundle {
					roots = append(roots, root{path: m, base: m, glob: arg, arg: argi})
				} else {
					roots = append(roots, root{path: m, base: globRoot(arg), glob: arg, arg: argi})
				}
			}
			continue
		}
		roots = append(roots, root{path: arg, base: arg, arg: argi})
	}
	// Name the bundles.
	if o.PerBundle {
		names := make([]string, len(roots))
		count := map[string]int{}
		for i, r := range roots {
			names[i] = bundleName(r.path)
			count[names[i]]++
		}
		for i, r := range roots {
			if count[names[i]] > 1 {
				names[i] = filepath.ToSlash(filepath.Clean(r.path))
			}
			roots[i].bundle = names[i]
		}
	} else {
		name := commonBundleName(args)
		for i := range roots {
			roots[i].bundle = name
		}
	}
	// Arguments that named nothing belong to their own bundle (per bundle)
	// or to the one bundle.
	for i := range d.probs {
		if o.PerBundle {
			d.probs[i].Bundle = filepath.ToSlash(d.probs[i].Path)
		} else {
			d.probs[i].Bundle = commonBundleName(args)
		}
	}
	for _, r := range roots {
		nf, np := len(d.files), len(d.probs)
		d.root(r.path, r.base, r.bundle, r.glob != "")
		for i := nf; i < len(d.files); i++ {
			d.files[i].Arg = r.arg
		}
		for i := np; i < len(d.probs); i++ {
			d.probs[i].Arg = r.arg
		}
	}
	return d.files, d.probs, nil
}

// commonBundleName names the one bundle of all the arguments: the
// argument's name when there is one, else the folder they share, else
// their names joined with "+".
func commonBundleName(args []string) string {
	if len(args) == 1 {
		if hasGlobMeta(args[0]) {
			if _, err := os.Stat(args[0]); err != nil {
				return bundleName(globRoot(args[0]))
			}
		}
		return bundleName(args[0])
	}
	parent := ""
	for i, a := range args {
		p := filepath.Dir(filepath.Clean(a))
		if hasGlobMeta(a) {
			p = filepath.Clean(globRoot(a))
		}
		if i == 0 {
			parent = p
		} else if p != parent {
			parent = ""
			break
		}
	}
	if parent != "" && parent != "." && parent != string(filepath.Separator) {
		return bundleName(parent)
	}
	names := make([]string, 0, len(args))
	for _, a := range args {
		names = append(names, bundleName(a))
	}
	return strings.Join(names, "+")
}

type discoverer struct {
	filter *Filter
	files  []File
	probs  []Problem
	seen   map[string]bool
}

// root walks one argument (or glob match).
func (d *discoverer) root(p, base, bundle string, fromGlob bool) {
	st, err := os.Stat(p)
	if err != nil {
		if lst, lerr := os.Lstat(p); lerr == nil && lst.Mode()&fs.ModeSymlink != 0 {
			d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: linkError(p, err)})
			return
		}
		d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: describeOpenError(err)})
		return
	}
	rootHost := ""
	if st.IsDir() || archiveName(p) {
		rootHost = bundleHost(bundleName(p))
	}
	switch {
	case st.Mode().IsRegular():
		rel := filepath.Base(p)
		if fromGlob {
			if r, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(r, "..") {
				rel = r
			}
		}
		rel = filepath.ToSlash(rel)
		if d.filter.Excluded(rel) || (!d.filter.Included(rel) && !archiveName(p)) {
			return
		}
		hint := hostFromFileName(filepath.Base(p))
		if hint == "" {
			hint = hostFromFolders(dirsOf(rel))
		}
		d.add(File{Path: p, Bundle: bundle, HostHint: hint, Size: st.Size(), ModTime: st.ModTime().UnixNano(),
			Root: p, Match: rel, RootHost: rootHost, IsRoot: filepath.Clean(base) == filepath.Clean(p)}, identity(p, true))
	case st.IsDir():
		rel := ""
		if fromGlob {
			if r, err := filepath.Rel(base, p); err == nil && r != "." && !strings.HasPrefix(r, "..") {
				rel = filepath.ToSlash(r)
			}
		}
		d.walk(p, rel, bundle, rootHost, []fs.FileInfo{st}, false)
	default:
		d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: errors.New(specialKind(st.Mode()) + ": not a regular file or folder")})
	}
}

// walk adds the files below dir. rel is dir's Match path; ancestors are
// the folders on the way down (links resolved), for loop detection.
func (d *discoverer) walk(dir, rel, bundle, rootHost string, ancestors []fs.FileInfo, viaLink bool) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			d.probs = append(d.probs, Problem{Path: dir, Bundle: bundle, Err: errors.New("vanished while the bundle was being listed")})
		} else {
			d.probs = append(d.probs, Problem{Path: dir, Bundle: bundle, Err: fmt.Errorf("cannot list this folder: %v", describeOpenError(err))})
		}
		if entries == nil {
			return
		}
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		erel := e.Name()
		if rel != "" {
			erel = rel + "/" + e.Name()
		}
		if d.filter.Excluded(erel) {
			continue
		}
		link := e.Type()&fs.ModeSymlink != 0
		var st fs.FileInfo
		if link {
			st, err = os.Stat(p)
			if err != nil {
				d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: linkError(p, err)})
				continue
			}
		} else {
			st, err = e.Info()
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					err = errors.New("vanished while the bundle was being listed")
				} else {
					err = describeOpenError(err)
				}
				d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: err})
				continue
			}
		}
		switch {
		case st.IsDir():
			if loop := loopTarget(st, ancestors); loop >= 0 {
				// Name the folder it leads back to: the link's own target
				// says little when the loop runs through a link higher up.
				above := dir
				for range len(ancestors) - 1 - loop {
					above = filepath.Dir(above)
				}
				how := "a symbolic link"
				if !link {
					how = "a folder reached through a symbolic link"
				}
				d.probs = append(d.probs, Problem{Path: p, Bundle: bundle,
					Err: fmt.Errorf("symbolic link loop: %s that leads back to %s, a folder above it; not followed", how, above)})
				continue
			}
			d.walk(p, erel, bundle, rootHost, append(ancestors[:len(ancestors):len(ancestors)], st), viaLink || link)
		case st.Mode().IsRegular():
			if !d.filter.Included(erel) && !archiveName(e.Name()) {
				continue
			}
			hint := hostFromFileName(e.Name())
			if hint == "" {
				hint = hostFromFolders(dirsOf(erel))
			}
			d.add(File{Path: p, Bundle: bundle, HostHint: hint, Size: st.Size(), ModTime: st.ModTime().UnixNano(),
				Root: "", Match: erel, RootHost: rootHost}, identity(p, viaLink || link))
		default:
			d.probs = append(d.probs, Problem{Path: p, Bundle: bundle, Err: errors.New(specialKind(st.Mode()) + ": not a regular file; skipped")})
		}
	}
}

// dirsOf returns the folder names of a slash path, outermost first.
func dirsOf(rel string) []string {
	parts := strings.Split(rel, "/")
	return parts[:len(parts)-1]
}

// add records a file once, by identity.
func (d *discoverer) add(f File, id string) {
	if d.seen[id] {
		return
	}
	d.seen[id] = true
	d.files = append(d.files, f)
}

// identity is the key that makes each file count once: its absolute path,
// or, when it was reached through a symbolic link, the path the link
// resolves to.
func identity(p string, viaLink bool) string {
	if viaLink {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// loopTarget returns the index of the ancestor folder st is, or -1.
func loopTarget(st fs.FileInfo, ancestors []fs.FileInfo) int {
	for i, a := range ancestors {
		if os.SameFile(a, st) {
			return i
		}
	}
	return -1
}

// linkError describes a symbolic link that cannot be followed.
func linkError(p string, err error) error {
	target, _ := os.Readlink(p)
	var pe *fs.PathError
	if errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "too many levels of symbolic links") {
		return fmt.Errorf("symbolic link loop (%s): not followed", target)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("broken symbolic link: its target %q does not exist", target)
	}
	return fmt.Errorf("symbolic link to %q cannot be followed: %v", target, describeOpenError(err))
}

// specialKind names a file that is neither regular nor a folder.
func specialKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	}
	return "special file"
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
	if b == "." || b == string(filepath.Separator) || b == ".." {
		if abs, err := filepath.Abs(dir); err == nil {
			b = filepath.Base(abs)
		}
	}
	return b
}
