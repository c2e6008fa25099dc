package parse

// FormatsHelp describes every format skewer reads, the fields it uses, and
// how to add a worker PID to each server's log.
func FormatsHelp() string {
	return `gunicorn  access log, detected from %(p)s's <pid> (also pid=<pid>) or a b'200 OK' status
  syntax:   --log-format '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s'
  atoms:    h l u t r m U q H s B b f a T D L M p {header}i {header}o {var}e
  worker:   %(p)s (prints <pid>)
  duration: %(D)s µs, %(M)s ms, %(L)s decimal s, %(T)s whole s; a bare integer after the PID is read as %(D)s
  time:     %(t)s, whole seconds, end of request
  add PID:  gunicorn --access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s'

nginx     access log, detected from combined (or common) lines with trailing fields such as pid=N rt=0.002 msec=...
  syntax:   --log-format '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $pid $request_time'
  worker:   $pid (nginx's own worker process)
  duration: $request_time (decimal s)
  time:     $time_local, $time_iso8601 (whole seconds), $msec (milliseconds: gives peak concurrency); end of request
  add PID:  log_format workers '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" pid=$pid rt=$request_time msec=$msec';
            to see the gunicorn workers behind nginx, have the app set an X-Worker-PID header and log $upstream_http_x_worker_pid

combined, common
  the default formats of both servers: no worker field, so they cannot be accounted per worker
`
}
