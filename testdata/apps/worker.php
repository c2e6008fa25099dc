<?php
// worker.php names the php-fpm child that ran it, for skewer's end-to-end
// tests (cmd/servers_e2e_test.go): its PID in the body and in an X-Worker-PID
// header, so that a test can count requests per worker without trusting the
// access log.
$pid = getmypid();
header('Content-Type: text/plain');
header("X-Worker-PID: $pid");
echo $pid, "\n";
