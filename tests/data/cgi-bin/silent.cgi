#!/bin/sh
# Exits without any output.
exit 3
