/* history_idmap.h: which ident row a record's series is, for the series live at the last cycle. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_HISTORY_IDMAP_H
#define LW_HISTORY_IDMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * A series' key: kind, and for a process (pid, start_time, name); other kinds use the name
 * alone (pid and start_time 0). The map keeps a 64-bit hash of the name instead of the name:
 * two different names of one (kind, pid, start_time) colliding is a 2^-64 chance, and costs no
 * more than one series continuing under the other's name, while 10k processes take 400 KB
 * instead of 1 MB.
 */
struct lw_hidkey {
	int kind;
	uint32_t pid;
	int64_t start_time;
	uint64_t name_hash;
};

struct lw_hidmap_entry {
	struct lw_hidkey key;
	int64_t id;
	uint32_t seen;              /* the generation (cycle) it was last looked up in */
};

/*
 * Open addressing over a dense entry array: the slots hold entry positions + 1 (0 is empty).
 * Entries are never deleted one by one: after a cycle, lw_hidmap_evict compacts the array to
 * those seen and rebuilds the slots, O(n) once per cycle.
 */
struct lw_hidmap {
	struct lw_hidmap_entry *e;
	size_t n, cap;
	uint32_t *slot;
	size_t nslots;              /* a power of two, at least twice n */
	uint32_t gen;
};

uint64_t lw_hidmap_hash_name(const char *name, size_t len);

void lw_hidmap_init(struct lw_hidmap *m);
void lw_hidmap_free(struct lw_hidmap *m);

/* Forgets everything (after a failed transaction: ids it created may not exist). */
void lw_hidmap_clear(struct lw_hidmap *m);

/* Starts a cycle's lookups. */
void lw_hidmap_begin(struct lw_hidmap *m);

/* The id of key, marking it seen in this cycle; 0 when unknown. */
int64_t lw_hidmap_find(struct lw_hidmap *m, const struct lw_hidkey *key);

/* Adds key (not present) as seen in this cycle. -1: out of memory. */
int lw_hidmap_add(struct lw_hidmap *m, const struct lw_hidkey *key, int64_t id);

/* Drops the entries of the kinds in `sampled` (bit 1 << kind) not seen in this cycle. */
void lw_hidmap_evict(struct lw_hidmap *m, uint32_t sampled);

#endif
