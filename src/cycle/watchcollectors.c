/* watchcollectors.c: the detector and history collectors: inputs from the cycle, records out. */
#include "cycle/watchcollectors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "history/history.h"
#include "kmem/kmem.h"
#include "mcast/mcastcap.h"
#include "net/tcpcollect.h"
#include "detect/watch.h"

static bool ok(const struct lw_collect_ctx *ctx, enum lw_collector_id id)
{
	return ctx->stats[id].ok;
}

/* How far back the detectors remember: the long floors' reach (20 windows of 6 windows at
 * the default: 20 h) and one window more. */
static int64_t replay_horizon_s(const struct lw_thresholds *th)
{
	return (int64_t)th->v[LW_TH_LEAK_WINDOW] *
	       (LW_DETECT_LONG_WINDOWS * LW_DETECT_LONG_FLOORS + 1);
}

int lw_run_detector(const struct lw_collect_ctx *ctx, struct lw_system *sys,
		    struct lw_error *err)
{
	struct lw_mcast_summary sums[LW_CONFIG_MAX_MCAST_IFACES];
	struct lw_watch_mcast mcast[LW_CONFIG_MAX_MCAST_IFACES];
	struct lw_watch_input in = { .now = ctx->now };
	struct lw_sockmem_pct pct;
	size_t nsum = lw_mcast_capture_summaries(ctx->mcast, sums, LW_CONFIG_MAX_MCAST_IFACES);
	const struct lw_alarms *a;

	if (ctx->history != NULL && !*ctx->replayed) {
		*ctx->replayed = true;
		if (lw_history_replay(ctx->history, ctx->now - replay_horizon_s(ctx->thresholds),
				      lw_watch_replay_point, ctx->watch, err) != 0)
			snprintf(ctx->notice, ctx->notice_cap, "detectors learning again: %s",
				 err->text);
		lw_error_clear(err);
	}
	in.procs = ok(ctx, LW_COL_PROCESSES) ? ctx->proc_out : NULL;
	in.slabs = ok(ctx, LW_COL_SLABINFO) ? &ctx->kmem->slabs : NULL;
	in.slabs_fresh = ctx->ran[LW_COL_SLABINFO];
	in.meminfo = ok(ctx, LW_COL_MEMINFO) ? &sys->meminfo : NULL;
	in.sockstat = ok(ctx, LW_COL_SOCKSTAT) ? &sys->sock.sockstat : NULL;
	in.limits = ok(ctx, LW_COL_TCP_LIMITS) ? &sys->sock.limits : NULL;
	/* The snapshot's percentages are worked out after the cycle: this cycle's, here. */
	if (in.sockstat != NULL && in.limits != NULL) {
		lw_sockmem_percents(in.sockstat, in.limits, &pct);
		in.pct = &pct;
	}
	in.loadavg = ok(ctx, LW_COL_LOADAVG) ? &sys->loadavg : NULL;
	in.cpus = ok(ctx, LW_COL_CPUS) ? sys->cpus : 0;
	for (size_t i = 0; i < nsum; i++) {
		/* A capture that is not running has no rate to judge: its alarm keeps still. */
		if (sums[i].ifindex == 0 || sums[i].state != LW_MCAST_RUNNING)
			continue;
		memcpy(mcast[in.nmcast].ifname, sums[i].ifname, sizeof(mcast[0].ifname));
		mcast[in.nmcast].ifindex = sums[i].ifindex;
		mcast[in.nmcast].pps10 = sums[i].pps10;
		in.nmcast++;
	}
	in.mcast = mcast;
	lw_watch_cycle(ctx->watch, ctx->thresholds, &in, ctx->trends_out);
	a = lw_watch_alarms(ctx->watch);
	if (a->dropped > 0)
		snprintf(ctx->notice, ctx->notice_cap, "%llu alarms not raised: %d were active",
			 (unsigned long long)a->dropped, LW_ALARMS_MAX);
	return 0;
}

static void put_sys(struct lw_history_cycle *c, enum lw_hist_sys_field f, uint64_t v)
{
	c->sys[f] = v;
	c->sys_present |= 1ull << f;
}

static void record_system(const struct lw_collect_ctx *ctx, const struct lw_system *sys,
			  struct lw_history_cycle *c)
{
	static const struct { enum lw_hist_sys_field f; enum lw_meminfo_field m; } mem[] = {
		{ LW_HSYS_MEM_TOTAL_KB, LW_MI_MEM_TOTAL },
		{ LW_HSYS_MEM_AVAILABLE_KB, LW_MI_MEM_AVAILABLE },
		{ LW_HSYS_MEM_FREE_KB, LW_MI_MEM_FREE },
		{ LW_HSYS_SLAB_KB, LW_MI_SLAB },
		{ LW_HSYS_SUNRECLAIM_KB, LW_MI_SUNRECLAIM },
	};
	static const struct { enum lw_hist_sys_field f; enum lw_sockstat_field s; } sock[] = {
		{ LW_HSYS_TCP_INUSE, LW_SS_TCP_INUSE },
		{ LW_HSYS_TCP_ORPHANS, LW_SS_TCP_ORPHAN },
		{ LW_HSYS_TCP_TIME_WAIT, LW_SS_TCP_TW },
		{ LW_HSYS_TCP_MEM_PAGES, LW_SS_TCP_MEM },
	};
	static const struct { enum lw_hist_sys_field f; int state; } tcp[] = {
		{ LW_HSYS_TCP_ESTABLISHED, LW_TCP_ESTABLISHED },
		{ LW_HSYS_TCP_SYN_RECV, LW_TCP_SYN_RECEIVED },
		{ LW_HSYS_TCP_CLOSE_WAIT, LW_TCP_CLOSE_WAIT },
		{ LW_HSYS_TCP_TIME_WAIT_SOCKETS, LW_TCP_TIME_WAIT },
	};

	for (size_t i = 0; ok(ctx, LW_COL_MEMINFO) && i < sizeof(mem) / sizeof(mem[0]); i++)
		if (lw_meminfo_has(&sys->meminfo, mem[i].m))
			put_sys(c, mem[i].f, sys->meminfo.kb[mem[i].m]);
	for (size_t i = 0; ok(ctx, LW_COL_SOCKSTAT) && i < sizeof(sock) / sizeof(sock[0]); i++)
		if (lw_sockstat_has(&sys->sock.sockstat, sock[i].s))
			put_sys(c, sock[i].f, sys->sock.sockstat.v[sock[i].s]);
	for (size_t i = 0; ok(ctx, LW_COL_TCP) && i < sizeof(tcp) / sizeof(tcp[0]); i++)
		put_sys(c, tcp[i].f, ctx->tcp_out->count[tcp[i].state][0] +
					     ctx->tcp_out->count[tcp[i].state][1]);
	if (ok(ctx, LW_COL_LOADAVG))
		put_sys(c, LW_HSYS_LOAD1, sys->loadavg.load1);
	if (ok(ctx, LW_COL_FILENR))
		put_sys(c, LW_HSYS_FILES_ALLOCATED, sys->filenr.allocated);
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
		h->fds = p->fds;
		h->cpu_ticks = p->cpu_ticks;
	}
	c->nprocs = t->count;
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct lw_proc_group *g = &t->groups[i];

		snprintf(c->groups[i].name, sizeof(c->groups[i].name), "%s", lw_proc_str(t, g->name));
		c->groups[i].count = g->count;
		c->groups[i].fds = g->fds;
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

static int record_mcast(struct lw_mcast_capture *mc, struct lw_history_cycle *c)
{
	struct lw_mcast_summary sums[LW_CONFIG_MAX_MCAST_IFACES];
	size_t n = lw_mcast_capture_summaries(mc, sums, LW_CONFIG_MAX_MCAST_IFACES);

	c->mcast = calloc(n ? n : 1, sizeof(*c->mcast));
	if (c->mcast == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		memcpy(c->mcast[i].ifname, sums[i].ifname, sizeof(c->mcast[i].ifname));
		c->mcast[i].packets = sums[i].packets;
		c->mcast[i].octets = sums[i].octets;
		c->mcast[i].pps10 = sums[i].pps10;
		c->mcast[i].bps10 = sums[i].bps10;
	}
	c->nmcast = n;
	return 0;
}

int lw_run_history(const struct lw_collect_ctx *ctx, struct lw_system *sys, struct lw_error *err)
{
	struct lw_history_cycle c;
	struct lw_history_status st;
	int rc = 0;

	if (ctx->history == NULL) {
		snprintf(ctx->notice, ctx->notice_cap, "history off (history no)");
		return 0;
	}
	memset(&c, 0, sizeof(c));
	c.t = ctx->now;
	record_system(ctx, sys, &c);
	if ((ok(ctx, LW_COL_PROCESSES) && record_procs(ctx->proc_out, &c)) ||
	    (ok(ctx, LW_COL_SLABINFO) && ctx->ran[LW_COL_SLABINFO] && record_slabs(ctx->kmem, &c)) ||
	    record_mcast(ctx->mcast, &c))
		rc = lw_error_set(err, ENOMEM, "history: out of memory for the cycle's record");
	else if (lw_history_submit_take(ctx->history, &c) != 0)
		rc = lw_error_set(err, ENOMEM, "history: cannot queue the cycle");
	lw_history_cycle_free(&c);
	if (rc != 0)
		return rc;
	/* The writer works behind: what it says is about the cycles before this one. */
	lw_history_status(ctx->history, &st);
	if (st.notice[0] != '\0')
		snprintf(ctx->notice, ctx->notice_cap, "%s", st.notice);
	if (!st.ok)
		return lw_error_set(err, EIO, "%s", st.error);
	return 0;
}
