#!/bin/sh
# Writes a line to stderr and one to stdout.
echo "a message on stderr" >&2
printf 'Content-Type: text/plain\r\n\r\n'
echo "stdout"
