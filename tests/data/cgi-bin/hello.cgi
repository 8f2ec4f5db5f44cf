#!/bin/sh
# The smallest CGI: a header, a blank line, one line of body.
printf 'Content-Type: text/plain\r\n\r\n'
echo "hello from $SCRIPT_NAME"
