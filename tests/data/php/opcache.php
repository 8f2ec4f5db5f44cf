<?php
// The php-cgi that answered, and how many hits its opcache has had:
// "opcache PID HITS", HITS -1 when the opcache is off.
header("Content-Type: text/plain");
$s = function_exists("opcache_get_status") ? opcache_get_status(false) : false;
echo "opcache ", getmypid(), " ",
    $s ? $s["opcache_statistics"]["hits"] : -1, "\n";
