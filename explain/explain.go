// Package explain diagnoses a finished report: why the load is uneven,
// whether it hurts, what the changes of the lead coincided with, what to
// change and what to log to settle the rest (schema skewer.explain/v1).
// Every finding is judged per window over the workers alive in it.
package explain

import (
	"github.com/skewer-dev/skewer/aggregate"
)

// Schema is the explanation document's schema name and version.
const Schema = "skewer.explain/v1"

// Harm words.
const (
	Benign   = "benign"
	Harmful  = "harmful"
	Capacity = "capacity"
	Unknown  = "unknown"
)

// Mechanism names.
const (
	MechEven      = "even"
	MechRestarts  = "restart_generations"
	MechPinning   = "keepalive_pinning"
	MechRace      = "accept_race"
	MechUnknown   = "unknown"
	Proven        = "proven"
	Likely        = "likely"
	Possible      = "possible"
	GrowsWithWork = "grows_with_work"
	Flat          = "flat"
)

// Explanation is the skewer.explain/v1 document of one server family.
type Explanation struct {
	Schema        string                `json:"schema"`
	Verdict       Verdict               `json:"verdict"`
	TypicalWindow *aggregate.WindowSkew `json:"typical_window"`
	Mechanisms    []Mechanism           `json:"mechanisms"`
	HarmEvidence  []HarmEvidence        `json:"harm_evidence"`
	Memory        Memory                `json:"memory"`
	Changes       []Change              `json:"changes"`
	Advice        []Advice              `json:"advice"`
	ToSettle      []string              `json:"to_settle"`
	Server        Server                `json:"server"`
	// Notes are what the text outputs add about the inputs (the log of the
	// same traffic that was left out); not part of the document.
	Notes []string `json:"-"`
	// Report is the report explained, for outputs that draw it (html); not
	// part of the document.
	Report *aggregate.Report `json:"-"`
}

// Verdict is whether the imbalance does harm, in one word and a sentence
// with its numbers.
type Verdict struct {
	Harm    string `json:"harm"`
	Summary string `json:"summary"`
	// Short is the summary in a few words with its main figure, for a
	// terminal line; not part of the document.
	Short string `json:"-"`
}

// Mechanism is one reason for the load's pattern, most important first.
type Mechanism struct {
	Name       string   `json:"name"`
	Confidence string   `json:"confidence"`
	Evidence   []string `json:"evidence"`
	// Short is the main evidence in a few words with its figures, for a
	// terminal line; not part of the document.
	Short string `json:"-"`
}

// HarmEvidence is one figure behind the verdict: a worker's busy fraction
// or CPU rate in a window.
type HarmEvidence struct {
	Signal      string  `json:"signal"`
	Worker      string  `json:"worker"`
	Value       float64 `json:"value"`
	WindowStart string  `json:"window_start"`
}

// Memory is how the workers' memory relates to the work they did.
type Memory struct {
	Pattern  string `json:"pattern"`
	Evidence string `json:"evidence"`
}

// Change is one change of the busiest worker and what it coincided with.
type Change struct {
	At    aggregate.Stamp `json:"at"`
	From  string          `json:"from"`
	To    string          `json:"to"`
	Cause string          `json:"cause"`
}

// Advice is one change to make, the settings it touches and the fact that
// backs it (an id of Facts).
type Advice struct {
	Text     string   `json:"text"`
	Settings []string `json:"settings"`
	Fact     string   `json:"fact"`
}

// Server is the family and worker class the explanation is about; the
// class is "" (null) when no input names it.
type Server struct {
	Family      string  `json:"family"`
	WorkerClass *string `json:"worker_class"`
}

// Context is what the inputs say beyond the report.
type Context struct {
	// WorkerClass is gunicorn's "Using worker: NAME" from an error log.
	WorkerClass string
	// StatusBytes says the access log printed statuses as b'200 OK':
	// gunicorn ≤ 22 with gevent_pywsgi.
	StatusBytes bool
	// BehindNginx says the inputs also hold an nginx log: nginx fronts the
	// server.
	BehindNginx bool
	// Connections says the access log identifies connections.
	Connections bool
	// Left is a log of the same traffic that was not used, with why.
	Left string
}

// Explain diagnoses rep.
func Explain(rep *aggregate.Report, ctx Context) *Explanation {
	e := &Explanation{
		Schema:        Schema,
		TypicalWindow: rep.WindowSkew,
		Mechanisms:    []Mechanism{},
		HarmEvidence:  []HarmEvidence{},
		Changes:       []Change{},
		Advice:        []Advice{},
		ToSettle:      []string{},
		Report:        rep,
	}
	s := newSubject(rep, ctx)
	e.Server = Server{Family: rep.Family}
	if s.class != "" {
		e.Server.WorkerClass = &s.class
	}
	e.Verdict, e.HarmEvidence = judgeHarm(s)
	e.Mechanisms = mechanisms(s)
	e.Memory = memory(s)
	e.Changes = changes(s)
	e.Advice = advice(s, e)
	e.ToSettle = toSettle(s, e)
	if ctx.Left != "" {
		e.Notes = append(e.Notes, ctx.Left)
	}
	return e
}
