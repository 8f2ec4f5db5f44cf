<?php
// What PHP made of an upload in the field "file": its size, or its error.
header("Content-Type: text/plain");
$f = $_FILES["file"] ?? null;
if ($f === null)
	echo "no file\n";
elseif ($f["error"] !== UPLOAD_ERR_OK)
	echo "upload error ", $f["error"], "\n";
else
	echo "uploaded ", filesize($f["tmp_name"]), " bytes\n";
