package aggregate

// Skip is why an input of a run was skipped: a code for what the input is
// not, so that a renderer can name it in a word without reading the
// message in Input.Ignored.
type Skip uint8

// Reasons to skip an input.
const (
	SkipNone          Skip = iota // read, not skipped
	SkipEmpty                     // an empty file
	SkipNotLog                    // no line looks like a known log
	SkipNoWorker                  // an access log without a worker field
	SkipWorkerUnclear             // an access log whose worker field cannot be told
	SkipOtherFamily               // a log of another server family than the run's
	SkipFormat                    // not in the format asked for
	SkipOther                     // not an input of a run (a config, a JSON note)
	SkipUnreadable                // cannot be opened or decompressed
)
