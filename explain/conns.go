package explain

import (
	"fmt"

	"github.com/skewer-dev/skewer/aggregate"
)

// Connection findings: what the log's connection identity (nginx
// $connection, or the client's address and port) says about pinning.
const (
	connsNone    = iota // no identity, or no connection carried two requests' worth to tell
	connsPinned         // connections were reused and none moved: pinning proven
	connsMoved          // reused connections moved between workers: not pinning
	connsNoReuse        // every connection carried one request: nothing to pin
	connsFollow         // client ports stayed on one worker far more than chance: pinning, a few ports reused
)

// Client ports: reused connections that moved are read as ports reused by
// new connections when chance alone would have moved at least
// followFactor times as many, and at least minChanceMoves; then
// requests follow connections (proven when at most followProvenShare of
// the reused moved). Moves of at least half of chance's say connections
// do not pin.
const (
	followFactor      = 4
	minChanceMoves    = 5
	followProvenShare = 0.1
)

// connFinding reads the report's connections: a connection that carried
// several requests and was never served by two workers is pinned.
func connFinding(c *aggregate.Connections) (int, string) {
	if c == nil || c.Seen == 0 {
		return connsNone, ""
	}
	src := map[string]string{"connection": "nginx $connection", "client_port": "client address and port"}[c.Source]
	if src == "" {
		src = c.Source
	}
	line := fmt.Sprintf("%d connections (%s): %d carried more than one request (median %s, p95 %s, max %d requests), %d moved between workers",
		c.Seen, src, c.Reused, trim(c.RequestsPerConnectionMedian), trim(c.RequestsPerConnectionP95), c.RequestsPerConnectionMax, c.Moved)
	switch {
	case c.Reused == 0:
		return connsNoReuse, line
	case c.Source == "client_port" && c.RequestsPerConnectionMax <= 2:
		// A client's kernel may give a closed connection's port to a new
		// one within seconds: an address and port seen twice, and never
		// more, is as likely two connections as one kept alive.
		return connsNoReuse, line + "; no client port carried more than 2 requests, which a port reused for a new connection also gives"
	case c.Moved == 0:
		return connsPinned, line
	case c.Source != "client_port":
		return connsMoved, line
	}
	// A client's kernel may give a closed connection's port to a new one,
	// which the server may accept on another worker: a port that moved is
	// as likely two connections as one that moved. What tells is how many
	// moved against how many would have if requests went anywhere.
	chance := c.MovedByChance
	line += fmt.Sprintf(" (%.0f%% of the reused; by chance %.1f would have, %.0f%%); reused ports carried median %s requests when they stayed, %s when they moved",
		pct(c.Moved, c.Reused), chance, 100*chance/float64(c.Reused), trim(c.StayedRequestsMedian), trim(c.MovedRequestsMedian))
	switch {
	case chance >= minChanceMoves && float64(c.Moved)*followFactor <= chance:
		return connsFollow, line + "; so requests follow connections, and the ports that moved were reused by new connections"
	case 2*float64(c.Moved) >= chance:
		return connsMoved, line
	case chance < minChanceMoves:
		return connsNone, line + "; too few to weigh against chance"
	}
	return connsNone, line + "; too close to chance to tell"
}

// pct is a share of n in percent.
func pct(k, n int64) float64 {
	if n == 0 {
		return 0
	}
	return 100 * float64(k) / float64(n)
}
