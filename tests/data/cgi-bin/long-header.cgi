#!/bin/sh
# A header block that never ends: 40 KB of header lines.
printf 'Content-Type: text/plain\r\n'
i=0
while [ $i -lt 1000 ]; do
	printf 'X-Filler-%04d: %s\r\n' $i xxxxxxxxxxxxxxxxxxxx
	i=$((i + 1))
done
printf '\r\nnever\n'
