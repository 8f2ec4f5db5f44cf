<?php
// The environment PHP was given, for the names in ?names=a,b.
header("Content-Type: text/plain");
foreach (explode(",", $_GET["names"] ?? "") as $name)
	echo $name, "=", var_export(getenv($name), true), "\n";
