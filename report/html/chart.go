package html

import (
	"fmt"
	"time"
)

// A chart is an SVG bar chart drawn by Write: every bar is labelled with
// its count and filled with a pattern, so it reads without colour and in
// black and white print.
type chart struct {
	ID, Title, Desc, Axis string
	Width, Height         int
	BaseY                 int
	Bars                  []bar
	Total                 int
	// Groups label groups of bars (grouped charts); their bars have no
	// label of their own.
	Groups []label
	// Legend names the pattern of each series (grouped charts).
	Legend []legendItem
	// Table repeats the numbers for screen readers and print.
	Table *dataTable
	// Empty, when set, is written across a chart with nothing to show,
	// centred on EmptyX, EmptyY.
	Empty          string
	EmptyX, EmptyY int
}

type label struct {
	X         int
	Text, Sub string
}

type legendItem struct {
	X, Y    int
	Pattern string
	Text    string
}

type dataTable struct {
	Caption string
	Head    []string
	Rows    [][]string
}

type bar struct {
	Label        string
	Count        int
	X, Y, W, H   int
	LabelX       int
	CountY       int
	Pattern      string
	AccessibleNm string
}

type bucket struct {
	label    string
	min, max int // max < 0: no upper bound
}

const (
	chartW, chartH = 480, 220
	padL, padR     = 16, 16
	padT, padB     = 24, 44
)

var patterns = []string{"pat-diag", "pat-dots", "pat-cross", "pat-horiz", "pat-vert", "pat-solid"}

// histogram counts values into buckets and lays out the bars.
func histogram(id, title, desc, axis string, values []int, buckets []bucket) chart {
	c := chart{ID: id, Title: title, Desc: desc, Axis: axis, Width: chartW, Height: chartH, BaseY: chartH - padB,
		EmptyX: chartW / 2, EmptyY: (padT + chartH - padB) / 2}
	counts := make([]int, len(buckets))
	for _, v := range values {
		for i, b := range buckets {
			if v >= b.min && (b.max < 0 || v <= b.max) {
				counts[i]++
				break
			}
		}
	}
	maxC := 1
	for _, n := range counts {
		c.Total += n
		maxC = max(maxC, n)
	}
	slot := (chartW - padL - padR) / len(buckets)
	plotH := chartH - padT - padB
	for i, b := range buckets {
		h := counts[i] * plotH / maxC
		if counts[i] > 0 && h < 2 {
			h = 2
		}
		x := padL + i*slot + slot/8
		w := slot - slot/4
		c.Bars = append(c.Bars, bar{
			Label: b.label, Count: counts[i],
			X: x, W: w, Y: c.BaseY - h, H: h,
			LabelX: x + w/2, CountY: c.BaseY - h - 6,
			Pattern:      patterns[i%len(patterns)],
			AccessibleNm: fmt.Sprintf("%s %s: %d", b.label, axis, counts[i]),
		})
	}
	return c
}

// SweepPoint is one sweep in the chart of new, fixed and still open
// findings (from the sweep datastore).
type SweepPoint struct {
	// ID numbers the sweep; Started is when it ran; Shard is "i/n" for a
	// shard's sweep.
	ID               int64
	Started          time.Time
	Shard            string
	New, Fixed, Open int
}

// MaxSweeps bounds the sweeps the chart shows (the newest ones).
const MaxSweeps = 12

// sweepChart draws new, fixed and open findings per sweep as groups of
// three patterned bars, each with its count, and a legend.
func sweepChart(points []SweepPoint) chart {
	shown := points
	if len(shown) > MaxSweeps {
		shown = shown[len(shown)-MaxSweeps:]
	}
	const w, h = 720, 260
	const top, bottom = 44, 44
	desc := fmt.Sprintf("Findings first seen (new), gone from the head (fixed) and at the head after each sweep (still open), for the %d newest of %d sweeps.", len(shown), len(points))
	c := chart{ID: "chart-sweeps", Title: "New, fixed and still open over sweeps", Desc: desc,
		Width: w, Height: h, BaseY: h - bottom}
	series := []struct {
		name, pattern string
		get           func(SweepPoint) int
	}{
		{"new", "pat-diag", func(p SweepPoint) int { return p.New }},
		{"fixed", "pat-dots", func(p SweepPoint) int { return p.Fixed }},
		{"still open", "pat-solid", func(p SweepPoint) int { return p.Open }},
	}
	maxC := 1
	for _, p := range shown {
		for _, s := range series {
			maxC = max(maxC, s.get(p))
		}
	}
	for i, s := range series {
		c.Legend = append(c.Legend, legendItem{X: padL + i*130, Y: 8, Pattern: s.pattern, Text: s.name})
	}
	c.Table = &dataTable{Caption: "Findings by sweep", Head: []string{"Sweep", "New", "Fixed", "Still open"}}
	if len(shown) == 0 {
		return c
	}
	slot := (w - padL - padR) / len(shown)
	plotH := h - top - bottom
	barW := max(4, (slot-slot/4)/len(series))
	for i, p := range shown {
		x0 := padL + i*slot + slot/8
		for j, s := range series {
			n := s.get(p)
			bh := n * plotH / maxC
			if n > 0 && bh < 2 {
				bh = 2
			}
			x := x0 + j*barW
			c.Bars = append(c.Bars, bar{Count: n, X: x, W: barW, Y: c.BaseY - bh, H: bh,
				LabelX: x + barW/2, CountY: c.BaseY - bh - 4, Pattern: s.pattern,
				AccessibleNm: fmt.Sprintf("sweep #%d, %s: %d", p.ID, s.name, n)})
			c.Total += n
		}
		g := label{X: x0 + barW*len(series)/2, Text: fmt.Sprintf("#%d", p.ID)}
		if !p.Started.IsZero() {
			g.Sub = p.Started.UTC().Format("Jan 2")
		}
		c.Groups = append(c.Groups, g)
	}
	for _, p := range points {
		name := fmt.Sprintf("#%d", p.ID)
		if !p.Started.IsZero() {
			name += " " + p.Started.UTC().Format("2006-01-02 15:04 UTC")
		}
		if p.Shard != "" {
			name += " (shard " + p.Shard + ")"
		}
		c.Table.Rows = append(c.Table.Rows, []string{name, fmt.Sprint(p.New), fmt.Sprint(p.Fixed), fmt.Sprint(p.Open)})
	}
	return c
}
