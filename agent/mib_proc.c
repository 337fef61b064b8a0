/* mib_proc.c: (being converted) */
#include "mib_proc.h"

int lw_mib_proc_add(struct lw_mibtree *t)
{
	(void)t;
	return 0;
}
