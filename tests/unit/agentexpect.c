/* agentexpect.c: the instances and values LEAKWATCH-MIB's DESCRIPTIONs give for a fixture agent. */
/* SPDX-License-Identifier: ISC */
#include "agentexpect.h"

#include <arpa/inet.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenttest.h"
#include "base/dateandtime.h"
#include "cycle/snapshot.h"
#include "mcast/mcastboard.h"

/* Where the next values go: a scalar group (index .0) or a table entry and one row's index. */
struct at {
	oid base[MAX_OID_LEN];
	size_t blen;
	oid idx[MAX_OID_LEN];
	size_t ilen;
};

static struct lw_expects *out;

static struct lw_expect *put(const struct at *a, unsigned sub, u_char type)
{
	struct lw_expect *e;

	if (out->n == out->cap) {
		out->cap = out->cap ? 2 * out->cap : 512;
		out->v = realloc(out->v, out->cap * sizeof(*out->v));
		if (out->v == NULL)
			abort();
	}
	e = &out->v[out->n++];
	memset(e, 0, sizeof(*e));
	memcpy(e->name, a->base, a->blen * sizeof(oid));
	e->name[a->blen] = sub;
	memcpy(e->name + a->blen + 1, a->idx, a->ilen * sizeof(oid));
	e->len = a->blen + 1 + a->ilen;
	e->type = type;
	return e;
}

/* Gauge32 latches at its maximum (RFC 2578 section 7.1.7). */
static void gauge(const struct at *a, unsigned sub, uint64_t v)
{
	put(a, sub, ASN_GAUGE)->u = v > UINT32_MAX ? UINT32_MAX : v;
}

static void unsig(const struct at *a, unsigned sub, uint32_t v)
{
	put(a, sub, ASN_UNSIGNED)->u = v;
}

static void counter32(const struct at *a, unsigned sub, uint64_t v)
{
	put(a, sub, ASN_COUNTER)->u = (uint32_t)v;  /* a Counter32 wraps */
}

static void c64(const struct at *a, unsigned sub, uint64_t v)
{
	put(a, sub, ASN_COUNTER64)->u = v;
}

/* A DateAndTime's Unix-time twin: Unsigned32 seconds, 0 for none. */
static void unixtime(const struct at *a, unsigned sub, int64_t seconds)
{
	unsig(a, sub, seconds <= 0 ? 0 : seconds > UINT32_MAX ? UINT32_MAX : (uint32_t)seconds);
}

/* Integer32, saturating (the slopes: MIB "saturates at the Integer32 range"). */
static void integer(const struct at *a, unsigned sub, int64_t v)
{
	if (v > INT32_MAX)
		v = INT32_MAX;
	if (v < INT32_MIN)
		v = INT32_MIN;
	put(a, sub, ASN_INTEGER)->u = (uint64_t)v;
}

/* LwLeakState: a row not judged yet is learning(1). */
static void leak(const struct at *a, unsigned sub, uint8_t state)
{
	integer(a, sub, state ? state : 1);
}

/* A forecast past Unsigned32 is "none forecast" (0). */
static void forecast(const struct at *a, unsigned sub, uint64_t s)
{
	unsig(a, sub, s > UINT32_MAX ? 0 : (uint32_t)s);
}

static void bytes(const struct at *a, unsigned sub, const void *p, size_t n)
{
	struct lw_expect *e = put(a, sub, ASN_OCTET_STR);

	if (n > sizeof(e->s))
		abort();
	memcpy(e->s, p, n);
	e->slen = n;
}

static void str(const struct at *a, unsigned sub, const char *s)
{
	bytes(a, sub, s, strlen(s));
}

static void date(const struct at *a, unsigned sub, struct timespec t)
{
	uint8_t buf[LW_DATEANDTIME_LEN];

	lw_dateandtime_encode(&t, buf);
	bytes(a, sub, buf, sizeof(buf));
}

static void date_ns(const struct at *a, unsigned sub, uint64_t ns)
{
	date(a, sub, (struct timespec){ (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) });
}

/* An address as text: dotted decimal, or RFC 5952 for IPv6 (glibc's inet_ntop form). */
static void addr_text(const struct at *a, unsigned sub, bool v6, const uint8_t *addr)
{
	char t[INET6_ADDRSTRLEN];

	if (inet_ntop(v6 ? AF_INET6 : AF_INET, addr, t, sizeof(t)) == NULL)
		abort();
	str(a, sub, t);
}

static void truth(const struct at *a, unsigned sub, bool v)
{
	integer(a, sub, v ? 1 : 2);
}

static void objid(const struct at *a, unsigned sub, const oid *o, size_t n)
{
	struct lw_expect *e = put(a, sub, ASN_OBJECT_ID);

	memcpy(e->o, o, n * sizeof(oid));
	e->slen = n;
}

/* A scalar group under lwObjects: path sub-identifiers, then objects base.N.0. */
static struct at group(size_t n, ...)
{
	struct at a = { .ilen = 1 };
	va_list ap;

	a.blen = lw_t_oid(a.base, 0);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		a.base[a.blen++] = va_arg(ap, unsigned);
	va_end(ap);
	a.idx[0] = 0;
	return a;
}

/* The row of index ... in the table whose Entry is under lwObjects at path (p1, p2, 1). */
static struct at row(unsigned p1, unsigned p2, size_t n, ...)
{
	struct at a = { 0 };
	va_list ap;

	a.blen = lw_t_oid(a.base, 3, p1, p2, 1u);
	va_start(ap, n);
	for (size_t i = 0; i < n; i++)
		a.idx[a.ilen++] = va_arg(ap, unsigned);
	va_end(ap);
	return a;
}

/* ifIndex, InetAddressType, then the address as its length and octets (RFC 4001 3.1). */
static struct at addr_row(unsigned p1, unsigned p2, uint32_t ifindex, uint8_t family,
			  const uint8_t *addr)
{
	struct at a = row(p1, p2, 2, ifindex, (unsigned)family);
	size_t len = family == 2 ? 16 : 4;

	a.idx[a.ilen++] = len;
	for (size_t i = 0; i < len; i++)
		a.idx[a.ilen++] = addr[i];
	return a;
}

static void agent_group(const struct lw_agent *agent)
{
	struct at a = group(1, 1u);

	str(&a, 1, LW_VERSION);
	date(&a, 2, agent->start_time);
	unsig(&a, 3, agent->cfg->interval_s);
	unixtime(&a, 6, agent->start_time.tv_sec);
	if (agent->current != NULL) {
		date(&a, 4, agent->current->completed);
		unixtime(&a, 7, agent->current->completed.tv_sec);
	}
}

static void collectors(const struct lw_snapshot *s)
{
	for (unsigned id = 0; id < LW_COL_COUNT; id++) {
		const struct lw_collector_stats *c = &s->collectors[id];
		struct at a = { 0 };

		a.blen = lw_t_oid(a.base, 4, 1u, 5u, 1u, 0u) - 1;  /* lwCollectorEntry */
		a.idx[0] = id + 1;
		a.ilen = 1;
		str(&a, 2, lw_collector_def((enum lw_collector_id)id)->name);
		unsig(&a, 3, c->interval_s);
		date(&a, 4, c->last_run);
		gauge(&a, 5, c->last_duration_us);
		c64(&a, 6, c->total_duration_us);
		counter32(&a, 7, c->runs);
		counter32(&a, 8, c->errors);
		str(&a, 9, c->last_error);
		str(&a, 10, c->notice);
		unixtime(&a, 11, c->last_run.tv_sec);
	}
}

static void system_group(const struct lw_snapshot *s)
{
	static const enum lw_meminfo_field kb[] = {
		LW_MI_MEM_TOTAL, LW_MI_MEM_FREE, LW_MI_MEM_AVAILABLE, LW_MI_BUFFERS,
		LW_MI_CACHED, LW_MI_SWAP_TOTAL, LW_MI_SWAP_FREE, LW_MI_COMMITTED_AS,
	};
	const struct lw_collector_stats *c = s->collectors;
	const struct lw_system *sys = &s->sys;
	struct at a = group(1, 2u);

	if (c[LW_COL_LOADAVG].ok) {
		gauge(&a, 1, sys->loadavg.load1);
		gauge(&a, 2, sys->loadavg.load5);
		gauge(&a, 3, sys->loadavg.load15);
		gauge(&a, 16, sys->loadavg.tasks);
	}
	if (c[LW_COL_CPUS].ok)
		gauge(&a, 4, sys->cpus);
	for (unsigned i = 0; c[LW_COL_MEMINFO].ok && i < sizeof(kb) / sizeof(kb[0]); i++)
		if (lw_meminfo_has(&sys->meminfo, kb[i])) {
			/* a Gauge32 level (5..12) and its full-range twin (17..24) */
			gauge(&a, 5 + i, sys->meminfo.kb[kb[i]]);
			c64(&a, 17 + i, sys->meminfo.kb[kb[i]]);
		}
	if (c[LW_COL_FILENR].ok) {
		gauge(&a, 13, sys->filenr.allocated);
		gauge(&a, 14, sys->filenr.max);
		c64(&a, 25, sys->filenr.max);
	}
	if (c[LW_COL_PROCESSES].ok)
		gauge(&a, 15, sys->processes);
}

static void processes(const struct lw_snapshot *s)
{
	const struct lw_proc_table *t = &s->procs;
	struct at g = group(1, 3u);

	for (size_t i = 0; i < t->count; i++) {
		const struct lw_proc *p = &t->rows[i];
		struct at a = row(3, 1, 1, p->pid);

		str(&a, 2, lw_proc_str(t, p->name));
		if (t->cmdline_published)
			str(&a, 3, lw_proc_str(t, p->cmdline));
		unsig(&a, 4, p->ppid);
		unsig(&a, 5, p->uid);
		integer(&a, 6, p->state);
		/* seconds since the epoch, Unsigned32: saturates (not "none") */
		unsig(&a, 7, p->start_time > UINT32_MAX ? UINT32_MAX : (uint32_t)p->start_time);
		gauge(&a, 8, p->threads);
		gauge(&a, 9, p->rss_kb);
		gauge(&a, 10, p->vsz_kb);
		gauge(&a, 11, p->anon_kb);
		gauge(&a, 12, p->swap_kb);
		/* what could not be read has no instance */
		if (!(p->unknown & LW_PROC_FDS_UNKNOWN))
			gauge(&a, 13, p->fds);
		gauge(&a, 14, p->fd_limit);
		if (!(p->unknown & LW_PROC_TYPES_UNKNOWN))
			gauge(&a, 15, p->sockets);
		c64(&a, 16, p->cpu_ticks);
		gauge(&a, 17, p->cpu_hundredths);
		leak(&a, 18, p->leak_state);
		integer(&a, 19, p->rss_slope_kb_h);
		leak(&a, 20, p->fd_leak_state);
		integer(&a, 21, p->fd_slope_h);
		forecast(&a, 22, p->time_to_exhaustion);
		if (p->in_fd_top && !(p->unknown & LW_PROC_TYPES_UNKNOWN)) {
			struct at f = row(3, 4, 1, p->pid);

			gauge(&f, 1, p->types.sockets);
			gauge(&f, 2, p->types.pipes);
			gauge(&f, 3, p->types.files);
			gauge(&f, 4, p->types.anon);
			gauge(&f, 5, p->types.other);
		}
	}
	for (size_t i = 0; i < t->ngroups; i++) {
		const struct lw_proc_group *p = &t->groups[i];
		struct at a = row(3, 2, 1, p->index);

		str(&a, 2, lw_proc_str(t, p->name));
		gauge(&a, 3, p->count);
		gauge(&a, 4, p->rss_kb);
		gauge(&a, 5, p->max_rss_kb);
		gauge(&a, 6, p->vsz_kb);
		if (!p->fds_unknown)
			gauge(&a, 7, p->fds);
		gauge(&a, 8, p->cpu_hundredths);
		leak(&a, 9, p->leak_state);
		integer(&a, 10, p->rss_slope_kb_h);
		leak(&a, 11, p->fd_leak_state);
		integer(&a, 12, p->fd_slope_h);
		forecast(&a, 13, p->time_to_exhaustion);
	}
	static const char *const metric[] = { "", "rss", "cpu", "fds", "rssGrowth" };

	for (unsigned m = 1; m <= LW_TOP_COUNT; m++)
		for (size_t r = 0; r < t->ntop[m]; r++) {
			const struct lw_proc_top *e = &t->top[m][r];
			struct at a = row(3, 3, 2, m, (unsigned)r + 1);

			unsig(&a, 3, e->pid);
			str(&a, 4, lw_proc_str(t, e->name));
			gauge(&a, 5, e->value);
			str(&a, 6, metric[m]);
		}
	gauge(&g, 5, t->count);
	gauge(&g, 6, t->dropped);
	unsig(&g, 7, t->top_n);
}

static void tcp(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;
	const struct lw_tcp_table *t = &s->tcp;
	struct at g = group(1, 4u);

	unsig(&g, 8, agent->cfg->tcp.max_ports);
	if (!s->collectors[LW_COL_TCP].ok)
		return;
	/* LwTcpConnState's labels (the MIB), by value */
	static const char *const name[] = { "", "closed", "listen", "synSent", "synReceived",
					    "established", "finWait1", "finWait2", "closeWait",
					    "lastAck", "closing", "timeWait" };

	for (unsigned st = 1; st <= LW_TCP_STATE_MAX; st++) {
		struct at a = row(4, 1, 1, st);

		gauge(&a, 2, t->count[st][0] + t->count[st][1]);
		gauge(&a, 3, t->count[st][0]);
		gauge(&a, 4, t->count[st][1]);
		str(&a, 5, name[st]);
		for (size_t r = 0; r < t->ntop[st]; r++) {
			const struct lw_topk_entry *e = &t->top[st][r];
			struct at b = row(4, 2, 2, st, (unsigned)r + 1);

			integer(&b, 3, e->addr.family);
			bytes(&b, 4, e->addr.bytes, e->addr.family == LW_ADDR_IPV6 ? 16 : 4);
			gauge(&b, 5, e->count);
			gauge(&b, 6, e->error);
			str(&b, 7, name[st]);
			addr_text(&b, 8, e->addr.family == LW_ADDR_IPV6, e->addr.bytes);
		}
	}
	for (size_t i = 0; i < t->nports; i++) {
		const struct lw_tcp_port_row *p = &t->ports[i];
		struct at a = row(4, 3, 1, p->port);

		/* listen(2), then synReceived(3) .. timeWait(10): TCP states 4 .. 11 */
		gauge(&a, 2, p->count[LW_TCP_LISTEN]);
		for (unsigned col = 3; col <= 10; col++)
			gauge(&a, col, p->count[col + 1]);
		char port[8];

		snprintf(port, sizeof(port), "%u", (unsigned)p->port);
		str(&a, 11, port);
	}
	gauge(&g, 4, t->sockets);
	unsig(&g, 5, t->top_n);
	gauge(&g, 6, t->nports);
	gauge(&g, 7, t->ports_dropped);
}

static void sockmem(const struct lw_snapshot *s)
{
	const struct lw_sockmem *m = &s->sys.sock;
	struct at ss = group(2, 4u, 9u), lim = group(2, 4u, 10u), cnt = group(2, 4u, 11u);

	for (unsigned f = 0; s->collectors[LW_COL_SOCKSTAT].ok && f < LW_SS_COUNT; f++) {
		if (!lw_sockstat_has(&m->sockstat, (enum lw_sockstat_field)f))
			continue;
		gauge(&ss, f + 1, m->sockstat.v[f]);  /* counts, pages and bytes: all levels */
	}
	for (unsigned f = 0; s->collectors[LW_COL_TCP_LIMITS].ok && f < LW_TL_COUNT; f++) {
		if (!lw_tcp_limits_has(&m->limits, (enum lw_tcp_limit)f))
			continue;
		gauge(&lim, f + 1, m->limits.v[f]);
	}
	for (unsigned f = 0; f < LW_PCT_COUNT; f++)
		if (lw_sockmem_pct_known(&m->pct, (enum lw_sockmem_pct_field)f))
			gauge(&lim, 6 + f, m->pct.v[f]);
	for (unsigned f = 0; s->collectors[LW_COL_TCP_COUNTERS].ok && f < LW_NS_COUNT; f++)
		if (lw_netstat_has(&m->counters, (enum lw_netstat_field)f)) {
			/* tcpCurrEstab is a level (Gauge32 in RFC 4022); the rest count */
			if (f == LW_NS_TCP_CURR_ESTAB)
				gauge(&cnt, f + 1, m->counters.v[f]);
			else
				c64(&cnt, f + 1, m->counters.v[f]);
		}
}

static void kernel_memory(const struct lw_snapshot *s)
{
	static const enum lw_meminfo_field fields[] = {
		LW_MI_SLAB, LW_MI_SRECLAIMABLE, LW_MI_SUNRECLAIM, LW_MI_KERNEL_STACK,
		LW_MI_PAGE_TABLES, LW_MI_VMALLOC_USED, LW_MI_PERCPU, LW_MI_ANON_PAGES,
		LW_MI_SHMEM, LW_MI_MAPPED, LW_MI_HUGEPAGES_TOTAL, LW_MI_HUGEPAGES_FREE,
	};
	const struct lw_meminfo *m = &s->sys.meminfo;
	struct at a = group(2, 5u, 1u);
	uint64_t kb;

	if (!s->collectors[LW_COL_MEMINFO].ok)
		return;
	for (unsigned i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!lw_meminfo_has(m, fields[i]))
			continue;
		gauge(&a, i + 1, m->kb[fields[i]]);  /* KiB, or huge page counts */
	}
	if (lw_meminfo_unaccounted_kb(m, &kb))
		gauge(&a, 13, kb);
}

/* Free KiB in blocks of order 4 and up: what lwZoneHighOrderFreeKB counts. */
static uint64_t high_order_kb(const struct lw_buddy *b, uint64_t page_size)
{
	uint64_t kb = 0;

	for (uint32_t o = 4; o < b->orders; o++)
		kb += (b->free[o] << o) * (page_size / 1024);
	return kb;
}

static const struct lw_buddy *buddy_of(const struct lw_snapshot *s, const struct lw_zone *z)
{
	for (size_t i = 0; s->collectors[LW_COL_BUDDYINFO].ok && i < s->kmem.buddies.n; i++) {
		const struct lw_buddy *b = &s->kmem.buddies.rows[i];

		if (b->node == z->node && strcmp(b->name, z->name) == 0)
			return b;
	}
	return NULL;
}

static void kernel(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;
	const struct lw_kmem *k = &s->kmem;
	struct at g = group(1, 5u), vm = group(2, 5u, 8u);

	kernel_memory(s);
	for (size_t i = 0; i < k->slabs.n; i++) {
		const struct lw_slab *sl = &k->slabs.rows[i];
		struct at a = row(5, 2, 1, sl->index);

		str(&a, 2, sl->name);
		gauge(&a, 3, sl->active_objs);
		gauge(&a, 4, sl->num_objs);
		gauge(&a, 5, sl->objsize);
		gauge(&a, 6, sl->active_slabs);
		gauge(&a, 7, sl->num_slabs);
		gauge(&a, 8, sl->pagesperslab);
		gauge(&a, 9, sl->num_slabs * sl->pagesperslab * k->page_size / 1024);
		gauge(&a, 10, sl->active_objs * sl->objsize / 1024);
		leak(&a, 11, sl->leak_state);
		integer(&a, 12, sl->slope_kb_h);
		forecast(&a, 13, sl->time_to_exhaustion);
	}
	for (size_t i = 0; i < k->zones.n; i++) {
		const struct lw_zone *z = &k->zones.rows[i];
		const struct lw_buddy *b = buddy_of(s, z);
		struct at a = row(5, 3, 2, z->node, z->position + 1);

		str(&a, 3, z->name);
		for (unsigned f = 0; f < LW_ZONE_FIELDS; f++)
			if (lw_zone_has(z, (enum lw_zone_field)f))
				gauge(&a, 4 + f, z->pages[f]);
		if (b == NULL)
			continue;
		gauge(&a, 11, high_order_kb(b, k->page_size));
		for (uint32_t o = 0; o < b->orders; o++) {
			struct at r = row(5, 4, 3, z->node, z->position + 1, o);

			gauge(&r, 4, b->free[o]);
			gauge(&r, 5, (b->free[o] << o) * (k->page_size / 1024));
		}
	}
	if (s->collectors[LW_COL_SLABINFO].ok) {
		gauge(&g, 5, k->slabs.n);
		gauge(&g, 6, k->slabs_dropped);
	}
	unsig(&g, 7, agent->cfg->kernel_interval_s);
	for (unsigned f = 0; s->collectors[LW_COL_VMSTAT].ok && f < LW_VM_COUNT; f++)
		if (lw_vmstat_has(&s->sys.vmstat, (enum lw_vmstat_field)f))
			c64(&vm, f + 1, s->sys.vmstat.v[f]);
}

static bool joined(const struct lw_snapshot *s, uint32_t ifindex, uint8_t family,
		   const uint8_t *group)
{
	for (size_t i = 0; i < s->members.n; i++) {
		const struct lw_mcast_membership *m = &s->members.rows[i];

		if (m->ifindex == ifindex && m->family == family &&
		    memcmp(m->group, group, family == 2 ? 16 : 4) == 0)
			return true;
	}
	return false;
}

static void captures(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;

	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		const struct lw_mcast_if_snap *c = agent->mcast_current[i];
		const struct lw_mcast_snapshot *t;
		struct at a;

		if (c == NULL || c->ifindex == 0)
			continue;
		t = &c->traffic;
		a = row(6, 1, 1, c->ifindex);
		str(&a, 2, c->ifname);
		c64(&a, 3, t->packets);
		c64(&a, 4, t->octets);
		gauge(&a, 5, t->rate1.packets * 1000000000u / t->rate1.span_ns);
		gauge(&a, 6, t->rate10.packets * 1000000000u / t->rate10.span_ns);
		gauge(&a, 7, t->rate60.packets * 1000000000u / t->rate60.span_ns);
		gauge(&a, 8, t->rate1.octets * 8 * 1000000000u / t->rate1.span_ns);
		gauge(&a, 9, t->rate10.octets * 8 * 1000000000u / t->rate10.span_ns);
		gauge(&a, 10, t->rate60.octets * 8 * 1000000000u / t->rate60.span_ns);
		c64(&a, 20, t->rate1.octets * 8 * 1000000000u / t->rate1.span_ns);
		c64(&a, 21, t->rate10.octets * 8 * 1000000000u / t->rate10.span_ns);
		c64(&a, 22, t->rate60.octets * 8 * 1000000000u / t->rate60.span_ns);
		gauge(&a, 11, t->groups);
		c64(&a, 12, c->pcap_drops);
		c64(&a, 13, c->if_drops);
		integer(&a, 14, c->state);
		str(&a, 15, c->last_error);
		c64(&a, 16, t->overflow_packets);
		c64(&a, 17, c->malformed);
		date(&a, 18, c->counter_start);
		unixtime(&a, 19, c->counter_start.tv_sec);
		for (size_t j = 0; j < t->n; j++) {
			const struct lw_mcast_group_row *r = &t->rows[j];
			struct at b = addr_row(6, 2, c->ifindex, r->family, r->group);

			c64(&b, 4, r->packets);
			c64(&b, 5, r->octets);
			gauge(&b, 6, r->rate10.packets * 1000000000u / r->rate10.span_ns);
			gauge(&b, 7, r->rate10.octets * 8 * 1000000000u / r->rate10.span_ns);
			c64(&b, 16, r->rate10.octets * 8 * 1000000000u / r->rate10.span_ns);
			gauge(&b, 8, r->sources);
			truth(&b, 9, r->sources_capped);
			date_ns(&b, 10, r->first_seen_ns);
			date_ns(&b, 11, r->last_seen_ns);
			unixtime(&b, 13, (int64_t)(r->first_seen_ns / 1000000000u));
			unixtime(&b, 14, (int64_t)(r->last_seen_ns / 1000000000u));
			addr_text(&b, 15, r->family == 2, r->group);
			str(&b, 17, c->ifname);
			/* unknown, not false, while the memberships cannot be read */
			if (s != NULL && s->collectors[LW_COL_MCAST_MEMBERS].ok)
				truth(&b, 12, joined(s, c->ifindex, r->family, r->group));
		}
	}
}

static void multicast(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;
	const struct lw_mcast_config *m = &agent->cfg->mcast;
	struct at g = group(1, 6u);

	captures(agent);
	for (size_t i = 0; s != NULL && s->collectors[LW_COL_MCAST_MEMBERS].ok && i < s->members.n;
	     i++) {
		const struct lw_mcast_membership *r = &s->members.rows[i];
		struct at a = addr_row(6, 3, r->ifindex, r->family, r->group);

		str(&a, 4, r->ifname);
		gauge(&a, 5, r->users);
		addr_text(&a, 6, r->family == 2, r->group);
	}
	gauge(&g, 4, m->ninterfaces);
	unsig(&g, 5, m->max_groups);
	unsig(&g, 6, m->snaplen);
	unsig(&g, 7, m->buffer_bytes);
	integer(&g, 8, m->direction);
}

/* lwAlarmObjectId of the fixture's alarm types (the MIB's DESCRIPTION of each type). */
static size_t alarm_object(const struct lw_alarm *al, oid *o)
{
	switch (al->type) {
	case LW_ALARM_PROC_MEM_LEAK: return lw_t_oid(o, 5, 3u, 1u, 1u, 9u, al->instance);
	case LW_ALARM_PROC_FD_LEAK: return lw_t_oid(o, 5, 3u, 1u, 1u, 13u, al->instance);
	case LW_ALARM_TCP_ORPHANS: return lw_t_oid(o, 4, 4u, 10u, 6u, 0u);
	case LW_ALARM_TCP_MEM: return lw_t_oid(o, 4, 4u, 10u, 8u, 0u);
	case LW_ALARM_LOAD: return lw_t_oid(o, 3, 2u, 1u, 0u);
	default: abort();  /* the fixture has no other */
	}
}

static void alarms(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;
	struct at th = group(2, 7u, 1u), g = group(1, 7u);

	for (unsigned i = 0; i < LW_TH_COUNT; i++)
		unsig(&th, i + 1, agent->cfg->thresholds.v[i]);
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->alarms.n; i++) {
		const struct lw_alarm *al = &s->alarms.rows[i];
		struct at a = row(7, 2, 1, al->index);
		oid o[MAX_OID_LEN];
		size_t n = alarm_object(al, o);

		integer(&a, 2, al->type);
		str(&a, 3, al->object);
		objid(&a, 4, o, n);
		integer(&a, 5, al->severity);
		date(&a, 6, (struct timespec){ (time_t)al->raised, 0 });
		gauge(&a, 7, al->value);
		gauge(&a, 8, al->threshold);
		integer(&a, 9, al->slope);
		forecast(&a, 10, al->time_to_exhaustion);
		unixtime(&a, 11, (int64_t)al->raised);
	}
	for (unsigned id = 0; id < LW_TREND_COUNT; id++) {
		const struct lw_trend *t = &s->trends[id];
		struct at a = row(7, 3, 1, id + 1);

		if (!t->known)
			continue;
		str(&a, 2, lw_trend_name((enum lw_trend_id)id));
		leak(&a, 3, t->state);
		gauge(&a, 4, t->value);
		integer(&a, 5, t->slope);
		forecast(&a, 6, t->time_to_limit);
	}
	gauge(&g, 4, s->alarms.n);
	counter32(&g, 5, s->alarms.last_seq);
	counter32(&g, 6, s->alarms.suppressed);
}

static int by_name(const void *x, const void *y)
{
	const struct lw_expect *a = x, *b = y;

	return snmp_oid_compare(a->name, a->len, b->name, b->len);
}

void lw_expect_build(const struct lw_agent *agent, struct lw_expects *e)
{
	memset(e, 0, sizeof(*e));
	out = e;
	agent_group(agent);
	if (agent->current != NULL) {
		collectors(agent->current);
		system_group(agent->current);
		processes(agent->current);
		tcp(agent);
		sockmem(agent->current);
		kernel(agent);
	} else {
		/* before the first cycle only the configuration's scalars have a value */
		struct at tcp_g = group(1, 4u), kernel_g = group(1, 5u);

		unsig(&tcp_g, 8, agent->cfg->tcp.max_ports);
		unsig(&kernel_g, 7, agent->cfg->kernel_interval_s);
	}
	multicast(agent);
	alarms(agent);
	qsort(e->v, e->n, sizeof(*e->v), by_name);
	out = NULL;
}

void lw_expect_free(struct lw_expects *e)
{
	free(e->v);
	memset(e, 0, sizeof(*e));
}

const struct lw_expect *lw_expect_find(const struct lw_expects *e, const oid *name, size_t len)
{
	for (size_t i = 0; i < e->n; i++)
		if (snmp_oid_compare(e->v[i].name, e->v[i].len, name, len) == 0)
			return &e->v[i];
	return NULL;
}

/* The value of vb as text, for messages. */
static void value_text(u_char type, uint64_t u, const unsigned char *s, size_t slen,
		       const oid *o, char *buf, size_t cap)
{
	size_t used;

	switch (type) {
	case ASN_OCTET_STR:
		used = (size_t)snprintf(buf, cap, "STRING(%zu) \"", slen);
		for (size_t i = 0; i < slen && used + 5 < cap; i++)
			used += (size_t)snprintf(buf + used, cap - used,
						 s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' ? "%c"
											    : "\\x%02x",
						 s[i]);
		if (used + 1 < cap)
			snprintf(buf + used, cap - used, "\"");
		break;
	case ASN_OBJECT_ID: {
		char t[512];

		snprintf(buf, cap, "OID %s", lw_oid_text(o, slen, t, sizeof(t)));
		break;
	}
	case ASN_INTEGER:
		snprintf(buf, cap, "INTEGER %" PRId64, (int64_t)u);
		break;
	default:
		snprintf(buf, cap, "type 0x%02x %" PRIu64, type, u);
		break;
	}
}

bool lw_expect_matches(const struct lw_expect *e, const netsnmp_variable_list *vb, char *why,
		       size_t cap)
{
	char want[700], got[700], n1[512], n2[512];
	uint64_t u = 0;
	const unsigned char *s = NULL;
	const oid *o = NULL;
	size_t slen = 0;
	bool same;

	switch (vb->type) {
	case ASN_COUNTER64:
		u = ((uint64_t)(vb->val.counter64->high & 0xffffffffu) << 32) |
		    (vb->val.counter64->low & 0xffffffffu);
		break;
	case ASN_INTEGER:
		u = (uint64_t)(int64_t)*vb->val.integer;
		break;
	case ASN_GAUGE:
	case ASN_COUNTER:
	case ASN_TIMETICKS:
		u = (uint64_t)(unsigned long)*vb->val.integer;
		break;
	case ASN_OCTET_STR:
		s = vb->val.string;
		slen = vb->val_len;
		break;
	case ASN_OBJECT_ID:
		o = vb->val.objid;
		slen = vb->val_len / sizeof(oid);
		break;
	default:
		break;
	}
	same = snmp_oid_compare(e->name, e->len, vb->name, vb->name_length) == 0 &&
	       e->type == vb->type;
	if (same && e->type == ASN_OCTET_STR)
		same = e->slen == slen && (slen == 0 || memcmp(e->s, s, slen) == 0);
	else if (same && e->type == ASN_OBJECT_ID)
		same = e->slen == slen && memcmp(e->o, o, slen * sizeof(oid)) == 0;
	else if (same)
		same = e->u == u;
	if (same)
		return true;
	value_text(e->type, e->u, e->s, e->slen, e->o, want, sizeof(want));
	value_text(vb->type, u, s, slen, o, got, sizeof(got));
	snprintf(why, cap, "%s: expected %s, got %s = %s",
		 lw_oid_text(e->name, e->len, n1, sizeof(n1)), want,
		 lw_oid_text(vb->name, vb->name_length, n2, sizeof(n2)), got);
	return false;
}
