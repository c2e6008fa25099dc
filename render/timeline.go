package render

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
	"github.com/skewer-dev/skewer/aggregate"
)

// windowsCSVHeader names the columns of WindowsCSV after the JSON fields.
var windowsCSVHeader = []string{
	"window_start", "window_end", "key", "requests", "request_seconds", "cpu_seconds",
	"share", "window_gini", "window_top1_share",
}

// WindowsCSV writes the windows in tidy form: a header, then one row per
// window and worker present in any of that window's maps, windows in time
// order and workers by key (numerically when keys are numbers). Times are
// RFC 3339 UTC and numbers plain decimals, so a spreadsheet or pandas reads
// it as it is. Unknown values are empty cells: request_seconds without
// request times in the logs, cpu_seconds without snapshots, and share (the
// worker's share of the window's requests) when the window had none. A
// window with no worker alive still gets one row, with an empty key and
// empty counts, so that it shows as a gap rather than vanishing;
// window_gini and window_top1_share repeat the window's skew on each of its
// rows (0 when the window had no requests).
func WindowsCSV(w io.Writer, rep *aggregate.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(windowsCSVHeader); err != nil {
		return err
	}
	for _, win := range rep.Windows {
		total := win.RequestTotal()
		gini := win.Skew.Gini
		top1 := win.Skew.TopShare["1"]
		tail := []string{csvFloat(&gini), csvFloat(&top1)}
		req, secs, cpu := win.Counts()
		keys := tlWindowKeys(req, secs, cpu)
		if len(keys) == 0 {
			row := append([]string{win.Start.String(), win.End.String(), "", "", "", "", ""}, tail...)
			if err := cw.Write(row); err != nil {
				return err
			}
			continue
		}
		for _, k := range keys {
			row := []string{win.Start.String(), win.End.String(), csvText(k), "", "", "", ""}
			if n, ok := req[k]; ok {
				row[3] = strconv.FormatInt(n, 10)
				if total > 0 {
					share := float64(n) / float64(total)
					row[6] = csvFloat(&share)
				}
			}
			if s, ok := secs[k]; ok {
				row[4] = csvFloat(&s)
			}
			if s, ok := cpu[k]; ok {
				row[5] = csvFloat(&s)
			}
			if err := cw.Write(append(row, tail...)); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// tlWindowKeys is every worker key of the window's maps, in report order.
func tlWindowKeys(req map[string]int64, secs, cpu map[string]float64) []string {
	seen := map[string]bool{}
	var keys []string
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for k := range req {
		add(k)
	}
	for k := range secs {
		add(k)
	}
	for k := range cpu {
		add(k)
	}
	sort.Slice(keys, func(i, j int) bool { return aggregate.KeyLess(keys[i], keys[j]) })
	return keys
}

// noChange is the line DominanceTable writes when the lead never changed.
const noChange = "no change of the busiest worker"

// DominanceTable writes rep.Dominance for a terminal, one part per host
// with several hosts (see
// aggregate.Dominance for when a worker leads and what counts as a
// change): one table row per change of the lead (when, from → to, From's
// share in the old lead's last window and To's, or the pair's, in the
// first window of the new lead, and the kind of change), a legend of the
// rules, then a table of the longest stretch each worker was on top alone.
// When nothing changed it writes one line instead, naming the worker on
// top longest if there was one. Times drop the date when every window lies
// in one UTC day; the title names the day. A report without windows
// (Dominance nil) writes nothing. color allows bold titles.
func DominanceTable(w io.Writer, rep *aggregate.Report, color bool) error {
	d := rep.Dominance
	if d == nil {
		return nil
	}
	ew := &errWriter{w: w}
	groups := tlHostGroups(rep)
	for i, g := range groups {
		if i > 0 {
			ew.printf("\n")
		}
		if err := dominanceTable(ew, rep, g, color); err != nil {
			return err
		}
	}
	return ew.err
}

// tlHostGroup is the part of a dominance of one host ("" with one host).
type tlHostGroup struct {
	host string
	d    *aggregate.Dominance
}

// tlHostGroups splits rep's dominance by host: every host of the windows'
// host_skew in that order (a host where nobody led gets its line too), then
// any other host in the order its changes and stretches name it; one group
// with no host when there is one host.
func tlHostGroups(rep *aggregate.Report) []tlHostGroup {
	d := rep.Dominance
	var out []tlHostGroup
	at := map[string]int{}
	group := func(h *string) *aggregate.Dominance {
		host := ""
		if h != nil {
			host = *h
		}
		i, ok := at[host]
		if !ok {
			i = len(out)
			at[host] = i
			out = append(out, tlHostGroup{host: host, d: &aggregate.Dominance{Changes: []aggregate.Takeover{}, Longest: []aggregate.Stretch{}}})
		}
		return out[i].d
	}
	if len(rep.Windows) > 0 {
		for _, hs := range rep.Windows[0].HostSkew {
			group(&hs.Host)
		}
	}
	for _, c := range d.Changes {
		g := group(c.Host)
		g.Changes = append(g.Changes, c)
	}
	for _, s := range d.Longest {
		g := group(s.Host)
		g.Longest = append(g.Longest, s)
	}
	if len(out) == 0 {
		out = append(out, tlHostGroup{d: d})
	}
	return out
}

// dominanceTable writes one host's part of DominanceTable, its title naming
// the host when there is one.
func dominanceTable(ew *errWriter, rep *aggregate.Report, g tlHostGroup, color bool) error {
	d := g.d
	at := tlClock(rep)
	prefix := ""
	if g.host != "" {
		prefix = "on " + g.host + ", "
	}
	if len(d.Changes) == 0 {
		ew.printf("%s\n", Clean(prefix+tlNoChange(d)))
		return ew.err
	}
	title := prefix + "busiest worker"
	if day := tlDay(rep); day != "" {
		title += " on " + day
	}
	ew.printf("%s\n", tlBold(fmt.Sprintf("%s: %s", Clean(title), Plural(int64(len(d.Changes)), "change")), color))
	t := tlTable(ew, []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignRight, tw.AlignRight, tw.AlignLeft})
	t.Header([]string{"at", "from → to", "before", "after", "kind"})
	for _, c := range d.Changes {
		if err := t.Append(tlChangeRow(c, at, Clean)); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	ew.printf("%s\n", tlRules())
	ew.printf("\n%s\n", tlBold("longest stretch on top:", color))
	t = tlTable(ew, []tw.Align{tw.AlignLeft, tw.AlignLeft, tw.AlignLeft, tw.AlignRight})
	t.Header([]string{"worker", "from", "to", "windows"})
	for _, s := range d.Longest {
		row := []string{Clean(s.Key), at(s.Start), at(s.End), strconv.Itoa(s.Windows)}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return err
	}
	return ew.err
}

// tlChangeRow is a change as the cells at, from → to, before, after and
// kind, keys passed through clean. A pair is "to+with" with both shares.
func tlChangeRow(c aggregate.Takeover, at func(aggregate.Stamp) string, clean func(string) string) []string {
	to, after := clean(c.To), percent(c.ToShare)
	if c.With != nil {
		to += "+" + clean(*c.With)
		if c.WithShare != nil {
			after += "+" + percent(*c.WithShare)
		}
	}
	return []string{at(c.At), clean(c.From) + " → " + to, percent(c.FromShare), after, clean(tlKind(c))}
}

// tlKind says the kind of a change in a few words: "takeover", "pair",
// "after 40s idle", "exit: max_requests".
func tlKind(c aggregate.Takeover) string {
	switch c.Kind {
	case aggregate.ChangeAfterIdle:
		if c.IdleSeconds != nil {
			return "after " + tlSize(*c.IdleSeconds) + " idle"
		}
		return "after idle"
	case aggregate.ChangeAfterExit:
		if c.ExitReason != nil {
			return "exit: " + *c.ExitReason
		}
		return "exit"
	}
	return string(c.Kind)
}

// tlRules is the legend under the changes: what leads and what changes.
func tlRules() string {
	return fmt.Sprintf("on top: %s times the next worker; pair: two with %.0f%% together, neither\n"+
		"on top; a change counts once the new lead holds %d windows with traffic",
		tlLead(), aggregate.PairShare*100, aggregate.HoldWindows)
}

// tlNoChange is the one line for a dominance without changes.
func tlNoChange(d *aggregate.Dominance) string {
	if len(d.Longest) == 0 {
		return fmt.Sprintf("%s: no window had a worker clearly on top (%s times the next)", noChange, tlLead())
	}
	s := d.Longest[0]
	if len(d.Longest) == 1 {
		return fmt.Sprintf("%s: only %s was ever on top (longest run %s)", noChange, s.Key, Plural(int64(s.Windows), "window"))
	}
	return fmt.Sprintf("%s: no other worker held the lead %d windows (longest on top: %s, %s)", noChange,
		aggregate.HoldWindows, s.Key, Plural(int64(s.Windows), "window"))
}

// tlDay is the UTC day of every window, "" when they span more than one.
func tlDay(rep *aggregate.Report) string {
	if len(rep.Windows) == 0 {
		return ""
	}
	first := rep.Windows[0].Start.Time().Format(time.DateOnly)
	last := rep.Windows[len(rep.Windows)-1].Start.Time().Format(time.DateOnly)
	if first != last {
		return ""
	}
	return first
}

// tlClock formats window times for the dominance tables: as Stamp.Short,
// without the date when tlDay names it.
func tlClock(rep *aggregate.Report) func(aggregate.Stamp) string {
	secs, day := tlSeconds(rep), tlDay(rep) != ""
	return func(s aggregate.Stamp) string {
		out := s.Short(secs)
		if day && s.Time().Format(time.DateOnly) == rep.Windows[0].Start.Time().Format(time.DateOnly) {
			out = out[len(time.DateOnly)+1:]
		}
		return out
	}
}

// tlLead is aggregate.ClearLead as a plain number.
func tlLead() string { return strconv.FormatFloat(aggregate.ClearLead, 'f', -1, 64) }

// tlTable is a borderless table in the style of the worker table.
func tlTable(w io.Writer, align []tw.Align) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Symbols: tw.NewSymbols(tw.StyleASCII),
			Settings: tw.Settings{
				Separators: tw.Separators{ShowHeader: tw.On, BetweenColumns: tw.Off},
				Lines:      tw.Lines{ShowHeaderLine: tw.On},
			},
		})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithEastAsian(tw.Off),
		tablewriter.WithHeaderAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: align}),
		tablewriter.WithTrimSpace(tw.Off),
	)
}

func tlBold(s string, color bool) string {
	if !color {
		return s
	}
	return "\x1b[1m" + s + "\x1b[0m"
}

// tlSeconds reports whether window times need seconds: windows shorter
// than a minute, or not a whole number of minutes.
func tlSeconds(rep *aggregate.Report) bool {
	return rep.WindowSeconds != nil && math.Mod(*rep.WindowSeconds, 60) != 0
}

// tlSize writes a window size in its largest whole unit: 1d, 3h, 10m, 30s.
func tlSize(secs float64) string {
	for _, u := range []struct {
		secs float64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if secs >= u.secs && math.Mod(secs, u.secs) == 0 {
			return strconv.FormatFloat(secs/u.secs, 'f', -1, 64) + u.unit
		}
	}
	return strconv.FormatFloat(secs, 'f', -1, 64) + "s"
}

// TimelineMarkdown writes the windows as a markdown document: a heading, a
// caption with the window size and span, a table with one row per window
// and one column per top worker (by requests over the run, as in the report;
// top <= 0 shows every worker) plus "others", the window's total, Gini and
// top-1 share, then the dominance tables and sentences. A cell is "-" when
// the worker was not alive in the window. Without windows it writes the
// heading and one line saying so.
func TimelineMarkdown(w io.Writer, rep *aggregate.Report, top int) error {
	ew := &errWriter{w: w}
	ew.printf("# skewer timeline\n\n")
	ew.printf("%s\n", tlCaption(rep, top))
	if len(rep.Windows) == 0 {
		return ew.err
	}
	ew.printf("\n")
	tlMarkdownWindows(ew, rep, top)
	if rep.Dominance != nil {
		ew.printf("\n## Busiest worker\n\n")
		tlMarkdownDominance(ew, rep)
	}
	return ew.err
}

// tlCaption names the window size, the windows' span and what the columns
// are.
func tlCaption(rep *aggregate.Report, top int) string {
	if len(rep.Windows) == 0 {
		return "No windows: no line with a time was accounted."
	}
	var b strings.Builder
	first, last := rep.Windows[0], rep.Windows[len(rep.Windows)-1]
	b.WriteString(Plural(int64(len(rep.Windows)), "window"))
	if rep.WindowSeconds != nil {
		b.WriteString(" of " + tlSize(*rep.WindowSeconds))
	}
	fmt.Fprintf(&b, " from %s to %s", first.Start, last.End)
	_, _, folded := rep.Fold(top)
	if folded > 0 {
		fmt.Fprintf(&b, "; requests of the top %d workers, the other %d summed in others", len(rep.Workers)-folded, folded)
	} else {
		b.WriteString("; requests per worker")
	}
	b.WriteString(". A dash: the worker was not alive in the window.")
	return mdText(b.String())
}

func tlMarkdownWindows(ew *errWriter, rep *aggregate.Report, top int) {
	shown, _, folded := rep.Fold(top)
	isShown := make(map[string]bool, len(shown))
	head := []string{"window"}
	for _, wk := range shown {
		isShown[wk.Key] = true
		head = append(head, wk.Key)
	}
	if folded > 0 {
		head = append(head, "others")
	}
	head = append(head, "total", "gini", "top 1")
	mdRow(ew, head)
	ew.printf("| :---%s |\n", strings.Repeat(" | ---:", len(head)-1))
	secs := tlSeconds(rep)
	for _, win := range rep.Windows {
		cells := []string{win.Start.Short(secs)}
		req, _, _ := win.Counts()
		for _, wk := range shown {
			cells = append(cells, tlCount(req, wk.Key))
		}
		total, others := win.RequestTotal(), int64(0)
		anyOther := false
		for k, n := range req {
			if !isShown[k] {
				others += n
				anyOther = true
			}
		}
		if folded > 0 {
			if anyOther {
				cells = append(cells, strconv.FormatInt(others, 10))
			} else {
				cells = append(cells, "-")
			}
		}
		cells = append(cells, strconv.FormatInt(total, 10),
			fmt.Sprintf("%.3f", win.Skew.Gini), percent(win.Skew.TopShare["1"]))
		mdRow(ew, cells)
	}
}

func tlCount(m map[string]int64, k string) string {
	n, ok := m[k]
	if !ok {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

func tlMarkdownDominance(ew *errWriter, rep *aggregate.Report) {
	for i, g := range tlHostGroups(rep) {
		if i > 0 {
			ew.printf("\n")
		}
		if g.host != "" {
			ew.printf("### %s\n\n", mdText(g.host))
		}
		tlMarkdownHostDominance(ew, rep, g.d)
	}
}

func tlMarkdownHostDominance(ew *errWriter, rep *aggregate.Report, d *aggregate.Dominance) {
	if len(d.Changes) == 0 {
		ew.printf("%s.\n", mdText(tlCapital(tlNoChange(d))))
		return
	}
	at := func(s aggregate.Stamp) string { return s.Short(tlSeconds(rep)) }
	ew.printf("%s.\n\n", mdText(tlCapital(strings.ReplaceAll(tlRules(), "\n", " "))))
	mdRow(ew, []string{"at", "from → to", "share before", "share after", "kind"})
	ew.printf("| :--- | :--- | ---: | ---: | :--- |\n")
	for _, c := range d.Changes {
		mdRow(ew, tlChangeRow(c, at, func(s string) string { return s }))
	}
	ew.printf("\nLongest stretch on top:\n\n")
	mdRow(ew, []string{"worker", "from", "to", "windows"})
	ew.printf("| :--- | :--- | :--- | ---: |\n")
	for _, s := range d.Longest {
		mdRow(ew, []string{s.Key, at(s.Start), at(s.End), strconv.Itoa(s.Windows)})
	}
}

func tlCapital(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
