<?php
// The benchmark's PHP script: the same answer as hello.c.
header("Content-Type: text/plain");
echo "hello\n";
