# Helpers for the tests of FastCGI application pools (exec): app_test
# and shared_test.  Sourced after common.sh and web.sh.

FCGIAPP=$SRCDIR/lib/fcgi-app
PHPDIR=$SRCDIR/data/php
SOCK=

need_fcgi_app() {
	[ -x "$FCGIAPP" ] || atf_skip "tests/lib/fcgi-app is not built: it needs \
libfcgi (Debian: apt-get install libfcgi-dev)"
}

need_php_cgi() {
	PHPCGI=$(command -v php-cgi || command -v php-cgi8.2) ||
	    atf_skip "php-cgi is not installed (Debian: apt-get install \
php8.2-cgi)"
}

# app_pool EXEC [key = value lines]: one pool with exec = EXEC, its
# private directory under ./tmp.
app_pool() {
	SOCK=$PWD/app.sock
	mkdir -p tmp
	_exec=$1
	shift
	{ global_conf; pool_conf app "$SOCK"; } | sed '/^cgi.root/d' >fpmd.conf
	printf '%s\n' "exec = $_exec" "env[TMPDIR] = $PWD/tmp" "$@" \
	    >>fpmd.conf
}

# ask QUERY [client options]: a request for the application.
ask() {
	_q=$1
	shift
	"$CLIENT" -t 30 -p SCRIPT_NAME=/app -p REQUEST_METHOD=GET \
	    -p "QUERY_STRING=$_q" "$@" "$SOCK"
}

# The applications' pids: the children of the workers.
apps() {
	for _w in $(workers); do
		pgrep -P "$_w"
	done | sort -n
}

napps() {
	apps | wc -l | tr -d ' '
}

# The keeper of an exec.mode = shared pool, its application's
# instance, and the instance's children.
keeper() {
	pgrep -P "$(master_pid)" -f "pool [^ ]* application"
}

instance() {
	pgrep -P "$(keeper)"
}

children() {
	pgrep -P "$(instance)" | sort -n
}

# Nothing left in TMPDIR but the empty directory of the pool's user.
nothing_left() {
	atf_check -o empty find tmp -mindepth 1 ! -name "fpmd-$(id -u)"
}

# The pid in "hello from fcgi-app PID" or "hello from php PID".
hello_pid() {
	sed -n 's/^hello from [a-z-]* \([0-9]*\)$/\1/p'
}

php_behind_nginx() {
	need_php_cgi
	mkdir -p examples
	cp -R "$PHPDIR" examples/www
	app_pool "$PHPCGI" "$@"
	fpmd_start
	HPORT=$("$CLIENT" -L)
	HPORT2=$("$CLIENT" -L)
	FPORT=$("$CLIENT" -L)
	URL=http://127.0.0.1:$HPORT
	nginx_start -e "s|root cgi-bin;|root www;|" \
	    -e "s|127.0.0.1:9029|unix:$SOCK|"
}

# curl_load N: N requests for hello.php, one status code a line.
curl_load() {
	_i=0
	_urls=""
	while [ $_i -lt "$1" ]; do
		_urls="$_urls -o /dev/null $URL/hello.php"
		_i=$((_i + 1))
	done
	curl -s -w '%{http_code}\n' --max-time 30 $_urls
}
