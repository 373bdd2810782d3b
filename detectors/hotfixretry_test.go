package detectors

import (
	"testing"

	"github.com/extriage/extriage/parsers/updatelog"
)

// Only a later, successful run of the same update makes a failure history.
func TestLaterSuccess(t *testing.T) {
	failed := updatelog.Run{Index: 1, Package: "KB912442", ExtendedError: "0xf201"}
	ok := func(i int, pkg string) updatelog.Run {
		return updatelog.Run{Index: i, Package: pkg, ExtendedError: "0x0", ExtendedErrorLine: 10 * i}
	}
	for _, tc := range []struct {
		name string
		runs []updatelog.Run
		want int // the index of the run found, 0 for none
	}{
		{"retried", []updatelog.Run{failed, ok(2, "KB912442")}, 2},
		{"retried, package named in one run only", []updatelog.Run{failed, ok(2, "")}, 2},
		{"the last success counts", []updatelog.Run{failed, ok(2, "KB912442"), ok(3, "kb912442")}, 3},
		{"another update in a shared log", []updatelog.Run{failed, ok(2, "KB913000")}, 0},
		{"retry failed too", []updatelog.Run{failed, {Index: 2, Package: "KB912442", DidNotComplete: true}}, 0},
		{"retry without an outcome", []updatelog.Run{failed, {Index: 2, Package: "KB912442"}}, 0},
		{"success before the failure", []updatelog.Run{ok(1, "KB912442"), {Index: 2, Package: "KB912442", Failed: true}}, 0},
	} {
		idx := 1
		if tc.name == "success before the failure" {
			idx = 2
		}
		got, found := laterSuccess(tc.runs, idx)
		if (tc.want == 0) == found || (found && got.Index != tc.want) {
			t.Errorf("%s: run %d, found %v; want run %d", tc.name, got.Index, found, tc.want)
		}
	}
	if _, found := laterSuccess([]updatelog.Run{failed}, 5); found {
		t.Error("an index past the runs found a run")
	}
}
