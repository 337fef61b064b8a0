/* fuzz_procfs.c: libFuzzer target for every /proc parser; the first byte picks the parser. */
/* SPDX-License-Identifier: ISC */
#include <stddef.h>
#include <stdint.h>

#include <string.h>

#include "kmem/buddyinfo.h"
#include "sys/cpus.h"
#include "sys/filenr.h"
#include "mcast/igmp.h"
#include "sys/loadavg.h"
#include "sys/meminfo.h"
#include "net/netstat.h"
#include "proc/procpid.h"
#include "proc/proctable.h"
#include "kmem/slabinfo.h"
#include "net/sockstat.h"
#include "net/sysctlnum.h"
#include "kmem/vmstat.h"
#include "kmem/zoneinfo.h"

/* Parsers reachable through the first byte; corpus_driver.c tries each. */
#define LW_FUZZ_PARSERS 21

/* Read by corpus_driver.c, which otherwise tries 16 selectors. */
extern const unsigned lw_fuzz_selectors;
const unsigned lw_fuzz_selectors = LW_FUZZ_PARSERS;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Lists kept across inputs, as a collector keeps them across cycles: reset, never freed. */
static struct lw_slab_list slabs;
static struct lw_zone_list zones;
static struct lw_buddy_list buddies;
static struct lw_membership_list memberships;

/* The unaccounted figure is a part of MemTotal, whatever the other fields say. */
static void check_meminfo(const struct lw_meminfo *m)
{
	uint64_t kb;

	if (lw_meminfo_unaccounted_kb(m, &kb) && kb > m->kb[LW_MI_MEM_TOTAL])
		__builtin_trap();
}

/* Our invariants only: the input may say anything (active_objs > num_objs included). */
static void check_slabs(void)
{
	size_t before = slabs.n;

	if (slabs.n > slabs.cap)
		__builtin_trap();
	for (size_t i = 0; i < slabs.n; i++) {
		const struct lw_slab *s = &slabs.rows[i];
		const char *nul = memchr(s->name, '\0', sizeof(s->name));

		if (s->index == 0 || s->index > 0x7fffffffu || nul == NULL ||
		    (i > 0 && s->line <= slabs.rows[i - 1].line))
			__builtin_trap();
		/* An uncut name is the full name, so its index is the name's. */
		if (nul - s->name < LW_SLAB_NAME_MAX - 1 &&
		    s->index != lw_proc_group_index(s->name))
			__builtin_trap();
		(void)lw_slab_total_bytes(s, 4096);
		(void)lw_slab_active_bytes(s);
	}
	if (lw_slab_list_sort_by_index(&slabs) + slabs.n != before)
		__builtin_trap();
	for (size_t i = 1; i < slabs.n; i++)
		if (slabs.rows[i - 1].index >= slabs.rows[i].index)
			__builtin_trap();
}

/* Positions count up within a node, every block had "pages free", each zone finds itself. */
static void check_zones(void)
{
	if (zones.n > zones.cap)
		__builtin_trap();
	for (size_t i = 0; i < zones.n; i++) {
		const struct lw_zone *z = &zones.rows[i];
		bool same_node = i > 0 && zones.rows[i - 1].node == z->node;

		if (z->position != (same_node ? zones.rows[i - 1].position + 1 : 0) ||
		    !lw_zone_has(z, LW_ZONE_FREE) || z->have >> LW_ZONE_FIELDS != 0 ||
		    z->name[0] == '\0' || memchr(z->name, '\0', sizeof(z->name)) == NULL ||
		    lw_zone_list_find(&zones, z->node, z->name) != z)
			__builtin_trap();
	}
}

/* Orders within bounds, nothing counted past them, free KiB shrinking as min_order grows. */
static void check_buddies(void)
{
	if (buddies.n > buddies.cap)
		__builtin_trap();
	for (size_t i = 0; i < buddies.n; i++) {
		const struct lw_buddy *b = &buddies.rows[i];
		uint64_t prev = UINT64_MAX;

		if (b->orders == 0 || b->orders > LW_BUDDY_ORDERS_MAX ||
		    b->orders != buddies.rows[0].orders ||
		    memchr(b->name, '\0', sizeof(b->name)) == NULL)
			__builtin_trap();
		for (unsigned o = 0; o <= LW_BUDDY_ORDERS_MAX; o++) {
			uint64_t kb = lw_buddy_free_kb(b, o, 4096);
			bool past = o < LW_BUDDY_ORDERS_MAX && o >= b->orders;

			if (kb > prev || (past && b->free[o] != 0))
				__builtin_trap();
			prev = kb;
		}
		if (lw_buddy_free_kb(b, b->orders, 4096) != 0)
			__builtin_trap();
	}
}

/* The ratios on whatever tcp_mem parsed: min <= max must never come out above 100%. */
static void check_ratios(const struct lw_tcp_limits *lim)
{
	struct lw_sockstat ss = { .present = UINT64_C(1) << LW_SS_TCP_MEM };
	struct lw_sockmem_pct pct;
	uint32_t v;

	ss.v[LW_SS_TCP_MEM] = lim->v[LW_TL_MEM_MIN];
	lw_sockmem_percents(&ss, lim, &pct);
	if (lw_ratio_hundredths(lim->v[LW_TL_MEM_MIN], lim->v[LW_TL_MEM_MAX], &v) &&
	    lim->v[LW_TL_MEM_MIN] <= lim->v[LW_TL_MEM_MAX] && v > 10000)
		__builtin_trap();
}

/* Rows of the parser's family, a NUL-terminated non-empty name, IPv4 groups in 4 bytes. */
static void check_memberships(uint8_t family)
{
	static const uint8_t zero[12];

	if (memberships.n > memberships.cap)
		__builtin_trap();
	for (size_t i = 0; i < memberships.n; i++) {
		const struct lw_mcast_membership *m = &memberships.rows[i];

		if (m->family != family || m->ifname[0] == '\0' ||
		    memchr(m->ifname, '\0', sizeof(m->ifname)) == NULL ||
		    (family == 1 && memcmp(m->group + 4, zero, sizeof(zero)) != 0))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lw_error err;
	const char *buf = (const char *)data + 1;
	size_t len;

	if (size == 0)
		return 0;
	len = size - 1;
	switch (data[0] % LW_FUZZ_PARSERS) {
	case 0: {
		struct lw_meminfo m;
		if (lw_meminfo_parse(buf, len, &m, &err) == 0)
			check_meminfo(&m);
		break;
	}
	case 1: {
		struct lw_loadavg l;
		(void)lw_loadavg_parse(buf, len, &l, &err);
		break;
	}
	case 2: {
		struct lw_filenr f;
		(void)lw_filenr_parse(buf, len, &f, &err);
		break;
	}
	case 3: {
		uint32_t n;
		(void)lw_cpulist_parse(buf, len, &n, &err);
		break;
	}
	case 4: {
		struct lw_pid_stat st;
		(void)lw_pid_stat_parse(buf, len, &st, &err);
		break;
	}
	case 5: {
		struct lw_pid_statm m;
		(void)lw_pid_statm_parse(buf, len, &m, &err);
		break;
	}
	case 6: {
		uint64_t v;
		(void)lw_pid_status_swap_parse(buf, len, &v, &err);
		break;
	}
	case 7: {
		uint64_t v;
		(void)lw_pid_limits_nofile_parse(buf, len, &v, &err);
		break;
	}
	case 8: {
		uint64_t v;
		(void)lw_stat_btime_parse(buf, len, &v, &err);
		break;
	}
	case 9: {
		struct lw_sockstat ss = { .present = 0 };
		(void)lw_sockstat_parse(buf, len, &ss, &err);
		break;
	}
	case 10: {
		struct lw_sockstat ss = { .present = 0 };
		(void)lw_sockstat6_parse(buf, len, &ss, &err);
		break;
	}
	case 11: {
		struct lw_netstat n = { .present = 0 };
		(void)lw_net_snmp_parse(buf, len, &n, &err);
		break;
	}
	case 12: {
		struct lw_netstat n = { .present = 0 };
		(void)lw_netstat_parse(buf, len, &n, &err);
		break;
	}
	case 13: {
		struct lw_tcp_limits lim = { .present = 0 };
		if (lw_tcp_mem_parse(buf, len, &lim, &err) == 0)
			check_ratios(&lim);
		break;
	}
	case 14: {
		struct lw_tcp_limits lim = { .present = 0 };
		(void)lw_tcp_limit_parse(buf, len, LW_TL_MAX_ORPHANS, &lim, &err);
		break;
	}
	case 15:
		/* A failed parse must leave the list empty; the checks run either way. */
		if (lw_slabinfo_parse(buf, len, &slabs, &err) != 0 && slabs.n != 0)
			__builtin_trap();
		check_slabs();
		break;
	case 16:
		if (lw_zoneinfo_parse(buf, len, &zones, &err) != 0 && zones.n != 0)
			__builtin_trap();
		check_zones();
		break;
	case 17:
		if (lw_buddyinfo_parse(buf, len, &buddies, &err) != 0 && buddies.n != 0)
			__builtin_trap();
		check_buddies();
		break;
	case 18: {
		struct lw_vmstat v;
		if (lw_vmstat_parse(buf, len, &v, &err) == 0 && v.present >> LW_VM_COUNT != 0)
			__builtin_trap();
		break;
	}
	case 19:
		if (lw_igmp_parse(buf, len, &memberships, &err) != 0 && memberships.n != 0)
			__builtin_trap();
		check_memberships(1);
		break;
	default:
		if (lw_igmp6_parse(buf, len, &memberships, &err) != 0 && memberships.n != 0)
			__builtin_trap();
		check_memberships(2);
		break;
	}
	return 0;
}
