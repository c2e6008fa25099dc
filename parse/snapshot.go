package parse

// Snapshot is one process listing: a ps run or one `skewer sample` record.
type Snapshot struct {
	// Time is when the listing was taken, unix microseconds; HasTime is
	// false for a single snapshot without a timestamp line (and no --ps-time).
	Time    int64
	HasTime bool
	// Line is the line of the snapshot's header (or first row) in its file,
	// Source the file's name.
	Line   int64
	Source string
	Procs  []Proc
}

// Proc is one process row. Unknown numbers are -1.
type Proc struct {
	PID, PPID int64
	// CPUMillis is the cumulative CPU time (user+system) in milliseconds;
	// ps prints whole seconds, skewer sample milliseconds.
	CPUMillis int64
	// CPUStepMillis is CPUMillis's resolution: 1000 for ps TIME (whole
	// seconds, truncated), 10 for BSD M:SS.ss and skewer sample (clock
	// ticks); 0 when CPUMillis is unknown.
	CPUStepMillis int64
	// RSSKiB is the resident set size in KiB.
	RSSKiB int64
	// Start identifies the process's start, so that a reused PID is told
	// apart from its predecessor: the start in unix seconds when it can be
	// computed (skewer sample start ticks and boot time, ps etimes/etime and
	// the snapshot time, ps lstart), else -1; StartText is the start as
	// printed (ps STIME "17:44", "Oct06", "2025"; or the start ticks) and is
	// compared when Start is -1.
	Start     int64
	StartText string
	// BornFrom and BornTo bound when the process started, [BornFrom,
	// BornTo) in unix µs: a second wide from ps lstart or ELAPSED, a minute
	// from STIME "17:44", a day from "Oct06", a year from "2025" (read in
	// PSOptions.Loc on the snapshot's day). -1 when unknown: no start
	// column, or STIME in a snapshot without a time.
	BornFrom, BornTo int64
	// PctTenths is the lifetime CPU percentage ps prints, in tenths of a
	// percent: ps -f C in whole percent (PctStep 10), %CPU/pcpu to a
	// tenth (PctStep 1). ps truncates, so the true value is in
	// [PctTenths, PctTenths+PctStep); C stops at 99 (PctCapped). -1 when
	// the table has no such column.
	PctTenths, PctStep int64
	PctCapped          bool
	// Args is the command line (ps CMD/COMMAND/ARGS, skewer sample args).
	Args string
}

// ErrorLogEvent is one worker lifecycle line of a gunicorn error log.
type ErrorLogEvent struct {
	// Time is unix microseconds.
	Time int64
	// Line is the line number in the file.
	Line int64
	// PID is the worker the event is about (for "Booting worker with pid: N"
	// the N; for "Worker exiting (pid: N)" the N; for master lines such as
	// "Worker (pid:N) was sent SIGKILL!" the N in the message).
	PID int64
	// Master is the PID in the line's [pid] field.
	Master int64
	// Kind is one of the Event* constants.
	Kind string
	// Signal is the signal number or name for terminated/killed workers.
	Signal string
}

// Error-log event kinds.
const (
	EventBoot        = "boot"        // Booting worker with pid: N
	EventExit        = "exit"        // Worker exiting (pid: N)
	EventAutorestart = "autorestart" // Autorestarting worker after current request. (max_requests)
	EventTimeout     = "timeout"     // WORKER TIMEOUT (pid:N)
	EventSignal      = "signal"      // Worker with pid N was terminated due to signal S (20.1)
	EventKilled      = "sigkill"     // Worker (pid:N) was sent SIGKILL! Perhaps out of memory? (21+)
)
