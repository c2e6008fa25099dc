package explain

// Fact is one verified server fact of docs/server-facts.md: advice cites it
// by ID, and Source says where it was checked.
type Fact struct {
	ID      string
	Version string
	Source  string
}

// Facts mirrors the verified entries of docs/server-facts.md. Facts marked
// unverified or partly verified there are left out: they may not back
// advice until they are settled.
var Facts = []Fact{
	{"gunicorn-no-balancing", "gunicorn 20.1.0–23.0.0", "gunicorn/arbiter.py@20.1.0:142-155, 567-589"},
	{"gunicorn-sync-accept", "gunicorn 20.1.0", "gunicorn/workers/sync.py@20.1.0:27-40, 59-86, 112-125"},
	{"gunicorn-gevent-accept", "gunicorn 20.1.0, gevent 22.10.2", "gunicorn/workers/ggevent.py@20.1.0:63-83"},
	{"gunicorn-worker-connections", "gunicorn 20.1.0", "gunicorn/config.py@20.1.0:716-728"},
	{"gunicorn-gevent-pywsgi-ignores-max-requests", "gunicorn 20.1.0–26.1.0", "gunicorn/workers/ggevent.py@20.1.0:66-78, 161-189"},
	{"gunicorn-gevent-keepalive", "gunicorn 20.1.0, gevent 22.10.2", "gunicorn/workers/base_async.py@20.1.0:39-55; gevent/pywsgi.py@22.10.2:450-475"},
	{"gunicorn-gthread-keepalive", "gunicorn 20.1.0", "gunicorn/workers/gthread.py@20.1.0:58-60, 241-252"},
	{"gunicorn-reuse-port", "gunicorn 20.1.0–26.1.0 (balances from 24.0.0)", "gunicorn/sock.py@20.1.0:39-57; gunicorn/arbiter.py@24.0.0:158-159, 621-622"},
	{"gunicorn-max-requests", "gunicorn 20.1.0", "gunicorn/workers/base.py@20.1.0:56-60; gunicorn/workers/sync.py@20.1.0:175-178"},
	{"gunicorn-keepalive-default", "gunicorn 20.1.0", "gunicorn/config.py@20.1.0:809-828"},
	{"nginx-upstream-keepalive", "nginx 1.22.1", "nginx/src/http/modules/ngx_http_upstream_keepalive_module.c@release-1.22.1:160-162, 334-340"},
	{"nginx-keepalive-requests", "nginx 1.19.10–1.22.1", "nginx/src/http/ngx_http_core_module.c@release-1.22.1:3751-3758"},
	{"nginx-reuseport", "nginx 1.22.1", "nginx/src/core/ngx_connection.c@release-1.22.1:99-131"},
	{"nginx-accept-mutex", "nginx 1.22.1", "nginx/src/event/ngx_event.c@release-1.22.1:1337-1338"},
	{"nginx-epollexclusive-first-worker", "nginx 1.22.1", "nginx/src/event/ngx_event_accept.c@release-1.22.1:430-476"},
	{"linux-epoll-exclusive", "manpages-dev 6.03-2", "man:epoll_ctl(2)"},
	{"gevent-no-epollexclusive", "gevent 22.10.2, libev 4.33", "gevent/deps/libev/ev_epoll.c@22.10.2:93-96"},
	{"linux-so-reuseport", "manpages 6.03-2", "man:socket(7)"},
	{"gevent-cooperative", "gevent 22.10.2", "gevent/docs/intro.rst@22.10.2:122-133"},
	{"gevent-logged-time", "gunicorn 20.1.0, gevent 22.10.2", "gevent/pywsgi.py@22.10.2:988, 1022-1024"},
}

// fact returns the fact with id; it panics on an id the table lacks, so
// that advice can never cite a fact that was not checked (a test covers
// every id the code cites).
func fact(id string) Fact {
	for _, f := range Facts {
		if f.ID == id {
			return f
		}
	}
	panic("explain: no verified fact " + id)
}
