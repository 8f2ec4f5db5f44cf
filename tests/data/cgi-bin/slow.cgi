#!/bin/sh
# Sleeps QUERY_STRING seconds (default 2), then answers.  With the
# param PIDDIR, it first writes its pid to $PIDDIR/slow.pid.
[ -n "$PIDDIR" ] && echo $$ >"$PIDDIR/slow.pid"
sleep "${QUERY_STRING:-2}"
printf 'Content-Type: text/plain\r\n\r\n'
echo "slept ${QUERY_STRING:-2}"
