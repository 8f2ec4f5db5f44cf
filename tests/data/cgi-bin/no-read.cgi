#!/bin/sh
# Never reads its body.
printf 'Content-Type: text/plain\r\n\r\n'
echo "did not read"
