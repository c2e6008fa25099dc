package render

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/skewer-dev/skewer/aggregate"
)

// hostHead are the columns of the per-host lines: the host, its typical
// window in words, that window's median Gini, what chance alone gives
// there, the median top-1 share, the typical window's live workers, the
// counted windows of all, and the Gini of requests per alive-second.
var hostHead = []string{"host", "load", "gini", "chance", "top1", "live", "counted", "per alive-s"}

// hostIntro is the line above the per-host lines, for a window size.
func hostIntro(ws *aggregate.WindowSkew) string {
	return fmt.Sprintf("per host: a typical %s window (medians); gini per alive-second over the span", windowSize(ws.WindowSeconds))
}

// hostRows are the cells of the per-host lines, one row per host; none
// with one host or when no host has a window skew. The kernel balances the
// workers of each host apart, so each host's typical window is its own.
func hostRows(rep *aggregate.Report) [][]string {
	if len(rep.HostSkew) < 2 || rep.WindowSkew == nil {
		return nil
	}
	var rows [][]string
	for _, h := range rep.HostSkew {
		row := []string{h.Host, "-", "-", "-", "-", "-", "-", "-"}
		if ws := h.WindowSkew; ws != nil {
			row[6] = fmt.Sprintf("%d/%d", ws.Counted, ws.Windows)
			if ws.Counted > 0 && ws.MedianGini != nil && ws.TypicalLiveWorkers != nil {
				row[1] = strings.TrimSuffix(typicalWords(ws), " on few workers")
				row[2] = fmt.Sprintf("%.3f", *ws.MedianGini)
				row[3] = fixed(ws.NoiseGini, 3)
				row[4] = percent(*ws.MedianTop1Share)
				row[5] = strconv.Itoa(*ws.TypicalLiveWorkers)
			}
		}
		if h.RateSkew != nil {
			row[7] = fmt.Sprintf("%.3f", h.RateSkew.Gini)
		}
		rows = append(rows, row)
	}
	return rows
}

// hostLines are the per-host lines of table output: an intro, a header
// and one line per host, the host and words left-aligned and the figures
// right-aligned; none with one host.
func hostLines(rep *aggregate.Report) []string {
	rows := hostRows(rep)
	if rows == nil {
		return nil
	}
	for _, r := range rows {
		r[0] = Clean(r[0])
	}
	all := append([][]string{hostHead}, rows...)
	width := make([]int, len(hostHead))
	for _, r := range all {
		for i, c := range r {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	out := []string{hostIntro(rep.WindowSkew)}
	for _, r := range all {
		var b strings.Builder
		for i, c := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(c)))
			if i < 2 {
				b.WriteString("  " + c + pad)
			} else {
				b.WriteString("  " + pad + c)
			}
		}
		out = append(out, strings.TrimRight(b.String(), " "))
	}
	return out
}
