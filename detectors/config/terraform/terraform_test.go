package terraform

import (
	"testing"
	"time"
)

func TestParseTTL(t *testing.T) {
	tests := []struct {
		v    string
		want time.Duration
		ok   bool
	}{
		{"3600", time.Hour, true},
		{"0", 0, true},
		{"768h", 768 * time.Hour, true},
		{"30d", 30 * 24 * time.Hour, true},
		{"1h30m", 90 * time.Minute, true},
		{"10m", 10 * time.Minute, true},
		{"", 0, false},
		{"forever", 0, false},
		{"-5", 0, false},
		{"5x", 0, false},
		{"h", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseTTL(tt.v)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v, %v", tt.v, got, ok, tt.want, tt.ok)
		}
	}
}
