package render

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// lifetimes draws each worker's alive interval as a bar, in order of
// birth, with the stretches it led the load (was on top alone) marked; at
// most svgMaxRows workers, the busiest. ax is the windows' axis, nil when
// the run has none (snapshots only): the bars span the alive intervals.
func lifetimes(rep *aggregate.Report, ax *timeAxis) (svgChart, bool) {
	var ws []aggregate.Worker
	for _, w := range rep.Workers {
		if !w.AliveFrom.IsZero() && !w.AliveTo.IsZero() {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return svgChart{}, false
	}
	left := len(ws) - svgMaxRows
	ws = ws[:min(len(ws), svgMaxRows)] // rows are sorted busiest first
	slices.SortStableFunc(ws, func(a, b aggregate.Worker) int {
		if c := a.AliveFrom.Time().Compare(b.AliveFrom.Time()); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	from, to := ws[0].AliveFrom.Time(), ws[0].AliveTo.Time()
	if ax != nil {
		from, to = ax.start, ax.start.Add(time.Duration(len(rep.Windows))*ax.step)
	}
	for _, w := range ws {
		if t := w.AliveFrom.Time(); t.Before(from) {
			from = t
		}
		if t := w.AliveTo.Time(); t.After(to) {
			to = t
		}
	}
	from, to = from.UTC(), to.UTC()
	layout, prec := lifetimeLabels(ax, from, to)
	span := to.Sub(from).Seconds()
	if span <= 0 {
		span = 1
	}
	plotW := float64(svgWidth - svgLabelWidth - svgRight)
	x := func(t time.Time) float64 { return svgLabelWidth + plotW*t.Sub(from).Seconds()/span }
	height := svgTop + len(ws)*svgRowHeight + svgBottom
	s := svgChart{Kind: "lifetimes", Width: svgWidth, Height: height, Heading: "Worker lifetimes"}
	led := map[string][]aggregate.Stretch{}
	if rep.Dominance != nil {
		for _, st := range rep.Dominance.Stretches {
			led[st.Key] = append(led[st.Key], st)
		}
	}
	nLed := 0
	for i, w := range ws {
		y := float64(svgTop + i*svgRowHeight)
		label := Clean(w.Key)
		if r := []rune(label); len(r) > svgLabelMax {
			label = string(r[:svgLabelMax-1]) + "…"
		}
		s.Texts = append(s.Texts, svgText{num(svgLabelWidth - 6), num(y + 11), "end", "label", label})
		x0, x1 := x(w.AliveFrom.Time()), x(w.AliveTo.Time())
		tip := fmt.Sprintf("worker %s: alive %s to %s", Clean(w.Key), w.AliveFrom, w.AliveTo)
		if w.AliveSource != nil {
			tip += " (" + Clean(*w.AliveSource) + ")"
		}
		if w.ExitReason != nil {
			tip += ", exited: " + Clean(*w.ExitReason)
		}
		tip += fmt.Sprintf(", %d requests", w.Requests)
		s.Rects = append(s.Rects, svgRect{num(x0), num(y + 2), num(max(x1-x0, 1)), num(svgRowHeight - 4), "alive", tip})
		for _, st := range led[w.Key] {
			a, b := x(st.Start.Time()), x(st.End.Time())
			s.Rects = append(s.Rects, svgRect{num(a), num(y + 5), num(max(b-a, 1)), num(svgRowHeight - 10), "led",
				fmt.Sprintf("worker %s led %d windows from %s to %s", Clean(w.Key), st.Windows, st.Start, st.End)})
			nLed++
		}
	}
	bottom := float64(svgTop + len(ws)*svgRowHeight)
	s.Lines = append(s.Lines, svgLine{num(svgLabelWidth), num(bottom), num(svgLabelWidth + plotW), num(bottom), "axis"})
	labelW := svgCharWidth * float64(len(layout))
	for _, t := range roundTicks(from, to, prec, min(svgXTicks, max(int(plotW/(labelW+16)), 2))) {
		s.Lines = append(s.Lines, svgLine{num(x(t)), num(bottom), num(x(t)), num(bottom + 4), "axis"})
		anchor := "middle"
		if x(t)+labelW/2 > svgWidth {
			anchor = "end"
		}
		s.Texts = append(s.Texts, svgText{num(x(t)), num(bottom + 18), anchor, "label", t.Format(layout)})
	}
	s.Legend = []svgLegend{{"alive", "alive"}}
	if ax != nil {
		s.Legend = append(s.Legend, svgLegend{"on top of the load (busiest alone)", "led"})
	}
	s.Title = "Worker lifetimes"
	s.Desc = fmt.Sprintf("When each of %d workers was alive, from %s to %s UTC, in order of start",
		len(ws), from.Format("2006-01-02 15:04:05"), to.Format("2006-01-02 15:04:05"))
	if ax != nil {
		s.Desc += fmt.Sprintf("; marked: %d stretches of windows in which the worker was the busiest alone.", nLed)
	} else {
		s.Desc += "; the run has no windows, so no stretch of load is marked."
	}
	if left > 0 {
		s.Note = fmt.Sprintf("%d less busy workers are not drawn.", left)
		s.Desc += " " + s.Note
	}
	return s, true
}

// tickSteps are the round steps between the lifetime chart's labels.
var tickSteps = []time.Duration{time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second,
	30 * time.Second, time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute,
	30 * time.Minute, time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour,
	2 * 24 * time.Hour, 7 * 24 * time.Hour}

// roundTicks are the multiples of the smallest round step of at least prec
// that puts at most n of them in [from, to] (multiples since 0001-01-01
// UTC, as Truncate counts: days start at midnight, weeks on Monday); from
// alone when none falls in it.
func roundTicks(from, to time.Time, prec time.Duration, n int) []time.Time {
	in := func(step time.Duration) []time.Time {
		var out []time.Time
		t := from.Truncate(step)
		if t.Before(from) {
			t = t.Add(step)
		}
		for ; !t.After(to) && len(out) <= n; t = t.Add(step) {
			out = append(out, t)
		}
		return out
	}
	steps := slices.Clone(tickSteps)
	for last := steps[len(steps)-1]; to.Sub(from)/last >= time.Duration(n); { // past weeks
		last *= 2
		steps = append(steps, last)
	}
	for _, st := range steps {
		if ts := in(st); st >= prec && len(ts) <= n {
			if len(ts) == 0 {
				return []time.Time{from}
			}
			return ts
		}
	}
	return []time.Time{from}
}

// lifetimeLabels is how the lifetime chart writes its times: as the
// windows' axis does, else to the minute (the second under ten minutes),
// with the date when the span crosses midnight.
func lifetimeLabels(ax *timeAxis, from, to time.Time) (layout string, prec time.Duration) {
	if ax != nil {
		return ax.layout, ax.prec
	}
	layout, prec = "15:04", time.Minute
	if to.Sub(from) < 10*time.Minute {
		layout, prec = "15:04:05", time.Second
	}
	if !sameDate(from, to) {
		layout = "01-02 " + layout
	}
	return layout, prec
}

// shares draws each shown worker's share of requests, and its CPU share
// and peak RSS when snapshots gave them, as bars; the folded workers are
// one "others" row.
func shares(rep *aggregate.Report, top int) (svgChart, bool) {
	shown, others, folded := rep.Fold(top)
	type row struct {
		name string
		w    aggregate.Worker
	}
	var rows []row
	for _, w := range shown {
		rows = append(rows, row{Clean(w.Key), w})
	}
	if others != nil {
		rows = append(rows, row{fmt.Sprintf("others (%d)", folded), *others})
	}
	if len(rows) == 0 {
		return svgChart{}, false
	}
	cols := shareColumns(rep)
	if len(cols) == 0 {
		return svgChart{}, false
	}
	colW := float64(svgWidth-svgLabelWidth-svgRight) / float64(len(cols))
	barMax := colW - 70
	height := svgTop + 16 + len(rows)*svgRowHeight + 8
	s := svgChart{Kind: "shares", Width: svgWidth, Height: height, Heading: "Share per worker"}
	var heads []string
	for c, col := range cols {
		x0 := svgLabelWidth + colW*float64(c)
		s.Texts = append(s.Texts, svgText{num(x0), num(svgTop + 4), "start", "head", col.head})
		heads = append(heads, col.head)
		top := 0.0
		for _, r := range rows {
			if v, ok := col.value(r.w); ok {
				top = max(top, v)
			}
		}
		for i, r := range rows {
			y := float64(svgTop + 16 + i*svgRowHeight)
			v, ok := col.value(r.w)
			if !ok {
				s.Texts = append(s.Texts, svgText{num(x0), num(y + 11), "start", "label", "-"})
				continue
			}
			w := 0.0
			if top > 0 {
				w = barMax * v / top
			}
			class := "bar"
			if others != nil && i == len(rows)-1 {
				class = "bar others"
			}
			s.Rects = append(s.Rects, svgRect{num(x0), num(y + 2), num(max(w, 0.5)), num(svgRowHeight - 4), class,
				fmt.Sprintf("%s %s: %s", r.name, col.head, col.text(v))})
			s.Texts = append(s.Texts, svgText{num(x0 + w + 4), num(y + 11), "start", "label", col.text(v)})
		}
	}
	for i, r := range rows {
		label := r.name
		if rs := []rune(label); len(rs) > svgLabelMax {
			label = string(rs[:svgLabelMax-1]) + "…"
		}
		s.Texts = append(s.Texts, svgText{num(svgLabelWidth - 6), num(float64(svgTop+16+i*svgRowHeight) + 11), "end", "label", label})
	}
	s.Title = "Share per worker"
	s.Desc = fmt.Sprintf("Bars of %s per worker for the %d busiest workers", strings.Join(heads, ", "), len(shown))
	if others != nil {
		s.Desc += fmt.Sprintf(" and the other %d together", folded)
	}
	s.Desc += "."
	return s, true
}

// shareColumn is one column of bars of the share chart: its heading, a
// worker's value (false when unknown) and how the value is written.
type shareColumn struct {
	head  string
	value func(aggregate.Worker) (float64, bool)
	text  func(float64) string
}

// shareColumns are the share chart's columns: requests with access logs,
// CPU share and peak RSS with snapshots.
func shareColumns(rep *aggregate.Report) []shareColumn {
	ptr := func(p *float64) (float64, bool) {
		if p == nil {
			return 0, false
		}
		return *p, true
	}
	var cols []shareColumn
	if rep.Attributed > 0 {
		cols = append(cols, shareColumn{"requests", func(w aggregate.Worker) (float64, bool) { return w.Share, true }, percent})
	}
	if rep.CPUKnown {
		cols = append(cols, shareColumn{"CPU", func(w aggregate.Worker) (float64, bool) { return ptr(w.CPUShare) }, percent})
	}
	if anyWorker(rep, func(w aggregate.Worker) bool { return w.RSSPeakBytes != nil }) {
		cols = append(cols, shareColumn{"peak RSS", func(w aggregate.Worker) (float64, bool) {
			if w.RSSPeakBytes == nil {
				return 0, false
			}
			return float64(*w.RSSPeakBytes) / (1 << 20), true
		}, func(v float64) string { return fmt.Sprintf("%.1f MiB", v) }})
	}
	return cols
}
