package render

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/skewer-dev/skewer/aggregate"
)

// yAxis returns the top of the Y axis, its rows and how a row is labelled.
func (c chart) yAxis(top float64) (upper float64, rows int, label func(float64) string) {
	upper, rows = c.upper, c.rows
	if upper == 0 {
		upper, rows = niceScale(top, chartMaxRows, c.integer)
	}
	step := upper / float64(rows)
	decimals := stepDecimals(step)
	return upper, rows, func(v float64) string {
		// Snapped to the row's step, as asciigraph's arithmetic can give
		// -0.000; two columns at least, as asciigraph leaves no gap before
		// the axis after a one-character label.
		return fmt.Sprintf("%2.*f", decimals, math.Abs(math.Round(v/step)*step))
	}
}

// niceScale picks the top of the Y axis and the number of rows so that
// each row is a round step (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power
// of ten) and there are at most maxRows; counts get whole steps.
func niceScale(top float64, maxRows int, integer bool) (upper float64, rows int) {
	if top <= 0 {
		return 1, 1
	}
	for exp := -6; exp < 20; exp++ {
		for _, m := range []float64{1, 1.5, 2, 2.5, 3, 4, 5, 6, 8} {
			// Dividing by a power of ten keeps 0.35 exact where
			// multiplying by 0.01 would not.
			scaled := func(x float64) float64 {
				if exp < 0 {
					return x / math.Pow10(-exp)
				}
				return x * math.Pow10(exp)
			}
			step := scaled(m)
			if integer && step != math.Round(step) {
				continue
			}
			if r := int(math.Ceil(top/step - 1e-9)); r <= maxRows {
				return scaled(float64(r) * m), max(r, 1)
			}
		}
	}
	return top, maxRows
}

// stepDecimals is how many decimals show a Y step exactly.
func stepDecimals(step float64) int {
	for d := 0; d < 6; d++ {
		p := step * math.Pow10(d)
		if math.Abs(p-math.Round(p)) < 1e-6 {
			return d
		}
	}
	return 6
}

// tickCount picks how many X labels to draw. asciigraph spaces them evenly
// from the first point to the last, so the count decides which times they
// fall on: preferably window starts, else whole multiples of a round unit
// (6h, 1h, 10m ...), with at least half as many labels as fit; else as many
// as fit, each labelled with the time at its column.
func tickCount(points, columns, labelWidth int, step time.Duration) int {
	fit := max(min((columns-1)/(labelWidth+2)+1, points, columns), 2)
	span := time.Duration(points-1) * step
	units := []time.Duration{step}
	for i := len(aggregate.WindowSizes) - 1; i >= 0; i-- {
		if u := aggregate.WindowSizes[i]; u < step {
			units = append(units, u)
		}
	}
	for _, u := range units {
		for n := fit; n >= 3 && 2*n >= fit; n-- {
			if span%(time.Duration(n-1)*u) == 0 {
				return n
			}
		}
	}
	return fit
}

// timeAxis maps a point's index (a window) to its start time.
type timeAxis struct {
	start  time.Time
	step   time.Duration
	layout string
	prec   time.Duration
}

func newTimeAxis(rep *aggregate.Report) (timeAxis, error) {
	first := rep.Windows[0]
	start := first.Start.Time()
	var step time.Duration
	if rep.WindowSeconds != nil {
		step = time.Duration(math.Round(*rep.WindowSeconds * 1e9))
	} else {
		step = first.End.Time().Sub(start)
	}
	if step <= 0 {
		return timeAxis{}, fmt.Errorf("window %s to %s: no window size", first.Start, first.End)
	}
	ax := timeAxis{start: start.UTC(), step: step, layout: "15:04", prec: time.Minute}
	if step%time.Minute != 0 {
		ax.layout, ax.prec = "15:04:05", time.Second
	}
	last := ax.start.Add(time.Duration(max(len(rep.Windows)-1, 1)) * step)
	if !sameDate(last, ax.start) {
		ax.layout = "01-02 " + ax.layout
	}
	return ax, nil
}

// label is the time at point v (a window index, maybe fractional).
func (ax timeAxis) label(v float64) string {
	return ax.start.Add(time.Duration(v * float64(ax.step))).Round(ax.prec).Format(ax.layout)
}

// size is the window size as a user writes it: 10m, 1h, 1d.
func (ax timeAxis) size() string {
	if ax.step%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", ax.step/(24*time.Hour))
	}
	s := ax.step.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// span is the report's span, or the windows' when it has none:
// "2026-11-25 17:28 to 17:35 UTC".
func (ax timeAxis) span(rep *aggregate.Report) string {
	from := ax.start
	to := ax.start.Add(time.Duration(len(rep.Windows)) * ax.step)
	if !rep.Span.Start.IsZero() && !rep.Span.End.IsZero() {
		from, to = rep.Span.Start.Time(), rep.Span.End.Time()
	}
	clock := "15:04"
	if ax.prec < time.Minute {
		clock = "15:04:05"
	}
	end := to.Format(clock)
	if !sameDate(to, from) {
		end = to.Format("2006-01-02 " + clock)
	}
	return fmt.Sprintf("%s to %s UTC", from.Format("2006-01-02 "+clock), end)
}
