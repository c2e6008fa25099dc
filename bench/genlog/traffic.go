package main

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// start is the timestamp of the first line.
var start = time.Date(2026, time.November, 22, 6, 0, 0, 0, time.UTC)

// pidWeights are the relative shares of the 17 workers, numbered from firstPID:
// two dominate, as when keep-alive connections pin load to whichever worker won
// the accept race.
var pidWeights = []int{38, 21, 8, 5, 4, 4, 3, 3, 2, 2, 2, 2, 2, 1, 1, 1, 1}

const firstPID = 21631

// endpoint is one kind of request; an id is appended to path when id is set.
type endpoint struct {
	method, path string
	id           bool
	size         int // typical body size in bytes
	weight       int
}

// endpoints are the requests the server answers.
var endpoints = []endpoint{
	{"GET", "/", false, 5120, 10},
	{"GET", "/api/items?id=", true, 1500, 30},
	{"GET", "/api/users/", true, 820, 12},
	{"POST", "/api/orders", false, 240, 5},
	{"GET", "/search?q=blue+widgets&page=", true, 9800, 6},
	{"GET", "/static/js/app.3f9c2b.js", false, 184320, 8},
	{"GET", "/static/css/main.css", false, 22016, 8},
	{"GET", "/favicon.ico", false, 1150, 4},
	{"POST", "/login", false, 90, 2},
	{"GET", "/healthz", false, 2, 15},
}

// statuses are the response codes with their per-mille shares.
var statuses = []struct{ code, perMille int }{
	{200, 880}, {201, 8}, {204, 4}, {301, 6}, {302, 12}, {304, 40}, {400, 5},
	{401, 6}, {403, 3}, {404, 25}, {499, 3}, {500, 4}, {502, 3}, {503, 1},
}

// referers are drawn uniformly; "-" is the most common.
var referers = []string{
	"-", "-", "https://example.com/", "https://example.com/products/blue-widget-deluxe",
	"https://www.google.com/", "https://example.com/search?q=blue+widgets", "https://example.com/account/orders",
}

// userAgents repeats the browsers that send most real traffic.
var userAgents = []string{
	chrome, chrome, chrome, chrome, chrome, iphone, iphone, android,
	"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	"python-requests/2.31.0",
	"curl/8.4.0",
	"kube-probe/1.28",
}

const (
	chrome  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36"
	iphone  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
	android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36"
)

// generator makes lines one at a time; it holds the clock and the pools that
// are drawn from.
type generator struct {
	rng     *rand.Rand
	clients []string // remote addresses; low indices are the busiest clients
	pids    []string // pidWeights expanded: drawing an index uniformly draws by weight
	ends    []int    // indices into endpoints, expanded by weight
	status  []int    // statuses, expanded by weight

	sec   int64  // current time, Unix seconds
	left  int    // lines left before the clock advances
	stamp []byte // sec formatted as $time_local
}

// newGenerator returns a generator whose output depends only on seed.
func newGenerator(seed uint64) *generator {
	g := &generator{rng: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)), sec: start.Unix() - 1}
	for i, w := range pidWeights {
		for range w {
			g.pids = append(g.pids, strconv.Itoa(firstPID+i))
		}
	}
	for i, e := range endpoints {
		for range e.weight {
			g.ends = append(g.ends, i)
		}
	}
	for _, s := range statuses {
		for range s.perMille {
			g.status = append(g.status, s.code)
		}
	}
	for range 5000 {
		g.clients = append(g.clients, g.address())
	}
	g.tick()
	return g
}

// address draws a client address: mostly private and public IPv4, 2% IPv6.
func (g *generator) address() string {
	r := g.rng
	if r.IntN(50) == 0 {
		return "2001:db8:" + strconv.FormatInt(int64(r.IntN(0x10000)), 16) + "::" +
			strconv.FormatInt(int64(r.IntN(0x10000)), 16)
	}
	first := []int{10, 10, 172, 192, 81, 93, 203}[r.IntN(7)]
	b := strconv.AppendInt(nil, int64(first), 10)
	for range 3 {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(r.IntN(256)), 10)
	}
	return string(b)
}

// tick advances the clock by one second, sometimes followed by an idle gap,
// and draws how many lines the new second holds.
func (g *generator) tick() {
	g.sec++
	if g.rng.IntN(50) == 0 {
		g.sec += int64(g.rng.IntN(900))
	}
	g.left = 50 + g.rng.IntN(500)
	g.stamp = time.Unix(g.sec, 0).UTC().AppendFormat(g.stamp[:0], "02/Jan/2006:15:04:05 -0700")
}
