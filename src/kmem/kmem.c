/* kmem.c: the kernel-memory tables' life cycle and the per-snapshot copies. */
#include "kmem/kmem.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void lw_kmem_init(struct lw_kmem *k)
{
	memset(k, 0, sizeof(*k));
	lw_slab_list_init(&k->slabs);
	lw_zone_list_init(&k->zones);
	lw_buddy_list_init(&k->buddies);
	k->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
}

void lw_kmem_free(struct lw_kmem *k)
{
	lw_slab_list_free(&k->slabs);
	lw_zone_list_free(&k->zones);
	lw_buddy_list_free(&k->buddies);
}

/* Copies n rows of size bytes; *dst is NULL for n == 0. */
static int dup_rows(void **dst, const void *src, size_t n, size_t size)
{
	*dst = NULL;
	if (n == 0)
		return 0;
	*dst = malloc(n * size);
	if (*dst == NULL)
		return -1;
	memcpy(*dst, src, n * size);
	return 0;
}

int lw_kmem_copy(struct lw_kmem *dst, const struct lw_kmem *src)
{
	void *slabs = NULL, *zones = NULL, *buddies = NULL;

	if (dup_rows(&slabs, src->slabs.rows, src->slabs.n, sizeof(*src->slabs.rows)) ||
	    dup_rows(&zones, src->zones.rows, src->zones.n, sizeof(*src->zones.rows)) ||
	    dup_rows(&buddies, src->buddies.rows, src->buddies.n, sizeof(*src->buddies.rows))) {
		free(slabs);
		free(zones);
		return -1;
	}
	*dst = *src;
	dst->slabs.rows = slabs;
	dst->slabs.cap = src->slabs.n;
	dst->zones.rows = zones;
	dst->zones.cap = src->zones.n;
	dst->buddies.rows = buddies;
	dst->buddies.cap = src->buddies.n;
	return 0;
}
