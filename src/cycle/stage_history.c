/* stage_history.c: the history stage: this cycle's values, rows and rates as one record. */
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

static void record_system(const struct lw_stage_input *in, struct lw_history_cycle *c)
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

	const struct lw_system *sys = &in->cycle->sys;
	const struct lw_tcp_table *tcpt = &in->cycle->tcp;

	for (size_t i = 0; lw_stage_ok(in, LW_COL_MEMINFO) && i < sizeof(mem) / sizeof(mem[0]); i++)
		if (lw_meminfo_has(&sys->meminfo, mem[i].m))
			put_sys(c, mem[i].f, sys->meminfo.kb[mem[i].m]);
	for (size_t i = 0; lw_stage_ok(in, LW_COL_SOCKSTAT) && i < sizeof(sock) / sizeof(sock[0]); i++)
		if (lw_sockstat_has(&sys->sock.sockstat, sock[i].s))
			put_sys(c, sock[i].f, sys->sock.sockstat.v[sock[i].s]);
	for (size_t i = 0; lw_stage_ok(in, LW_COL_TCP) && i < sizeof(tcp) / sizeof(tcp[0]); i++)
		put_sys(c, tcp[i].f, tcpt->count[tcp[i].state][0] + tcpt->count[tcp[i].state][1]);
	if (lw_stage_ok(in, LW_COL_LOADAVG))
		put_sys(c, LW_HSYS_LOAD1, sys->loadavg.load1);
	if (lw_stage_ok(in, LW_COL_FILENR))
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
		h->fds = p->unknown & LW_PROC_FDS_UNKNOWN ? LW_HIST_UNKNOWN : p->fds;
		h->cpu_ticks = p->cpu_ticks;
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
	    record_mcast(in, &c))
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
