#!/bin/sh
# Leaves a grandchild in a session of its own, out of reach of the
# process-group kill at the end of the request, writes its pid to
# $PIDDIR/escape.pid, and answers at once.
setsid sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >"${PIDDIR:-/tmp}/escape.pid"
printf 'Content-Type: text/plain\r\n\r\nescaped %s\n' "$!"
