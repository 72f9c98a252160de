#!/bin/sh
# The lab's web workload: a page that names this container, on ports 80 and 8080 (a second port
# lets policy tests tell "this port" from "that port" on one container), and an ssh server on port
# 22 when SKYHOOK_AUTHORIZED_KEY holds a public key.
name="${SKYHOOK_NAME:-$(hostname)}"
mkdir -p /www
echo "hello from $name" > /www/index.html
httpd -p 80 -h /www
httpd -p 8080 -h /www
if [ -n "$SKYHOOK_AUTHORIZED_KEY" ]; then
  mkdir -p /root/.ssh
  echo "$SKYHOOK_AUTHORIZED_KEY" > /root/.ssh/authorized_keys
  chmod 700 /root /root/.ssh
  chmod 600 /root/.ssh/authorized_keys
  mkdir -p /etc/dropbear
  dropbear -R -s -p 22
fi
# As PID 1 the shell ignores SIGTERM unless it traps it: exit at once when docker stops us.
trap 'exit 0' TERM INT
while true; do
  sleep 3600 &
  wait $!
done
