package report

import (
	"encoding/json"
	"io"
)

type jsonWriter struct{}

func init() {
	register(jsonWriter{})
	register(jsonlWriter{})
}

// Name returns "json".
func (jsonWriter) Name() string { return "json" }

// Write writes the report as one indented JSON document.
func (jsonWriter) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

type jsonlWriter struct{}

// Name returns "jsonl".
func (jsonlWriter) Name() string { return "jsonl" }

// Write writes one finding per line.
func (jsonlWriter) Write(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	for i := range r.Findings {
		if err := enc.Encode(&r.Findings[i]); err != nil {
			return err
		}
	}
	return nil
}
