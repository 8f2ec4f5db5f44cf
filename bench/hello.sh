#! /bin/sh
# hello.sh: the benchmark's CGI program as a shell script, as many are;
# the same output as hello.c.
printf 'Content-Type: text/plain\r\n\r\nhello\n'
