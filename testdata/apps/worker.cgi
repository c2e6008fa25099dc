#!/bin/sh
# worker.cgi names the Apache child that ran it, for skewer's end-to-end tests
# (cmd/servers_e2e_test.go): under the prefork MPM, mod_cgi forks the script
# from the child serving the request, so the script's parent ($PPID) is the
# child Apache logs as %P. The PID goes in the body and an X-Worker-PID header.
printf 'Content-Type: text/plain\r\nX-Worker-PID: %s\r\n\r\n%s\n' "$PPID" "$PPID"
