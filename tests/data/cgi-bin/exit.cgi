#!/bin/sh
# Answers, then exits with the status QUERY_STRING gives.
printf 'Content-Type: text/plain\r\n\r\n'
echo "exiting ${QUERY_STRING:-0}"
exit "${QUERY_STRING:-0}"
