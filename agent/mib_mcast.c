/* mib_mcast.c: (being converted) */
#include "mib_mcast.h"

int lw_mib_mcast_add(struct lw_mibtree *t)
{
	(void)t;
	return 0;
}

void lw_mib_mcast_take(struct lw_agent *agent)
{
	lw_mcast_board_drain(&agent->mcast_board);
	for (size_t i = 0; i < agent->mcast_board.n; i++) {
		struct lw_mcast_if_snap *s = lw_mcast_board_take(&agent->mcast_board, i);

		if (s == NULL)
			continue;
		lw_mcast_if_snap_free(agent->mcast_current[i]);
		agent->mcast_current[i] = s;
	}
}

void lw_mib_mcast_release(struct lw_agent *agent)
{
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		lw_mcast_if_snap_free(agent->mcast_current[i]);
		agent->mcast_current[i] = NULL;
	}
}
