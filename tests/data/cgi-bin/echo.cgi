#!/bin/sh
# Sends the request body back unchanged.
printf 'Content-Type: application/octet-stream\r\n\r\n'
exec cat
