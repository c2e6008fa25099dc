package render

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// csvHeader names the columns of CSV output after the JSON worker fields.
var csvHeader = []string{
	"key", "pid", "requests", "share", "request_seconds", "mean_concurrency", "peak_concurrency",
	"p50_seconds", "p95_seconds", "p99_seconds",
	"status_2xx", "status_3xx", "status_4xx", "status_5xx", "status_other",
	"first_seen", "last_seen",
}

// CSV writes a header and one row per worker. It is a data format, so every
// worker gets a row whatever opt.Top says; unknown values are empty cells.
// Idle --workers slots have no key and get no row, and warnings are not
// written: the caller prints Footnotes to stderr.
func CSV(w io.Writer, rep *aggregate.Report, _ Options) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, wk := range rep.Workers {
		if err := cw.Write(csvRow(wk)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func csvRow(w aggregate.Worker) []string {
	return []string{
		csvText(w.Key),
		csvInt(w.PID),
		strconv.FormatInt(w.Requests, 10),
		csvFloat(&w.Share),
		csvFloat(w.RequestSeconds),
		csvFloat(w.MeanConcurrency),
		csvIntP(w.PeakConcurrency),
		csvFloat(w.P50Seconds),
		csvFloat(w.P95Seconds),
		csvFloat(w.P99Seconds),
		strconv.FormatInt(w.Status.Class2xx, 10),
		strconv.FormatInt(w.Status.Class3xx, 10),
		strconv.FormatInt(w.Status.Class4xx, 10),
		strconv.FormatInt(w.Status.Class5xx, 10),
		strconv.FormatInt(w.Status.Other, 10),
		w.FirstSeen.String(),
		w.LastSeen.String(),
	}
}

// csvText is a cell of text from the logs: cleaned, and with a leading '
// when a spreadsheet would read it as a formula (=, +, -, @, or a tab or
// carriage return before one; OWASP's advice on CSV injection), or as a
// CI workflow command ("::"). Only text columns pass through here: numeric
// columns stay numbers.
func csvText(s string) string {
	c := Clean(s)
	if startsFormula(s) || startsFormula(c) || strings.HasPrefix(strings.TrimLeft(c, " "), "::") {
		return "'" + c
	}
	return c
}

func startsFormula(s string) bool {
	return s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0
}

// csvFloat writes the shortest decimal that reads back as the same float64:
// no precision lost, and the same bytes on every platform.
func csvFloat(v *float64) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func csvInt(v *int64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatInt(*v, 10)
}

func csvIntP(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}
