# Copyright (c) 2026 The fpmd developers
#
# Permission to use, copy, modify, and distribute this software for any
# purpose with or without fee is hereby granted, provided that the above
# copyright notice and this permission notice appear in all copies.
#
# THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
# WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
# MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
# ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
# WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
# ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
# OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
#
# fpmd: a FastCGI process manager.
#
# One Makefile for BSD make and GNU make: plain assignments, suffix
# rules and explicit object lists.  config.h comes
# from ./configure: make runs it first, and it probes again whenever
# CC, CFLAGS, CPPFLAGS, LDFLAGS or LIBS (from the environment or the
# command line) differ from what config.h records, so every object is
# built with the flags its config.h was probed with.

PROG=		fpmd
VERSION=	0.1
SRCS=		fpmd.c conf.c pool.c listener.c reqlog.c scoreboard.c \
		service.c worker.c conn.c child.c cgi.c cgiheader.c script.c \
		app.c keeper.c privdrop.c relay.c status.c access.c \
		accessfmt.c slowlog.c proto.c confwire.c log.c escape.c \
		xmalloc.c \
		upgrade.c pidfile.c confcheck.c \
		compat/ev.c compat/ev_epoll.c compat/ev_kqueue.c \
		compat/ev_poll.c compat/closefrom.c compat/explicit_bzero.c \
		compat/listenqueue.c compat/peerproc.c compat/procgroup.c \
		compat/reallocarray.c compat/reaper.c \
		compat/selfexec.c compat/setproctitle.c compat/setresuid.c \
		compat/shmanon.c compat/sockacl.c compat/strlcat.c \
		compat/strlcpy.c compat/strtonum.c
OBJS=		fpmd.o conf.o pool.o listener.o reqlog.o scoreboard.o \
		service.o worker.o conn.o child.o cgi.o cgiheader.o script.o \
		app.o keeper.o privdrop.o relay.o status.o access.o \
		accessfmt.o slowlog.o proto.o confwire.o log.o escape.o \
		xmalloc.o \
		upgrade.o pidfile.o confcheck.o \
		compat/ev.o compat/ev_epoll.o compat/ev_kqueue.o \
		compat/ev_poll.o compat/closefrom.o compat/explicit_bzero.o \
		compat/listenqueue.o compat/peerproc.o compat/procgroup.o \
		compat/reallocarray.o compat/reaper.o \
		compat/selfexec.o compat/setproctitle.o compat/setresuid.o \
		compat/shmanon.o compat/sockacl.o compat/strlcat.o \
		compat/strlcpy.o compat/strtonum.o
# The event layer, which builds on its own (README, "Vendoring").
EVOBJS=		compat/ev.o compat/ev_epoll.o compat/ev_kqueue.o \
		compat/ev_poll.o
MAN=		fpmd.8 fpmd.conf.5
# What a port or package places for each service manager: installed
# as examples, never into /etc.
CONTRIBSCRIPTS=	contrib/openbsd/fpmd contrib/freebsd/fpmd \
		contrib/openwrt/fpmd contrib/openrc/fpmd
CONTRIBFILES=	contrib/README contrib/systemd/fpmd.service \
		contrib/systemd/fpmd.socket contrib/launchd/local.fpmd.plist
CONTRIBDIRS=	openbsd freebsd openwrt openrc systemd launchd

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/man
EXAMPLESDIR?=	$(PREFIX)/share/examples/fpmd
# Where fpmd looks for fpmd.conf: /etc in a base system, a port sets
# SYSCONFDIR=$(PREFIX)/etc.
SYSCONFDIR?=	/etc
DESTDIR?=
INSTALL?=	install

CC?=		cc
CFLAGS?=	-O2 -g
CSTD=		-std=c99
CWARN=		-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		-Wpointer-arith -Wshadow -Wsign-compare
CDEFS=		-DHAVE_CONFIG_H -DFPMD_VERSION=\"$(VERSION)\" \
		-DPREFIX=\"$(PREFIX)\" -DSYSCONFDIR=\"$(SYSCONFDIR)\"
LDFLAGS?=
LDADD?=

# The test programs need ATF's C library; configure finds its flags
# (the atf-c package, or FreeBSD base's libprivateatf-c) for the
# compiler it probed.  tests/tools/cross builds them with
# tests/tools/cross-atf.
ATF_CFLAGS?=	-I/usr/local/include
ATF_LIBS?=	`cat config.atf`
TESTPROGS=	tests/proto_test tests/ev_test tests/conn_test \
		tests/status_test tests/access_test tests/cgiheader_test \
		tests/confwire_test tests/lib/fcgi-client \
		tests/lib/fpmd-hostile tests/lib/memscan
# What the unit tests of conn.c and status.c link: no fork, no master.
CONNOBJS=	conn.o scoreboard.o proto.o log.o escape.o xmalloc.o \
		$(EVOBJS) compat/closefrom.o compat/explicit_bzero.o \
		compat/shmanon.o compat/strlcat.o compat/strlcpy.o

.SUFFIXES: .c .o

.c.o:
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(CDEFS) -c $< -o $@

all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDADD) $(LIBS)

config.h: configure FORCE
	@CC="$(CC)" CFLAGS="$(CFLAGS)" CPPFLAGS="$(CPPFLAGS)" \
	    LDFLAGS="$(LDFLAGS)" LIBS="$(LIBS)" sh ./configure --if-changed

FORCE:

$(OBJS): config.h compat/compat.h compat/queue.h
DAEMONOBJS=	fpmd.o conf.o pool.o listener.o reqlog.o scoreboard.o \
		service.o worker.o conn.o child.o cgi.o cgiheader.o script.o \
		app.o keeper.o privdrop.o relay.o status.o access.o \
		accessfmt.o slowlog.o confwire.o escape.o xmalloc.o upgrade.o \
		pidfile.o confcheck.o
$(DAEMONOBJS): fpmd.h master.h worker.h log.h escape.h cgiheader.h \
	    script.h accessfmt.h compat/ev.h compat/ev_config.h proto.h
proto.o: proto.h
log.o: log.h
# The version, PREFIX and SYSCONFDIR come from here.
fpmd.o conf.o confwire.o: Makefile
$(EVOBJS): compat/ev.h compat/ev_config.h compat/ev_impl.h

tests/proto_test.o: tests/proto_test.c config.h proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/proto_test.c -o $@

tests/ev_test.o: tests/ev_test.c config.h compat/ev.h compat/ev_config.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/ev_test.c -o $@

tests/proto_test: tests/proto_test.o proto.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/proto_test.o proto.o \
	    $(ATF_LIBS) $(LIBS)

tests/ev_test: tests/ev_test.o $(EVOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/ev_test.o $(EVOBJS) \
	    $(ATF_LIBS) $(LIBS)

tests/lib/wire.o: tests/lib/wire.c tests/lib/wire.h config.h fpmd.h proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/lib/wire.c -o $@

tests/conn_test.o: tests/conn_test.c tests/lib/wire.h config.h fpmd.h proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/conn_test.c -o $@

tests/conn_test: tests/conn_test.o tests/lib/wire.o $(CONNOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/conn_test.o tests/lib/wire.o \
	    $(CONNOBJS) $(ATF_LIBS) $(LIBS)

tests/status_test.o: tests/status_test.c tests/lib/wire.h config.h fpmd.h \
	    proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/status_test.c -o $@

tests/status_test: tests/status_test.o tests/lib/wire.o status.o \
	    compat/listenqueue.o $(CONNOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/status_test.o tests/lib/wire.o \
	    status.o compat/listenqueue.o $(CONNOBJS) $(ATF_LIBS) $(LIBS)

tests/access_test.o: tests/access_test.c tests/lib/wire.h config.h fpmd.h \
	    proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/access_test.c -o $@

tests/access_test: tests/access_test.o tests/lib/wire.o access.o accessfmt.o \
	    $(CONNOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/access_test.o tests/lib/wire.o \
	    access.o accessfmt.o $(CONNOBJS) $(ATF_LIBS) $(LIBS)

tests/cgiheader_test.o: tests/cgiheader_test.c config.h fpmd.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/cgiheader_test.c -o $@

tests/cgiheader_test: tests/cgiheader_test.o cgiheader.o escape.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/cgiheader_test.o cgiheader.o \
	    escape.o $(ATF_LIBS) $(LIBS)

tests/confwire_test.o: tests/confwire_test.c config.h fpmd.h proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/confwire_test.c -o $@

tests/confwire_test: tests/confwire_test.o confwire.o conf.o accessfmt.o \
	    listener.o compat/sockacl.o $(CONNOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/confwire_test.o confwire.o \
	    conf.o accessfmt.o listener.o compat/sockacl.o $(CONNOBJS) \
	    $(ATF_LIBS) $(LIBS)

# fpmd with a compromised worker, for tests/boundary_test only:
# tests/lib/hostile.c, which is privdrop.c with an attack after its
# privdrop(), in place of privdrop.c.
HOSTILEOBJS=	fpmd.o conf.o pool.o listener.o reqlog.o scoreboard.o \
		service.o worker.o conn.o child.o cgi.o cgiheader.o script.o \
		app.o keeper.o tests/lib/hostile.o relay.o status.o access.o \
		accessfmt.o slowlog.o proto.o confwire.o log.o escape.o \
		xmalloc.o upgrade.o pidfile.o confcheck.o \
		compat/ev.o compat/ev_epoll.o compat/ev_kqueue.o \
		compat/ev_poll.o compat/closefrom.o compat/explicit_bzero.o \
		compat/listenqueue.o compat/peerproc.o compat/procgroup.o \
		compat/reallocarray.o compat/reaper.o \
		compat/selfexec.o compat/setproctitle.o compat/setresuid.o \
		compat/shmanon.o compat/sockacl.o compat/strlcat.o \
		compat/strlcpy.o compat/strtonum.o

tests/lib/hostile.o: privdrop.c config.h fpmd.h worker.h log.h compat/ev.h proto.h

tests/lib/fpmd-hostile: $(HOSTILEOBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(HOSTILEOBJS) $(LDADD) $(LIBS)

tests/lib/fcgi-client.o: config.h proto.h

tests/tools/cross-atf/atf-c.o: tests/tools/cross-atf/atf-c.h

# A libfcgi application for tests/app_test; libfcgi is for tests only.
# It is a peer of fpmd's, not fpmd: it takes FCGI_CFLAGS, not CFLAGS,
# so that no sanitizer of a CI build judges libfcgi's exit.
FCGI_CFLAGS?=	-O2 -I/usr/local/include
FCGI_LIBS?=	-L/usr/local/lib -lfcgi
tests/lib/fcgi-app: tests/lib/fcgi-app.c
	$(CC) $(CSTD) $(CWARN) $(FCGI_CFLAGS) -o $@ tests/lib/fcgi-app.c \
	    $(FCGI_LIBS)

# How often a string occurs in a process's memory, for tests/exec_test.
tests/lib/memscan: tests/lib/memscan.c config.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) -o $@ tests/lib/memscan.c

tests/lib/fcgi-client: tests/lib/fcgi-client.o proto.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/lib/fcgi-client.o proto.o \
	    $(LDADD) $(LIBS)

# fpmd in the foreground on the example pool, no root needed.  The
# server examples in examples/ expect it on 127.0.0.1:9027, a port no
# common service uses; "make run LISTEN=..." moves it, to a unix socket
# too.
LISTEN=		127.0.0.1:9027

run: $(PROG)
	LISTEN="$(LISTEN)" sh examples/run

# fpmd side by side with php-fpm and fcgiwrap behind nginx: bench/README.
bench: $(PROG)
	sh bench/run

# The libFuzzer harnesses of tests/fuzz, built with clang, ASan and
# UBSan, each run for FUZZ_SECONDS (0 only builds them); FUZZERS names
# some of them.  tests/fuzz/run has the list.
FUZZ_SECONDS?=	60
FUZZERS?=

fuzz: config.h
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run $(FUZZERS)

# Installs the test tools where it can, builds the test programs, runs
# the suite under Kyua (or only the programs T names, as in
# "make test T='conn_test cgi_test'") and ends with "N passed, N failed".
# "make stress" runs it RUNS times beside LOAD CPU-bound loops and
# counts the cases that failed (tests/tools/stress).
T=
RUNS=		3
LOAD=		0

test: testprogs
	@sh tests/tools/run $(T)

stress: testprogs
	@sh tests/tools/stress -n $(RUNS) -l $(LOAD) $(T)

testprogs: $(PROG)
	@sh tests/tools/need-tools
	@$(MAKE) $(TESTPROGS)
	@$(MAKE) tests/lib/fcgi-app >/dev/null 2>&1 || echo "make test: no \
	    libfcgi, so no tests/lib/fcgi-app: the cases that use it will skip"

lint:
	mandoc -Tlint -W warning $(MAN)

install: $(PROG)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(EXAMPLESDIR)
	$(INSTALL) -m 0555 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	$(INSTALL) -m 0444 fpmd.conf.5 $(DESTDIR)$(MANDIR)/man5/fpmd.conf.5
	$(INSTALL) -m 0444 fpmd.8 $(DESTDIR)$(MANDIR)/man8/fpmd.8
	$(INSTALL) -m 0444 examples/fpmd.conf $(DESTDIR)$(EXAMPLESDIR)
	for d in $(CONTRIBDIRS); do \
		$(INSTALL) -d $(DESTDIR)$(EXAMPLESDIR)/$$d || exit 1; \
	done
	for f in $(CONTRIBSCRIPTS); do \
		$(INSTALL) -m 0555 $$f $(DESTDIR)$(EXAMPLESDIR)/$${f#contrib/} \
		    || exit 1; \
	done
	for f in $(CONTRIBFILES); do \
		$(INSTALL) -m 0444 $$f $(DESTDIR)$(EXAMPLESDIR)/$${f#contrib/} \
		    || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) \
	    $(DESTDIR)$(MANDIR)/man5/fpmd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/fpmd.8 \
	    $(DESTDIR)$(EXAMPLESDIR)/fpmd.conf
	for f in $(CONTRIBSCRIPTS) $(CONTRIBFILES); do \
		rm -f $(DESTDIR)$(EXAMPLESDIR)/$${f#contrib/}; \
	done
	for d in $(CONTRIBDIRS); do \
		rmdir $(DESTDIR)$(EXAMPLESDIR)/$$d 2>/dev/null; \
	done; rmdir $(DESTDIR)$(EXAMPLESDIR) 2>/dev/null; true

clean:
	rm -f $(PROG) $(OBJS) $(TESTPROGS) tests/lib/fcgi-app tests/*.o \
	    tests/lib/*.o tests/tools/cross-atf/*.o config.h config.atf \
	    configure.log
	rm -rf tests/results.db tests/stress.out tests/work tests/fuzz/build \
	    tests/fuzz/work
	rm -rf examples/nginx.pid examples/nginx-tmp examples/apache.pid \
	    examples/apache.log

.PHONY: all run bench test stress testprogs fuzz lint install uninstall \
	clean FORCE
