/* rows.c: one doubling realloc and one row copy for every table, overflow checked in one place. */
/* SPDX-License-Identifier: ISC */
#include "base/rows.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int lw_rows_grow(void **rows, size_t *cap, size_t size, size_t first)
{
	size_t ncap = *cap ? *cap * 2 : first;
	void *p;

	if (size == 0 || *cap > SIZE_MAX / 2 / size)
		return -1;
	p = realloc(*rows, ncap * size);
	if (p == NULL)
		return -1;
	*rows = p;
	*cap = ncap;
	return 0;
}

void *lw_rows_dup(const void *src, size_t n, size_t size, bool *oom)
{
	void *p;

	if (n == 0)
		return NULL;
	p = n <= SIZE_MAX / size ? malloc(n * size) : NULL;
	if (p == NULL) {
		*oom = true;
		return NULL;
	}
	return memcpy(p, src, n * size);
}
