/* mib_kernel.c: lwKernelMemory, lwSlabTable, lwZoneTable, lwBuddyTable, lwVmstat and scalars. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdlib.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* The blocks "order 4 and above" start at: 64 KiB with 4 KiB pages. */
#define HIGH_ORDER 4

/* Rows are loaded from agent->current, so while a row exists the snapshot does too. */
static const struct lw_kmem *kmem(const struct lw_agent *agent)
{
	return &agent->current->kmem;
}

/* --- lwKernelMemory: /proc/meminfo's kernel figures --- */

static const struct lw_meminfo *meminfo(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_MEMINFO);

	return s != NULL ? &s->sys.meminfo : NULL;
}

#define MEMORY_VALUE(fn, field, set)                                                            \
	LW_VALUE_FN(fn, const struct lw_meminfo *m = meminfo(agent),                            \
		    m == NULL || !lw_meminfo_has(m, field), set(vb, m->kb[field]))

MEMORY_VALUE(slab_kb, LW_MI_SLAB, lw_set_gauge)
MEMORY_VALUE(sreclaimable_kb, LW_MI_SRECLAIMABLE, lw_set_gauge)
MEMORY_VALUE(sunreclaim_kb, LW_MI_SUNRECLAIM, lw_set_gauge)
MEMORY_VALUE(kernel_stack_kb, LW_MI_KERNEL_STACK, lw_set_gauge)
MEMORY_VALUE(page_tables_kb, LW_MI_PAGE_TABLES, lw_set_gauge)
MEMORY_VALUE(vmalloc_used_kb, LW_MI_VMALLOC_USED, lw_set_gauge)
MEMORY_VALUE(percpu_kb, LW_MI_PERCPU, lw_set_gauge)
MEMORY_VALUE(anon_pages_kb, LW_MI_ANON_PAGES, lw_set_gauge)
MEMORY_VALUE(shmem_kb, LW_MI_SHMEM, lw_set_gauge)
MEMORY_VALUE(mapped_kb, LW_MI_MAPPED, lw_set_gauge)
MEMORY_VALUE(hugepages_total, LW_MI_HUGEPAGES_TOTAL, lw_set_gauge)
MEMORY_VALUE(hugepages_free, LW_MI_HUGEPAGES_FREE, lw_set_gauge)

static bool unaccounted_kb(netsnmp_variable_list *vb, const void *row,
			   const struct lw_agent *agent)
{
	const struct lw_meminfo *m = meminfo(agent);
	uint64_t kb;

	(void)row;
	if (m == NULL || !lw_meminfo_unaccounted_kb(m, &kb))
		return false;
	lw_set_gauge(vb, kb);
	return true;
}

static const struct lw_object memory_objects[] = {
	{ 1, ASN_GAUGE, LW_READ_ONLY, slab_kb, NULL, "lwSlabKB" },
	{ 2, ASN_GAUGE, LW_READ_ONLY, sreclaimable_kb, NULL, "lwSReclaimableKB" },
	{ LW_KMEM_SUNRECLAIM, ASN_GAUGE, LW_READ_ONLY, sunreclaim_kb, NULL, "lwSUnreclaimKB" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, kernel_stack_kb, NULL, "lwKernelStackKB" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, page_tables_kb, NULL, "lwPageTablesKB" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, vmalloc_used_kb, NULL, "lwVmallocUsedKB" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, percpu_kb, NULL, "lwPercpuKB" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, anon_pages_kb, NULL, "lwAnonPagesKB" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, shmem_kb, NULL, "lwShmemKB" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, mapped_kb, NULL, "lwMappedKB" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, hugepages_total, NULL, "lwHugePagesTotal" },
	{ 12, ASN_GAUGE, LW_READ_ONLY, hugepages_free, NULL, "lwHugePagesFree" },
	{ 13, ASN_GAUGE, LW_READ_ONLY, unaccounted_kb, NULL, "lwUnaccountedKB" },
};

static struct lw_scalar_group memory_group =
	LW_SCALAR_GROUP("lwKernelMemory", LW_OID_KERNEL_MEMORY, memory_objects, NULL);

/* --- lwSlabTable: a row's data is its struct lw_slab --- */

#define SLAB_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_slab *s = row, false, set)

SLAB_VALUE(slab_name, lw_set_string(vb, s->name))
SLAB_VALUE(slab_active_objs, lw_set_gauge(vb, s->active_objs))
SLAB_VALUE(slab_num_objs, lw_set_gauge(vb, s->num_objs))
SLAB_VALUE(slab_obj_size, lw_set_gauge(vb, s->objsize))
SLAB_VALUE(slab_active_slabs, lw_set_gauge(vb, s->active_slabs))
SLAB_VALUE(slab_num_slabs, lw_set_gauge(vb, s->num_slabs))
SLAB_VALUE(slab_pages_per_slab, lw_set_gauge(vb, s->pagesperslab))
SLAB_VALUE(slab_total_kb, lw_set_gauge(vb, lw_slab_total_bytes(s, kmem(agent)->page_size) / 1024))
SLAB_VALUE(slab_active_kb, lw_set_gauge(vb, lw_slab_active_bytes(s) / 1024))
SLAB_VALUE(slab_leak_state, lw_set_leak_state(vb, s->leak_state))
SLAB_VALUE(slab_slope, lw_set_integer(vb, s->slope_kb_h))
SLAB_VALUE(slab_time_to_exhaustion, lw_set_forecast(vb, s->time_to_exhaustion))

static const struct lw_object slab_columns[] = {
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, slab_name, NULL, "lwSlabName" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, slab_active_objs, NULL, "lwSlabActiveObjs" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, slab_num_objs, NULL, "lwSlabNumObjs" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, slab_obj_size, NULL, "lwSlabObjSize" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, slab_active_slabs, NULL, "lwSlabActiveSlabs" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, slab_num_slabs, NULL, "lwSlabNumSlabs" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, slab_pages_per_slab, NULL, "lwSlabPagesPerSlab" },
	{ LW_SLAB_TOTAL_KB, ASN_GAUGE, LW_READ_ONLY, slab_total_kb, NULL, "lwSlabTotalKB" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, slab_active_kb, NULL, "lwSlabActiveKB" },
	{ 11, ASN_INTEGER, LW_READ_ONLY, slab_leak_state, NULL, "lwSlabLeakState" },
	{ 12, ASN_INTEGER, LW_READ_ONLY, slab_slope, NULL, "lwSlabSlope" },
	{ 13, ASN_UNSIGNED, LW_READ_ONLY, slab_time_to_exhaustion, NULL, "lwSlabTimeToExhaustion" },
};

static int load_slabs(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_kmem *k = agent->current ? kmem(agent) : NULL;

	return lw_table_rows_keyed(out, k ? k->slabs.rows : NULL, k ? k->slabs.n : 0,
				   sizeof(*k->slabs.rows), LW_ROW_KEY(struct lw_slab, index));
}

static struct lw_table slab_table =
	LW_TABLE("lwSlabTable", LW_OID_SLAB_ENTRY, slab_columns, load_slabs);

/* --- lwZoneTable: (node, zone index), a zone with its buddyinfo line --- */

struct zone_row {
	const struct lw_zone *zone;
	const struct lw_buddy *buddy;  /* NULL when buddyinfo has none or failed */
};

static bool zone_name(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	(void)agent;
	lw_set_string(vb, ((const struct zone_row *)row)->zone->name);
	return true;
}

/* A page count the kernel does not print for this zone has no value. */
#define ZONE_VALUE(fn, field)                                                                   \
	LW_VALUE_FN(fn, const struct lw_zone *z = ((const struct zone_row *)row)->zone,         \
		    !lw_zone_has(z, field), lw_set_gauge(vb, z->pages[field]))

ZONE_VALUE(zone_free, LW_ZONE_FREE)
ZONE_VALUE(zone_min, LW_ZONE_MIN)
ZONE_VALUE(zone_low, LW_ZONE_LOW)
ZONE_VALUE(zone_high, LW_ZONE_HIGH)
ZONE_VALUE(zone_spanned, LW_ZONE_SPANNED)
ZONE_VALUE(zone_present, LW_ZONE_PRESENT)
ZONE_VALUE(zone_managed, LW_ZONE_MANAGED)

static bool zone_high_order_free(netsnmp_variable_list *vb, const void *row,
				 const struct lw_agent *agent)
{
	const struct zone_row *z = row;

	if (z->buddy == NULL)
		return false;
	lw_set_gauge(vb, lw_buddy_free_kb(z->buddy, HIGH_ORDER, kmem(agent)->page_size));
	return true;
}

static const struct lw_object zone_columns[] = {
	{ 3, ASN_OCTET_STR, LW_READ_ONLY, zone_name, NULL, "lwZoneName" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, zone_free, NULL, "lwZoneFreePages" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, zone_min, NULL, "lwZoneMinPages" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, zone_low, NULL, "lwZoneLowPages" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, zone_high, NULL, "lwZoneHighPages" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, zone_spanned, NULL, "lwZoneSpannedPages" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, zone_present, NULL, "lwZonePresentPages" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, zone_managed, NULL, "lwZoneManagedPages" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, zone_high_order_free, NULL, "lwZoneHighOrderFreeKB" },
};

/* The buddyinfo line of each zone, when that collector succeeded. */
static int load_zones(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_snapshot *s = agent->current;
	const struct lw_kmem *k = s ? &s->kmem : NULL;
	size_t n = k ? k->zones.n : 0;
	struct zone_row *rows;

	if (lw_table_rows_alloc(out, n, 2))
		return -1;
	if (n == 0)
		return 0;
	rows = calloc(n, sizeof(*rows));
	if (rows == NULL)
		return -1;
	out->extra = rows;
	for (size_t i = 0; i < n; i++)
		rows[i].zone = &k->zones.rows[i];
	for (size_t i = 0; s->collectors[LW_COL_BUDDYINFO].ok && i < k->buddies.n; i++) {
		const struct lw_zone *z = lw_buddy_zone(&k->buddies.rows[i], &k->zones);

		if (z != NULL)
			rows[z - k->zones.rows].buddy = &k->buddies.rows[i];
	}
	for (size_t i = 0; i < n; i++) {
		oid *index = lw_table_rows_push(out, 2, 2, &rows[i]);

		index[0] = rows[i].zone->node;
		index[1] = rows[i].zone->position + 1;
	}
	return 0;
}

static struct lw_table zone_table =
	LW_TABLE("lwZoneTable", LW_OID_ZONE_ENTRY, zone_columns, load_zones);

/* --- lwBuddyTable: (node, zone index, order) of each buddyinfo line matched to a zone --- */

struct buddy_row {
	const struct lw_buddy *buddy;
	uint32_t order;
};

static bool buddy_free_blocks(netsnmp_variable_list *vb, const void *row,
			      const struct lw_agent *agent)
{
	const struct buddy_row *b = row;

	(void)agent;
	lw_set_gauge(vb, b->buddy->free[b->order]);
	return true;
}

static bool buddy_free_kb(netsnmp_variable_list *vb, const void *row,
			  const struct lw_agent *agent)
{
	const struct buddy_row *b = row;
	uint64_t blocks = b->buddy->free[b->order];

	/* blocks of 2^order pages; a 64-bit product cannot overflow for real counts */
	lw_set_gauge(vb, (blocks << b->order) * (kmem(agent)->page_size / 1024));
	return true;
}

static const struct lw_object buddy_columns[] = {
	{ 4, ASN_GAUGE, LW_READ_ONLY, buddy_free_blocks, NULL, "lwBuddyFreeBlocks" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, buddy_free_kb, NULL, "lwBuddyFreeKB" },
};

static int load_buddies(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_snapshot *s = agent->current;
	const struct lw_kmem *k = s ? &s->kmem : NULL;
	bool ok = lw_agent_served(agent, LW_COL_BUDDYINFO) != NULL;
	size_t orders = 0, n = 0;
	struct buddy_row *rows;

	for (size_t i = 0; ok && i < k->buddies.n; i++)
		orders += k->buddies.rows[i].orders;
	if (lw_table_rows_alloc(out, orders, 3))
		return -1;
	if (orders == 0)
		return 0;
	rows = calloc(orders, sizeof(*rows));
	if (rows == NULL)
		return -1;
	out->extra = rows;
	for (size_t i = 0; i < k->buddies.n; i++) {
		const struct lw_buddy *b = &k->buddies.rows[i];
		const struct lw_zone *z = lw_buddy_zone(b, &k->zones);

		/* A line whose zone zoneinfo did not list has no index: it is left out. */
		if (z == NULL)
			continue;
		for (uint32_t o = 0; o < b->orders; o++) {
			oid *index;

			rows[n] = (struct buddy_row){ b, o };
			index = lw_table_rows_push(out, 3, 3, &rows[n++]);
			index[0] = b->node;
			index[1] = z->position + 1;
			index[2] = o;
		}
	}
	return 0;  /* lw_mibtree_load_one sorts the rows by index */
}

static struct lw_table buddy_table =
	LW_TABLE("lwBuddyTable", LW_OID_BUDDY_ENTRY, buddy_columns, load_buddies);

/* --- lwKernel scalars --- */

#define SLABINFO_VALUE(fn, set)                                                                 \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_SLABINFO),  \
		    s == NULL, set)

SLABINFO_VALUE(slab_rows, lw_set_gauge(vb, s->kmem.slabs.n))
SLABINFO_VALUE(slab_dropped, lw_set_gauge(vb, s->kmem.slabs_dropped))

static bool kernel_interval(netsnmp_variable_list *vb, const void *row,
			    const struct lw_agent *agent)
{
	(void)row;
	lw_set_unsigned(vb, agent->cfg->kernel_interval_s);
	return true;
}

static const struct lw_object kernel_objects[] = {
	{ 5, ASN_GAUGE, LW_READ_ONLY, slab_rows, NULL, "lwSlabRows" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, slab_dropped, NULL, "lwSlabDropped" },
	{ 7, ASN_UNSIGNED, LW_READ_ONLY, kernel_interval, NULL, "lwKernelInterval" },
};

static struct lw_scalar_group kernel_group =
	LW_SCALAR_GROUP("lwKernel", LW_OID_KERNEL, kernel_objects, NULL);

/* --- lwVmstat: /proc/vmstat counters --- */

#define VMSTAT_VALUE(fn, field)                                                                 \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_VMSTAT),    \
		    s == NULL || !lw_vmstat_has(&s->sys.vmstat, field),                         \
		    lw_set_counter64(vb, s->sys.vmstat.v[field]))

VMSTAT_VALUE(vm_pgfault, LW_VM_PGFAULT)
VMSTAT_VALUE(vm_pgmajfault, LW_VM_PGMAJFAULT)
VMSTAT_VALUE(vm_pswpin, LW_VM_PSWPIN)
VMSTAT_VALUE(vm_pswpout, LW_VM_PSWPOUT)
VMSTAT_VALUE(vm_oom_kill, LW_VM_OOM_KILL)
VMSTAT_VALUE(vm_allocstall, LW_VM_ALLOCSTALL)
VMSTAT_VALUE(vm_compact_stall, LW_VM_COMPACT_STALL)
VMSTAT_VALUE(vm_pgscan_kswapd, LW_VM_PGSCAN_KSWAPD)
VMSTAT_VALUE(vm_pgscan_direct, LW_VM_PGSCAN_DIRECT)
VMSTAT_VALUE(vm_pgsteal_kswapd, LW_VM_PGSTEAL_KSWAPD)
VMSTAT_VALUE(vm_pgsteal_direct, LW_VM_PGSTEAL_DIRECT)
VMSTAT_VALUE(vm_workingset_refault, LW_VM_WORKINGSET_REFAULT)

static const struct lw_object vmstat_objects[] = {
	{ 1, ASN_COUNTER64, LW_READ_ONLY, vm_pgfault, NULL, "lwVmPgFault" },
	{ 2, ASN_COUNTER64, LW_READ_ONLY, vm_pgmajfault, NULL, "lwVmPgMajFault" },
	{ 3, ASN_COUNTER64, LW_READ_ONLY, vm_pswpin, NULL, "lwVmPswpIn" },
	{ 4, ASN_COUNTER64, LW_READ_ONLY, vm_pswpout, NULL, "lwVmPswpOut" },
	{ 5, ASN_COUNTER64, LW_READ_ONLY, vm_oom_kill, NULL, "lwVmOomKill" },
	{ 6, ASN_COUNTER64, LW_READ_ONLY, vm_allocstall, NULL, "lwVmAllocStall" },
	{ 7, ASN_COUNTER64, LW_READ_ONLY, vm_compact_stall, NULL, "lwVmCompactStall" },
	{ 8, ASN_COUNTER64, LW_READ_ONLY, vm_pgscan_kswapd, NULL, "lwVmPgScanKswapd" },
	{ 9, ASN_COUNTER64, LW_READ_ONLY, vm_pgscan_direct, NULL, "lwVmPgScanDirect" },
	{ 10, ASN_COUNTER64, LW_READ_ONLY, vm_pgsteal_kswapd, NULL, "lwVmPgStealKswapd" },
	{ 11, ASN_COUNTER64, LW_READ_ONLY, vm_pgsteal_direct, NULL, "lwVmPgStealDirect" },
	{ 12, ASN_COUNTER64, LW_READ_ONLY, vm_workingset_refault, NULL, "lwVmWorkingsetRefault" },
};

static struct lw_scalar_group vmstat_group =
	LW_SCALAR_GROUP("lwVmstat", LW_OID_VMSTAT, vmstat_objects, NULL);

int lw_mib_kernel_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_group(t, &memory_group) || lw_mibtree_add_table(t, &slab_table) ||
	       lw_mibtree_add_table(t, &zone_table) || lw_mibtree_add_table(t, &buddy_table) ||
	       lw_mibtree_add_group(t, &kernel_group) || lw_mibtree_add_group(t, &vmstat_group);
}
