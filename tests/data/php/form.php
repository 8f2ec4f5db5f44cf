<?php
// A form: GET shows it, POST greets whoever was named in it.
header("Content-Type: text/html");
if ($_SERVER["REQUEST_METHOD"] === "POST") {
	echo "<p>hello, ", htmlspecialchars($_POST["name"] ?? ""), "</p>\n";
	exit;
}
echo '<form method="post"><input name="name"><input type="submit"></form>', "\n";
