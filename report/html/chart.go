package html

import "fmt"

// A chart is an SVG bar chart drawn by Write: every bar is labelled with
// its count and filled with a pattern, so it reads without colour and in
// black and white print.
type chart struct {
	ID, Title, Desc, Axis string
	Width, Height         int
	BaseY                 int
	Bars                  []bar
	Total                 int
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
	c := chart{ID: id, Title: title, Desc: desc, Axis: axis, Width: chartW, Height: chartH, BaseY: chartH - padB}
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
