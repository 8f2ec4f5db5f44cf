#!/bin/sh
# Shows what a CGI program gets: the request's params, nothing more.
printf 'Content-Type: text/plain\r\n\r\n'
env | sort
