# Helpers for the scripts that build fpmd outside the tree, each time
# on a fresh copy in a temporary directory that they remove at exit:
# tests/tools/cross and tests/tools/footprint.  Sourcing this sets top
# (the tree), MAKE and WORK (the temporary directory).

top=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
MAKE=${MAKE:-make}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fpmd-${0##*/}.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 1' INT TERM

fail() {
	echo "${0##*/}: $*" >&2
	return 1
}

# need COMMAND PACKAGE: fail naming the Debian package to install.
need() {
	command -v "$1" >/dev/null 2>&1 ||
	    fail "$1 is missing: apt-get install $2"
}

# A copy of the tree, without git's files or build products, in $1.
copy_tree() {
	mkdir -p "$1"
	(cd "$top" && tar -cf - --exclude ./.git .) |
	    (cd "$1" && tar -xf -) || return 1
	(cd "$1" && $MAKE clean >/dev/null)
}

# This machine's fcgi-client, in $WORK/host/tests/lib.
host_client() {
	[ -x "$WORK/host/tests/lib/fcgi-client" ] && return 0
	copy_tree "$WORK/host" &&
	    (cd "$WORK/host" && $MAKE tests/lib/fcgi-client >/dev/null)
}
