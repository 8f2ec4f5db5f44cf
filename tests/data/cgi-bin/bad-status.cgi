#!/bin/sh
# Prints the Status header QUERY_STRING names (default: banana).
printf 'Status: %s\r\nContent-Type: text/plain\r\n\r\nbad\n' \
    "${QUERY_STRING:-banana}"
