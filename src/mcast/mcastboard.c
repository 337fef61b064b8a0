/* mcastboard.c: the lock-free hand-over of capture publications to the agent thread. */
/* SPDX-License-Identifier: ISC */
#include "mcast/mcastboard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

void lw_mcast_if_snap_free(struct lw_mcast_if_snap *s)
{
	if (s == NULL)
		return;
	lw_mcast_snapshot_free(&s->traffic);
	free(s);
}

int lw_mcast_board_init(struct lw_mcast_board *b, size_t n, struct lw_error *err)
{
	if (n > LW_CONFIG_MAX_MCAST_IFACES)
		return lw_error_set(err, EINVAL, "mcast: %zu interfaces, at most %d", n,
				    LW_CONFIG_MAX_MCAST_IFACES);
	b->n = n;
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++)
		atomic_init(&b->slot[i], NULL);
	b->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->eventfd < 0)
		return lw_error_set(err, errno, "mcast: eventfd: %s", strerror(errno));
	return 0;
}

void lw_mcast_board_publish(struct lw_mcast_board *b, size_t i, struct lw_mcast_if_snap *s)
{
	uint64_t one = 1;

	lw_mcast_if_snap_free(atomic_exchange(&b->slot[i], s));
	/* EAGAIN (counter full) still leaves the fd readable, which is all the reader needs. */
	if (write(b->eventfd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		/* Nothing else to do: the reader also takes the slot at its next wake-up. */
	}
}

void lw_mcast_board_drain(struct lw_mcast_board *b)
{
	uint64_t count;

	/* Before the slots are taken: a publication after this read re-arms the fd. */
	if (read(b->eventfd, &count, sizeof(count)) < 0) {
		/* EAGAIN: nothing signalled; the slots may still hold publications. */
	}
}

struct lw_mcast_if_snap *lw_mcast_board_take(struct lw_mcast_board *b, size_t i)
{
	return i < b->n ? atomic_exchange(&b->slot[i], NULL) : NULL;
}

void lw_mcast_board_destroy(struct lw_mcast_board *b)
{
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++)
		lw_mcast_if_snap_free(atomic_exchange(&b->slot[i], NULL));
	if (b->eventfd >= 0)
		close(b->eventfd);
	b->eventfd = -1;
	b->n = 0;
}
