/* mib_kernel.c: (being converted) */
#include "mib_kernel.h"

int lw_mib_kernel_add(struct lw_mibtree *t)
{
	(void)t;
	return 0;
}
