# Real web servers in front of fpmd, for the atf-sh tests that drive
# them (web_test, upload_test): fpmd with a pool on TCP serving a copy
# of the test scripts where examples/ expects them; nginx, lighttpd and
# Apache httpd each started from its file in examples/, with the test's
# free ports; requests through them with curl; and the cleanup that
# stops them by pid.  Source it after common.sh.

EXAMPLES=$SRCDIR/../examples

# fpmd with one CGI pool on TCP serving a private copy of the test
# scripts in examples/cgi-bin, where the examples look for them; the
# arguments are more lines for the pool.
web_fpmd() {
	mkdir -p examples
	cp -R "$CGIBIN" examples/cgi-bin
	chmod 644 examples/cgi-bin/silent.cgi
	CGI=$(cd examples/cgi-bin && pwd -P)
	FPORT=$("$CLIENT" -L)
	{ global_conf
	printf '%s\n' "pm = static" "pm.max_children = 3" "$@" |
	    pool_conf www "127.0.0.1:$FPORT"
	} | sed "s|^cgi.root = .*|cgi.root = $CGI|" >fpmd.conf
	fpmd_start
	HPORT=$("$CLIENT" -L)
	URL=http://127.0.0.1:$HPORT
}

# The example file $1 into examples/, with this test's ports: 8027 and
# 8028 are the web server's, 9027 and 9028 fpmd's; free ones, even
# where the test uses only the first of each.
example() {
	[ -n "$HPORT2" ] || HPORT2=$("$CLIENT" -L)
	[ -n "$FPORT2" ] || FPORT2=$("$CLIENT" -L)
	sed -e "s/8027/$HPORT/g" -e "s/8028/$HPORT2/g" \
	    -e "s/9027/$FPORT/g" -e "s/9028/$FPORT2/g" \
	    "$EXAMPLES/$1" >"examples/$1"
}

need() {
	command -v curl >/dev/null || atf_skip "curl is not installed"
	for _b in "$@"; do
		[ -x "$_b" ] && return 0
		command -v "$_b" >/dev/null && return 0
	done
	atf_skip "$1 is not installed (Debian: apt-get install $2)"
}

# load_until FILE MAX URL: batches of requests for URL, curl's globs
# and all, four at a time, until FILE exists and at most MAX batches;
# each answer's status code on a line of stdout, curl's complaints in
# curl.err.  BATCH in URL becomes the batch's number, so that each
# batch asks for URLs of its own.
load_until() {
	_b=0
	while [ ! -e "$1" ] && [ $_b -lt "$2" ]; do
		curl -s --parallel --parallel-max 4 -o /dev/null \
		    -w '%{http_code}\n' --max-time 60 \
		    "$(printf '%s' "$3" | sed "s/BATCH/$_b/")" 2>>curl.err
		_b=$((_b + 1))
	done
}

# The HTTP status and body of a GET, or of a POST with -d @file.
http() {
	curl -s -o body.out -w '%{http_code}' --max-time 20 "$@"
}

# http_expect CODE REGEX URL [curl options]
http_expect() {
	_code=$1
	_re=$2
	shift 2
	_got=$(http "$@")
	[ "$_got" = "$_code" ] ||
	    atf_fail "$1: HTTP $_got, not $_code: $(oneline body.out)"
	grep -q -- "$_re" body.out || atf_fail "$1: no /$_re/ in \
$(oneline body.out)"
}

# Wait for the server started in the background as $1 to answer.
server_up() {
	echo $! >"$1.bgpid"
	wait_for 10 curl -s -o /dev/null "$URL/" ||
	    atf_fail "$1 did not start: $(oneline "$1.out" examples/*.log)"
}

# The nginx binary, in NGINX, and the directory of its stock files
# (fastcgi_params, fastcgi.conf, snippets/), in NGINX_CONF.
nginx_find() {
	need nginx nginx /usr/sbin/nginx /usr/local/sbin/nginx
	NGINX=$(command -v nginx || ls /usr/sbin/nginx /usr/local/sbin/nginx \
	    2>/dev/null | head -1)
	NGINX_CONF=$(dirname "$("$NGINX" -V 2>&1 |
	    sed -n 's/.*--conf-path=\([^ ]*\).*/\1/p')")
}

# nginx on examples/nginx.conf; the arguments are more sed commands for
# the copy, such as turning fastcgi_request_buffering off.
nginx_start() {
	nginx_find
	example nginx.conf
	sed -i.bak \
	    -e "s|/etc/nginx/fastcgi_params|$NGINX_CONF/fastcgi_params|" \
	    "$@" examples/nginx.conf
	# As root, nginx's workers would be nobody, who cannot reach a
	# pool's unix socket.
	_g="daemon off;"
	[ "$(id -u)" = 0 ] && _g="$_g user root;"
	"$NGINX" -p "$PWD/examples" -c nginx.conf -e stderr -g "$_g" \
	    >nginx.out 2>&1 &
	server_up nginx
}

# lighttpd on examples/lighttpd.conf.
lighttpd_start() {
	need lighttpd lighttpd /usr/sbin/lighttpd /usr/local/sbin/lighttpd
	LIGHTTPD=$(command -v lighttpd || ls /usr/sbin/lighttpd \
	    /usr/local/sbin/lighttpd 2>/dev/null | head -1)
	example lighttpd.conf
	"$LIGHTTPD" -D -f examples/lighttpd.conf >lighttpd.out 2>&1 &
	server_up lighttpd
}

# Apache httpd with mod_proxy_fcgi on examples/apache.conf; its
# children run as root's choice of user, not root.
apache_start() {
	need apache2 apache2 /usr/sbin/apache2 /usr/sbin/httpd \
	    /usr/local/sbin/httpd
	APACHE=$(command -v apache2 || ls /usr/sbin/apache2 /usr/sbin/httpd \
	    /usr/local/sbin/httpd 2>/dev/null | head -1)
	modules=$(dirname "$(find /usr/lib/apache2/modules /usr/lib/httpd/modules \
	    /usr/local/libexec/apache24 -name mod_proxy_fcgi.so 2>/dev/null |
	    head -1)")
	[ -f "$modules/mod_proxy_fcgi.so" ] ||
	    atf_skip "mod_proxy_fcgi is not installed"
	example apache.conf
	set -- -C "Define MODULES $modules"
	[ "$(id -u)" = 0 ] &&
	    set -- "$@" -c "User nobody" -c "Group $(id -gn nobody)"
	"$APACHE" -d "$PWD/examples" -f apache.conf -DFOREGROUND "$@" \
	    >apache.out 2>&1 &
	server_up apache
}

# Stop the web servers this test started, by their own pids.
web_cleanup() {
	for _f in nginx.bgpid lighttpd.bgpid apache.bgpid; do
		[ -s "$_f" ] || continue
		_pid=$(cat "$_f")
		for _p in $(pgrep -P "$_pid") $_pid; do
			kill -KILL "$_p" 2>/dev/null
		done
	done
	[ -d host2 ] && (cd host2 && fpmd_cleanup)
	fpmd_cleanup
}

web_case() {
	atf_test_case "$1" cleanup
	eval "${1}_head() { atf_set descr \"$2\"; atf_set timeout 120; }"
	eval "${1}_body() { $1; }"
	eval "${1}_cleanup() { web_cleanup; }"
	atf_add_test_case "$1"
}

