/* snapfixture.c: builds a served snapshot and its agent in memory, with the src/ tables' own allocators. */
/* SPDX-License-Identifier: ISC */
#include "snapfixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect/alarms.h"
#include "kmem/kmem.h"
#include "mcast/igmp.h"
#include "mcast/mcastboard.h"
#include "proc/proctable.h"
#include "net/tcpcollect.h"

static void *must(void *p)
{
	if (p == NULL) {
		fprintf(stderr, "snapfixture: out of memory\n");
		abort();
	}
	return p;
}

/* The string arena lw_proc_str reads: each string appended with its NUL, its offset returned. */
struct arena {
	char buf[1024];
	size_t len;
};

static uint32_t arena_add(struct arena *a, const char *s)
{
	size_t n = strlen(s) + 1;
	uint32_t off = (uint32_t)a->len;

	if (a->len + n > sizeof(a->buf))
		abort();
	memcpy(a->buf + a->len, s, n);
	a->len += n;
	return off;
}

static int by_group_index(const void *x, const void *y)
{
	uint32_t a = ((const struct lw_proc_group *)x)->index;
	uint32_t b = ((const struct lw_proc_group *)y)->index;

	return (a > b) - (a < b);
}

static void build_procs(struct lw_proc_table *t)
{
	struct arena a = { .len = 0 };
	static const struct {
		uint32_t pid, ppid, uid;
		const char *name, *cmdline;
		uint8_t state, in_fd_top, leak, fd_leak;
	} p[LW_FIX_NPROCS] = {
		{ 1, 0, 0, "systemd", "/sbin/init splash", LW_PS_SLEEPING, 1, 2, 2 },
		{ LW_FIX_HOSTILE_PID, 1, 1000, LW_FIX_HOSTILE_NAME, LW_FIX_HOSTILE_CMDLINE,
		  LW_PS_RUNNING, 1, 4, 3 },
		{ 1000, 1, 33, "nginx", "", LW_PS_ZOMBIE, 0, 0, 0 },
		{ LW_FIX_LAST_PID, 1000, 4294967294u, "nginx", "nginx: worker process",
		  LW_PS_DISK_SLEEP, 0, 1, 2 },
	};

	memset(t, 0, sizeof(*t));
	t->cmdline_published = 1;
	t->count = LW_FIX_NPROCS;
	t->rows = must(calloc(LW_FIX_NPROCS, sizeof(*t->rows)));
	for (size_t i = 0; i < LW_FIX_NPROCS; i++) {
		struct lw_proc *r = &t->rows[i];

		r->pid = p[i].pid;
		r->ppid = p[i].ppid;
		r->uid = p[i].uid;
		r->name = arena_add(&a, p[i].name);
		r->cmdline = arena_add(&a, p[i].cmdline);
		r->state = p[i].state;
		r->in_fd_top = p[i].in_fd_top;
		r->threads = 3 + (uint32_t)i;
		r->fds = 10 * (uint32_t)(i + 1);
		r->fd_limit = 1024;
		r->sockets = (uint32_t)i;
		r->cpu_hundredths = 250 * (uint32_t)i;
		r->types = (struct lw_fd_types){ (uint32_t)i, 2, 3 + (uint32_t)i, 1, 10 * (uint32_t)(i + 1) - 6 - 2 * (uint32_t)i };
		/* one start time past 2^32 s: lwProcStartTime saturates */
		r->start_time = i == 3 ? 5000000000ull : 1700000000ull + i;
		r->rss_kb = 1000 * (i + 1);
		/* a value past 2^32 shows Counter64 is not cut */
		r->vsz_kb = i == 1 ? 0x123456789ull : 5000 * (i + 1);
		r->anon_kb = 700 + i;
		r->swap_kb = i;
		r->cpu_ticks = 100000 + i;
		r->leak_state = p[i].leak;
		r->fd_leak_state = p[i].fd_leak;
		/* slopes past Integer32 saturate; a negative one stays negative */
		r->rss_slope_kb_h = i == 1 ? 5000000000ll : -20 * (int64_t)i;
		r->fd_slope_h = i == 1 ? -5000000000ll : 3;
		/* a forecast past Unsigned32 is "none" (0) */
		r->time_to_exhaustion = i == 1 ? 3600 : i == 2 ? 5000000000ull : 0;
	}
	/* Not readable: the hostile row's descriptor types (it is in the fd top-N: no
	 * lwProcFdTable row), the last row's count too (its group has no sum). */
	t->rows[1].unknown = LW_PROC_TYPES_UNKNOWN;
	t->rows[3].unknown = LW_PROC_FDS_UNKNOWN | LW_PROC_TYPES_UNKNOWN;

	t->ngroups = 2;
	t->groups = must(calloc(2, sizeof(*t->groups)));
	t->groups[0] = (struct lw_proc_group){
		.index = lw_proc_group_index("nginx"), .name = t->rows[2].name, .count = 2,
		.fds = 70, .cpu_hundredths = 1250, .rss_kb = 7000, .max_rss_kb = 4000,
		.vsz_kb = 35000, .leak_state = 3, .fd_leak_state = 0, .rss_slope_kb_h = 12,
		.fd_slope_h = -1, .time_to_exhaustion = 86400, .fds_unknown = 1
	};
	t->groups[1] = (struct lw_proc_group){
		.index = lw_proc_group_index(LW_FIX_HOSTILE_NAME), .name = t->rows[1].name,
		.count = 1, .fds = 20, .cpu_hundredths = 250, .rss_kb = 2000, .max_rss_kb = 2000,
		.vsz_kb = 0x123456789ull, .leak_state = 4, .fd_leak_state = 3,
		.rss_slope_kb_h = -7, .fd_slope_h = 9, .time_to_exhaustion = 0
	};
	qsort(t->groups, t->ngroups, sizeof(*t->groups), by_group_index);

	/* rss: two rows; cpu: none; fds: one; rssGrowth: one */
	t->top_n = 2;
	t->ntop[LW_TOP_RSS] = 2;
	t->top[LW_TOP_RSS] = must(calloc(2, sizeof(struct lw_proc_top)));
	t->top[LW_TOP_RSS][0] = (struct lw_proc_top){ LW_FIX_LAST_PID, t->rows[3].name, 4000 };
	t->top[LW_TOP_RSS][1] = (struct lw_proc_top){ 1000, t->rows[2].name, 3000 };
	t->ntop[LW_TOP_FDS] = 1;
	t->top[LW_TOP_FDS] = must(calloc(1, sizeof(struct lw_proc_top)));
	t->top[LW_TOP_FDS][0] = (struct lw_proc_top){ LW_FIX_HOSTILE_PID, t->rows[1].name, 20 };
	t->ntop[LW_TOP_RSS_GROWTH] = 1;
	t->top[LW_TOP_RSS_GROWTH] = must(calloc(1, sizeof(struct lw_proc_top)));
	t->top[LW_TOP_RSS_GROWTH][0] = (struct lw_proc_top){ 1, t->rows[0].name, 0x100000000ull };
	t->dropped = 3;
	t->arena = must(malloc(a.len));
	memcpy(t->arena, a.buf, a.len);
	t->arena_len = a.len;
}

static struct lw_addr addr4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	struct lw_addr x = { .family = LW_ADDR_IPV4, .bytes = { a, b, c, d } };

	return x;
}

static void build_tcp(struct lw_tcp_table *t)
{
	struct lw_addr v6 = { .family = LW_ADDR_IPV6,
			      .bytes = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } };

	memset(t, 0, sizeof(*t));
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++) {
		t->count[s][0] = (uint64_t)s * 3;
		t->count[s][1] = (uint64_t)s;
		t->sockets += t->count[s][0] + t->count[s][1];
	}
	/* IPv4 over Gauge32: lwTcpStateCount saturates */
	t->count[LW_TCP_CLOSE_WAIT][0] = 0x1ffffffffull;
	t->top_n = 5;
	t->ntop[LW_TCP_ESTABLISHED] = 2;
	t->top[LW_TCP_ESTABLISHED][0] = (struct lw_topk_entry){ addr4(10, 0, 0, 1), 5, 0 };
	t->top[LW_TCP_ESTABLISHED][1] = (struct lw_topk_entry){ v6, 3, 1 };
	t->ntop[LW_TCP_TIME_WAIT] = 1;
	t->top[LW_TCP_TIME_WAIT][0] = (struct lw_topk_entry){ addr4(192, 0, 2, 255), 7, 0 };
	t->nports = 2;
	t->ports = must(calloc(2, sizeof(*t->ports)));
	t->ports[0].port = 22;
	t->ports[1].port = 8080;
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++) {
		t->ports[0].count[s] = (uint32_t)s;
		t->ports[1].count[s] = (uint32_t)(100 + s);
	}
	t->ports_dropped = 2;
	t->recvs = 4;
}

static void build_sockmem(struct lw_sockmem *m)
{
	for (int f = 0; f < LW_SS_COUNT; f++) {
		m->sockstat.v[f] = 10u + (uint64_t)f;
		m->sockstat.present |= 1ull << f;
	}
	m->sockstat.v[LW_SS_TCP_MEM] = 0x200000000ull;   /* pages: Counter64 keeps it */
	m->sockstat.v[LW_SS_TCP_ORPHAN] = 0x200000000ull; /* Gauge32 saturates */
	m->sockstat.v[LW_FIX_ABSENT_SOCKSTAT] = 0;
	m->sockstat.present &= ~(1ull << LW_FIX_ABSENT_SOCKSTAT);
	m->limits.v[LW_TL_MEM_MIN] = 1000;
	m->limits.v[LW_TL_MEM_PRESSURE] = 2000;
	m->limits.v[LW_TL_MEM_MAX] = 0x300000000ull;
	m->limits.v[LW_TL_MAX_ORPHANS] = 65536;
	m->limits.v[LW_TL_MAX_TW_BUCKETS] = 0;
	m->limits.present = (1u << LW_TL_COUNT) - 1;
	m->pct.v[LW_PCT_TCP_ORPHAN] = 1234;
	m->pct.v[LW_PCT_TCP_MEM_PRESSURE] = 10000;
	m->pct.v[LW_PCT_TCP_MEM_MAX] = 7;
	m->pct.known = ((1u << LW_PCT_COUNT) - 1) & ~(1u << LW_FIX_UNKNOWN_PCT);
	for (int f = 0; f < LW_NS_COUNT; f++) {
		m->counters.v[f] = 1000000u * (uint64_t)(f + 1);
		m->counters.present |= 1ull << f;
	}
	m->counters.v[LW_NS_TCP_RETRANS_SEGS] = 0xfedcba9876ull;
}

static void build_system(struct lw_system *sys)
{
	memset(sys, 0, sizeof(*sys));
	sys->loadavg = (struct lw_loadavg){ 123, 4567, 0x1ffffffffull, 2, 812 };
	for (int f = 0; f < LW_MI_COUNT; f++) {
		sys->meminfo.kb[f] = 1000u * (uint64_t)(f + 1);
		sys->meminfo.present |= 1ull << f;
	}
	sys->meminfo.kb[LW_MI_MEM_TOTAL] = 0x400000000ull;  /* 16 TiB of KiB: past 2^32 */
	sys->meminfo.kb[LW_MI_HUGEPAGES_TOTAL] = 0x300000000ull;  /* Gauge32 saturates */
	sys->meminfo.kb[LW_FIX_ABSENT_MEMINFO] = 0;
	sys->meminfo.present &= ~(1ull << LW_FIX_ABSENT_MEMINFO);
	sys->filenr = (struct lw_filenr){ 4096, 0, 9223372036854775807ull };
	sys->cpus = 8;
	sys->processes = 321;
	build_sockmem(&sys->sock);
	for (int f = 0; f < LW_VM_COUNT; f++) {
		sys->vmstat.v[f] = 50u * (uint64_t)(f + 1);
		sys->vmstat.present |= 1ull << f;
	}
	sys->vmstat.v[LW_VM_PGFAULT] = 0xabcdef012345ull;
	sys->vmstat.v[LW_FIX_ABSENT_VMSTAT] = 0;
	sys->vmstat.present &= ~(1ull << LW_FIX_ABSENT_VMSTAT);
}

static void build_collectors(struct lw_collector_stats *c)
{
	for (int id = 0; id < LW_COL_COUNT; id++) {
		c[id] = (struct lw_collector_stats){
			.interval_s = id >= LW_COL_SLABINFO && id <= LW_COL_BUDDYINFO ? 300 : 60,
			.last_run = { 1765000000 + id, 250000000 },
			.last_duration_us = 100u * (uint32_t)(id + 1),
			.total_duration_us = 0x100000000ull + (uint64_t)id,
			.runs = 40u + (uint32_t)id,
			.errors = 0,
			.ok = true,
		};
	}
	c[LW_FIX_FAILED_COLLECTOR].ok = false;
	c[LW_FIX_FAILED_COLLECTOR].errors = 40;
	snprintf(c[LW_FIX_FAILED_COLLECTOR].last_error, sizeof(c[0].last_error), "%s",
		 LW_FIX_FAILED_TEXT);
	snprintf(c[LW_FIX_NOTICE_COLLECTOR].notice, sizeof(c[0].notice), "%s",
		 LW_FIX_NOTICE_TEXT);
	c[LW_COL_DETECTOR].last_duration_us = 0x80000000u;
}

static struct lw_slab slab(const char *name, uint64_t active, uint64_t num, uint64_t size,
			   uint64_t pps, uint64_t aslabs, uint64_t nslabs)
{
	struct lw_slab s = { .active_objs = active, .num_objs = num, .objsize = size,
			     .objperslab = 1, .pagesperslab = pps, .active_slabs = aslabs,
			     .num_slabs = nslabs };

	snprintf(s.name, sizeof(s.name), "%s", name);
	s.index = lw_proc_group_index(name);
	return s;
}

static int by_slab_index(const void *x, const void *y)
{
	uint32_t a = ((const struct lw_slab *)x)->index, b = ((const struct lw_slab *)y)->index;

	return (a > b) - (a < b);
}

static struct lw_zone zone(uint32_t node, uint32_t pos, const char *name, uint64_t base)
{
	struct lw_zone z = { .node = node, .position = pos };

	snprintf(z.name, sizeof(z.name), "%s", name);
	for (int f = 0; f < LW_ZONE_FIELDS; f++)
		z.pages[f] = base + (uint64_t)f;
	z.have = (1u << LW_ZONE_FIELDS) - 1;
	return z;
}

static struct lw_buddy buddy(uint32_t node, const char *name, uint64_t first)
{
	struct lw_buddy b = { .node = node, .orders = 6 };

	snprintf(b.name, sizeof(b.name), "%s", name);
	for (uint32_t o = 0; o < b.orders; o++)
		b.free[o] = first + o;
	return b;
}

static void build_kmem(struct lw_kmem *k)
{
	lw_kmem_init(k);
	k->page_size = 4096;
	k->slabs.n = k->slabs.cap = 3;
	k->slabs.rows = must(calloc(3, sizeof(*k->slabs.rows)));
	k->slabs.rows[0] = slab("kmalloc-64", 6000, 6400, 64, 1, 100, 100);
	k->slabs.rows[1] = slab("dentry", 120000, 126000, 192, 1, 6000, 6000);
	k->slabs.rows[2] = slab("task_struct", 400, 420, 6784, 8, 84, 84);
	k->slabs.rows[1].leak_state = 4;
	k->slabs.rows[1].slope_kb_h = 2048;
	k->slabs.rows[1].time_to_exhaustion = 7200;
	k->slabs.rows[2].slope_kb_h = -3000000000ll;
	qsort(k->slabs.rows, 3, sizeof(*k->slabs.rows), by_slab_index);
	for (uint32_t i = 0; i < 3; i++)
		k->slabs.rows[i].line = i + 3;
	k->slabs_dropped = 1;

	/* node 0: DMA, Normal (no "managed" line); node 1: Normal, with no buddyinfo line */
	k->zones.n = k->zones.cap = 3;
	k->zones.rows = must(calloc(3, sizeof(*k->zones.rows)));
	k->zones.rows[0] = zone(0, 0, "DMA", 3000);
	k->zones.rows[1] = zone(0, 1, "Normal", 0x100000000ull);  /* Gauge32 saturates */
	k->zones.rows[1].have &= ~(1u << LW_ZONE_MANAGED);
	k->zones.rows[1].pages[LW_ZONE_MANAGED] = 0;
	k->zones.rows[2] = zone(1, 0, "Normal", 5000);

	/* a "Movable" line zoneinfo did not list has no row */
	k->buddies.n = k->buddies.cap = 3;
	k->buddies.rows = must(calloc(3, sizeof(*k->buddies.rows)));
	k->buddies.rows[0] = buddy(0, "DMA", 1);
	k->buddies.rows[1] = buddy(0, "Normal", 100);
	k->buddies.rows[2] = buddy(0, "Movable", 7);
}

static struct lw_mcast_membership member(uint32_t ifindex, const char *ifname, uint8_t family,
					 const uint8_t *group, uint32_t users)
{
	struct lw_mcast_membership m = { .ifindex = ifindex, .family = family, .users = users };

	snprintf(m.ifname, sizeof(m.ifname), "%s", ifname);
	memcpy(m.group, group, family == 2 ? 16 : 4);
	return m;
}

static void build_members(struct lw_membership_list *l)
{
	static const uint8_t all_hosts[4] = { 224, 0, 0, 1 }, joined[4] = { 239, 1, 2, 3 };
	static const uint8_t ff02_1[16] = { 0xff, 0x02, [15] = 1 };

	lw_membership_list_init(l);
	l->n = l->cap = 3;
	l->rows = must(calloc(3, sizeof(*l->rows)));
	l->rows[0] = member(LW_FIX_MCAST_IFINDEX, "eth0", 1, all_hosts, 1);
	l->rows[1] = member(LW_FIX_MCAST_IFINDEX, "eth0", 1, joined, 2);
	l->rows[2] = member(3, "eth1", 2, ff02_1, 1);
}

static void build_alarms(struct lw_alarm_table *t)
{
	memset(t, 0, sizeof(*t));
	t->n = 2;
	t->rows = must(calloc(2, sizeof(*t->rows)));
	t->rows[0] = (struct lw_alarm){
		.index = 3, .type = LW_ALARM_PROC_MEM_LEAK, .severity = LW_SEV_MAJOR,
		.key = LW_FIX_HOSTILE_PID, .instance = LW_FIX_HOSTILE_PID,
		.start_time = 1700000001, .raised = 1765000000, .value = 2000, .threshold = 0,
		.slope = 4096, .time_to_exhaustion = 3600
	};
	snprintf(t->rows[0].object, sizeof(t->rows[0].object), "%s (pid 42)", LW_FIX_HOSTILE_NAME);
	snprintf(t->rows[0].name, sizeof(t->rows[0].name), "%s", LW_FIX_HOSTILE_NAME);
	t->rows[1] = (struct lw_alarm){
		.index = 5, .type = LW_ALARM_TCP_ORPHANS, .severity = LW_SEV_WARNING,
		.key = 0, .instance = 0, .raised = 1765000100, .value = 9000, .threshold = 8000,
		.slope = -5000000000ll, .time_to_exhaustion = 0
	};
	snprintf(t->rows[1].object, sizeof(t->rows[1].object), "TCP orphans");
	t->last_seq = 9;
	t->suppressed = 0x100000002ull;  /* Counter32 wraps */
	t->dropped = 0;
}

static void build_trends(struct lw_trend *t)
{
	memset(t, 0, LW_TREND_COUNT * sizeof(*t));
	t[LW_TREND_SUNRECLAIM] = (struct lw_trend){ true, 3, 0x500000000ull, 512, 86400 };
	t[LW_TREND_TCP_MEM] = (struct lw_trend){ true, 0, 4000, -3000000000ll, 0x100000000ull };
}

/* ifIndex 2 captures with two groups; a second interface was never seen (no ifIndex, no row). */
static void build_captures(struct lw_agent *agent)
{
	struct lw_mcast_if_snap *s = must(calloc(1, sizeof(*s)));
	struct lw_mcast_if_snap *never = must(calloc(1, sizeof(*never)));
	struct lw_mcast_snapshot *t = &s->traffic;

	snprintf(s->ifname, sizeof(s->ifname), "eth0");
	s->ifindex = LW_FIX_MCAST_IFINDEX;
	s->state = LW_MCAST_RUNNING;
	snprintf(s->ring, sizeof(s->ring), "TPACKET_V3");
	s->counter_start = (struct timespec){ 1764990000, 900000000 };
	s->pcap_drops = 11;
	s->if_drops = 0x100000007ull;
	s->malformed = 3;
	if (lw_mcast_snapshot_init(t, 4))
		abort();
	t->packets = 0x200000000ull;
	t->octets = 5000000;
	t->overflow_packets = 6;
	t->groups = 2;
	t->rate1 = (struct lw_mcast_rate){ 100, 12500, 1000000000ull, 1 };
	t->rate10 = (struct lw_mcast_rate){ 2000, 250000, 10000000000ull, 10 };
	t->rate60 = (struct lw_mcast_rate){ 6000, 600000, 60000000000ull, 60 };
	t->n = 2;
	t->rows[0] = (struct lw_mcast_group_row){
		.family = 1, .group = { 239, 1, 2, 3 }, .packets = 900, .octets = 90000,
		.sources = 2, .sources_capped = false, .first_seen_ns = 1764990001500000000ull,
		.last_seen_ns = 1765000000000000000ull,
		.rate10 = { 500, 50000, 10000000000ull, 10 }
	};
	t->rows[1] = (struct lw_mcast_group_row){
		.family = 1, .group = { 239, 9, 9, 9 }, .packets = 0x300000000ull, .octets = 1,
		.sources = 64, .sources_capped = true, .first_seen_ns = 1764990002000000000ull,
		.last_seen_ns = 1764999999000000000ull,
		.rate10 = { 10, 1000, 10000000000ull, 10 }
	};
	snprintf(never->ifname, sizeof(never->ifname), "eth9");
	never->state = LW_MCAST_DOWN;
	snprintf(never->last_error, sizeof(never->last_error), "eth9: no such device");
	if (lw_mcast_snapshot_init(&never->traffic, 4))
		abort();
	agent->mcast_current[0] = s;
	agent->mcast_current[1] = never;
}

static struct lw_agent *new_agent(void)
{
	struct lw_agent *agent = must(calloc(1, sizeof(*agent)));
	char dir[] = "/tmp/lw-agent-test.XXXXXX";

	agent->cfg = must(lw_config_new());  /* a reference, as the daemon holds one */
	agent->start_time = (struct timespec){ 1764990000, 100000000 };
	agent->sigfd = -1;
	agent->mailbox.eventfd = -1;
	agent->mcast_board.eventfd = -1;
	if (mkdtemp(dir) == NULL) {
		perror("snapfixture: mkdtemp");
		abort();
	}
	snprintf(agent->thresholds_path, sizeof(agent->thresholds_path), "%s/thresholds", dir);
	return agent;
}

struct lw_agent *lw_fixture_empty_agent(void)
{
	return new_agent();
}

struct lw_agent *lw_fixture_agent(void)
{
	struct lw_agent *agent = new_agent();
	struct lw_snapshot *s = must(calloc(1, sizeof(*s)));
	struct lw_config *cfg = must(lw_config_dup(agent->cfg));

	cfg->interval_s = 30;
	cfg->kernel_interval_s = 300;
	cfg->tcp.max_ports = 512;
	cfg->mcast.ninterfaces = 2;
	snprintf(cfg->mcast.interfaces[0], sizeof(cfg->mcast.interfaces[0]), "eth0");
	snprintf(cfg->mcast.interfaces[1], sizeof(cfg->mcast.interfaces[1]), "eth9");
	cfg->mcast.direction = LW_MCAST_DIR_INOUT;
	lw_config_unref(agent->cfg);
	agent->cfg = cfg;

	s->seq = 7;
	s->completed = (struct timespec){ 1765000123, 987654321 };
	s->interval_s = 30;
	build_system(&s->sys);
	build_collectors(s->collectors);
	build_procs(&s->procs);
	build_tcp(&s->tcp);
	build_kmem(&s->kmem);
	build_members(&s->members);
	build_alarms(&s->alarms);
	build_trends(s->trends);
	agent->current = s;
	build_captures(agent);
	return agent;
}

void lw_fixture_agent_free(struct lw_agent *agent)
{
	char dir[sizeof(agent->thresholds_path)], tmp[sizeof(agent->thresholds_path) + 8];
	char *slash;

	if (agent == NULL)
		return;
	lw_snapshot_free(agent->current);
	lw_config_unref(agent->cfg);
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++)
		lw_mcast_if_snap_free(agent->mcast_current[i]);
	snprintf(dir, sizeof(dir), "%s", agent->thresholds_path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", agent->thresholds_path);
	(void)unlink(agent->thresholds_path);
	(void)unlink(tmp);
	slash = strrchr(dir, '/');
	if (slash != NULL) {
		*slash = '\0';
		(void)rmdir(dir);
	}
	free(agent);
}
