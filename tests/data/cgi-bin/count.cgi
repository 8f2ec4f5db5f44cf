#!/bin/sh
# Reads its whole body and says how many bytes it was.
printf 'Content-Type: text/plain\r\n\r\n'
echo "read $(wc -c | tr -d ' ')"
