#!/bin/sh
# Burns about 0.3 s of CPU in awk, which also grows a string to 32 MB
# on the way: its peak memory is the request's.
printf 'Content-Type: text/plain\r\n\r\n'
awk 'BEGIN { s = "x"; while (length(s) < 20 * 1048576) s = s s
	for (i = 0; i < 2000000; i++) n += i; print length(s) }'
