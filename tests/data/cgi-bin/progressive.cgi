#!/bin/sh
# A line every half second, four times.
printf 'Content-Type: text/plain\r\n\r\n'
for i in 1 2 3 4; do
	echo "line $i"
	sleep 0.5
done
