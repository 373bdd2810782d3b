// Package scan finds the log files behind the paths a user gives (files,
// folders, doublestar globs, and zip, tar, tar.gz and gzip archives nested
// to any depth), sniffs each one's format by content, parses them on a pool
// of workers and runs the rule engine over their records, so that a folder
// or an archive of collected logs becomes one list of findings per bundle.
//
// # Archives
//
// Archives are recognised by their first bytes, not their names, and are
// read in memory or streamed: nothing is ever extracted to disk, and a
// member's name is only a label ("outer.zip!dir/inner.zip!file.evtx"),
// never a path that is opened or created, so names with ".." or an
// absolute path are reported and read like any other. Every member is in
// the input inventory with its uncompressed size, format, SHA-256 and
// warnings; every archive too, with its own hash and member count.
//
// Limits (see Limits) stop zip bombs and archives nested without end: the
// bytes read out of one archive on disk (nested archives included), the
// expansion ratio of one member and of one archive on disk as a whole, and
// the nesting depth. Zip members whose compressed data overlap (one
// deflated block read under many names) are not read. A member that would
// pass a limit is not read and its inventory entry says which limit and
// how to raise it. Encrypted members, compression methods the standard
// library lacks, corrupt and truncated archives (a zip whose table of
// contents is lost is read from its local headers) cost warnings.
//
// # Memory
//
// Parsers read an input through an io.ReaderAt. A file on disk, a stored
// (uncompressed) zip member and a member of a plain tar are read in place
// through an io.SectionReader: no copy. A compressed member is handled by
// size: one of at most Limits.MemberMemory bytes (4 MiB) is decompressed
// into memory; a bigger one gets a streamSource, a ReaderAt that
// decompresses forward as reads ask for bytes, keeps the last 1 MiB (more
// on machines with many cores) in a ring so that the EVTX parser's parallel
// chunk reads and a parser's look back at its header are served from
// memory, and on a read further back reopens the member and decompresses
// again from its start (bounded: a member may cost at most eight times its
// size in restarts). Parsers read forward, so restarts are rare. The
// SHA-256 of every input is computed on the way, as the parser's reads (or
// the decompressor) pass each byte for the first time, so no input is read
// twice just to hash it. Peak memory is then about (jobs x nesting depth x
// (4 MiB + 1 MiB)) plus what parsers and rules hold, whatever the size of
// the bundle. `make bench-scale` measures it.
//
// One file on disk, with everything inside it, is read by one worker in
// order, so that the members of a compressed stream are read front to back
// and a limit is hit at the same member on every run; files on disk are
// read in parallel (--jobs) and their results combined in file order, so
// the output is the same whatever the scheduling.
//
// # Hosts
//
// Each record keeps the computer its event names, and an input's host in
// the inventory is the first Computer its records name. Logs that do not
// name one (text logs) take it from the names collectors give files,
// folders and archives, in this order (see hostSlots): an MPS Reports file
// name (SERVER_Application.evt); the innermost folder inside an archive
// whose name can be a computer name (not a generic word such as Logs or
// Setup, a KB number, a version or a date); the innermost
// ExchangeLogCollector server archive (SERVER-315.zip: the server's folder
// name and the month and day); the outermost other archive (SERVER.zip,
// SERVER_Logs.zip); the innermost such folder on disk. Last comes the
// bundle's own name (the argument), unless it is a generic word.
//
// # Bundles
//
// Without DiscoverOptions.PerBundle every argument belongs to one bundle,
// one case whose hosts bundle rules may compare (the two nodes of a
// cluster). With it, each argument is a bundle of its own, with its own
// verdict (BundleVerdict), and a Summary counts across bundles which rules
// fired how often; no rule ever sees two bundles at once.
package scan
