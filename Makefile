# fpmd: a FastCGI process manager.
#
# One Makefile for BSD make and GNU make: plain assignments, suffix
# rules and explicit object lists only.  config.h comes from ./configure,
# which runs by itself the first time; after changing CC, "make clean".

PROG=		fpmd
SRCS=		fpmd.c log.c \
		compat/closefrom.c compat/reallocarray.c \
		compat/setproctitle.c compat/setresuid.c compat/strlcat.c \
		compat/strlcpy.c
OBJS=		fpmd.o log.o \
		compat/closefrom.o compat/reallocarray.o \
		compat/setproctitle.o compat/setresuid.o compat/strlcat.o \
		compat/strlcpy.o
MAN=		fpmd.8

PREFIX?=	/usr/local
BINDIR?=	$(PREFIX)/sbin
MANDIR?=	$(PREFIX)/man
DESTDIR?=
INSTALL?=	install

CC?=		cc
CFLAGS?=	-O2 -g
CSTD=		-std=c99
CWARN=		-Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes \
		-Wpointer-arith -Wshadow -Wsign-compare
LDFLAGS?=
LDADD?=

.SUFFIXES: .c .o

.c.o:
	$(CC) $(CSTD) $(CFLAGS) $(CWARN) $(CPPFLAGS) -c $< -o $@

all: $(PROG)

$(PROG): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(LDADD)

config.h: configure
	CC="$(CC)" ./configure

$(OBJS): config.h compat/compat.h

lint:
	mandoc -Tlint -W warning $(MAN)

install: $(PROG)
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0555 $(PROG) $(DESTDIR)$(BINDIR)/$(PROG)
	$(INSTALL) -m 0444 fpmd.8 $(DESTDIR)$(MANDIR)/man8/fpmd.8

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/$(PROG) $(DESTDIR)$(MANDIR)/man8/fpmd.8

clean:
	rm -f $(PROG) $(OBJS) config.h configure.log

.PHONY: all lint install uninstall clean
