/* history_idmap.c: a hash map from a series' key to its ident id, rebuilt after each cycle. */
/* SPDX-License-Identifier: ISC */
#include "history/history_idmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/rows.h"

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull

static uint64_t fnv1a(uint64_t h, const void *p, size_t len)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= FNV_PRIME;
	}
	return h;
}

uint64_t lw_hidmap_hash_name(const char *name, size_t len)
{
	return fnv1a(FNV_OFFSET, name, len);
}

static uint64_t key_hash(const struct lw_hidkey *k)
{
	uint64_t h = k->name_hash;

	h = fnv1a(h, &k->kind, sizeof(k->kind));
	h = fnv1a(h, &k->pid, sizeof(k->pid));
	h = fnv1a(h, &k->start_time, sizeof(k->start_time));
	/* FNV's low bits mix poorly for the last bytes: fold the high half in before masking. */
	return h ^ (h >> 29);
}

static bool key_equal(const struct lw_hidkey *a, const struct lw_hidkey *b)
{
	return a->kind == b->kind && a->pid == b->pid && a->start_time == b->start_time &&
	       a->name_hash == b->name_hash;
}

void lw_hidmap_init(struct lw_hidmap *m)
{
	memset(m, 0, sizeof(*m));
}

void lw_hidmap_free(struct lw_hidmap *m)
{
	free(m->e);
	free(m->slot);
	lw_hidmap_init(m);
}

void lw_hidmap_clear(struct lw_hidmap *m)
{
	m->n = 0;
	if (m->slot != NULL)
		memset(m->slot, 0, m->nslots * sizeof(*m->slot));
}

void lw_hidmap_begin(struct lw_hidmap *m)
{
	m->gen++;
}

static uint32_t *find_slot(const struct lw_hidmap *m, const struct lw_hidkey *key)
{
	size_t mask = m->nslots - 1, i = (size_t)key_hash(key) & mask;

	for (;;) {
		uint32_t s = m->slot[i];

		if (s == 0 || key_equal(&m->e[s - 1].key, key))
			return &m->slot[i];
		i = (i + 1) & mask;
	}
}

int64_t lw_hidmap_find(struct lw_hidmap *m, const struct lw_hidkey *key)
{
	uint32_t *s;

	if (m->nslots == 0)
		return 0;
	s = find_slot(m, key);
	if (*s == 0)
		return 0;
	m->e[*s - 1].seen = m->gen;
	return m->e[*s - 1].id;
}

static int rebuild_slots(struct lw_hidmap *m, size_t nslots)
{
	if (nslots != m->nslots) {
		uint32_t *slot = calloc(nslots, sizeof(*slot));

		if (slot == NULL)
			return -1;
		free(m->slot);
		m->slot = slot;
		m->nslots = nslots;
	} else {
		memset(m->slot, 0, nslots * sizeof(*m->slot));
	}
	for (size_t i = 0; i < m->n; i++)
		*find_slot(m, &m->e[i].key) = (uint32_t)(i + 1);
	return 0;
}

static size_t slots_for(size_t n)
{
	size_t nslots = 64;

	while (nslots < 2 * n)
		nslots *= 2;
	return nslots;
}

int lw_hidmap_add(struct lw_hidmap *m, const struct lw_hidkey *key, int64_t id)
{
	if (m->n + 1 > m->cap) {
		void *e = m->e;
		int rc = lw_rows_grow(&e, &m->cap, sizeof(*m->e), 256);

		m->e = e;
		if (rc != 0)
			return -1;
	}
	if (2 * (m->n + 1) > m->nslots && rebuild_slots(m, slots_for(m->n + 1)) != 0)
		return -1;
	m->e[m->n] = (struct lw_hidmap_entry){ .key = *key, .id = id, .seen = m->gen };
	*find_slot(m, key) = (uint32_t)(m->n + 1);
	m->n++;
	return 0;
}

void lw_hidmap_evict(struct lw_hidmap *m, uint32_t sampled)
{
	size_t kept = 0;

	for (size_t i = 0; i < m->n; i++) {
		const struct lw_hidmap_entry *e = &m->e[i];

		if (e->seen != m->gen && (sampled & (1u << e->key.kind)))
			continue;
		m->e[kept++] = *e;
	}
	if (kept == m->n)
		return;
	m->n = kept;
	/* Shrink the slots with the map, so a burst of short-lived processes is not kept. Without
	 * memory for new slots the map is only a cache: empty it, the ids are looked up again. */
	if (rebuild_slots(m, slots_for(m->n)) != 0)
		lw_hidmap_clear(m);
}
