#!/bin/sh
# Answers, closes its output and works on for QUERY_STRING seconds
# (default 2), as a PHP script does after fastcgi_finish_request();
# then, with the param PIDDIR, it creates $PIDDIR/after.done.
printf 'Content-Type: text/plain\r\n\r\nanswered\n'
exec >&- 2>&-
sleep "${QUERY_STRING:-2}"
[ -n "$PIDDIR" ] && : >"$PIDDIR/after.done"
