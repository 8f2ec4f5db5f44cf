#!/bin/sh
# A CGI program: headers, a blank line, the body (RFC 3875).
printf 'Content-Type: text/plain\r\n\r\n'
echo "Hello from $SCRIPT_NAME, run by fpmd."
