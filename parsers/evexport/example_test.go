package evexport_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/evexport"
)

func ExampleParser_Parse() {
	const export = "Event Type:\tError\n" +
		"Event Source:\tMSExchangeCluster\n" +
		"Event Category:\tServices\n" +
		"Event ID:\t2146\n" +
		"Date:\t\t7/31/2001\n" +
		"Time:\t\t5:33:28 AM\n" +
		"User:\t\tN/A\n" +
		"Computer:\tMAIL-01\n" +
		"Description:\n" +
		"An Error occured during the Exchange resource upgrade.\n"
	in := parsers.Input{Path: "app.txt", R: strings.NewReader(export), Size: int64(len(export))}
	err := evexport.Parser{}.Parse(context.Background(), in, parsers.Sink{
		Record: func(r *parsers.Record) bool {
			fmt.Println(r.Location(), r.Time.Format("2006-01-02 15:04:05"), r.TimeQ, r.Level)
			fmt.Println(r.Host, r.Provider, r.EventID, r.Fields["category"], r.Fields["user"])
			fmt.Println(r.Message)
			return true
		},
	})
	fmt.Println(err)
	// Output:
	// app.txt:1 2001-07-31 05:33:28 no-zone error
	// MAIL-01 MSExchangeCluster 2146 Services N/A
	// An Error occured during the Exchange resource upgrade.
	// <nil>
}
