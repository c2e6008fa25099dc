package ingest

import (
	"testing"
	"time"
)

func TestParseWidth(t *testing.T) {
	const want = `want a duration such as 30s, 10m, 1h or 1d`
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr string
	}{
		{name: "seconds", in: "30s", want: 30 * time.Second},
		{name: "minutes", in: "10m", want: 10 * time.Minute},
		{name: "hour", in: "1h", want: time.Hour},
		{name: "Go composite", in: "1h30m", want: 90 * time.Minute},
		{name: "day", in: "1d", want: 24 * time.Hour},
		{name: "week", in: "7d", want: 7 * 24 * time.Hour},
		// 1.5 × 24 h = 36 h, as 1.5h is a Go duration
		{name: "fractional days", in: "1.5d", want: 36 * time.Hour},
		{name: "zero", in: "0", wantErr: `"0": want a positive duration`},
		{name: "zero days", in: "0d", wantErr: `"0d": want a positive duration`},
		{name: "negative", in: "-1m", wantErr: `"-1m": want a positive duration`},
		{name: "negative days", in: "-1d", wantErr: `"-1d": want a positive duration`},
		{name: "milliseconds", in: "1ms", wantErr: `"1ms": want whole seconds (log times have one-second resolution)`},
		{name: "fraction of a second", in: "1.5s", wantErr: `"1.5s": want whole seconds (log times have one-second resolution)`},
		// 0.00001 d = 0.864 s
		{name: "days that are not whole seconds", in: "0.00001d", wantErr: `"0.00001d": want whole seconds (log times have one-second resolution)`},
		{name: "word", in: "abc", wantErr: `"abc": ` + want},
		{name: "empty", in: "", wantErr: `"": ` + want},
		{name: "d alone", in: "d", wantErr: `"d": ` + want},
		{name: "days and hours", in: "1d12h", wantErr: `"1d12h": ` + want},
		{name: "no unit", in: "30", wantErr: `"30": ` + want},
		{name: "NaN days", in: "NaNd", wantErr: `"NaNd": ` + want},
		{name: "infinite days", in: "Infd", wantErr: `"Infd": ` + want},
		// 1e10 × 86,400 s is past the 292 years a time.Duration holds
		{name: "too many days", in: "1e10d", wantErr: `"1e10d": ` + want},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseWidth(tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error: got %q, want %q", gotErr, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("size: got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestParseBound(t *testing.T) {
	const absErr = `: want an RFC 3339 time such as 2026-11-25T17:30:00Z, or an offset such as -2h`
	const relErr = `: want an RFC 3339 time or a negative offset from the last line such as -2h`
	// 2026-11-25T17:30:00Z in unix µs
	t1730 := time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC).UnixMicro()
	tests := []struct {
		name    string
		in      string
		want    Bound
		wantErr string
	}{
		{name: "unset", in: "", want: Bound{}},
		{name: "RFC 3339 UTC", in: "2026-11-25T17:30:00Z", want: Bound{Time: time.UnixMicro(t1730).UTC()}},
		// 23:00 +05:30 = 17:30Z
		{name: "RFC 3339 with an offset", in: "2026-11-25T23:00:00+05:30", want: Bound{Time: time.UnixMicro(t1730).UTC()}},
		// 10:30 -07:00 = 17:30Z
		{name: "RFC 3339 west of UTC", in: "2026-11-25T10:30:00-07:00", want: Bound{Time: time.UnixMicro(t1730).UTC()}},
		{name: "RFC 3339 fraction", in: "2026-11-25T17:30:00.5Z", want: Bound{Time: time.UnixMicro(t1730 + 500000).UTC()}},
		{name: "relative", in: "-2h", want: Bound{Relative: true, Offset: -2 * time.Hour}},
		{name: "relative composite", in: "-1h30m", want: Bound{Relative: true, Offset: -90 * time.Minute}},
		{name: "positive offset", in: "+2h", wantErr: `"+2h"` + absErr},
		{name: "offset without sign", in: "2h", wantErr: `"2h"` + absErr},
		{name: "garbage", in: "garbage", wantErr: `"garbage"` + absErr},
		{name: "garbage after minus", in: "-abc", wantErr: `"-abc"` + relErr},
		{name: "minus zero", in: "-0s", wantErr: `"-0s"` + relErr},
		{name: "days are not an offset", in: "-1d", wantErr: `"-1d"` + relErr},
		{name: "date without time", in: "2026-11-25", wantErr: `"2026-11-25"` + absErr},
		{name: "CLF time", in: "25/Nov/2026:17:30:00 +0000", wantErr: `"25/Nov/2026:17:30:00 +0000"` + absErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseBound(tt.in)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if gotErr != tt.wantErr {
				t.Fatalf("error: got %q, want %q", gotErr, tt.wantErr)
			}
			if !got.Time.Equal(tt.want.Time) || got.Time.Location() != time.UTC && !got.Time.IsZero() || got.Relative != tt.want.Relative || got.Offset != tt.want.Offset {
				t.Errorf("bound: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestEmptyRange(t *testing.T) {
	at := func(s string) Bound {
		return Bound{Time: time.Date(2026, 11, 25, 17, 30, 0, 0, time.UTC).Add(mustDuration(t, s))}
	}
	rel := Bound{Relative: true, Offset: -time.Hour}
	tests := []struct {
		name         string
		since, until Bound
		want         bool
	}{
		{"both open", Bound{}, Bound{}, false},
		{"since alone", at("0s"), Bound{}, false},
		{"until alone", Bound{}, at("0s"), false},
		{"since before until", at("0s"), at("1s"), false},
		{"same time", at("0s"), at("0s"), true},
		{"since after until", at("1s"), at("0s"), true},
		{"relative since: judged once resolved", rel, at("0s"), false},
		{"relative until: judged once resolved", at("1s"), rel, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EmptyRange(tt.since, tt.until); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func mustDuration(t *testing.T, s string) time.Duration {
	t.Helper()
	d, err := time.ParseDuration(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
