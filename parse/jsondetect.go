package parse

import "strings"

// detectJSON recognises JSON-lines access logs: most sample lines are JSON
// objects, and a status, request, path or duration is found among the common
// key names (a JSON log with only a time and a pid is an application's log,
// not an access log).
func detectJSON(lines [][]byte) (Detection, bool) {
	smp := sampleJSON(lines)
	if smp.objects == 0 || smp.objects*2 <= len(lines) {
		return Detection{}, false
	}
	s := smp.spec()
	if s.mode[jsonStatus] == jsonAbsent && s.mode[jsonRequest] == jsonAbsent && s.mode[jsonPath] == jsonAbsent && s.mode[jsonDuration] == jsonAbsent {
		return Detection{}, false
	}
	f, err := s.format()
	if err != nil {
		return Detection{}, false
	}
	return Detection{Kind: KindAccess, Format: f}, true
}

// jsonSample is what the sample lines hold under the common key names.
type jsonSample struct {
	objects int
	nginx   bool // some key is named after an nginx variable
	keys    map[string]*[jsonRoles]jsonTally
}

// jsonTally counts a key's sample values in one role: seen, readable (and of
// those, whole-second times), and absent.
type jsonTally struct{ seen, valid, whole, absent int }

func sampleJSON(lines [][]byte) jsonSample {
	smp := jsonSample{keys: map[string]*[jsonRoles]jsonTally{}}
	for _, l := range lines {
		if !isJSONObject(l) {
			continue
		}
		smp.objects++
		it := jsonIter{b: l}
		it.open()
		for it.next() {
			name := string(it.key)
			if it.keyEsc {
				var buf [256]byte
				k, _ := jsonUnescape(buf[:0], it.key)
				name = string(k)
			}
			smp.nginx = smp.nginx || isNginxKey(name)
			v := jsonValue{raw: it.val, kind: it.kind, esc: it.valEsc, set: true, shift: durationShift(name)}
			for r := range jsonRoles {
				if !hasString(jsonCommon[r], name) {
					continue
				}
				if smp.keys[name] == nil {
					smp.keys[name] = new([jsonRoles]jsonTally)
				}
				t := &smp.keys[name][r]
				t.seen++
				switch valid, sub := jsonCheck(r, &v); {
				case valid > 0:
					t.valid++
					if !sub {
						t.whole++
					}
				case valid == 0:
					t.absent++
				}
			}
		}
	}
	return smp
}

// spec reads each role from the first of its common names whose sample
// values are mostly readable; for the time, one whose values all have
// sub-second resolution is preferred.
func (smp jsonSample) spec() jsonSpec {
	var s jsonSpec
	for r := range jsonRoles {
		for _, name := range jsonCommon[r] {
			k := smp.keys[name]
			if k == nil || k[r].valid == 0 || k[r].valid*2 <= k[r].seen-k[r].absent {
				continue
			}
			better := r == jsonTime && s.mode[r] == jsonNamed && !s.sub && k[r].whole == 0
			if s.mode[r] == jsonAbsent || better {
				s.mode[r], s.names[r] = jsonNamed, name
				if r == jsonTime {
					s.sub = k[r].whole == 0 || name == "msec"
				}
			}
		}
	}
	if smp.nginx {
		s.family = "nginx"
	}
	return s
}

// isJSONObject reports whether a line is one well-formed JSON object.
func isJSONObject(l []byte) bool {
	it := jsonIter{b: l}
	if !it.open() {
		return false
	}
	for it.next() {
	}
	return !it.err
}

func hasString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// jsonCheck says whether a sample value can be read in a role: 1 yes, 0
// absent ("", null, "-"), -1 no; sub reports a time with sub-second
// resolution.
func jsonCheck(r jsonRole, v *jsonValue) (valid int, sub bool) {
	var buf [64]byte
	t, ok := jsonText(buf[:0], v)
	switch {
	case !ok || v.kind == 'l':
		return -1, false
	case isAbsent(t):
		return 0, false
	}
	var rec Record
	rec.reset(0)
	switch r {
	case jsonWorker:
		if v.esc || storePID(t, &rec) != ReasonNone {
			return -1, false
		}
		if rec.Worker == nil {
			return 0, false
		}
	case jsonTime:
		// A time before 2000 or after 2100 is some other number ("time":
		// 0.023 may be a duration).
		var us int64
		us, sub, ok = jsonTimeOf(v)
		if !ok || us < 946684800e6 || us >= 4102444800e6 {
			return -1, false
		}
	case jsonDuration:
		if _, ok := jsonNumber(t, int(v.shift), 1e15); !ok {
			return -1, false
		}
	case jsonStatus:
		if storeStatus(t, &rec) != ReasonNone || rec.Status == 0 {
			return -1, false
		}
	case jsonRequest:
		if v.kind != '"' || !strings.Contains(string(t), " ") {
			return -1, false
		}
	case jsonPath:
		if v.kind != '"' || t[0] != '/' && !strings.Contains(string(t), "://") {
			return -1, false
		}
	}
	return 1, sub
}
