#!/bin/sh
# Prints a body with no header block before it.
echo "Hello, world"
