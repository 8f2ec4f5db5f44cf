/*
 * Copyright (c) 2026 The fpmd developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * libFuzzer harness of a worker's settings (confwire.c): the input is
 * the records after the build's identity, which the harness puts
 * first so that the fuzzer reaches the fields.  Whatever the bytes,
 * the decoder refuses them or decodes them; what it decodes encodes
 * to settings that decode to the same encoding again.
 */

#include "../../config.h"

#include <stdlib.h>
#include <string.h>

#include "../../fpmd.h"
#include "fuzz.h"

/* The identity record of this build, from an encoding. */
static size_t
identity(uint8_t **id)
{
	struct pool_conf	 pc;
	struct worker_conf	 wc;
	size_t			 len;

	memset(&pc, 0, sizeof(pc));
	memset(&wc, 0, sizeof(wc));
	wc.pc = &pc;
	confwire_encode(&wc, id, &len);
	return 5 + ((size_t)(*id)[3] << 8 | (*id)[4]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		*id;
	static size_t		 idlen;
	struct worker_conf	 wc, again;
	uint8_t			*in, *enc, *enc2;
	size_t			 len, len2;
	char			 why[256];

	if (id == NULL)
		idlen = identity(&id);
	in = malloc(idlen + size);
	FUZZ_CHECK(in != NULL);
	memcpy(in, id, idlen);
	memcpy(in + idlen, data, size);
	if (confwire_decode(in, idlen + size, &wc, why, sizeof(why)) ==
	    CONFWIRE_OK) {
		confwire_encode(&wc, &enc, &len);
		FUZZ_CHECK(confwire_decode(enc, len, &again, why,
		    sizeof(why)) == CONFWIRE_OK);
		confwire_encode(&again, &enc2, &len2);
		FUZZ_CHECK(len == len2 && memcmp(enc, enc2, len) == 0);
		confwire_free(&again);
		free(enc);
		free(enc2);
	} else
		FUZZ_CHECK(why[0] != '\0');
	confwire_free(&wc);
	free(in);
	return 0;
}
