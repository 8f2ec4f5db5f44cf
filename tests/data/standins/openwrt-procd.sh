# A stand-in for OpenWrt's /lib/functions/procd.sh, for
# tests/contrib_test: what an init script would ask procd over ubus is
# written to $RC_RECORD instead: the instance procd would run (with
# ", respawned" if it would start it again), or the signal procd would
# send.  procd stops an instance with TERM.

procd_open_service() {
	:
}

procd_close_service() {
	:
}

procd_open_instance() {
	_procd_command=
	_procd_respawn=
}

procd_set_param() {
	_procd_param=$1
	shift
	case "${_procd_param}" in
	command)	_procd_command="$*" ;;
	respawn)	_procd_respawn=", respawned" ;;
	esac
}

procd_close_instance() {
	echo "procd: ${_procd_command}${_procd_respawn}" >>"$RC_RECORD"
}

# procd_send_signal SERVICE [INSTANCE] [SIGNAL]
procd_send_signal() {
	echo "procd: SIG${3:-HUP} to $1" >>"$RC_RECORD"
}

procd_kill() {
	echo "procd: SIGTERM to $1" >>"$RC_RECORD"
}
