/* rows.c: one doubling realloc for every parser list, with the overflow check in one place. */
#include "base/rows.h"

#include <stdint.h>
#include <stdlib.h>

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
