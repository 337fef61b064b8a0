/* proctable.c: lookups and lifetime of the process tables in a snapshot. */
#include "proctable.h"

#include <stdlib.h>
#include <string.h>

const struct lw_proc *lw_proc_find(const struct lw_proc_table *t, uint32_t pid)
{
	size_t lo = 0, hi = t->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->rows[mid].pid == pid)
			return &t->rows[mid];
		if (t->rows[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void lw_proc_table_release(struct lw_proc_table *t)
{
	free(t->rows);
	free(t->groups);
	for (int m = 1; m <= LW_TOP_COUNT; m++)
		free(t->top[m]);
	free(t->fd_types);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

uint32_t lw_proc_group_index(const char *name)
{
	uint32_t h = 2166136261u;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	h &= 0x7fffffffu;
	return h ? h : 1;
}
