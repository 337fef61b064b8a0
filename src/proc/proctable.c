/* proctable.c: lookups and lifetime of the process tables in a snapshot. */
/* SPDX-License-Identifier: ISC */
#include "proc/proctable.h"

#include <stdlib.h>
#include <string.h>

int lw_proc_pid_cmp(const void *a, const void *b)
{
	uint32_t x = ((const struct lw_proc *)a)->pid, y = ((const struct lw_proc *)b)->pid;

	return (x > y) - (x < y);
}

const struct lw_proc *lw_proc_find(const struct lw_proc_table *t, uint32_t pid)
{
	const struct lw_proc key = { .pid = pid };

	return t->count ? bsearch(&key, t->rows, t->count, sizeof(*t->rows), lw_proc_pid_cmp)
			: NULL;
}

void lw_proc_table_release(struct lw_proc_table *t)
{
	free(t->rows);
	free(t->groups);
	for (int m = 1; m <= LW_TOP_COUNT; m++)
		free(t->top[m]);
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
