package aggregate

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Stamp is a point in time of a report: a UTC time with the resolution of
// its source, whole seconds or milliseconds. It is kept as unix
// microseconds (and the nanoseconds past them of a time read back from
// JSON): a row has six stamps, and a run of 2 M keys would spend 200 MB
// more on time.Time values. It is written only at the edge: its JSON is the
// RFC 3339 UTC text ("2026-11-25T17:14:54Z", or "2026-11-25T17:14:54.123Z"
// for a sub-second source), and the zero Stamp, a time that is not known,
// is null.
type Stamp struct {
	us  int64 // unix µs
	ns  int32 // nanoseconds past us, [0, 1000)
	set bool  // the time is known
	sub bool
}

// zeroMicros is the zero time.Time in unix µs: an unknown stamp compares
// as that time did.
const zeroMicros = -62135596800 * 1e6

// StampMicros is the Stamp of us unix microseconds, truncated to whole
// seconds unless subSecond (then to milliseconds), as the report prints it.
func StampMicros(us int64, subSecond bool) Stamp {
	res := int64(1e6)
	if subSecond {
		res = 1e3
	}
	// The zero time is a whole number of seconds before 1970, so
	// truncating unix µs truncates as time.Time.Truncate does.
	us = floorDiv(us, res) * res
	return Stamp{us: us, set: us != zeroMicros, sub: subSecond}
}

// stampOf is the Stamp of t, to the nanosecond.
func stampOf(t time.Time, subSecond bool) Stamp {
	if t.IsZero() {
		return Stamp{}
	}
	return Stamp{us: t.UnixMicro(), ns: int32(t.Nanosecond() % 1000), set: true, sub: subSecond}
}

// Time is the stamp's time, UTC; the zero time when it is not known.
func (s Stamp) Time() time.Time {
	if !s.set {
		return time.Time{}
	}
	return time.UnixMicro(s.us).Add(time.Duration(s.ns)).UTC()
}

// IsZero reports whether the time is not known.
func (s Stamp) IsZero() bool { return !s.set }

// SubSecond reports whether the stamp has millisecond resolution.
func (s Stamp) SubSecond() bool { return s.sub }

// at is the stamp's instant in unix µs and nanoseconds past them.
func (s Stamp) at() (int64, int32) {
	if !s.set {
		return zeroMicros, 0
	}
	return s.us, s.ns
}

// compare orders s and u by their instants.
func (s Stamp) compare(u Stamp) int {
	a, an := s.at()
	b, bn := u.at()
	if c := cmp.Compare(a, b); c != 0 {
		return c
	}
	return cmp.Compare(an, bn)
}

// Before reports whether s is earlier than u.
func (s Stamp) Before(u Stamp) bool { return s.compare(u) < 0 }

// After reports whether s is later than u.
func (s Stamp) After(u Stamp) bool { return s.compare(u) > 0 }

// Equal reports whether s and u are the same instant.
func (s Stamp) Equal(u Stamp) bool { return s.compare(u) == 0 }

const (
	stampLayout    = "2006-01-02T15:04:05Z"
	stampLayoutSub = "2006-01-02T15:04:05.000Z"
)

// String is the RFC 3339 UTC text of the JSON report, "" when the time is
// not known.
func (s Stamp) String() string {
	if !s.set {
		return ""
	}
	if s.sub {
		return s.Time().Format(stampLayoutSub)
	}
	return s.Time().Format(stampLayout)
}

// Short writes the stamp as "2006-01-02 15:04", with seconds when seconds
// is set or the stamp is not on a whole minute; "" when the time is not
// known.
func (s Stamp) Short(seconds bool) string {
	if !s.set {
		return ""
	}
	t := s.Time()
	if seconds || t.Second() != 0 || t.Nanosecond() != 0 {
		return t.Format("2006-01-02 15:04:05")
	}
	return t.Format("2006-01-02 15:04")
}

// MarshalJSON writes the RFC 3339 text, or null when the time is not known.
func (s Stamp) MarshalJSON() ([]byte, error) {
	if !s.set {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(stampLayoutSub)+2)
	b = append(b, '"')
	if s.sub {
		b = s.Time().AppendFormat(b, stampLayoutSub)
	} else {
		b = s.Time().AppendFormat(b, stampLayout)
	}
	return append(b, '"'), nil
}

// UnmarshalJSON reads an RFC 3339 time (a baseline report) or null; a
// fraction of a second makes the stamp sub-second.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*s = Stamp{}
		return nil
	}
	var text string
	if err := json.Unmarshal(b, &text); err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return fmt.Errorf("time %q: %w", text, err)
	}
	*s = stampOf(t, strings.Contains(text, "."))
	return nil
}
