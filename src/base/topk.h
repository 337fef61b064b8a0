/* topk.h: the heaviest remote addresses in a stream, in memory fixed in advance (Space-Saving). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TOPK_H
#define LW_TOPK_H

#include <stddef.h>
#include <stdint.h>

/* An address as published: family (LW_ADDR_IPV4 = 1, LW_ADDR_IPV6 = 2, InetAddressType) + bytes. */
enum { LW_ADDR_IPV4 = 1, LW_ADDR_IPV6 = 2 };

struct lw_addr {
	uint8_t family;
	uint8_t bytes[16];  /* 4 used for IPv4; the rest zero */
};

struct lw_topk_entry {
	struct lw_addr addr;
	uint32_t count;     /* an overestimate by at most error */
	uint32_t error;     /* 0: exact */
};

/*
 * Space-Saving (Metwally, Agrawal, El Abbadi 2005) with capacity k: while at most k distinct
 * addresses were seen every count is exact; past that, an unseen address takes over the
 * smallest counter, so any count is over by at most N/k (N = additions), and every address
 * seen more than N/k times is held. A hash of 2k slots finds an address, a min-heap the
 * smallest counter: O(log k) per addition, no allocation after lw_topk_init.
 */
struct lw_topk {
	size_t k, n;              /* capacity, entries in use */
	uint64_t total;           /* additions */
	struct lw_topk_entry *heap;  /* min-heap by count */
	uint32_t *slot_of;        /* heap index -> hash slot */
	uint32_t *hash;           /* hash slot -> heap index + 1, 0 = empty */
	size_t nhash;             /* power of two >= 2k */
};

int lw_topk_init(struct lw_topk *t, size_t k);
void lw_topk_free(struct lw_topk *t);
void lw_topk_reset(struct lw_topk *t);
void lw_topk_add(struct lw_topk *t, const struct lw_addr *a);

/*
 * Ends the stream: the best n entries into out (count descending, then address ascending),
 * how many there were returned, and t emptied for the next one (total is kept until reset).
 */
size_t lw_topk_best(struct lw_topk *t, struct lw_topk_entry *out, size_t n);

/* Orders addresses: family, then bytes. */
int lw_addr_cmp(const struct lw_addr *a, const struct lw_addr *b);

#endif
