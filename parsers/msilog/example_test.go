package msilog_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/msilog"
)

func ExampleSummarize() {
	const log = "=== Verbose logging started: 12/3/2015  13:14:36  Build type: SHIP UNICODE 5.00.10011.00  Calling process: C:\\x\\Setup.exe ===\n" +
		"Property(S): ProductName = Microsoft Exchange Server\n" +
		"Info 1603. The file C:\\x\\store.exe is being held in use by the following process: Name: store, Id: 42, Window Title: 'none'.\n" +
		"MSI (s) (54:94) [13:15:02:100]: Product: Microsoft Exchange Server -- Error 1603. A fatal error occurred during installation.\n" +
		"Action ended 13:15:02: InstallFinalize. Return value 3.\n" +
		"MSI (c) (3C:50) [13:15:03:000]: MainEngineThread is returning 1603\n" +
		"=== Verbose logging stopped: 12/3/2015  13:15:03 ===\n"
	in := parsers.Input{Path: "MSI1a2b.LOG", R: strings.NewReader(log), Size: int64(len(log))}
	s, err := msilog.Summarize(context.Background(), in, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Product, s.ExitCode, s.Failed)
	fmt.Println(s.FirstFailure.Location(), s.FirstFailure.Fields["action"], s.FirstFailure.Time.Format("15:04:05"))
	fmt.Println(len(s.Context), "lines of context")
	for _, f := range s.FilesInUse {
		fmt.Println(f.Path, f.Process, f.ProcessID, f.Line)
	}
	// Output:
	// Microsoft Exchange Server 1603 true
	// MSI1a2b.LOG:5 InstallFinalize 13:15:02
	// 4 lines of context
	// C:\x\store.exe store 42 3
}
