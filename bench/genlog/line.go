package main

import "strconv"

// appendLine appends the next log line, with its newline, to b.
func (g *generator) appendLine(b []byte) []byte {
	if g.left == 0 {
		g.tick()
	}
	g.left--
	r := g.rng

	// Skewed towards the first clients, as a few clients send most requests.
	b = append(b, g.clients[r.IntN(r.IntN(len(g.clients))+1)]...)
	b = append(b, " - - ["...)
	b = append(b, g.stamp...)
	b = append(b, "] \""...)

	e := endpoints[g.ends[r.IntN(len(g.ends))]]
	b = append(b, e.method...)
	b = append(b, ' ')
	b = append(b, e.path...)
	if e.id {
		b = strconv.AppendInt(b, int64(1+r.IntN(99999)), 10)
	}
	b = append(b, " HTTP/1.1\" "...)

	status := g.status[r.IntN(len(g.status))]
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, int64(bodySize(status, e.size, r.IntN(1000))), 10)
	b = append(b, " \""...)
	b = append(b, referers[r.IntN(len(referers))]...)
	b = append(b, "\" \""...)
	b = append(b, userAgents[r.IntN(len(userAgents))]...)
	b = append(b, "\" "...)
	b = append(b, g.pids[r.IntN(len(g.pids))]...)
	b = append(b, ' ')
	b = appendSeconds(b, g.requestMillis())
	return append(b, '\n')
}

// bodySize is the $body_bytes_sent of a response: the endpoint's typical size
// varied by ±20% (jitter in [0,1000)) for successes, a small error page otherwise.
func bodySize(status, typical, jitter int) int {
	switch {
	case status == 204 || status == 304 || status == 499:
		return 0
	case status >= 300:
		return 150 + jitter%400
	default:
		return typical * (800 + jitter*2/5) / 1000
	}
}

// requestMillis draws a request time: exponential around 25 ms, with 1% slow
// requests of up to 5 s.
func (g *generator) requestMillis() int {
	ms := int(g.rng.ExpFloat64() * 25)
	if g.rng.IntN(100) == 0 {
		ms += g.rng.IntN(5000)
	}
	return ms
}

// appendSeconds appends ms as seconds with three decimals, as nginx prints $request_time.
func appendSeconds(b []byte, ms int) []byte {
	b = strconv.AppendInt(b, int64(ms/1000), 10)
	frac := ms % 1000
	return append(b, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}
