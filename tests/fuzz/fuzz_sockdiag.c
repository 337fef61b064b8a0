/* fuzz_sockdiag.c: libFuzzer target for the sock_diag dump parser and the TCP tally. */
/* SPDX-License-Identifier: ISC */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/tcpdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lw_tcp_tally tally;
	static int ready;
	struct lw_error err;
	uint32_t seq = 0;
	bool done = false;

	if (!ready) {
		if (lw_tcp_tally_init(&tally, 8))
			abort();
		ready = 1;
	}
	lw_tcp_tally_reset(&tally);
	/* The dump's sequence number is the first message's, so captured seeds parse whole. */
	if (size >= 12)
		memcpy(&seq, data + 8, sizeof(seq));
	(void)lw_tcpdiag_feed(&tally, data, size, seq, &done, &err);
	return 0;
}
