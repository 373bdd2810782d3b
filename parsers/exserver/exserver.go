// Package exserver reads the server list engineers ask customers for:
// the output of Get-ExchangeServer, as Format-List text ("Name : EX01")
// or as Export-Csv (comma- or, with -UseCulture on a Polish system,
// semicolon-separated), one record per server. It tells each server's version
// banner (AdminDisplayVersion) and role (IsFrontEndServer, ServerRole),
// which the KB 328839 front-end/back-end rules compare.
package exserver

import (
	"context"
	"encoding/csv"
	"io"
	"regexp"
	"strings"

	"github.com/extriage/extriage/parsers"
	"github.com/extriage/extriage/parsers/textio"
)

// Parser reads Get-ExchangeServer output.
type Parser struct{}

func init() { parsers.Register(Parser{}) }

// Format returns parsers.FormatExServer.
func (Parser) Format() parsers.Format { return parsers.FormatExServer }

var listLine = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]*)\s*:\s?(.*)$`)

// known are properties of an ExchangeServer object; a list needs a few of
// them to be taken for one.
var known = map[string]bool{"name": true, "admindisplayversion": true, "isfrontendserver": true,
	"serverrole": true, "fqdn": true, "exchangeversion": true, "edition": true, "site": true,
	"isexchange2007orlater": true, "distinguishedname": true, "identity": true}

// Sniff recognises Format-List output with a Name and an
// AdminDisplayVersion property, or a CSV header holding both.
func (Parser) Sniff(head []byte) int {
	text := textio.DecodeHead(head)
	lines := strings.Split(text, "\n")
	if len(lines) > 1 {
		lines = lines[:len(lines)-1] // the last one may be cut
	}
	props := map[string]bool{}
	for i, l := range lines {
		l = strings.TrimRight(l, "\r")
		if i < 3 && strings.Contains(strings.ToLower(l), "admindisplayversion") && strings.ContainsAny(l, ",;") {
			cols := splitCSVHeader(l, headerDelim(l))
			if cols["name"] && cols["admindisplayversion"] {
				return 90
			}
		}
		if m := listLine.FindStringSubmatch(l); m != nil && known[strings.ToLower(m[1])] {
			props[strings.ToLower(m[1])] = true
		}
	}
	if props["name"] && props["admindisplayversion"] {
		return 90
	}
	return 0
}

// headerDelim tells the delimiter of a CSV header line: a comma, or a
// semicolon where the line holds more of them (Export-Csv -UseCulture on a
// Polish or German system).
func headerDelim(l string) rune {
	if strings.Count(l, ";") > strings.Count(l, ",") {
		return ';'
	}
	return ','
}

func splitCSVHeader(l string, delim rune) map[string]bool {
	r := csv.NewReader(strings.NewReader(l))
	r.Comma = delim
	r.LazyQuotes = true
	f, err := r.Read()
	out := map[string]bool{}
	if err != nil {
		return out
	}
	for _, c := range f {
		out[strings.ToLower(strings.TrimSpace(c))] = true
	}
	return out
}

// maxProps bounds the properties kept per object.
const maxProps = 256

// Parse streams one record per server: Host is its Name, Line the line
// where the object starts, Fields its properties (names in lower case),
// Message the properties as "Name: value" lines.
func (Parser) Parse(ctx context.Context, in parsers.Input, sink parsers.Sink) error {
	head, _ := parsers.ReadHead(in)
	text := textio.DecodeHead(head)
	headLines := strings.SplitN(text, "\n", 3)
	first := strings.TrimSpace(headLines[0])
	header := first
	if strings.HasPrefix(first, "#TYPE") && len(headLines) > 1 {
		header = strings.TrimSpace(headLines[1])
	}
	if strings.HasPrefix(first, "#TYPE") || (strings.ContainsAny(first, ",;") && strings.Contains(strings.ToLower(first), "admindisplayversion")) {
		return parseCSV(ctx, in, sink, headerDelim(header))
	}
	lines := textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))
	var cur *parsers.Record
	var last string
	n := 0
	flush := func() bool {
		if cur == nil {
			return true
		}
		r := cur
		cur, last = nil, ""
		finish(r)
		n++
		return sink.Record(r)
	}
	for lines.Next() {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		l := lines.Text()
		if strings.TrimSpace(l) == "" {
			if !flush() {
				return nil
			}
			continue
		}
		if m := listLine.FindStringSubmatch(l); m != nil {
			if cur == nil {
				cur = &parsers.Record{Path: in.Path, Format: parsers.FormatExServer, Line: lines.Number(), Offset: -1, TimeQ: parsers.TimeNone, Fields: map[string]string{}}
			}
			key := strings.ToLower(m[1])
			if _, dup := cur.Fields[key]; dup && key == "name" {
				// A new object without a blank line between.
				if !flush() {
					return nil
				}
				cur = &parsers.Record{Path: in.Path, Format: parsers.FormatExServer, Line: lines.Number(), Offset: -1, TimeQ: parsers.TimeNone, Fields: map[string]string{}}
			}
			if len(cur.Fields) < maxProps {
				cur.Fields[key] = strings.TrimSpace(m[2])
				last = key
			}
			continue
		}
		if cur != nil && last != "" && (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) {
			// Format-List wraps long values onto indented lines.
			cur.Fields[last] += " " + strings.TrimSpace(l)
			continue
		}
		sink.Warn(parsers.Warning{Path: in.Path, Offset: -1, Line: lines.Number(), Msg: "not a \"Property : value\" line; skipped"})
	}
	if err := lines.Err(); err != nil {
		sink.Warn(parsers.Warning{Path: in.Path, Offset: -1, Line: lines.Number(), Msg: "read error: " + err.Error()})
	}
	flush()
	if n == 0 {
		return parsers.Fail(parsers.FormatExServer, in.Path, "no server object found")
	}
	return nil
}

func parseCSV(ctx context.Context, in parsers.Input, sink parsers.Sink, delim rune) error {
	lines := textio.NewLines(io.NewSectionReader(in.R, 0, in.Size))
	pr, pw := io.Pipe()
	go func() {
		var err error
		for lines.Next() {
			if _, err = io.WriteString(pw, lines.Text()+"\n"); err != nil {
				break
			}
		}
		pw.CloseWithError(err)
	}()
	defer pr.Close()
	r := csv.NewReader(pr)
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var header []string
	n := 0
	for {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			sink.Warn(parsers.Warning{Path: in.Path, Offset: -1, Line: line, Msg: "bad CSV: " + err.Error()})
			continue
		}
		if len(rec) > 0 && strings.HasPrefix(rec[0], "#TYPE") {
			continue
		}
		if header == nil {
			for _, h := range rec {
				header = append(header, strings.ToLower(strings.TrimSpace(h)))
			}
			continue
		}
		out := &parsers.Record{Path: in.Path, Format: parsers.FormatExServer, Line: line, Offset: -1, TimeQ: parsers.TimeNone, Fields: map[string]string{}}
		for i, v := range rec {
			if i < len(header) && i < maxProps && header[i] != "" {
				out.Fields[header[i]] = v
			}
		}
		finish(out)
		n++
		if !sink.Record(out) {
			return nil
		}
	}
	if n == 0 {
		return parsers.Fail(parsers.FormatExServer, in.Path, "CSV without server rows")
	}
	return nil
}

// finish sets Host and Message from the properties.
func finish(r *parsers.Record) {
	r.Host = r.Fields["name"]
	var b strings.Builder
	for _, k := range []string{"name", "admindisplayversion", "isfrontendserver", "serverrole", "fqdn", "site", "edition"} {
		if v, ok := r.Fields[k]; ok {
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(k + ": " + v)
		}
	}
	r.Message = b.String()
}
