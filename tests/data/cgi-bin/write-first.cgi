#!/bin/sh
# Writes 2 MB before it reads its body, then the body's size: the
# wrapper must read output and feed input at the same time.
printf 'Content-Type: text/plain\r\n\r\n'
head -c 2000000 /dev/zero | tr '\0' 'x'
echo
echo "body $(wc -c | tr -d ' ')"
