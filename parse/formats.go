package parse

// FormatsHelp describes every format skewer reads: its fields, what it can
// provide (worker key, duration, time resolution), and the configuration
// line that adds a worker PID to that server's logs.
func FormatsHelp() string {
	return `Every format below is detected by content (--format auto), or named with
--format NAME; --log-format gives the server's own format string.

gunicorn   access log (access_log_format)
  syntax      %(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" ... (atoms: h l u t r m U q H s B b f a T D L M p {header}i {header}o {var}e)
  worker key  %(p)s, printed <pid>   (the default format has none)
  duration    %(D)s µs, %(M)s ms, %(L)s decimal s, %(T)s whole s; a bare integer after <pid> is read as %(D)s
  time        %(t)s, whole seconds, end of request
  connection  %(h)s with %({remote_port}e)s: the client's address and port
  add the PID gunicorn --access-logformat '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(p)s %(D)s'
              (gunicorn.conf.py: access_log_format = '... %(p)s %(D)s')

nginx      access log (log_format; --nginx-conf FILE reads it from the configuration)
  syntax      $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ...
  worker key  $pid (nginx's own worker process), or $upstream_http_x_worker_pid (the app's worker behind nginx,
              used when the format has no $pid, or with --by upstream_http_x_worker_pid),
              --by upstream_addr (the upstream server)
  duration    $request_time (decimal s, ms resolution)
  time        $time_local or $time_iso8601 (whole seconds), $msec (ms: gives peak concurrency); end of request
  connection  $connection (with $connection_requests), or $remote_addr with $remote_port
  add the PID log_format workers '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                                 '"$http_referer" "$http_user_agent" pid=$pid rt=$request_time msec=$msec';
              access_log /var/log/nginx/access.log workers;

uwsgi      uWSGI's default request log line: [pid: N|app: A|req: X/Y] addr () {...} [date] METHOD URI => generated ... in N msecs (HTTP/1.1 200)
  worker key  pid (app: is not a worker)
  duration    msecs (whole ms), or micros with --log-micros
  time        the request's start, no zone (--tz), whole seconds
  add the PID nothing: the default request logging has it (uwsgi --processes 4 --master --logto FILE)

apache     Apache httpd LogFormat (mod_log_config), prefork MPM
  syntax      %h %l %u %t \"%r\" %>s %b ... (--format apache when the string is also valid php-fpm syntax)
  worker key  %P (the child's PID)
  duration    %D µs, %T s, %{ms}T, %{us}T
  time        %t, the request's start, whole seconds (%{msec}t for ms)
  connection  %a or %h with %{remote}p: the client's address and port; %k requests before this one on it
  add the PID LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %P %D" workers
              CustomLog ${APACHE_LOG_DIR}/access.log workers

phpfpm     php-fpm access.format (a pool's access.log)
  syntax      %R - %u %t \"%m %r%Q%q\" %s %f %{mili}d %{kilo}M %C%% (--format phpfpm when also valid Apache syntax)
  worker key  %p (the child's PID; %P is the parent's)
  duration    %d s, %{mili}d, %{micro}d
  time        %t, the request's start
  add the PID access.format = "%R - %u %t \"%m %r%Q%q\" %s %f %{mili}d %{kilo}M %C%% %p"

json       one JSON object per line (nginx escape=json, application logs)
  fields      found by common names: pid, worker_pid (worker); time, timestamp, @timestamp, time_iso8601, msec (time);
              request_time, duration (duration); status; request, path, uri; --field role=name maps others
  worker key  pid or worker_pid, or --by NAME
  connection  connection (and connection_requests), or remote_addr with remote_port
  time        RFC 3339, nginx time_local, epoch seconds or milliseconds
  add the PID nginx: log_format json escape=json '{"time_iso8601":"$time_iso8601","msec":$msec,"pid":$pid,...}';

combined, common
  the default formats of gunicorn, nginx and Apache: no worker field, so they cannot be accounted per worker;
  add one as shown above.
`
}
