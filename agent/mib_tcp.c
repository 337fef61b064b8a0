/* mib_tcp.c: (being converted) */
#include "mib_tcp.h"

int lw_mib_tcp_add(struct lw_mibtree *t)
{
	(void)t;
	return 0;
}
