/* snapshot.c: snapshots' deep copy and release; the lock-free hand-over to the agent thread. */
/* SPDX-License-Identifier: ISC */
#include "cycle/snapshot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "base/rows.h"

void lw_snapshot_init(struct lw_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	lw_kmem_init(&snap->kmem);
	lw_membership_list_init(&snap->members);
}

void lw_snapshot_release(struct lw_snapshot *snap)
{
	lw_proc_table_release(&snap->procs);
	lw_tcp_table_release(&snap->tcp);
	lw_kmem_free(&snap->kmem);
	lw_membership_list_free(&snap->members);
	lw_alarm_table_release(&snap->alarms);
}

void lw_snapshot_free(struct lw_snapshot *snap)
{
	if (snap == NULL)
		return;
	lw_snapshot_release(snap);
	free(snap);
}

/* Copies n rows of src's array into dst's own. */
#define DUP(dst, src, n, oom) ((dst) = lw_rows_dup((src), (n), sizeof(*(src)), (oom)))

struct lw_snapshot *lw_snapshot_copy(const struct lw_snapshot *src)
{
	struct lw_snapshot *snap = malloc(sizeof(*snap));
	bool oom = false;

	if (snap == NULL)
		return NULL;
	*snap = *src;  /* the values; every table's arrays are replaced by copies below */
	DUP(snap->procs.rows, src->procs.rows, src->procs.count, &oom);
	DUP(snap->procs.groups, src->procs.groups, src->procs.ngroups, &oom);
	DUP(snap->procs.arena, src->procs.arena, src->procs.arena_len, &oom);
	for (int m = 1; m <= LW_TOP_COUNT; m++)
		DUP(snap->procs.top[m], src->procs.top[m], src->procs.ntop[m], &oom);
	DUP(snap->tcp.ports, src->tcp.ports, src->tcp.nports, &oom);
	DUP(snap->members.rows, src->members.rows, src->members.n, &oom);
	snap->members.cap = src->members.n;
	DUP(snap->alarms.rows, src->alarms.rows, src->alarms.n, &oom);
	lw_kmem_init(&snap->kmem);
	if (oom || lw_kmem_copy(&snap->kmem, &src->kmem) != 0) {
		lw_snapshot_free(snap);
		return NULL;
	}
	return snap;
}

int lw_mailbox_init(struct lw_mailbox *mb, struct lw_error *err)
{
	atomic_init(&mb->slot, NULL);
	atomic_init(&mb->displaced, 0);
	mb->eventfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (mb->eventfd < 0)
		return lw_error_set(err, errno, "eventfd: %s", strerror(errno));
	return 0;
}

void lw_mailbox_publish(struct lw_mailbox *mb, struct lw_snapshot *snap)
{
	uint64_t one = 1;
	struct lw_snapshot *old = atomic_exchange(&mb->slot, snap);

	if (old != NULL) {
		lw_snapshot_free(old);
		atomic_fetch_add(&mb->displaced, 1);
	}
	/* A full counter (EAGAIN) still leaves the fd readable, which is all the consumer needs. */
	if (write(mb->eventfd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		/* Nothing to do: the consumer also takes the slot at its next wake-up. */
	}
}

struct lw_snapshot *lw_mailbox_take(struct lw_mailbox *mb)
{
	uint64_t count;

	/* Drain first: a publish after this read re-arms the fd, so nothing is lost. */
	if (read(mb->eventfd, &count, sizeof(count)) < 0) {
		/* EAGAIN: nothing signalled; the slot may still hold a snapshot. */
	}
	return atomic_exchange(&mb->slot, NULL);
}

void lw_mailbox_destroy(struct lw_mailbox *mb)
{
	lw_snapshot_free(atomic_exchange(&mb->slot, NULL));
	if (mb->eventfd >= 0)
		close(mb->eventfd);
	mb->eventfd = -1;
}
