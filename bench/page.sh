#! /bin/sh
#
# page.sh DIR: write the benchmark's heavy PHP page, DIR/page.php, and
# the code it includes, DIR/lib/base.php and DIR/lib/lib01.php to
# lib40.php: about 8 KB each, some 330 KB of PHP in all, an interface,
# a base class, and in each file a class that extends it with 21
# methods and 8 functions.  The page includes every file, calls four
# methods of each class and two functions of each file, and prints one
# line: "page ok, opcache on" when the sum of what they return is the
# one computed here and OPcache caches the page, or what is wrong.
#
# Always the same text: every constant comes from the file's and the
# method's numbers.  The files are dated 2020, as OPcache leaves
# uncached a file modified in the last opcache.file_update_protection
# (2) seconds.

set -eu

dir=$1
mkdir -p "$dir/lib"

awk -v dir="$dir" -v files=40 -v methods=21 -v funcs=8 '
function max(a, b) { return a > b ? a : b }

# What method j of file k returns for x, as the PHP below computes it.
function method_value(k, j, x,    a, b, m, l, i, s) {
	a = (k * 31 + j * 17) % 97 + 1
	b = (k * 13 + j * 7) % 89 + 1
	m = (k * 7 + j * 11) % 991 + 17
	l = (k + j) % 9 + 8
	s = 0
	for (i = 0; i < l; i++)
		s += (x * a + i * b) % m
	return s + k + j
}

# What function j of file k returns for "fpmd-bench" (10 bytes).
function func_value(k, j,    n) {
	n = (k * 5 + j * 3) % 23 + 4
	return max(10, n) + n % 7
}

function write_method(f, k, j,    a, b, m, l) {
	a = (k * 31 + j * 17) % 97 + 1
	b = (k * 13 + j * 7) % 89 + 1
	m = (k * 7 + j * 11) % 991 + 17
	l = (k + j) % 9 + 8
	printf "    /**\n     * Method %d of library %d: a sum of %d residues " \
	    "modulo %d,\n     * for the benchmark to run through OPcache.\n" \
	    "     */\n", j, k, l, m >f
	printf "    public function m%d(int $x): int\n    {\n" \
	    "        $s = 0;\n        for ($i = 0; $i < %d; $i++) {\n" \
	    "            $s += ($x * %d + $i * %d) %% %d;\n        }\n" \
	    "        return $s + $this->tag(%d);\n    }\n\n", j, l, a, b, m,
	    j >f
}

function write_func(f, k, j,    n) {
	n = (k * 5 + j * 3) % 23 + 4
	printf "/**\n * Function %d of library %d: padding, to %d bytes.\n" \
	    " */\nfunction bench_lib%02d_f%d(string $s): int\n{\n" \
	    "    $t = str_pad($s, %d, \"-\");\n" \
	    "    return strlen($t) + %d %% 7;\n}\n\n", j, k, n, k, j, n, n >f
}

BEGIN {
	f = dir "/lib/base.php"
	printf "<?php\n// The base of the benchmark page'"'"'s libraries " \
	    "(bench/page.sh).\n\ninterface BenchLib\n{\n" \
	    "    public function id(): int;\n}\n\n" \
	    "abstract class BenchBase implements BenchLib\n{\n" \
	    "    protected int $id;\n\n" \
	    "    public function __construct(int $id)\n    {\n" \
	    "        $this->id = $id;\n    }\n\n" \
	    "    public function id(): int\n    {\n" \
	    "        return $this->id;\n    }\n\n" \
	    "    protected function tag(int $j): int\n    {\n" \
	    "        return $this->id + $j;\n    }\n}\n" >f
	close(f)

	sum = 0
	for (k = 1; k <= files; k++) {
		f = sprintf("%s/lib/lib%02d.php", dir, k)
		printf "<?php\n// Library %d of the benchmark page " \
		    "(bench/page.sh).\n\n", k >f
		printf "final class BenchLib%02d extends BenchBase\n{\n", k >f
		for (j = 1; j <= methods; j++)
			write_method(f, k, j)
		printf "}\n\n" >f
		for (j = 1; j <= funcs; j++)
			write_func(f, k, j)
		close(f)
		# What the page calls: methods 1, 7, 13 and 19 with x = k,
		# functions 1 and 5.
		for (j = 1; j <= methods; j += 6)
			sum += method_value(k, j, k)
		sum += func_value(k, 1) + func_value(k, 5)
	}

	f = dir "/page.php"
	printf "<?php\n// The benchmark'"'"'s heavy page (bench/page.sh): " \
	    "it includes %d files,\n// calls some of what they define and " \
	    "says whether the sum is right.\n" \
	    "header(\"Content-Type: text/plain\");\n" \
	    "require_once __DIR__ . \"/lib/base.php\";\n", files >f
	for (k = 1; k <= files; k++)
		printf "require_once __DIR__ . \"/lib/lib%02d.php\";\n", k >f
	printf "\n$sum = 0;\nfor ($k = 1; $k <= %d; $k++) {\n" \
	    "    $class = sprintf(\"BenchLib%%02d\", $k);\n" \
	    "    $o = new $class($k);\n" \
	    "    for ($j = 1; $j <= %d; $j += 6) {\n" \
	    "        $sum += $o->{\"m$j\"}($k);\n    }\n" \
	    "    $sum += (sprintf(\"bench_lib%%02d_f1\", $k))(\"fpmd-bench\");\n" \
	    "    $sum += (sprintf(\"bench_lib%%02d_f5\", $k))(\"fpmd-bench\");\n" \
	    "}\n", files, methods >f
	printf "$opcache = function_exists(\"opcache_is_script_cached\") &&\n" \
	    "    opcache_is_script_cached(__FILE__);\n" \
	    "if ($sum === %d && $opcache) {\n" \
	    "    echo \"page ok, opcache on\\n\";\n} else {\n" \
	    "    echo \"page wrong: sum $sum (%d wanted), opcache \",\n" \
	    "        $opcache ? \"on\" : \"off\", \"\\n\";\n}\n", sum, sum >f
	close(f)
}'

touch -t 202001010000 "$dir/page.php" "$dir"/lib/*.php
