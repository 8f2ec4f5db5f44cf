#!/bin/sh
# Prints the limits and the niceness it runs with, one a line.
printf 'Content-Type: text/plain\r\n\r\n'
echo "files $(ulimit -n)"
echo "core $(ulimit -c)"
echo "nice $(ps -o nice= -p $$ | tr -d ' ')"
