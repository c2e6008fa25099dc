package parse

import (
	"testing"
	"time"
)

func TestParseCLF(t *testing.T) {
	tests := []struct {
		in   string
		want int64 // unix µs; ignored when !ok
		ok   bool
	}{
		{"25/Nov/2026:17:14:54 +0000", at(2026, 11, 25, 17, 14, 54, 0), true},
		{"01/Jan/1970:00:00:00 +0000", 0, true},
		{"31/Dec/1969:23:59:59 +0000", -1_000_000, true},
		{"01/Jan/1970:01:00:00 +0100", 0, true},
		{"25/Nov/2026:12:14:54 -0500", at(2026, 11, 25, 17, 14, 54, 0), true},
		{"26/Nov/2026:05:44:54 +1230", at(2026, 11, 25, 17, 14, 54, 0), true},
		{"29/Feb/2024:23:59:59 -0130", at(2024, 3, 1, 1, 29, 59, 0), true},
		{"29/Feb/2000:00:00:00 +0000", at(2000, 2, 29, 0, 0, 0, 0), true},
		{"31/Dec/9999:23:59:59 +0000", at(9999, 12, 31, 23, 59, 59, 0), true},
		{"01/Jan/0001:00:00:00 +0000", at(1, 1, 1, 0, 0, 0, 0), true},
		{"31/Jan/2026:00:00:00 +0000", at(2026, 1, 31, 0, 0, 0, 0), true},
		{"30/Apr/2026:00:00:00 +0000", at(2026, 4, 30, 0, 0, 0, 0), true},
		{"31/Apr/2026:00:00:00 +0000", 0, false},
		{"30/Feb/2024:00:00:00 +0000", 0, false},
		{"29/Feb/2026:00:00:00 +0000", 0, false},
		{"29/Feb/1900:00:00:00 +0000", 0, false},
		{"00/Jan/2026:00:00:00 +0000", 0, false},
		{"25/Nov/2026:24:00:00 +0000", 0, false},
		{"25/Nov/2026:23:60:00 +0000", 0, false},
		{"25/Nov/2026:23:59:61 +0000", 0, false},
		{"25/nov/2026:17:14:54 +0000", 0, false},
		{"25/Nov/2026:17:14:54 +0060", 0, false},
		{"25/Nov/2026:17:14:54 Z0000", 0, false},
		{"25/Nov/2026 17:14:54 +0000", 0, false},
		{"5/Nov/2026:17:14:54 +0000 ", 0, false},
		{"25/Nov/2026:17:14:54 +000", 0, false},
		{"25/Nov/2026:17:14:54 +00000", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseCLF([]byte(tt.in))
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("parseCLF(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseISO(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		sub, ok bool
	}{
		{"2026-11-25T17:50:56+00:00", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25T17:50:56Z", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25T17:50:56z", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25 17:50:56+00:00", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25T12:50:56-05:00", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25T23:20:56+0530", at(2026, 11, 25, 17, 50, 56, 0), false, true},
		{"2026-11-25T17:50:56.866+00:00", at(2026, 11, 25, 17, 50, 56, 866000), true, true},
		{"2026-11-25T17:50:56,5Z", at(2026, 11, 25, 17, 50, 56, 500000), true, true},
		{"2026-11-25T17:50:56.123456789Z", at(2026, 11, 25, 17, 50, 56, 123456), true, true},
		{"1969-12-31T23:59:59.5Z", -500_000, true, true},
		{"2026-11-25T17:50:56.Z", 0, false, false},
		{"2026-11-25T17:50:56", 0, false, false},
		{"2026-11-25T17:50:56+00", 0, false, false},
		{"2026-11-25T17:50:56 +00:00", 0, false, false},
		{"2026-02-29T00:00:00Z", 0, false, false},
		{"2026-13-01T00:00:00Z", 0, false, false},
		{"2026-00-01T00:00:00Z", 0, false, false},
		{"2026-11-25X17:50:56Z", 0, false, false},
		{"26-11-25T17:50:56Z", 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, sub, ok := parseISO([]byte(tt.in))
			if ok != tt.ok || ok && (got != tt.want || sub != tt.sub) {
				t.Errorf("parseISO(%q): got %d, %v, %v, want %d, %v, %v", tt.in, got, sub, ok, tt.want, tt.sub, tt.ok)
			}
		})
	}
}

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0.023", 23_000, true},
		{"0.000613", 613, true},
		{"12", 12_000_000, true},
		{"0", 0, true},
		{"0.000", 0, true},
		{"1795629056.866", 1795629056_866000, true},
		{".5", 500_000, true},
		{"5.", 5_000_000, true},
		{"0.0000019", 1, true},
		{"1.123456789", 1_123_456, true},
		{"1000000000000", 1_000_000_000_000_000_000, true},
		{"1000000000001", 0, false},
		{"", 0, false},
		{".", 0, false},
		{"-", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"1.2.3", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"..", 0, false},
		{"0x10", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDecimal([]byte(tt.in))
			if ok != tt.ok || ok && got != tt.want {
				t.Errorf("parseDecimal(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestDaysFromCivil compares the day count with the standard library on
// every day of four centuries around the present, and on both sides of year 0.
func TestDaysFromCivil(t *testing.T) {
	check := func(d time.Time) {
		want := d.Unix() / 86400
		if d.Unix() < 0 && d.Unix()%86400 != 0 {
			want--
		}
		if got := daysFromCivil(int64(d.Year()), int64(d.Month()), int64(d.Day())); got != want {
			t.Fatalf("daysFromCivil(%s): got %d, want %d", d.Format("2006-01-02"), got, want)
		}
	}
	for d := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2200; d = d.AddDate(0, 0, 1) {
		check(d)
	}
	for d := time.Date(-2, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 3; d = d.AddDate(0, 0, 1) {
		check(d)
	}
}
