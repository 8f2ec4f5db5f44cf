<?php
// The php-cgi that answered, by its pid.
header("Content-Type: text/plain");
echo "hello from php ", getmypid(), "\n";
