#!/bin/sh
# Prints the pid of the worker that ran it, its parent.
printf 'Content-Type: text/plain\r\n\r\n'
echo "worker $PPID"
