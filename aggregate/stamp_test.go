package aggregate

import (
	"encoding/json"
	"testing"
)

func TestStampJSON(t *testing.T) {
	const us = 1795626894123456 // 2026-11-25T17:14:54.123456Z
	tests := []struct {
		name string
		s    Stamp
		want string
	}{
		{name: "whole seconds truncate", s: StampMicros(us, false), want: `"2026-11-25T17:14:54Z"`},
		{name: "sub-second keeps milliseconds", s: StampMicros(us, true), want: `"2026-11-25T17:14:54.123Z"`},
		{name: "a whole second still has its milliseconds", s: StampMicros(1795626894000000, true), want: `"2026-11-25T17:14:54.000Z"`},
		{name: "unknown is null", s: Stamp{}, want: `null`},
		{name: "before 1970", s: StampMicros(-1500000, false), want: `"1969-12-31T23:59:58Z"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Fatalf("got %s, want %s", b, tt.want)
			}
			var back Stamp
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !back.Equal(tt.s) || back.SubSecond() != tt.s.SubSecond() || back.IsZero() != tt.s.IsZero() {
				t.Errorf("read back %v (sub-second %v), want %v (sub-second %v)", back, back.SubSecond(), tt.s, tt.s.SubSecond())
			}
		})
	}
}

func TestStampUnmarshalError(t *testing.T) {
	var s Stamp
	if err := json.Unmarshal([]byte(`"soon"`), &s); err == nil {
		t.Errorf("got no error for \"soon\", want one")
	}
}

func TestStampShort(t *testing.T) {
	tests := []struct {
		name    string
		s       Stamp
		seconds bool
		want    string
	}{
		{name: "whole minute", s: stampAt("2026-10-07T03:00:00Z"), want: "2026-10-07 03:00"},
		{name: "seconds asked for", s: stampAt("2026-10-07T03:00:00Z"), seconds: true, want: "2026-10-07 03:00:00"},
		{name: "not on a minute", s: stampAt("2026-10-07T03:00:30Z"), want: "2026-10-07 03:00:30"},
		{name: "milliseconds show seconds", s: stampAt("2026-10-07T03:00:00.250Z"), want: "2026-10-07 03:00:00"},
		{name: "unknown", s: Stamp{}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Short(tt.seconds); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
