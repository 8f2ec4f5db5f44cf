#!/bin/sh
# Starts a grandchild that would sleep for a long time, writes both
# pids to $PIDDIR/grandchild.pids, then sleeps itself: a timeout, an
# abort or a stop must end both.
sleep 300 &
echo "$$ $!" >"${PIDDIR:-/tmp}/grandchild.pids"
printf 'Content-Type: text/plain\r\n\r\n'
echo "started $!"
sleep 300
