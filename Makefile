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
# rules and explicit object lists, one name a line.  config.h comes
# from ./configure: make runs it first, and it probes again whenever
# CC, CFLAGS, CPPFLAGS, LDFLAGS or LIBS (from the environment or the
# command line) differ from what config.h records, so every object is
# built with the flags its config.h was probed with.

PROG=		fpmd
SRCS=		fpmd.c \
		conf.c \
		pool.c \
		worker.c \
		cgi.c \
		status.c \
		proto.c \
		log.c \
		compat/ev.c \
		compat/ev_epoll.c \
		compat/ev_kqueue.c \
		compat/ev_poll.c \
		compat/closefrom.c \
		compat/reallocarray.c \
		compat/setproctitle.c \
		compat/setresuid.c \
		compat/strlcat.c \
		compat/strlcpy.c
OBJS=		fpmd.o \
		conf.o \
		pool.o \
		worker.o \
		cgi.o \
		status.o \
		proto.o \
		log.o \
		compat/ev.o \
		compat/ev_epoll.o \
		compat/ev_kqueue.o \
		compat/ev_poll.o \
		compat/closefrom.o \
		compat/reallocarray.o \
		compat/setproctitle.o \
		compat/setresuid.o \
		compat/strlcat.o \
		compat/strlcpy.o
# The event layer, which builds on its own (README, "Vendoring").
EVOBJS=		compat/ev.o \
		compat/ev_epoll.o \
		compat/ev_kqueue.o \
		compat/ev_poll.o
MAN=		fpmd.8 fpmd.conf.5

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/man
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
CDEFS=		-DHAVE_CONFIG_H -DSYSCONFDIR=\"$(SYSCONFDIR)\"
LDFLAGS?=
LDADD?=

# The test programs need ATF's C library; configure finds its flags
# (the atf-c package, or FreeBSD base's libprivateatf-c) for the
# compiler it probed.  tests/cross builds them with tests/cross-atf.
ATF_CFLAGS?=	-I/usr/local/include
ATF_LIBS?=	`cat config.atf`
TESTPROGS=	tests/proto_test tests/ev_test tests/fcgi-client

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
fpmd.o conf.o pool.o worker.o cgi.o status.o: fpmd.h log.h compat/ev.h
fpmd.o conf.o pool.o worker.o cgi.o status.o proto.o: proto.h
log.o: log.h
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

tests/fcgi-client.o: config.h proto.h

tests/cross-atf/atf-c.o: tests/cross-atf/atf-c.h

tests/fcgi-client: tests/fcgi-client.o proto.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ tests/fcgi-client.o proto.o \
	    $(LDADD) $(LIBS)

# fpmd in the foreground on the example pool: 127.0.0.1:9000, no root.
run: $(PROG)
	PWD=`pwd` USER=`id -un` ./$(PROG) -d -f examples/fpmd.conf

# fpmd side by side with php-fpm and fcgiwrap behind nginx: bench/README.
bench: $(PROG)
	sh bench/run

# Installs the test tools where it can, builds the test programs, runs
# the suite under Kyua and ends with "N passed, N failed".
test: $(PROG)
	@sh tests/need-tools
	@$(MAKE) $(TESTPROGS)
	@sh tests/run

lint:
	mandoc -Tlint -W warning $(MAN)

install: $(PROG)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0555 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	$(INSTALL) -m 0444 fpmd.conf.5 $(DESTDIR)$(MANDIR)/man5/fpmd.conf.5
	$(INSTALL) -m 0444 fpmd.8 $(DESTDIR)$(MANDIR)/man8/fpmd.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) \
	    $(DESTDIR)$(MANDIR)/man5/fpmd.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/fpmd.8

clean:
	rm -f $(PROG) $(OBJS) $(TESTPROGS) tests/*.o tests/cross-atf/*.o \
	    config.h config.atf configure.log
	rm -rf tests/results.db tests/work

.PHONY: all run bench test lint install uninstall clean FORCE
