<?php
// The settings named in ?names=a,b, one "name=value" a line, as ini_get()
// reads them; then whether ini_set() could change the first one.
header("Content-Type: text/plain");
foreach (explode(",", $_GET["names"] ?? "") as $name)
	echo $name, "=", var_export(ini_get($name), true), "\n";
if (isset($_GET["set"]))
	echo "ini_set: ", var_export(ini_set(explode(",", $_GET["names"])[0],
	    $_GET["set"]), true), "\n";
