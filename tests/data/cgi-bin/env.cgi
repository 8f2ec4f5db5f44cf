#!/bin/sh
# Prints its whole environment, sorted, one variable a line.
printf 'Content-Type: text/plain\r\n\r\n'
env | sort
