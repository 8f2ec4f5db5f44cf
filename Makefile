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
# rules, and one list of sources, from which the objects come.
# config.h comes from ./configure: make runs it first, and it probes
# again whenever CC, CFLAGS, CPPFLAGS, LDFLAGS or LIBS (from the
# environment or the command line) differ from what config.h records,
# so every object is built with the flags its config.h was probed
# with.

PROG=		fpmd
VERSION=	0.1
# Every source of fpmd, one a line: a new file is one more line here.
SRCS=		access.c \
		accessfmt.c \
		app.c \
		cgi.c \
		cgiheader.c \
		child.c \
		conf.c \
		confcheck.c \
		confwire.c \
		conn.c \
		escape.c \
		fpmd.c \
		keeper.c \
		listener.c \
		log.c \
		pidfile.c \
		pool.c \
		privdrop.c \
		proto.c \
		relay.c \
		reqlog.c \
		scoreboard.c \
		script.c \
		service.c \
		slowlog.c \
		status.c \
		upgrade.c \
		worker.c \
		xmalloc.c \
		compat/closefrom.c \
		compat/ev.c \
		compat/ev_epoll.c \
		compat/ev_kqueue.c \
		compat/ev_poll.c \
		compat/explicit_bzero.c \
		compat/listenqueue.c \
		compat/peerproc.c \
		compat/procgroup.c \
		compat/reallocarray.c \
		compat/reaper.c \
		compat/selfexec.c \
		compat/setproctitle.c \
		compat/setresuid.c \
		compat/shmanon.c \
		compat/sockacl.c \
		compat/strlcat.c \
		compat/strlcpy.c \
		compat/strtonum.c
OBJS=		$(SRCS:.c=.o)
# Every header: each object is rebuilt when any of them changes.
HDRS=		fpmd.h \
		master.h \
		worker.h \
		accessfmt.h \
		cgiheader.h \
		escape.h \
		log.h \
		proto.h \
		script.h \
		compat/compat.h \
		compat/ev.h \
		compat/ev_config.h \
		compat/ev_impl.h \
		compat/queue.h
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
AR?=		ar
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
# The atf-c test programs, one a line: tests/NAME comes from
# tests/NAME.c by the rule .c: below.
TESTSRCS=	tests/access_test.c \
		tests/cgiheader_test.c \
		tests/confwire_test.c \
		tests/conn_test.c \
		tests/ev_test.c \
		tests/proto_test.c \
		tests/status_test.c
TESTPROGS=	$(TESTSRCS:.c=)
# Every object of fpmd in one archive, from which a test program links
# what it uses and nothing more.
FPMDLIB=	tests/lib/libfpmd.a
# What the atf-sh test programs run, besides fpmd.
HELPERS=	tests/lib/fcgi-client \
		tests/lib/fpmd-hostile \
		tests/lib/memscan

.SUFFIXES:
.SUFFIXES: .c .o

.c.o:
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(CDEFS) -c $< -o $@

# An atf-c test program, from its source and tests/lib/wire.c.  ATF
# comes before the archive: the main() of tests/tools/cross-atf, not
# fpmd.o's, is the one to link.
.c:
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    $(LDFLAGS) -o $@ $< tests/lib/wire.c $(ATF_LIBS) $(FPMDLIB) \
	    $(LIBS)

all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDADD) $(LIBS)

config.h: configure FORCE
	@CC="$(CC)" CFLAGS="$(CFLAGS)" CPPFLAGS="$(CPPFLAGS)" \
	    LDFLAGS="$(LDFLAGS)" LIBS="$(LIBS)" sh ./configure --if-changed

FORCE:

$(OBJS): config.h $(HDRS)
# The version, PREFIX and SYSCONFDIR come from here.
fpmd.o conf.o confwire.o: Makefile

$(FPMDLIB): $(OBJS)
	rm -f $@
	$(AR) -rcs $@ $(OBJS)

$(TESTPROGS): config.h $(HDRS) tests/lib/wire.c tests/lib/wire.h \
	    $(FPMDLIB)

tests/lib/fcgi-client.o tests/lib/hostile.o: config.h $(HDRS)
tests/lib/hostile.o: privdrop.c

tests/lib/fcgi-client: tests/lib/fcgi-client.o $(FPMDLIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/lib/fcgi-client.o $(FPMDLIB) \
	    $(LDADD) $(LIBS)

# fpmd whose workers attack it, for tests/boundary_test:
# tests/lib/hostile.o, privdrop.c with an attack after its privdrop(),
# comes first, so that privdrop.o stays in the archive.
tests/lib/fpmd-hostile: fpmd.o tests/lib/hostile.o $(FPMDLIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ fpmd.o tests/lib/hostile.o \
	    $(FPMDLIB) $(LDADD) $(LIBS)

# How often a string occurs in a process's memory, for tests/exec_test.
tests/lib/memscan: tests/lib/memscan.c config.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) -o $@ tests/lib/memscan.c

# A libfcgi application for tests/app_test; libfcgi is for tests only.
# It is a peer of fpmd's, not fpmd: it takes FCGI_CFLAGS, not CFLAGS,
# so that no sanitizer of a CI build judges libfcgi's exit.
FCGI_CFLAGS?=	-O2 -I/usr/local/include
FCGI_LIBS?=	-L/usr/local/lib -lfcgi
tests/lib/fcgi-app: tests/lib/fcgi-app.c
	$(CC) $(CSTD) $(CWARN) $(FCGI_CFLAGS) -o $@ tests/lib/fcgi-app.c \
	    $(FCGI_LIBS)

tests/tools/cross-atf/atf-c.o: tests/tools/cross-atf/atf-c.h

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
# the suite under Kyua and ends with "N passed, N failed".  T names the
# programs to build and run, and no other, as in "make test
# T='conn_test cgi_test'".  "make stress" runs them RUNS times beside
# LOAD CPU-bound loops and counts the cases that failed
# (tests/tools/stress).
T=
RUNS=		3
LOAD=		0

test: testprogs
	@sh tests/tools/run $(T)

stress: testprogs
	@sh tests/tools/stress -n $(RUNS) -l $(LOAD) $(T)

# The programs T names, or every one, and what they need
# (tests/tools/needs).
testprogs: config.h
	@sh tests/tools/need-tools
	@$(MAKE) `sh tests/tools/needs $(T)`

# What the atf-sh test programs run.
helpers: $(PROG) $(HELPERS)
	@$(MAKE) tests/lib/fcgi-app >/dev/null 2>&1 || echo "make test: no \
	    libfcgi, so no tests/lib/fcgi-app: the cases that use it will skip"

# The manuals, and no conflict marker left in a file git tracks.
lint:
	mandoc -Tlint -W warning $(MAN)
	@! git grep -n -I -E '^(<<<<<<<|>>>>>>>)( |$$)|^=======$$' || \
	    { echo "make lint: conflict markers" >&2; exit 1; }

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
	rm -f $(PROG) $(OBJS) $(FPMDLIB) $(TESTPROGS) $(HELPERS) \
	    tests/lib/fcgi-app tests/*.o tests/lib/*.o \
	    tests/tools/cross-atf/*.o config.h config.atf configure.log
	rm -rf tests/Kyuafile.named tests/results.db tests/stress.out \
	    tests/fuzz/build tests/fuzz/work
	rm -rf examples/nginx.pid examples/nginx-tmp examples/apache.pid \
	    examples/apache.log

.PHONY: all run bench test stress testprogs helpers fuzz lint install \
	uninstall clean FORCE
