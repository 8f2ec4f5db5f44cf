# Helpers for the atf-sh test programs: writing configurations,
# starting fpmd and stopping it by its own pidfile, polling for a state
# with a deadline (never a fixed sleep), and asking for pages.

SRCDIR=$(atf_get_srcdir)
FPMD=$SRCDIR/../fpmd
CLIENT=$SRCDIR/lib/fcgi-client
CGIBIN=$SRCDIR/data/cgi-bin

# Run as root, the suite's pools run as root too, which fpmd refuses
# without -R.
ROOT_OK=
[ "$(id -u)" = 0 ] && ROOT_OK=-R

# The event backends this build has, from config.h.
backends() {
	sed -n -E 's/^#define HAVE_(KQUEUE|EPOLL|POLL) 1$/\1/p' \
	    "$SRCDIR/../config.h" | tr 'A-Z' 'a-z'
}

# Declare test case $1 once per backend, as $1_<backend>; its body is
# the shell function $1 with BACKEND set.  $2 is the description, $3 a
# timeout other than 120 seconds.
backend_cases() {
	for b in $(backends); do
		atf_test_case "${1}_${b}" cleanup
		eval "${1}_${b}_head() { atf_set descr \"$2 ($b)\"; \
		    atf_set timeout ${3:-120}; }"
		eval "${1}_${b}_body() { BACKEND=$b; $1; }"
		eval "${1}_${b}_cleanup() { fpmd_cleanup; }"
		atf_add_test_case "${1}_${b}"
	done
}

# Declare test case $1, whose body is the shell function $1, with a
# cleanup that stops fpmd; $2 describes it, $3 is a timeout other than
# 120 seconds.
daemon_case() {
	atf_test_case "$1" cleanup
	eval "${1}_head() { atf_set descr \"$2\"; atf_set timeout ${3:-120}; }"
	eval "${1}_body() { $1; }"
	eval "${1}_cleanup() { fpmd_cleanup; }"
	atf_add_test_case "$1"
}

# Run "$@" every 50 ms until it succeeds or $1 seconds have passed,
# 20 at least: a deadline only bounds a wait that has failed, and a
# loaded machine can stall an event that is due at once for seconds.
wait_for() {
	_limit=$(($1 * 20))
	[ $_limit -ge 400 ] || _limit=400
	shift
	_i=0
	while ! "$@" >/dev/null 2>&1; do
		_i=$((_i + 1))
		[ $_i -ge $_limit ] && return 1
		sleep 0.05
	done
	return 0
}

# The [global] section every test configuration starts with.
global_conf() {
	cat <<EOT
[global]
pid = $PWD/fpmd.pid
events.mechanism = ${BACKEND:-$(backends | head -1)}
process_control_timeout = 10s
EOT
}

# A pool's user line: needed when the suite runs as root.
user_line() {
	[ "$(id -u)" = 0 ] && echo "user = $(id -un)"
	return 0
}

# A pool section: pool NAME LISTEN [extra key = value lines on stdin].
# The test scripts that leave files behind (grandchild.cgi, slow.cgi)
# find the test's directory in env[PIDDIR]: a request's own params
# reach a CGI program only through cgi.c's allow-list.
pool_conf() {
	cat <<EOT

[$1]
listen = $2
$(user_line)
ping.path = /ping
pm.status_path = /status
cgi.root = $CGIBIN
env[PIDDIR] = $PWD
EOT
	cat
}

master_pid() {
	cat "$PWD/fpmd.pid" 2>/dev/null
}

alive() {
	kill -0 "$1" 2>/dev/null
}

# Start fpmd in the foreground (-d), logging to fpmd.log, and wait for
# its pidfile: the sockets are listening by then.  A cross-built fpmd
# runs under the command in the "emulator" variable (tests/tools/cross:
# kyua -v test_suites.fpmd.emulator="qemu-mips -L /usr/mips-linux-gnu"),
# which runs it in the same process, so its pid is fpmd's.
fpmd_start() {
	rm -f fpmd.pid
	$(atf_config_get emulator "") "$FPMD" $ROOT_OK -d -f "$PWD/fpmd.conf" \
	    "$@" >fpmd.out 2>fpmd.log &
	echo $! >fpmd.bgpid
	wait_for 10 eval "test -s fpmd.pid || ! alive $!"
	test -s fpmd.pid || atf_fail "fpmd did not start: $(cat fpmd.log)"
}

# Start program $1 (fpmd by default) as fpmd_start does, but without
# -d, so that it logs where the configuration's error_log says (which
# sets daemonize = no); its stdout and stderr go to fpmd.out.
fpmd_start_logging() {
	rm -f fpmd.pid
	"${1:-$FPMD}" $ROOT_OK -f "$PWD/fpmd.conf" >fpmd.out 2>&1 &
	echo $! >fpmd.bgpid
	wait_for 10 eval "test -s fpmd.pid || ! alive $!"
	test -s fpmd.pid || atf_fail "fpmd did not start: $(oneline fpmd.out)"
}

# Stop with SIGTERM and wait until the master is gone.
fpmd_stop() {
	_pid=$(master_pid)
	kill -TERM "$_pid"
	wait_for 15 eval "! alive $_pid" || atf_fail "fpmd $_pid did not stop"
}

# Whatever a test left running, by pid: the master, its workers and
# their children (CGI programs, applications) with the process groups
# these lead (a shared php-cgi's children), and each process it
# recorded in a NAME.bgpid file.
fpmd_cleanup() {
	for _f in *.bgpid; do
		[ -s "$_f" ] || continue
		_pid=$(cat "$_f")
		for _p in $(pgrep -P "$_pid"); do
			for _c in $(pgrep -P "$_p"); do
				kill -KILL -- "-$_c" "$_c" 2>/dev/null
			done
			kill -KILL "$_p" 2>/dev/null
		done
		kill -KILL "$_pid" 2>/dev/null
	done
	return 0
}

workers() {
	pgrep -P "$(master_pid)" | sort -n
}

nworkers() {
	workers | wc -l | tr -d ' '
}

# Send one request: request ADDRESS SCRIPT_NAME [client options].
request() {
	_addr=$1
	_script=$2
	shift 2
	"$CLIENT" -t 20 -p "SCRIPT_NAME=$_script" \
	    -p "SCRIPT_FILENAME=$CGIBIN$_script" -p REQUEST_METHOD=GET \
	    "$@" "$_addr"
}

# The body of a response: what follows the blank line.
body() {
	sed '1,/^\r*$/d'
}

# One field of the JSON status page.
status_field() {
	request "$1" /status -p QUERY_STRING=json | body |
	    jq -r ".\"$2\""
}

# FastCGI bytes by hand, for what the client cannot say: a byte from
# its value, a name-value pair (both under 128 bytes), and a record
# (record TYPE ID FILE) with the content of FILE.
octal() {
	printf "\\$(printf %03o "$1")"
}

nv() {
	octal ${#1}
	octal ${#2}
	printf '%s%s' "$1" "$2"
}

record() {
	_len=$(wc -c <"$3" | tr -d ' ')
	_pad=$(((8 - _len % 8) % 8))
	printf '\001'
	octal "$1"
	octal 0
	octal "$2"
	octal $((_len >> 8))
	octal $((_len & 255))
	octal "$_pad"
	printf '\000'
	cat "$3"
	head -c "$_pad" /dev/zero
}

# Has fpmd logged a line matching the pattern?
logged() {
	grep -q -- "$1" "$PWD/fpmd.log"
}

# Files (or stdin) on one line, for atf_fail's one-line reasons.
oneline() {
	cat "$@" | tr '\r\n' '  '
}

# atf_check runs programs, not shell functions; these check requests.
# expect REGEX ADDRESS SCRIPT [client options]: it answers, matching.
expect() {
	_re=$1
	shift
	request "$@" >expect.out 2>expect.err ||
	    atf_fail "$2: request failed: $(oneline expect.err); \
log: $(tail -5 fpmd.log | oneline)"
	grep -q -- "$_re" expect.out ||
	    atf_fail "$2: no /$_re/ in: $(oneline expect.out expect.err)"
}

# expect_fail REGEX ADDRESS SCRIPT [options]: it fails, saying REGEX.
expect_fail() {
	_re=$1
	shift
	request "$@" >expect.out 2>expect.err &&
	    atf_fail "$2: succeeded: $(oneline expect.out)"
	grep -q -- "$_re" expect.err ||
	    atf_fail "$2: no /$_re/ in: $(oneline expect.out expect.err)"
}

# The CGI programs the workers of the master in the pidfile run now.
cgis() {
	pgrep -P "$(workers | tr '\n' ',' | sed 's/,$//')" | wc -l | tr -d ' '
}

# A pool's retirement with requests in flight: in_flight starts 16
# requests of slow.cgi of 1.5 s on $SOCK, at once, and waits until a
# CGI program runs for each; landed waits for them, which must all be
# answered.  Each request counts in flights, for the access lines that
# access.log must then hold.
in_flight() {
	"$CLIENT" -t 30 -c 16 -n 1 -q -e slept -p QUERY_STRING=1.5 \
	    -p SCRIPT_NAME=/slow.cgi -p "SCRIPT_FILENAME=$CGIBIN/slow.cgi" \
	    "$SOCK" >flight.out 2>&1 &
	_flight=$!
	echo $_flight >flight.bgpid
	wait_for 10 eval '[ "$(cgis)" -ge 16 ]' ||
	    atf_fail "16 requests are not running: $(cgis)"
}

landed() {
	wait $_flight || atf_fail "requests failed: $(oneline flight.out)"
	grep -q "16 requests: 16 ok, 0 failed" flight.out ||
	    atf_fail "not every request answered: $(oneline flight.out)"
	flights=$((${flights:-0} + 16))
}

# The children of process $1 that have exited and wait to be reaped.
zombies() {
	ps -o stat= -p "$(pgrep -P "$1" | tr '\n' ',' | sed 's/,$//')" |
	    grep -c '^Z'
}

# landed, with master $1 stopped meanwhile, after it has told its 16
# busy workers to leave: they answer, send their access lines and exit,
# and when the master goes on, their exits and their lines wait for it
# together, in whichever order its event loop takes them.  Sixteen
# exits at once, each a LeakSanitizer check under tests/tools/cross,
# took over 20 s on a machine loaded far beyond the suite's stress:
# the wait is for the exits, a minute at most.
landed_while_stopped() {
	kill -STOP "$1"
	landed
	wait_for 60 eval '[ "$(zombies '"$1"')" -ge 16 ]' ||
	    atf_fail "$(zombies "$1") workers exited, not 16"
	kill -CONT "$1"
}

# Every request answered has its line in access.log, no more.
every_response_logged() {
	wait_for 15 eval '[ "$(wc -l <access.log)" -ge '"$flights"' ]'
	_lines=$(wc -l <access.log | tr -d ' ')
	[ "$_lines" = "$flights" ] ||
	    atf_fail "$flights requests answered, $_lines access lines"
}
