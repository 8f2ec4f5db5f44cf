#!/bin/sh
# A redirect: Location and no Status.
printf 'Location: http://example.org/moved\r\n\r\n'
