/* stage_history.c: the history stage: this cycle's values, rows and rates as one record. */
/* SPDX-License-Identifier: ISC */
#include "cycle/stages.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history/history.h"

static void put_sys(struct lw_history_cycle *c, enum lw_hist_sys_field f, uint64_t v)
{
	c->sys[f] = v;
	c->sys_present |= 1ull << f;
}

/* Order of the "high-order" figure: 2^4 pages, 64 KiB with 4 KiB pages, the smallest block
 * of the costly orders that need compaction once fragmented (PAGE_ALLOC_COSTLY_ORDER is 3 in
 * include/linux/mmzone.h: above it the allocator stops retrying hard). */
#define BUDDY_HIGH_ORDER 4

/* Free memory by block order over every zone (/proc/buddyinfo; kernel cadence: a cycle it did
 * not run keeps its rows and the values repeat, which change-only rows store for nothing). */
static void record_buddy(const struct lw_kmem *k, struct lw_history_cycle *c)
{
	uint64_t per_order[11] = { 0 }, high = 0;

	if (k->buddies.n == 0)
		return;
	for (size_t z = 0; z < k->buddies.n; z++) {
		const struct lw_buddy *b = &k->buddies.rows[z];

		high += lw_buddy_free_kb(b, BUDDY_HIGH_ORDER, k->page_size);
		for (unsigned o = 0; o < 11 && o < b->orders; o++)
			per_order[o] += b->free[o] * (k->page_size << o) / 1024;
	}
	put_sys(c, LW_HSYS_BUDDY_HIGH_ORDER_FREE_KB, high);
	for (unsigned o = 0; o < 11; o++)
		put_sys(c, (enum lw_hist_sys_field)(LW_HSYS_BUDDY_ORDER0_FREE_KB + o), per_order[o]);
}

static void record_system(const struct lw_stage_input *in, struct lw_history_cycle *c)
{
	static const struct { enum lw_hist_sys_field f; enum lw_meminfo_field m; } mem[] = {
		{ LW_HSYS_MEM_TOTAL_KB, LW_MI_MEM_TOTAL },
		{ LW_HSYS_MEM_AVAILABLE_KB, LW_MI_MEM_AVAILABLE },
		{ LW_HSYS_MEM_FREE_KB, LW_MI_MEM_FREE },
		{ LW_HSYS_SLAB_KB, LW_MI_SLAB },
		{ LW_HSYS_SUNRECLAIM_KB, LW_MI_SUNRECLAIM },
		{ LW_HSYS_BUFFERS_KB, LW_MI_BUFFERS },
		{ LW_HSYS_CACHED_KB, LW_MI_CACHED },
		{ LW_HSYS_SWAP_TOTAL_KB, LW_MI_SWAP_TOTAL },
		{ LW_HSYS_SWAP_FREE_KB, LW_MI_SWAP_FREE },
		{ LW_HSYS_SHMEM_KB, LW_MI_SHMEM },
		{ LW_HSYS_SRECLAIMABLE_KB, LW_MI_SRECLAIMABLE },
		{ LW_HSYS_KERNEL_STACK_KB, LW_MI_KERNEL_STACK },
		{ LW_HSYS_PAGE_TABLES_KB, LW_MI_PAGE_TABLES },
		{ LW_HSYS_VMALLOC_USED_KB, LW_MI_VMALLOC_USED },
		{ LW_HSYS_COMMITTED_AS_KB, LW_MI_COMMITTED_AS },
		{ LW_HSYS_ANON_PAGES_KB, LW_MI_ANON_PAGES },
	};
	static const struct { enum lw_hist_sys_field f; enum lw_sockstat_field s; } sock[] = {
		{ LW_HSYS_TCP_INUSE, LW_SS_TCP_INUSE },
		{ LW_HSYS_TCP_ORPHANS, LW_SS_TCP_ORPHAN },
		{ LW_HSYS_TCP_TIME_WAIT, LW_SS_TCP_TW },
		{ LW_HSYS_TCP_MEM_PAGES, LW_SS_TCP_MEM },
		{ LW_HSYS_SOCKETS_USED, LW_SS_SOCKETS_USED },
		{ LW_HSYS_TCP_ALLOC, LW_SS_TCP_ALLOC },
		{ LW_HSYS_UDP_INUSE, LW_SS_UDP_INUSE },
		{ LW_HSYS_UDP_MEM_PAGES, LW_SS_UDP_MEM },
	};
	static const struct { enum lw_hist_sys_field f; enum lw_tcp_limit l; } lim[] = {
		{ LW_HSYS_TCP_MEM_MIN_PAGES, LW_TL_MEM_MIN },
		{ LW_HSYS_TCP_MEM_PRESSURE_PAGES, LW_TL_MEM_PRESSURE },
		{ LW_HSYS_TCP_MEM_MAX_PAGES, LW_TL_MEM_MAX },
		{ LW_HSYS_TCP_MAX_ORPHANS, LW_TL_MAX_ORPHANS },
	};
	static const struct { enum lw_hist_sys_field f; int state; } tcp[] = {
		{ LW_HSYS_TCP_ESTABLISHED, LW_TCP_ESTABLISHED },
		{ LW_HSYS_TCP_SYN_RECV, LW_TCP_SYN_RECEIVED },
		{ LW_HSYS_TCP_CLOSE_WAIT, LW_TCP_CLOSE_WAIT },
		{ LW_HSYS_TCP_TIME_WAIT_SOCKETS, LW_TCP_TIME_WAIT },
		{ LW_HSYS_TCP_SYN_SENT, LW_TCP_SYN_SENT },
		{ LW_HSYS_TCP_FIN_WAIT1, LW_TCP_FIN_WAIT1 },
		{ LW_HSYS_TCP_FIN_WAIT2, LW_TCP_FIN_WAIT2 },
		{ LW_HSYS_TCP_CLOSE, LW_TCP_CLOSED },
		{ LW_HSYS_TCP_LAST_ACK, LW_TCP_LAST_ACK },
		{ LW_HSYS_TCP_LISTEN, LW_TCP_LISTEN },
		{ LW_HSYS_TCP_CLOSING, LW_TCP_CLOSING },
	};

	const struct lw_system *sys = &in->cycle->sys;
	const struct lw_tcp_table *tcpt = &in->cycle->tcp;

	for (size_t i = 0; lw_stage_ok(in, LW_COL_MEMINFO) && i < sizeof(mem) / sizeof(mem[0]); i++)
		if (lw_meminfo_has(&sys->meminfo, mem[i].m))
			put_sys(c, mem[i].f, sys->meminfo.kb[mem[i].m]);
	for (size_t i = 0; lw_stage_ok(in, LW_COL_SOCKSTAT) && i < sizeof(sock) / sizeof(sock[0]); i++)
		if (lw_sockstat_has(&sys->sock.sockstat, sock[i].s))
			put_sys(c, sock[i].f, sys->sock.sockstat.v[sock[i].s]);
	for (size_t i = 0; lw_stage_ok(in, LW_COL_TCP_LIMITS) && i < sizeof(lim) / sizeof(lim[0]); i++)
		if (lw_tcp_limits_has(&sys->sock.limits, lim[i].l))
			put_sys(c, lim[i].f, sys->sock.limits.v[lim[i].l]);
	for (size_t i = 0; lw_stage_ok(in, LW_COL_TCP) && i < sizeof(tcp) / sizeof(tcp[0]); i++)
		put_sys(c, tcp[i].f, tcpt->count[tcp[i].state][0] + tcpt->count[tcp[i].state][1]);
	if (lw_stage_ok(in, LW_COL_LOADAVG))
		put_sys(c, LW_HSYS_LOAD1, sys->loadavg.load1);
	if (lw_stage_ok(in, LW_COL_FILENR)) {
		put_sys(c, LW_HSYS_FILES_ALLOCATED, sys->filenr.allocated);
		put_sys(c, LW_HSYS_FILES_MAX, sys->filenr.max);
	}
	if (lw_stage_ok(in, LW_COL_BUDDYINFO))
		record_buddy(&in->cycle->kmem, c);
}

static int record_procs(const struct lw_proc_table *t, struct lw_history_cycle *c)
{
	c->procs = calloc(t->count ? t->count : 1, sizeof(*c->procs));
	c->groups = calloc(t->ngroups ? t->ngroups : 1, sizeof(*c->groups));
	if (c->procs == NULL || c->groups == NULL)
		return -1;
	for (size_t i = 0; i < t->count; i++) {
		const struct lw_proc *p = &t->rows[i];
		struct lw_hist_proc *h = &c->procs[i];

		h->pid = p->pid;
		h->start_time = (int64_t)p->start_time;
		snprintf(h->name, sizeof(h->name), "%s", lw_proc_str(t, p->name));
		h->rss_kb = p->rss_kb;
		h->anon_kb = p->anon_kb;
		h->vsz_kb = p->vsz_kb;
		h->fds = p->unknown & LW_PROC_FDS_UNKNOWN ? LW_HIST_UNKNOWN : p->fds;
		h->cpu_ticks = p->cpu_ticks;
		h->swap_kb = p->swap_kb;
		h->sockets = p->unknown & (LW_PROC_FDS_UNKNOWN | LW_PROC_TYPES_UNKNOWN) ?
				     LW_HIST_UNKNOWN : p->sockets;
		h->fd_limit = p->fd_limit;
		h->threads = p->threads;
	}
	c->nprocs = t->count;
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct lw_proc_group *g = &t->groups[i];

		snprintf(c->groups[i].name, sizeof(c->groups[i].name), "%s", lw_proc_str(t, g->name));
		c->groups[i].count = g->count;
		c->groups[i].fds = g->fds_unknown ? LW_HIST_UNKNOWN : g->fds;
		c->groups[i].rss_kb = g->rss_kb;
	}
	c->ngroups = t->ngroups;
	return 0;
}

static int record_slabs(const struct lw_kmem *k, struct lw_history_cycle *c)
{
	c->slabs = calloc(k->slabs.n ? k->slabs.n : 1, sizeof(*c->slabs));
	if (c->slabs == NULL)
		return -1;
	for (size_t i = 0; i < k->slabs.n; i++) {
		const struct lw_slab *s = &k->slabs.rows[i];

		snprintf(c->slabs[i].name, sizeof(c->slabs[i].name), "%s", s->name);
		c->slabs[i].total_bytes = lw_slab_total_bytes(s, k->page_size);
		c->slabs[i].active_bytes = s->active_objs * s->objsize;
	}
	c->nslabs = k->slabs.n;
	return 0;
}

static int record_mcast(const struct lw_stage_input *in, struct lw_history_cycle *c)
{
	c->mcast = calloc(in->nmcast ? in->nmcast : 1, sizeof(*c->mcast));
	if (c->mcast == NULL)
		return -1;
	for (size_t i = 0; i < in->nmcast; i++) {
		const struct lw_mcast_summary *s = &in->mcast[i];

		memcpy(c->mcast[i].ifname, s->ifname, sizeof(c->mcast[i].ifname));
		c->mcast[i].packets = s->packets;
		c->mcast[i].octets = s->octets;
		c->mcast[i].pps10 = s->pps10;
		c->mcast[i].bps10 = s->bps10;
	}
	c->nmcast = in->nmcast;
	return 0;
}

/* lwAlarmType's labels (LEAKWATCH-MIB), stored beside the number so the file reads alone. */
static const char *alarm_type_name(unsigned type)
{
	static const char *const names[] = {
		[LW_ALARM_PROC_MEM_LEAK] = "procMemLeak",
		[LW_ALARM_PROC_FD_LEAK] = "procFdLeak",
		[LW_ALARM_SLAB_LEAK] = "slabLeak",
		[LW_ALARM_TCP_ORPHANS] = "tcpOrphanPressure",
		[LW_ALARM_TCP_MEM] = "tcpMemPressure",
		[LW_ALARM_MCAST_RATE] = "mcastRateHigh",
		[LW_ALARM_LOAD] = "loadHigh",
		[LW_ALARM_GROUP_MEM_LEAK] = "groupMemLeak",
		[LW_ALARM_KERNEL_MEM_LEAK] = "kernelMemLeak",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] != NULL ? names[type] : "unknown";
}

/*
 * The alarm events the history has not had yet: after the last seq it was handed (the alarm
 * table's ring holds the last LW_ALARM_EVENTS; more in one cycle are lost, as for the agent's
 * notifications). A table whose newest seq is below that one was started again: all of its.
 */
static int record_events(struct lw_history *h, const struct lw_stage_input *in,
			 struct lw_history_cycle *c)
{
	const struct lw_alarm_table *t = &in->cycle->alarms;
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	uint64_t after = lw_history_alarm_seq(h);
	size_t n;

	if (t->last_seq < after)
		after = 0;
	if (t->last_seq == after)
		return 0;
	n = lw_alarm_table_events_since(t, after, ev, LW_ALARM_EVENTS);
	if (n == 0)
		return 0;
	if ((c->events = calloc(n, sizeof(*c->events))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct lw_alarm *a = &ev[i].alarm;
		struct lw_hist_alarm_event *e = &c->events[i];

		e->seq = ev[i].seq;
		/* A raise happened when the alarm was raised; a clear in this cycle. */
		e->t = ev[i].raise ? a->raised : in->now;
		e->raise = ev[i].raise;
		e->alarm_index = a->index;
		e->type = a->type;
		e->severity = a->severity;
		snprintf(e->type_name, sizeof(e->type_name), "%s", alarm_type_name(a->type));
		snprintf(e->object, sizeof(e->object), "%s", a->object);
		snprintf(e->name, sizeof(e->name), "%s", a->name);
		e->instance = a->instance;
		e->start_time = a->start_time;
		e->value = a->value;
		e->threshold = a->threshold;
		e->slope = a->slope;
		e->exhaustion_s = a->time_to_exhaustion;
	}
	c->nevents = n;
	return 0;
}

/* lwCollectorTable as this cycle leaves it (this stage's own row: as of the cycle before). */
static int record_collectors(const struct lw_snapshot *snap, struct lw_history_cycle *c)
{
	c->collectors = calloc(LW_COL_COUNT, sizeof(*c->collectors));
	if (c->collectors == NULL)
		return -1;
	for (int id = 0; id < LW_COL_COUNT; id++) {
		const struct lw_collector_def *d = lw_collector_def((enum lw_collector_id)id);
		const struct lw_collector_stats *s = &snap->collectors[id];
		struct lw_hist_collector *k = &c->collectors[c->ncollectors];

		if (d == NULL || d->name == NULL)
			continue;
		snprintf(k->name, sizeof(k->name), "%s", d->name);
		snprintf(k->source, sizeof(k->source), "%s", d->source != NULL ? d->source : "");
		k->interval_s = s->interval_s;
		k->runs = s->runs;
		k->errors = s->errors;
		k->ok = s->ok;
		k->last_duration_us = s->last_duration_us;
		k->total_duration_us = s->total_duration_us;
		snprintf(k->last_error, sizeof(k->last_error), "%s", s->last_error);
		snprintf(k->notice, sizeof(k->notice), "%s", s->notice);
		c->ncollectors++;
	}
	return 0;
}

int lw_history_stage_run(struct lw_history *h, const struct lw_stage_input *in, char *notice,
			 size_t notice_cap, struct lw_error *err)
{
	const struct lw_snapshot *snap = in->cycle;
	struct lw_history_cycle c;
	struct lw_history_status st;
	int rc = 0;

	if (h == NULL) {
		snprintf(notice, notice_cap, "history off (history no)");
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.t = in->now;
	record_system(in, &c);
	if ((lw_stage_ok(in, LW_COL_PROCESSES) && record_procs(&snap->procs, &c)) ||
	    (lw_stage_ok(in, LW_COL_SLABINFO) && in->ran[LW_COL_SLABINFO] &&
	     record_slabs(&snap->kmem, &c)) ||
	    record_mcast(in, &c) || record_events(h, in, &c) || record_collectors(snap, &c))
		rc = lw_error_set(err, ENOMEM, "history: out of memory for the cycle's record");
	else if (lw_history_submit_take(h, &c) != 0)
		rc = lw_error_set(err, ENOMEM, "history: cannot queue the cycle");
	lw_history_cycle_free(&c);
	if (rc != 0)
		return rc;
	/* The writer works behind: what it says is about the cycles before this one. */
	lw_history_status(h, &st);
	if (st.notice[0] != '\0')
		snprintf(notice, notice_cap, "%s", st.notice);
	if (!st.ok)
		return lw_error_set(err, EIO, "%s", st.error);
	return 0;
}
