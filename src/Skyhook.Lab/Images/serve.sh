#!/bin/sh
# The lab's web workload: a page that names this container, on ports 80 and 8080 (a second port
# lets policy tests tell "this port" from "that port" on one container).
name="${SKYHOOK_NAME:-$(hostname)}"
mkdir -p /www
echo "hello from $name" > /www/index.html
httpd -p 80 -h /www
httpd -p 8080 -h /www
# As PID 1 the shell ignores SIGTERM unless it traps it: exit at once when docker stops us.
trap 'exit 0' TERM INT
while true; do
  sleep 3600 &
  wait $!
done
