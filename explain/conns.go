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
	}
	return connsMoved, line
}
