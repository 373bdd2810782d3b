package evtx_test

import (
	"context"
	"fmt"
	"os"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/evtx"
)

// Parse an EVTX file from disk and print each record's ID, time, provider
// and event ID; damage is reported through Warn and parsing goes on.
func ExampleParser_Parse() {
	f, err := os.Open("Application.evtx")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fmt.Println(err)
		return
	}
	in := parsers.Input{Path: f.Name(), R: f, Size: st.Size()}
	err = evtx.Parser{}.Parse(context.Background(), in, parsers.Sink{
		Record: func(r *parsers.Record) bool {
			fmt.Println(r.RecordID, r.Time.Format("2006-01-02T15:04:05.0000000Z"), r.Provider, r.EventID, r.Data)
			return true // false stops the parse
		},
		Warn: func(w parsers.Warning) { fmt.Fprintln(os.Stderr, "warning:", w) },
	})
	if err != nil {
		fmt.Println(err) // nothing could be read
	}
}
