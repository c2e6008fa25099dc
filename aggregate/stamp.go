package aggregate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Stamp is a point in time of a report: a UTC time with the resolution of
// its source, whole seconds or milliseconds. It is kept as a time.Time and
// written only at the edge: its JSON is the RFC 3339 UTC text
// ("2026-11-25T17:14:54Z", or "2026-11-25T17:14:54.123Z" for a sub-second
// source), and the zero Stamp, a time that is not known, is null.
type Stamp struct {
	t   time.Time
	sub bool
}

// StampMicros is the Stamp of us unix microseconds, truncated to whole
// seconds unless subSecond (then to milliseconds), as the report prints it.
func StampMicros(us int64, subSecond bool) Stamp {
	res := time.Second
	if subSecond {
		res = time.Millisecond
	}
	return Stamp{t: time.UnixMicro(us).UTC().Truncate(res), sub: subSecond}
}

// Time is the stamp's time, UTC; the zero time when it is not known.
func (s Stamp) Time() time.Time { return s.t }

// IsZero reports whether the time is not known.
func (s Stamp) IsZero() bool { return s.t.IsZero() }

// SubSecond reports whether the stamp has millisecond resolution.
func (s Stamp) SubSecond() bool { return s.sub }

// Before reports whether s is earlier than u.
func (s Stamp) Before(u Stamp) bool { return s.t.Before(u.t) }

// After reports whether s is later than u.
func (s Stamp) After(u Stamp) bool { return s.t.After(u.t) }

// Equal reports whether s and u are the same instant.
func (s Stamp) Equal(u Stamp) bool { return s.t.Equal(u.t) }

const (
	stampLayout    = "2006-01-02T15:04:05Z"
	stampLayoutSub = "2006-01-02T15:04:05.000Z"
)

// String is the RFC 3339 UTC text of the JSON report, "" when the time is
// not known.
func (s Stamp) String() string {
	if s.t.IsZero() {
		return ""
	}
	if s.sub {
		return s.t.Format(stampLayoutSub)
	}
	return s.t.Format(stampLayout)
}

// Short writes the stamp as "2006-01-02 15:04", with seconds when seconds
// is set or the stamp is not on a whole minute; "" when the time is not
// known.
func (s Stamp) Short(seconds bool) string {
	if s.t.IsZero() {
		return ""
	}
	if seconds || s.t.Second() != 0 || s.t.Nanosecond() != 0 {
		return s.t.Format("2006-01-02 15:04:05")
	}
	return s.t.Format("2006-01-02 15:04")
}

// MarshalJSON writes the RFC 3339 text, or null when the time is not known.
func (s Stamp) MarshalJSON() ([]byte, error) {
	if s.t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(stampLayoutSub)+2)
	b = append(b, '"')
	if s.sub {
		b = s.t.AppendFormat(b, stampLayoutSub)
	} else {
		b = s.t.AppendFormat(b, stampLayout)
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
	*s = Stamp{t: t.UTC(), sub: strings.Contains(text, ".")}
	return nil
}
