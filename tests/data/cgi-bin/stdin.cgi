#!/bin/sh
# Says what its standard input is (ls -l's first letter: - for a file,
# p for a pipe, c for a device such as /dev/null), its CONTENT_LENGTH
# and the bytes it reads there.  With PIDDIR, it notes that it ran.
[ -n "$PIDDIR" ] && : >"$PIDDIR/ran"
printf 'Content-Type: text/plain\r\n\r\n'
echo "stdin $(ls -lL /dev/stdin | cut -c1)"
echo "CONTENT_LENGTH=$CONTENT_LENGTH"
echo "read $(wc -c | tr -d ' ')"
