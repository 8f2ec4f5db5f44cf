# fpmd: a FastCGI process manager.
#
# One Makefile for BSD make and GNU make: plain assignments, suffix
# rules and explicit object lists only.  config.h comes from ./configure,
# which runs by itself the first time; after changing CC, "make clean".

PROG=		fpmd
SRCS=		fpmd.c conf.c pool.c worker.c cgi.c status.c proto.c log.c \
		compat/ev.c compat/ev_epoll.c compat/ev_kqueue.c \
		compat/ev_poll.c compat/closefrom.c compat/reallocarray.c \
		compat/setproctitle.c compat/setresuid.c compat/strlcat.c \
		compat/strlcpy.c
OBJS=		fpmd.o conf.o pool.o worker.o cgi.o status.o proto.o log.o \
		compat/ev.o compat/ev_epoll.o compat/ev_kqueue.o \
		compat/ev_poll.o compat/closefrom.o compat/reallocarray.o \
		compat/setproctitle.o compat/setresuid.o compat/strlcat.o \
		compat/strlcpy.o
EVOBJS=		compat/ev.o compat/ev_epoll.o compat/ev_kqueue.o \
		compat/ev_poll.o compat/reallocarray.o
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
LDFLAGS?=
LDADD?=

# The test programs need ATF's C library.
ATF_CFLAGS?=	-I/usr/local/include
ATF_LIBS?=	-L/usr/local/lib -latf-c
TESTPROGS=	tests/proto_test tests/ev_test tests/fcgi-client

.SUFFIXES: .c .o

.c.o:
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) \
	    -DSYSCONFDIR=\"$(SYSCONFDIR)\" -c $< -o $@

all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDADD)

config.h: configure
	CC="$(CC)" ./configure

$(OBJS): config.h compat/compat.h
fpmd.o conf.o pool.o worker.o cgi.o status.o: fpmd.h log.h compat/ev.h
fpmd.o conf.o pool.o worker.o cgi.o status.o proto.o: proto.h
log.o: log.h
$(EVOBJS): compat/ev.h compat/ev_impl.h

tests/proto_test.o: tests/proto_test.c config.h proto.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/proto_test.c -o $@

tests/ev_test.o: tests/ev_test.c config.h compat/ev.h
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) $(ATF_CFLAGS) \
	    -c tests/ev_test.c -o $@

tests/proto_test: tests/proto_test.o proto.o
	$(CC) $(LDFLAGS) -o $@ tests/proto_test.o proto.o $(ATF_LIBS)

tests/ev_test: tests/ev_test.o $(EVOBJS)
	$(CC) $(LDFLAGS) -o $@ tests/ev_test.o $(EVOBJS) $(ATF_LIBS)

tests/fcgi-client.o: config.h proto.h

tests/fcgi-client: tests/fcgi-client.o proto.o
	$(CC) $(LDFLAGS) -o $@ tests/fcgi-client.o proto.o $(LDADD)

# fpmd in the foreground on the example pool: 127.0.0.1:9000, no root.
run: $(PROG)
	PWD=`pwd` USER=`id -un` ./$(PROG) -d -f examples/fpmd.conf

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
	rm -f $(PROG) $(OBJS) $(TESTPROGS) tests/*.o config.h configure.log
	rm -rf tests/results.db tests/work tests/fuzz/build tests/fuzz/work

.PHONY: all run bench test fuzz lint install uninstall clean
