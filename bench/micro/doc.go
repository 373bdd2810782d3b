// Package micro holds Go benchmarks that belong to no single package: the
// rule engine over event records (the catalog as a scan runs it, with and
// without the parsers' keyword pre-filter in front), and the parsers that
// have no benchmark of their own. Run them with
//
//	go test -run '^$' -bench . -benchmem ./bench/micro
//
// (`make bench-go` runs every benchmark of the module).
package micro
