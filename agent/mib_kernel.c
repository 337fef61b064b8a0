/* mib_kernel.c: lwKernelMemory, lwSlabTable, lwZoneTable, lwBuddyTable, lwVmstat and scalars. */
#include "mib_kernel.h"

#include <stdlib.h>
#include <string.h>

#include "lw_oids.h"
#include "scalars.h"
#include "snap_table.h"
#include "snmp_values.h"

static const oid kernel_oid[] = { LW_OID_KERNEL };
static const oid memory_oid[] = { LW_OID_KERNEL_MEMORY };
static const oid slab_oid[] = { LW_OID_SLAB_ENTRY };
static const oid zone_oid[] = { LW_OID_ZONE_ENTRY };
static const oid buddy_oid[] = { LW_OID_BUDDY_ENTRY };
static const oid vmstat_oid[] = { LW_OID_VMSTAT };

static struct lw_snap_table slab_table, zone_table, buddy_table;
static struct lw_scalars kernel_scalars;
static netsnmp_handler_registration *memory_reg, *vmstat_reg;

/* The blocks "order 4 and above" start at: 64 KiB with 4 KiB pages. */
#define HIGH_ORDER 4

/* A zone row with its buddyinfo line (NULL when buddyinfo has none or failed). */
struct zone_row {
	const struct lw_zone *zone;
	const struct lw_buddy *buddy;
};

/* A buddy row: one order of one buddyinfo line, and the zone index it was matched to. */
struct buddy_row {
	const struct lw_buddy *buddy;
	uint32_t zone_index;
	uint32_t order;
};

/* Rebuilt on the agent thread at each snapshot; they point into the served snapshot. */
static struct zone_row *zone_rows;
static struct buddy_row *buddy_rows;

static const struct lw_kmem *kmem_of(const struct lw_agent *agent)
{
	return agent->current ? &agent->current->kmem : NULL;
}

/* meminfo field of each lwKernelMemory object, in sub-id order (the last is computed). */
static const enum lw_meminfo_field memory_fields[] = {
	LW_MI_SLAB, LW_MI_SRECLAIMABLE, LW_MI_SUNRECLAIM, LW_MI_KERNEL_STACK, LW_MI_PAGE_TABLES,
	LW_MI_VMALLOC_USED, LW_MI_PERCPU, LW_MI_ANON_PAGES, LW_MI_SHMEM, LW_MI_MAPPED,
	LW_MI_HUGEPAGES_TOTAL, LW_MI_HUGEPAGES_FREE,
};

static bool answer_memory(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	const struct lw_meminfo *m = &s->sys.meminfo;
	uint64_t kb;

	if (!s->collectors[LW_COL_MEMINFO].ok)
		return false;
	if (subid == LW_KMEM_UNACCOUNTED) {
		if (!lw_meminfo_unaccounted_kb(m, &kb))
			return false;
		lw_set_counter64(vb, kb);
		return true;
	}
	if (subid < 1 || subid > sizeof(memory_fields) / sizeof(memory_fields[0]) ||
	    !lw_meminfo_has(m, memory_fields[subid - 1]))
		return false;
	if (subid == LW_KMEM_HUGEPAGES_TOTAL || subid == LW_KMEM_HUGEPAGES_FREE)
		lw_set_gauge(vb, m->kb[memory_fields[subid - 1]]);
	else
		lw_set_counter64(vb, m->kb[memory_fields[subid - 1]]);
	return true;
}

static bool answer_vmstat(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	const struct lw_vmstat *v = &s->sys.vmstat;

	if (subid < 1 || subid > LW_VM_COUNT || !s->collectors[LW_COL_VMSTAT].ok ||
	    !lw_vmstat_has(v, (enum lw_vmstat_field)(subid - 1)))
		return false;
	lw_set_counter64(vb, v->v[subid - 1]);
	return true;
}

/* lwKernelMemory and lwVmstat: scalar groups, my_reg_void telling which. */
static int group_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_agent *agent = handler->myvoid;
	bool vmstat = reg->my_reg_void != NULL;

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* The scalar-group helper has checked the name is base.<subid>.0. */
		unsigned subid = (unsigned)r->requestvb->name[OID_LENGTH(memory_oid)];
		const struct lw_snapshot *s = agent->current;
		bool ok = s != NULL && (vmstat ? answer_vmstat(r->requestvb, subid, s)
					       : answer_memory(r->requestvb, subid, s));

		if (!ok)
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
	}
	return SNMP_ERR_NOERROR;
}

_Static_assert(sizeof(memory_oid) == sizeof(vmstat_oid), "both groups are lwKernel.N");

static bool slab_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			const void *ctx)
{
	const struct lw_slab *s = row;
	const struct lw_kmem *k = ctx;

	switch (column) {
	case LW_SLAB_NAME: lw_set_string(vb, s->name); break;
	case LW_SLAB_ACTIVE_OBJS: lw_set_gauge(vb, s->active_objs); break;
	case LW_SLAB_NUM_OBJS: lw_set_gauge(vb, s->num_objs); break;
	case LW_SLAB_OBJ_SIZE: lw_set_gauge(vb, s->objsize); break;
	case LW_SLAB_ACTIVE_SLABS: lw_set_gauge(vb, s->active_slabs); break;
	case LW_SLAB_NUM_SLABS: lw_set_gauge(vb, s->num_slabs); break;
	case LW_SLAB_PAGES_PER_SLAB: lw_set_gauge(vb, s->pagesperslab); break;
	case LW_SLAB_TOTAL_BYTES: lw_set_counter64(vb, lw_slab_total_bytes(s, k->page_size)); break;
	case LW_SLAB_ACTIVE_BYTES: lw_set_counter64(vb, lw_slab_active_bytes(s)); break;
	case LW_SLAB_LEAK_STATE: lw_set_leak_state(vb, s->leak_state); break;
	case LW_SLAB_SLOPE: lw_set_integer(vb, s->slope_kb_h); break;
	case LW_SLAB_TIME_TO_EXHAUSTION: lw_set_forecast(vb, s->time_to_exhaustion); break;
	default: return false;
	}
	return true;
}

static bool zone_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			const void *ctx)
{
	const struct zone_row *z = row;
	const struct lw_kmem *k = ctx;

	if (column == LW_ZONE_NAME_COLUMN) {
		lw_set_string(vb, z->zone->name);
		return true;
	}
	if (column == LW_ZONE_HIGH_ORDER_FREE) {
		if (z->buddy == NULL)
			return false;
		lw_set_counter64(vb, lw_buddy_free_kb(z->buddy, HIGH_ORDER, k->page_size));
		return true;
	}
	if (column < LW_ZONE_FIRST_PAGES_COLUMN ||
	    column >= LW_ZONE_FIRST_PAGES_COLUMN + LW_ZONE_FIELDS ||
	    !lw_zone_has(z->zone, (enum lw_zone_field)(column - LW_ZONE_FIRST_PAGES_COLUMN)))
		return false;
	lw_set_gauge(vb, z->zone->pages[column - LW_ZONE_FIRST_PAGES_COLUMN]);
	return true;
}

static bool buddy_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *ctx)
{
	const struct buddy_row *b = row;
	const struct lw_kmem *k = ctx;
	uint64_t blocks = b->buddy->free[b->order];

	switch (column) {
	case LW_BUDDY_FREE_BLOCKS: lw_set_gauge(vb, blocks); break;
	case LW_BUDDY_FREE_KB:
		/* blocks of 2^order pages; a 64-bit product cannot overflow for real counts */
		lw_set_counter64(vb, (blocks << b->order) * (k->page_size / 1024));
		break;
	default: return false;
	}
	return true;
}

static int scalar_value(const struct lw_agent *agent, unsigned subid, netsnmp_variable_list *vb)
{
	const struct lw_snapshot *s = agent->current;

	if (subid == LW_KERNEL_INTERVAL) {
		lw_set_unsigned(vb, agent->cfg->kernel_interval_s);
		return 0;
	}
	if (s == NULL || !s->collectors[LW_COL_SLABINFO].ok)
		return -1;
	switch (subid) {
	case LW_KERNEL_SLAB_ROWS: lw_set_gauge(vb, s->kmem.slabs.n); return 0;
	case LW_KERNEL_SLAB_DROPPED: lw_set_gauge(vb, s->kmem.slabs_dropped); return 0;
	default: return -1;
	}
}

static int register_group(netsnmp_handler_registration **out, const char *name,
			  const oid *base, size_t len, unsigned last, void *which,
			  struct lw_agent *agent)
{
	netsnmp_handler_registration *reg =
		netsnmp_create_handler_registration(name, group_handler, base, len,
						    HANDLER_CAN_RONLY);

	if (reg == NULL)
		return -1;
	reg->handler->myvoid = agent;
	reg->my_reg_void = which;
	*out = reg;
	return netsnmp_register_scalar_group(reg, 1, last) == MIB_REGISTERED_OK ? 0 : -1;
}

/* The data the tables' rows point into, for lw_snap_table_register. */
static const void *served(const void *agent)
{
	return kmem_of(agent);
}

int lw_mib_kernel_register(struct lw_agent *agent)
{
	static int vmstat_marker;

	return register_group(&memory_reg, "lwKernelMemory", memory_oid, OID_LENGTH(memory_oid),
			      LW_KMEM_UNACCOUNTED, NULL, agent) ||
	       lw_snap_table_register(&slab_table, "lwSlabTable", slab_oid, OID_LENGTH(slab_oid),
				      1, LW_SLAB_NAME, LW_SLAB_TIME_TO_EXHAUSTION, slab_column, served,
				      agent) ||
	       lw_snap_table_register(&zone_table, "lwZoneTable", zone_oid, OID_LENGTH(zone_oid),
				      2, LW_ZONE_NAME_COLUMN, LW_ZONE_HIGH_ORDER_FREE, zone_column,
				      served, agent) ||
	       lw_snap_table_register(&buddy_table, "lwBuddyTable", buddy_oid,
				      OID_LENGTH(buddy_oid), 3, LW_BUDDY_FREE_BLOCKS,
				      LW_BUDDY_FREE_KB, buddy_column, served, agent) ||
	       lw_scalars_register(&kernel_scalars, "lwKernel", kernel_oid, OID_LENGTH(kernel_oid),
				   LW_KERNEL_SLAB_ROWS, LW_KERNEL_INTERVAL, scalar_value, agent) ||
	       register_group(&vmstat_reg, "lwVmstat", vmstat_oid, OID_LENGTH(vmstat_oid),
			      LW_VM_COUNT, &vmstat_marker, agent)
		       ? -1
		       : 0;
}

static void fill_slab(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_kmem *k = ctx;

	row->oids[0] = k->slabs.rows[i].index;
	row->data = &k->slabs.rows[i];
}

static void fill_zone(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct zone_row *rows = ctx;

	row->oids[0] = rows[i].zone->node;
	row->oids[1] = rows[i].zone->position + 1;
	row->data = &rows[i];
}

static void fill_buddy(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct buddy_row *rows = ctx;

	row->oids[0] = rows[i].buddy->node;
	row->oids[1] = rows[i].zone_index;
	row->oids[2] = rows[i].order;
	row->data = &rows[i];
}

static int by_index(const void *a, const void *b)
{
	const struct buddy_row *x = a, *y = b;

	if (x->buddy->node != y->buddy->node)
		return x->buddy->node < y->buddy->node ? -1 : 1;
	if (x->zone_index != y->zone_index)
		return x->zone_index < y->zone_index ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Zone rows with their buddyinfo lines, and one buddy row per order of a matched zone. */
static void build_rows(const struct lw_snapshot *s, size_t *nzones, size_t *nbuddies)
{
	const struct lw_kmem *k = &s->kmem;
	bool buddy_ok = s->collectors[LW_COL_BUDDYINFO].ok;
	size_t orders = 0, n = 0;

	*nzones = *nbuddies = 0;
	free(zone_rows);
	free(buddy_rows);
	zone_rows = calloc(k->zones.n ? k->zones.n : 1, sizeof(*zone_rows));
	for (size_t i = 0; buddy_ok && i < k->buddies.n; i++)
		orders += k->buddies.rows[i].orders;
	buddy_rows = calloc(orders ? orders : 1, sizeof(*buddy_rows));
	if (zone_rows == NULL || buddy_rows == NULL)
		return;  /* out of memory: empty tables until the next snapshot */
	for (size_t i = 0; i < k->zones.n; i++)
		zone_rows[i].zone = &k->zones.rows[i];
	for (size_t i = 0; buddy_ok && i < k->buddies.n; i++) {
		const struct lw_buddy *b = &k->buddies.rows[i];
		const struct lw_zone *z = lw_buddy_zone(b, &k->zones);

		/* A line whose zone zoneinfo did not list has no index: it is left out. */
		if (z == NULL)
			continue;
		zone_rows[z - k->zones.rows].buddy = b;
		for (uint32_t o = 0; o < b->orders; o++)
			buddy_rows[n++] = (struct buddy_row){ b, z->position + 1, o };
	}
	qsort(buddy_rows, n, sizeof(*buddy_rows), by_index);
	*nzones = k->zones.n;
	*nbuddies = n;
}

void lw_mib_kernel_load(struct lw_agent *agent)
{
	static const struct lw_kmem empty;
	const struct lw_kmem *k = kmem_of(agent) ? kmem_of(agent) : &empty;
	size_t nzones = 0, nbuddies = 0;

	if (agent->current != NULL)
		build_rows(agent->current, &nzones, &nbuddies);
	/* Out of memory leaves a table empty until the next snapshot; requests still work. */
	(void)lw_snap_table_load(&slab_table, k->slabs.n, 1, fill_slab, k);
	(void)lw_snap_table_load(&zone_table, nzones, 2, fill_zone, zone_rows);
	(void)lw_snap_table_load(&buddy_table, nbuddies, 3, fill_buddy, buddy_rows);
}

void lw_mib_kernel_unregister(void)
{
	lw_snap_table_unregister(&slab_table);
	lw_snap_table_unregister(&zone_table);
	lw_snap_table_unregister(&buddy_table);
	lw_scalars_unregister(&kernel_scalars);
	if (memory_reg != NULL)
		netsnmp_unregister_handler(memory_reg);
	if (vmstat_reg != NULL)
		netsnmp_unregister_handler(vmstat_reg);
	memory_reg = vmstat_reg = NULL;
	free(zone_rows);
	free(buddy_rows);
	zone_rows = NULL;
	buddy_rows = NULL;
}
