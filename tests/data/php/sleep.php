<?php
// Sleeps ?s= seconds (default 2), then says who slept.
header("Content-Type: text/plain");
$s = (int)($_GET["s"] ?? 2);
sleep($s);
echo "php ", getmypid(), " slept ", $s, "\n";
