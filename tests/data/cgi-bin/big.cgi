#!/bin/sh
# Writes QUERY_STRING bytes (default 3000000) of output.
printf 'Content-Type: application/octet-stream\r\n\r\n'
head -c "${QUERY_STRING:-3000000}" /dev/zero
