/* test_kmem.c: kernel-memory parsers: meminfo's kernel fields, slab, zone, buddy and vmstat files. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kmem/buddyinfo.h"
#include "fixture.h"
#include "sys/meminfo.h"
#include "proc/proctable.h"
#include "base/readfile.h"
#include "kmem/slabinfo.h"
#include "kmem/vmstat.h"
#include "kmem/zoneinfo.h"

/* The hand-made tree: two NUMA nodes, a 70-byte slab name, a 4.9-era meminfo and vmstat. */
#define EDGE "edge-kmem"
#define PAGE 4096

/* slabinfo of the captured kernel is 25 KB. */
static char buf[65536];

/* The captured tree's <rel> in buf. */
static size_t read_tree(const char *tree, const char *rel)
{
	return lw_fixture_read(tree, rel, buf, sizeof(buf));
}

/* --- what each kernel root's files hold (one row per lw_fixture_kernels[] entry) ------------ */

#define ZONES_MAX 10
#define BUDDY_MAX 4
#define SLABS_NAMED 3

struct want_slab {
	const char *name;
	uint32_t line;
	uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab, active_slabs, num_slabs;
};

struct want_zone {
	uint32_t node, position;
	const char *name;
	uint64_t pages[LW_ZONE_FIELDS];  /* free, min, low, high, spanned, present, managed */
};

struct want_buddy {
	uint32_t node;
	const char *name;
	uint64_t free[11];
	bool adds_up;  /* its blocks add up to the zone's free pages (read together) */
};

static const struct want_root {
	const char *tree;
	uint64_t mi[LW_MI_UNEVICTABLE - LW_MI_SLAB + 1];  /* meminfo Slab .. Unevictable, KiB */
	uint64_t mi_absent;                              /* fields the kernel does not print */
	uint64_t unaccounted_kb;
	size_t nslabs;
	uint64_t slab_total;                             /* awk '{t += $15 * $6 * 4096}' */
	struct want_slab slab_first, slab_last, slab_named[SLABS_NAMED];
	size_t nzones;
	struct want_zone zones[ZONES_MAX];
	size_t nbuddy;
	struct want_buddy buddy[BUDDY_MAX];
	uint64_t vm[LW_VM_COUNT];
	uint64_t vm_absent;
} roots[LW_FIXTURE_NKERNELS] = {
	{
		LW_FIXTURE_KERNEL,
		{ 84808, 62624, 22184, 1384, 1620, 0, 14188, 688, 12252, 8952, 18880, 0, 0, 0,
		  58624, 52008, 11236 },
		0,
		/* 24683620 - (24432128 + 58624 + 52008 + 11236 + 84808 + 1384 + 1620 + 0 + 688 +
		 * 14188 + 0) */
		26936,
		232, 256790528,
		{ "btrfs_delayed_node", 3, 0, 0, 312, 13, 1, 0, 0 },
		{ "kmem_cache", 234, 240, 240, 256, 16, 1, 15, 15 },
		{ { "ext4_inode_cache", 0, 70591, 70812, 1128, 14, 4, 5058, 5058 },
		  { "task_struct", 0, 1040, 1040, 5824, 5, 8, 208, 208 },
		  { "kmalloc-8k", 0, 48, 48, 8192, 4, 8, 12, 12 } },
		/* Every zone of the node, the empty Movable and Device ones too. */
		5,
		{ { 0, 0, "DMA", { 3840, 27, 33, 39, 4095, 3998, 3840 } },
		  { 0, 1, "DMA32", { 772808, 5557, 6946, 8335, 1044480, 782336, 772808 } },
		  { 0, 2, "Normal", { 1397306, 11310, 14137, 16964, 5505024, 5505024, 1572864 } },
		  { 0, 3, "Movable", { 0, 32, 32, 32, 0, 0, 0 } },
		  { 0, 4, "Device", { 0, 0, 0, 0, 0, 0, 0 } } },
		/* Populated zones only: no Movable or Device line. Normal moved between the reads. */
		3,
		{ { 0, "DMA", { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3 }, true },
		  { 0, "DMA32", { 2, 3, 0, 2, 3, 2, 1, 4, 4, 2, 752 }, true },
		  { 0, "Normal", { 1132, 1981, 2249, 2030, 3032, 2178, 1696, 874, 451, 387, 698 },
		    false } },
		/* five allocstall_* lines, all 0; workingset_refault_anon 0 + _file 1166593 */
		{ 161113107, 14514, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1166593 },
		0,
	},
	{
		/* meminfo-root-006 (4.13-4.15): no Percpu (4.16) or SecPageTables (6.0) line. */
		"linux-4.x",
		{ 425060, 99864, 325196, 2192, 8848, 0, 0, 0, 100964, 202696, 95856, 0, 0, 0,
		  483836, 330176, 0 },
		(UINT64_C(1) << LW_MI_SEC_PAGE_TABLES) | (UINT64_C(1) << LW_MI_PERCPU),
		/* 3871596 - (2524972 + 483836 + 330176 + 0 + 425060 + 2192 + 8848 + 0): VmallocUsed
		 * printed as 0 (since 4.4), Percpu absent */
		96512,
		36, 16527360,
		{ "nf_conntrack", 3, 84, 108, 320, 12, 1, 9, 9 },
		{ "xfrm_state", 38, 0, 0, 832, 19, 4, 0, 0 },
		{ { "xfs_inode", 0, 13189, 15572, 960, 17, 4, 916, 916 },
		  { "nf_conntrack", 0, 84, 108, 320, 12, 1, 9, 9 },
		  { "xfrm_state", 0, 0, 0, 832, 19, 4, 0, 0 } },
		/* The first zone carries the 4.8+ "per-node stats" block before "pages free". */
		5,
		{ { 0, 0, "DMA", { 3975, 69, 86, 103, 4095, 3998, 3977 } },
		  { 0, 1, "DMA32", { 621829, 12513, 15641, 18769, 1044480, 782297, 718717 } },
		  { 0, 2, "Normal", { 5420, 4312, 5390, 6468, 262144, 262144, 245205 } },
		  { 0, 3, "Movable", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 0, 4, "Device", { 0, 0, 0, 0, 0, 0, 0 } } },
		3,
		{ { 0, "DMA", { 19, 56, 93, 32, 69, 10, 28, 0, 0, 0, 0 }, true },
		  { 0, "DMA32", { 29, 66, 5, 42, 80, 20, 56, 93, 33, 71, 546 }, true },
		  { 0, "Normal", { 34, 71, 11, 48, 85, 24, 42, 0, 0, 0, 0 }, true } },
		/* four allocstall_* lines (no _device) and the single workingset_refault (< 5.9) */
		{ 456254498, 1085, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		0,
	},
	{
		/* meminfo-root-007 (5.9+): everything but SecPageTables (6.0). */
		"linux-5.x",
		{ 298464, 133744, 164720, 14512, 4072, 0, 79940, 5280, 131588, 1148, 100264, 0, 0,
		  0, 645540, 2682032, 0 },
		UINT64_C(1) << LW_MI_SEC_PAGE_TABLES,
		/* 8141728 - (4211712 + 645540 + 2682032 + 0 + 298464 + 14512 + 4072 + 5280 +
		 * 79940 + 0) */
		200176,
		40, 83763200,  /* trimmed to the first 40 caches */
		{ "nf_conntrack_expect", 3, 0, 0, 216, 37, 2, 0, 0 },
		{ "btrfs_end_io_wq", 42, 0, 0, 128, 32, 1, 0, 0 },
		{ { "xfs_inode", 0, 66627, 66776, 960, 34, 8, 1964, 1964 },
		  { "nf_conntrack_expect", 0, 0, 0, 216, 37, 2, 0, 0 },
		  { "btrfs_end_io_wq", 0, 0, 0, 128, 32, 1, 0, 0 } },
		/* Two nodes; node 1 has only Normal, its other zones are printed empty. */
		10,
		{ { 0, 0, "DMA", { 3580, 42, 52, 62, 4095, 3998, 3840 } },
		  { 0, 1, "DMA32", { 38067, 5509, 6886, 8263, 1044480, 520155, 503771 } },
		  { 0, 2, "Normal", { 248733, 5646, 7057, 8468, 524288, 524288, 507637 } },
		  { 0, 3, "Movable", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 0, 4, "Device", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 1, 0, "DMA", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 1, 1, "DMA32", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 1, 2, "Normal", { 762548, 11328, 14160, 16992, 1048576, 1048576, 1020184 } },
		  { 1, 3, "Movable", { 0, 0, 0, 0, 0, 0, 0 } },
		  { 1, 4, "Device", { 0, 0, 0, 0, 0, 0, 0 } } },
		4,
		{ { 0, "DMA", { 18, 55, 93, 33, 70, 9, 22, 0, 0, 0, 0 }, true },
		  { 0, "DMA32", { 29, 65, 5, 42, 79, 20, 57, 94, 34, 22, 0 }, true },
		  { 0, "Normal", { 33, 70, 10, 47, 85, 24, 62, 99, 38, 75, 177 }, true },
		  { 1, "Normal", { 44, 82, 21, 58, 96, 36, 73, 12, 49, 86, 680 }, true } },
		/* four allocstall_* lines; workingset_refault_anon and _file (5.9+) */
		{ 5527692, 940, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		0,
	},
};

/* --- meminfo ------------------------------------------------------------------------------- */

static void meminfo_kernel_fields(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_root *w = &roots[r];
		struct lw_meminfo m;
		struct lw_error err;
		uint64_t kb = 0;
		size_t len;

		assert_string_equal(w->tree, lw_fixture_kernels[r]);
		len = read_tree(w->tree, "proc/meminfo");
		assert_int_equal(lw_meminfo_parse(buf, len, &m, &err), 0);
		/* "Active(anon):" and "Active(file):" are other lines, not Active. */
		for (int f = LW_MI_SLAB; f <= LW_MI_UNEVICTABLE; f++)
			assert_true(m.kb[f] == w->mi[f - LW_MI_SLAB]);
		/* A field the kernel does not print is absent, and counts as 0 below. */
		for (int f = 0; f < LW_MI_COUNT; f++)
			assert_int_equal(lw_meminfo_has(&m, (enum lw_meminfo_field)f),
					 !(w->mi_absent & (UINT64_C(1) << f)));
		assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
		assert_true(kb == w->unaccounted_kb);
	}
}

static void meminfo_names(void **state)
{
	struct lw_meminfo m;
	struct lw_error err;
	size_t len = read_tree(LW_FIXTURE_KERNEL, "proc/meminfo");

	(void)state;
	assert_int_equal(lw_meminfo_parse(buf, len, &m, &err), 0);
	/* The first eight fields kept their numbers: the agent's table relies on them. */
	assert_int_equal(LW_MI_COMMITTED_AS, 7);
	assert_int_equal(m.kb[LW_MI_MEM_TOTAL], 24683620);
	assert_int_equal(m.kb[LW_MI_COMMITTED_AS], 63220);
	assert_string_equal(lw_meminfo_name(LW_MI_SEC_PAGE_TABLES), "SecPageTables");
	assert_string_equal(lw_meminfo_name(LW_MI_HUGEPAGES_TOTAL), "HugePages_Total");
	assert_string_equal(lw_meminfo_name(LW_MI_COUNT), "?");
}

static void meminfo_old_kernel(void **state)
{
	struct lw_meminfo m;
	struct lw_error err;
	uint64_t kb = 0;
	size_t len = read_tree(EDGE, "proc/meminfo");

	(void)state;
	assert_int_equal(lw_meminfo_parse(buf, len, &m, &err), 0);
	/* A 4.9 kernel: no SecPageTables, Percpu or Hugetlb; VmallocUsed printed as 0. */
	assert_false(lw_meminfo_has(&m, LW_MI_SEC_PAGE_TABLES));
	assert_false(lw_meminfo_has(&m, LW_MI_PERCPU));
	assert_false(lw_meminfo_has(&m, LW_MI_HUGETLB));
	assert_int_equal(m.kb[LW_MI_PERCPU], 0);
	assert_true(lw_meminfo_has(&m, LW_MI_VMALLOC_USED));
	assert_int_equal(m.kb[LW_MI_VMALLOC_USED], 0);
	/* Counts of 2 MiB pages, not KiB. */
	assert_int_equal(m.kb[LW_MI_HUGEPAGES_TOTAL], 512);
	assert_int_equal(m.kb[LW_MI_HUGEPAGES_FREE], 100);
	assert_int_equal(m.kb[LW_MI_SLAB], 500000);
	assert_int_equal(m.kb[LW_MI_UNEVICTABLE], 3000);
	/*
	 * 16337900 - (9123456 + 4100000 + 1500000 + 3000 + 500000 + 12000 + 30000): the missing
	 * fields count as 0, so the 1 GiB hugetlb pool (512 x 2048 KiB) is in the figure.
	 */
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 1069444);
	assert_true(kb > m.kb[LW_MI_HUGEPAGES_TOTAL] * 2048);
}

static void meminfo_unaccounted_edges(void **state)
{
	struct lw_meminfo m;
	struct lw_error err;
	uint64_t kb = 77;

	(void)state;
	/* No MemFree: unknown, *out untouched. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1000 kB\nSlab: 10 kB\n", &m, &err), 0);
	assert_false(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 77);
	/* No MemTotal: the parser refuses the file; a hand-built struct without it is unknown. */
	memset(&m, 0, sizeof(m));
	m.kb[LW_MI_MEM_FREE] = 5;
	m.present = UINT64_C(1) << LW_MI_MEM_FREE;
	assert_false(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 77);
	/* Only the two required fields: everything not free is unaccounted. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1000 kB\nMemFree: 400 kB\n", &m, &err),
			 0);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 600);
	/* Fields outside the formula (Buffers, Cached, Shmem: on the LRU already) change nothing. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse,
				   "MemTotal: 1000 kB\nMemFree: 400 kB\nBuffers: 50 kB\n"
				   "Cached: 70 kB\nShmem: 9 kB\nAnonPages: 11 kB\n"
				   "Active: 100 kB\nInactive: 20 kB\nUnevictable: 3 kB\n"
				   "Slab: 40 kB\nKernelStack: 4 kB\nPageTables: 5 kB\n"
				   "SecPageTables: 6 kB\nPercpu: 7 kB\nVmallocUsed: 8 kB\n"
				   "Hugetlb: 9 kB\n", &m, &err), 0);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 1000 - (400 + 100 + 20 + 3 + 40 + 4 + 5 + 6 + 7 + 8 + 9));
	/* More accounted than total (figures read at different instants): clamped at 0. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1000 kB\nMemFree: 900 kB\n"
				   "Slab: 101 kB\n", &m, &err), 0);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 0);
	/* Exactly all of it. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse, "MemTotal: 1000 kB\nMemFree: 900 kB\n"
				   "Slab: 100 kB\n", &m, &err), 0);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 0);
	/* Terms whose sum overflows clamp, they do not wrap into a huge figure. */
	assert_int_equal(PARSE_STR(lw_meminfo_parse,
				   "MemTotal: 18446744073709551615 kB\n"
				   "MemFree: 18446744073709551615 kB\n"
				   "Slab: 18446744073709551615 kB\nHugetlb: 2 kB\n", &m, &err), 0);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 0);
	/* A value in kb[] without its presence bit is not counted. */
	memset(&m, 0, sizeof(m));
	m.kb[LW_MI_MEM_TOTAL] = 100;
	m.kb[LW_MI_MEM_FREE] = 10;
	m.kb[LW_MI_SLAB] = 50;
	m.present = (UINT64_C(1) << LW_MI_MEM_TOTAL) | (UINT64_C(1) << LW_MI_MEM_FREE);
	assert_true(lw_meminfo_unaccounted_kb(&m, &kb));
	assert_int_equal(kb, 90);
}

/* --- slabinfo ------------------------------------------------------------------------------ */

#define SLAB_HEAD "slabinfo - version: 2.1\n# name <active_objs> <num_objs> <objsize> " \
		  "<objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : " \
		  "slabdata <active_slabs> <num_slabs> <sharedavail>\n"
#define SLAB_ROW(name) name " 10 20 64 64 1 : tunables 0 0 0 : slabdata 1 2 0\n"

static const struct lw_slab *slab_named(const struct lw_slab_list *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->rows[i].name, name) == 0)
			return &l->rows[i];
	return NULL;
}

static void check_slab(const struct lw_slab *s, const struct want_slab *w)
{
	assert_non_null(s);
	assert_string_equal(s->name, w->name);
	if (w->line)
		assert_int_equal(s->line, w->line);
	assert_true(s->active_objs == w->active_objs);
	assert_true(s->num_objs == w->num_objs);
	assert_true(s->objsize == w->objsize);
	assert_true(s->objperslab == w->objperslab);
	assert_true(s->pagesperslab == w->pagesperslab);
	assert_true(s->active_slabs == w->active_slabs);
	assert_true(s->num_slabs == w->num_slabs);
	assert_true(lw_slab_total_bytes(s, PAGE) == w->num_slabs * w->pagesperslab * PAGE);
	assert_true(lw_slab_active_bytes(s) == w->active_objs * w->objsize);
}

static void slabinfo_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_root *w = &roots[r];
		struct lw_slab_list l;
		struct lw_error err;
		uint64_t total = 0;
		size_t len = read_tree(w->tree, "proc/slabinfo");

		lw_slab_list_init(&l);
		assert_int_equal(lw_slabinfo_parse(buf, len, &l, &err), 0);
		assert_int_equal(l.n, w->nslabs);
		assert_true(l.n <= l.cap);
		/* The file's order: first and last caches. */
		check_slab(&l.rows[0], &w->slab_first);
		check_slab(&l.rows[l.n - 1], &w->slab_last);
		for (size_t i = 0; i < SLABS_NAMED; i++)
			check_slab(slab_named(&l, w->slab_named[i].name), &w->slab_named[i]);
		for (size_t i = 0; i < l.n; i++) {
			assert_int_not_equal(l.rows[i].index, 0);
			assert_int_equal(l.rows[i].index, lw_proc_group_index(l.rows[i].name));
			total += lw_slab_total_bytes(&l.rows[i], PAGE);
		}
		assert_true(total == w->slab_total);

		/* These kernels' names do not collide: sorting keeps all, in index order. */
		assert_int_equal(lw_slab_list_sort_by_index(&l), 0);
		assert_int_equal(l.n, w->nslabs);
		for (size_t i = 1; i < l.n; i++)
			assert_true(l.rows[i - 1].index < l.rows[i].index);
		lw_slab_list_free(&l);
		assert_null(l.rows);
		assert_int_equal(l.cap, 0);
	}
	/* FNV-1a of "kmem_cache", top bit cleared. */
	assert_int_equal(lw_proc_group_index("kmem_cache"), 178334098);
}

static void slabinfo_long_name(void **state)
{
	static const char full[] =
		"kmalloc_from_an_out_of_tree_driver_with_a_very_long_cache_name_0123456";
	struct lw_slab_list l;
	struct lw_error err;
	const struct lw_slab *s;
	size_t len = read_tree(EDGE, "proc/slabinfo");

	(void)state;
	assert_int_equal(strlen(full), 70);
	lw_slab_list_init(&l);
	assert_int_equal(lw_slabinfo_parse(buf, len, &l, &err), 0);
	assert_int_equal(l.n, 5);
	s = &l.rows[1];
	/* Stored cut to 63 bytes, indexed by all 70. */
	assert_int_equal(strlen(s->name), LW_SLAB_NAME_MAX - 1);
	assert_memory_equal(s->name, full, LW_SLAB_NAME_MAX - 1);
	assert_int_equal(s->index, lw_proc_group_index(full));
	assert_int_equal(s->index, 1365662654);
	assert_int_not_equal(s->index, lw_proc_group_index(s->name));
	assert_int_equal(s->num_slabs, 128);
	assert_int_equal(lw_slab_total_bytes(s, PAGE), 128ull * 8 * PAGE);
	assert_int_equal(lw_slab_active_bytes(s), 1000ull * 4096);
	assert_string_equal(l.rows[2].name, "empty_cache");
	assert_int_equal(lw_slab_total_bytes(&l.rows[2], PAGE), 0);
	assert_int_equal(lw_slab_active_bytes(&l.rows[2]), 0);
	assert_string_equal(l.rows[4].name, "kmalloc-8");
	assert_int_equal(l.rows[4].active_objs, 24576);

	/* Past the stack buffer the index is from the whole name too (a heap copy). */
	{
		char name[400], text[1024];

		memset(name, 'x', sizeof(name) - 1);
		name[sizeof(name) - 1] = '\0';
		snprintf(text, sizeof(text), SLAB_HEAD "%s 1 1 8 512 1 : tunables 0 0 0 : "
			 "slabdata 1 1 0\n", name);
		assert_int_equal(PARSE_STR(lw_slabinfo_parse, text, &l, &err), 0);
		assert_int_equal(l.n, 1);
		assert_int_equal(l.rows[0].index, lw_proc_group_index(name));
		assert_int_equal(strlen(l.rows[0].name), LW_SLAB_NAME_MAX - 1);
	}
	lw_slab_list_free(&l);
}

static void slabinfo_duplicates(void **state)
{
	/* "cache-162789" and "cache-379192" have the same 31-bit FNV-1a: 527250891. */
	const char *text = SLAB_HEAD SLAB_ROW("zeta") SLAB_ROW("cache-379192") SLAB_ROW("alpha")
		SLAB_ROW("cache-162789") SLAB_ROW("zeta") SLAB_ROW("omega");
	struct lw_slab_list l;
	struct lw_error err;
	const struct lw_slab *s;

	(void)state;
	assert_int_equal(lw_proc_group_index("cache-162789"), lw_proc_group_index("cache-379192"));
	lw_slab_list_init(&l);
	assert_int_equal(PARSE_STR(lw_slabinfo_parse, text, &l, &err), 0);
	assert_int_equal(l.n, 6);
	/* The colliding pair and a name printed twice: two rows go, the earlier ones stay. */
	assert_int_equal(lw_slab_list_sort_by_index(&l), 2);
	assert_int_equal(l.n, 4);
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.rows[i - 1].index < l.rows[i].index);
	s = slab_named(&l, "cache-379192");
	assert_non_null(s);
	assert_int_equal(s->line, 4);
	assert_int_equal(s->index, 527250891);
	assert_null(slab_named(&l, "cache-162789"));
	s = slab_named(&l, "zeta");
	assert_non_null(s);
	assert_int_equal(s->line, 3);
	assert_non_null(slab_named(&l, "alpha"));
	assert_non_null(slab_named(&l, "omega"));
	/* Sorting again finds nothing more; an empty list is fine. */
	assert_int_equal(lw_slab_list_sort_by_index(&l), 0);
	lw_slab_list_reset(&l);
	assert_int_equal(lw_slab_list_sort_by_index(&l), 0);
	lw_slab_list_free(&l);
}

/* Parses text, expecting failure with exactly want; the list must come back empty. */
static void slab_fails(struct lw_slab_list *l, const char *text, size_t len, const char *want)
{
	struct lw_error err;

	assert_int_equal(lw_slabinfo_parse(text, len, l, &err), -1);
	assert_string_equal(err.text, want);
	assert_int_equal(l->n, 0);
}

#define SLAB_FAILS(l, text, want) slab_fails((l), (text), strlen(text), (want))

static void slabinfo_errors(void **state)
{
	struct lw_slab_list l;
	struct lw_error err;

	(void)state;
	lw_slab_list_init(&l);
	/* Version and header. */
	SLAB_FAILS(&l, "", "slabinfo line 1: expected 'slabinfo - version: 2.1'");
	SLAB_FAILS(&l, "slabinfo version: 2.1\n",
		   "slabinfo line 1: expected 'slabinfo - version: 2.1'");
	SLAB_FAILS(&l, "slabinfo - version: 2.0\n",
		   "slabinfo line 1: unsupported version '2.0' (not 2.1)");
	SLAB_FAILS(&l, "slabinfo - version: 2.1 (statistics)\n",
		   "slabinfo line 1: unsupported version '2.1 (statistics)' (not 2.1)");
	SLAB_FAILS(&l, "slabinfo - version: 2.10\n",
		   "slabinfo line 1: unsupported version '2.10' (not 2.1)");
	SLAB_FAILS(&l, "slabinfo - version: \n", "slabinfo line 1: unsupported version '' (not 2.1)");
	SLAB_FAILS(&l, "slabinfo - version: 2.1\n", "slabinfo line 2: expected the '# name' header");
	SLAB_FAILS(&l, "slabinfo - version: 2.1\n" SLAB_ROW("x"),
		   "slabinfo line 2: expected the '# name' header");

	/* Fill the list, so each failure below shows it emptied. */
	assert_int_equal(PARSE_STR(lw_slabinfo_parse, SLAB_HEAD SLAB_ROW("a"), &l, &err), 0);
	assert_int_equal(l.n, 1);
	/* Field counts. */
	SLAB_FAILS(&l, SLAB_HEAD SLAB_ROW("a") "b 1 2 3 4\n",
		   "slabinfo line 4 (b): too few fields, no <pagesperslab>");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 2\n",
		   "slabinfo line 3 (b): too few fields, no <sharedavail>");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): <sharedfactor> is not a number");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 2 0 9\n",
		   "slabinfo line 3 (b): too many fields");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 6 : tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): expected ': tunables'");
	/* Non-numbers, overflow. */
	SLAB_FAILS(&l, SLAB_HEAD "b 1 x 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): <num_objs> is not a number");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3x 4 5 : tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): <objsize> is not a number");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 0 : slabdata -1 2 0\n",
		   "slabinfo line 3 (b): <active_slabs> is not a number");
	SLAB_FAILS(&l, SLAB_HEAD "b 18446744073709551616 2 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): <active_objs> is not a number");
	/* ':' sections. */
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): expected ': tunables'");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 0 slabdata 1 2 0\n",
		   "slabinfo line 3 (b): expected ': slabdata'");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 : tunables 0 0 0 : slabinfo 1 2 0\n",
		   "slabinfo line 3 (b): expected ': slabdata'");
	SLAB_FAILS(&l, SLAB_HEAD "b 1 2 3 4 5 :tunables 0 0 0 : slabdata 1 2 0\n",
		   "slabinfo line 3 (b): expected ': tunables'");
	/* A second header, a name alone. */
	SLAB_FAILS(&l, SLAB_HEAD SLAB_HEAD,
		   "slabinfo line 3 (slabinfo): <active_objs> is not a number");
	SLAB_FAILS(&l, SLAB_HEAD "lonely\n",
		   "slabinfo line 3 (lonely): too few fields, no <active_objs>");
	/* NUL in a name; NUL after a number. */
	slab_fails(&l, SLAB_HEAD "a\0b 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n",
		   sizeof(SLAB_HEAD "a\0b 1 2 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n") - 1,
		   "slabinfo line 3: NUL byte in the cache name");
	slab_fails(&l, SLAB_HEAD "ab 1 2\0 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n",
		   sizeof(SLAB_HEAD "ab 1 2\0 3 4 5 : tunables 0 0 0 : slabdata 1 2 0\n") - 1,
		   "slabinfo line 3 (ab): <num_objs> is not a number");
	/* A long name is cut to 32 bytes in the text. */
	SLAB_FAILS(&l, SLAB_HEAD "kmalloc_from_an_out_of_tree_driver_with_a_very_long 1\n",
		   "slabinfo line 3 (kmalloc_from_an_out_of_tree_driv): too few fields, no <num_objs>");

	/* A read cut in the last line: fewer fields and no newline. */
	SLAB_FAILS(&l, SLAB_HEAD SLAB_ROW("a") "b 1 2 3 4 5 : tunables 0 0 0 : slabdata 1",
		   "slabinfo line 4 (b): too few fields, no <num_slabs> (truncated last line)");
	SLAB_FAILS(&l, SLAB_HEAD SLAB_ROW("a") "b 1 2 3 4 5 : tunab",
		   "slabinfo line 4 (b): expected ': tunables' (truncated last line)");
	SLAB_FAILS(&l, SLAB_HEAD SLAB_ROW("a") "b",
		   "slabinfo line 4 (b): too few fields, no <active_objs> (truncated last line)");
	/* A last line complete but without its newline is fine, so are blank lines. */
	assert_int_equal(PARSE_STR(lw_slabinfo_parse, SLAB_HEAD SLAB_ROW("a") "\n  \n"
				   "b 1 2 3 4 5 : tunables 0 0 0 : slabdata 6 7 8", &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[1].line, 6);
	assert_int_equal(l.rows[1].num_slabs, 7);
	assert_int_equal(l.rows[1].pagesperslab, 5);
	/* Tabs and runs of blanks between fields. */
	assert_int_equal(PARSE_STR(lw_slabinfo_parse, SLAB_HEAD "t\t1  2\t3 4 5 :\ttunables 0 0 0 : "
				   "slabdata 6 7 8 \t\n", &l, &err), 0);
	assert_int_equal(l.rows[0].active_objs, 1);
	/* Only the header: no caches, not an error. */
	assert_int_equal(PARSE_STR(lw_slabinfo_parse, SLAB_HEAD, &l, &err), 0);
	assert_int_equal(l.n, 0);
	/* Nothing past len is read: cut inside the first row's name. */
	assert_int_equal(lw_slabinfo_parse(SLAB_HEAD SLAB_ROW("abc"), sizeof(SLAB_HEAD) - 1 + 2, &l,
					   &err), -1);
	assert_string_equal(err.text, "slabinfo line 3 (ab): too few fields, no <active_objs> "
			    "(truncated last line)");
	lw_slab_list_free(&l);
}

static void slab_bytes(void **state)
{
	struct lw_slab s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.num_slabs = 3;
	s.pagesperslab = 2;
	s.active_objs = 7;
	s.objsize = 100;
	assert_int_equal(lw_slab_total_bytes(&s, 4096), 24576);
	assert_int_equal(lw_slab_total_bytes(&s, 65536), 393216);
	assert_int_equal(lw_slab_total_bytes(&s, 0), 0);
	assert_int_equal(lw_slab_active_bytes(&s), 700);
	/* Overflow in either product saturates. */
	s.num_slabs = UINT64_C(1) << 40;
	s.pagesperslab = UINT64_C(1) << 20;
	assert_true(lw_slab_total_bytes(&s, 4096) == UINT64_MAX);
	assert_int_equal(lw_slab_total_bytes(&s, 0), 0);
	s.num_slabs = UINT64_MAX;
	s.pagesperslab = 1;
	assert_true(lw_slab_total_bytes(&s, 2) == UINT64_MAX);
	assert_true(lw_slab_total_bytes(&s, 1) == UINT64_MAX);
	s.pagesperslab = 0;
	assert_int_equal(lw_slab_total_bytes(&s, 4096), 0);
	s.active_objs = UINT64_C(1) << 33;
	s.objsize = UINT64_C(1) << 31;
	assert_true(lw_slab_active_bytes(&s) == UINT64_MAX);
	s.objsize = UINT64_C(1) << 30;
	assert_true(lw_slab_active_bytes(&s) == UINT64_C(1) << 63);
}

/* --- zoneinfo ------------------------------------------------------------------------------ */

static void check_zone(const struct lw_zone *z, uint32_t node, uint32_t position, const char *name,
		       const uint64_t want[LW_ZONE_FIELDS])
{
	assert_int_equal(z->node, node);
	assert_int_equal(z->position, position);
	assert_string_equal(z->name, name);
	for (int f = 0; f < LW_ZONE_FIELDS; f++) {
		assert_true(lw_zone_has(z, (enum lw_zone_field)f));
		assert_int_equal(z->pages[f], want[f]);
	}
}

static void zoneinfo_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_root *w = &roots[r];
		struct lw_zone_list l;
		struct lw_error err;
		size_t len = read_tree(w->tree, "proc/zoneinfo");

		lw_zone_list_init(&l);
		assert_int_equal(lw_zoneinfo_parse(buf, len, &l, &err), 0);
		assert_int_equal(l.n, w->nzones);
		for (size_t i = 0; i < l.n; i++) {
			const struct want_zone *z = &w->zones[i];

			check_zone(&l.rows[i], z->node, z->position, z->name, z->pages);
			assert_ptr_equal(lw_zone_list_find(&l, z->node, z->name), &l.rows[i]);
		}
		assert_null(lw_zone_list_find(&l, 2, "Normal"));
		assert_null(lw_zone_list_find(&l, 0, "HighMem"));
		assert_null(lw_zone_list_find(&l, 0, "Norma"));
		/* Reparsing into the same list replaces the rows. */
		assert_int_equal(lw_zoneinfo_parse(buf, len, &l, &err), 0);
		assert_int_equal(l.n, w->nzones);
		lw_zone_list_free(&l);
	}
}

static void zoneinfo_two_nodes(void **state)
{
	static const uint64_t n0_dma[] = { 3840, 11, 13, 15, 4095, 3998, 3840 };
	static const uint64_t n0_dma32[] = { 765432, 2214, 2767, 3320, 1044480, 782288, 766000 };
	static const uint64_t n0_normal[] = { 15000123, 45000, 56250, 67500, 15990784, 15990784,
					      15723456 };
	static const uint64_t empty[] = { 0, 0, 0, 0, 0, 0, 0 };
	static const uint64_t n1_normal[] = { 16100200, 47000, 58750, 70500, 16777216, 16777216,
					      16510000 };
	static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable", "Device" };
	struct lw_zone_list l;
	struct lw_error err;
	size_t len = read_tree(EDGE, "proc/zoneinfo");

	(void)state;
	lw_zone_list_init(&l);
	assert_int_equal(lw_zoneinfo_parse(buf, len, &l, &err), 0);
	assert_int_equal(l.n, 10);
	/* The per-CPU "high:" (378) is not the zone's high watermark (15). */
	check_zone(&l.rows[0], 0, 0, "DMA", n0_dma);
	check_zone(&l.rows[1], 0, 1, "DMA32", n0_dma32);
	check_zone(&l.rows[2], 0, 2, "Normal", n0_normal);
	check_zone(&l.rows[3], 0, 3, "Movable", empty);
	check_zone(&l.rows[4], 0, 4, "Device", empty);
	/* Node 1 starts again at position 0; its DMA zones span nothing but are listed. */
	for (uint32_t i = 0; i < 5; i++)
		check_zone(&l.rows[5 + i], 1, i, names[i], i == 2 ? n1_normal : empty);
	assert_ptr_equal(lw_zone_list_find(&l, 1, "Normal"), &l.rows[7]);
	assert_ptr_equal(lw_zone_list_find(&l, 0, "Normal"), &l.rows[2]);
	assert_ptr_equal(lw_zone_list_find(&l, 1, "DMA"), &l.rows[5]);
	assert_null(lw_zone_list_find(&l, 2, "Normal"));
	lw_zone_list_free(&l);
}

static void zoneinfo_lines(void **state)
{
	struct lw_zone_list l;
	struct lw_error err;

	(void)state;
	lw_zone_list_init(&l);
	/* An old kernel without "managed"; tabs; a repeated line keeps its first value; lines of
	 * pagesets and stats that look like ours are skipped. */
	assert_int_equal(PARSE_STR(lw_zoneinfo_parse,
				   "Node 3, zone Normal\n  pages free 10\n\tmin\t1\n  low 2\n"
				   "  high 3\n  min 99\n  spanned 8\n  present 7\n"
				   "  nr_free_pages 10\n  pages scanned 4\n  pagesets\n  managed 55\n"
				   "    cpu: 0\n    high: 6\n  high 1000\n"
				   "Node 3, zone Movable\n  pages free 0\n  present 0\n\n",
				   &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[0].node, 3);
	assert_int_equal(l.rows[0].pages[LW_ZONE_FREE], 10);
	assert_int_equal(l.rows[0].pages[LW_ZONE_MIN], 1);
	assert_int_equal(l.rows[0].pages[LW_ZONE_HIGH], 3);
	assert_int_equal(l.rows[0].pages[LW_ZONE_PRESENT], 7);
	assert_false(lw_zone_has(&l.rows[0], LW_ZONE_MANAGED));
	assert_int_equal(l.rows[0].pages[LW_ZONE_MANAGED], 0);
	assert_int_equal(l.rows[1].position, 1);
	assert_true(l.rows[1].have == ((1u << LW_ZONE_FREE) | (1u << LW_ZONE_PRESENT)));
	/* Node numbers may skip (offline nodes); positions count within each node. */
	assert_int_equal(PARSE_STR(lw_zoneinfo_parse,
				   "Node 0, zone DMA\n pages free 1\n"
				   "Node 2, zone Normal\n pages free 2\n"
				   "Node 2, zone Movable\n pages free 3",
				   &l, &err), 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.rows[1].position, 0);
	assert_int_equal(l.rows[2].position, 1);
	assert_int_equal(l.rows[2].pages[LW_ZONE_FREE], 3);
	/* The same zone name on two nodes is two zones. */
	assert_int_equal(PARSE_STR(lw_zoneinfo_parse, "Node 0, zone Normal\n pages free 1\n"
				   "Node 1, zone Normal\n pages free 2\n", &l, &err), 0);
	assert_int_equal(l.n, 2);
	/* The largest node number a uint32_t holds. */
	assert_int_equal(PARSE_STR(lw_zoneinfo_parse, "Node 4294967295, zone Normal\n pages free 1\n",
				   &l, &err), 0);
	assert_int_equal(l.rows[0].node, UINT32_MAX);
	lw_zone_list_free(&l);
}

static void zone_fails(struct lw_zone_list *l, const char *text, size_t len, const char *want)
{
	struct lw_error err;

	assert_int_equal(lw_zoneinfo_parse(text, len, l, &err), -1);
	assert_string_equal(err.text, want);
	assert_int_equal(l->n, 0);
}

#define ZONE_FAILS(l, text, want) zone_fails((l), (text), strlen(text), (want))

static void zoneinfo_errors(void **state)
{
	struct lw_zone_list l;
	struct lw_error err;

	(void)state;
	lw_zone_list_init(&l);
	assert_int_equal(PARSE_STR(lw_zoneinfo_parse, "Node 0, zone DMA\n pages free 1\n", &l, &err),
			 0);
	ZONE_FAILS(&l, "", "zoneinfo: no zones");
	ZONE_FAILS(&l, "\n \n", "zoneinfo: no zones");
	ZONE_FAILS(&l, "  pages free 1\n", "zoneinfo line 1: expected 'Node N, zone NAME'");
	ZONE_FAILS(&l, "\nNodes 0, zone DMA\n", "zoneinfo line 2: expected 'Node N, zone NAME'");
	/* Block headers. */
	ZONE_FAILS(&l, "Node x, zone DMA\n pages free 1\n", "zoneinfo line 1: bad node number");
	ZONE_FAILS(&l, "Node 0 zone DMA\n pages free 1\n", "zoneinfo line 1: bad node number");
	ZONE_FAILS(&l, "Node -1, zone DMA\n pages free 1\n", "zoneinfo line 1: bad node number");
	ZONE_FAILS(&l, "Node 4294967296, zone DMA\n pages free 1\n",
		   "zoneinfo line 1: bad node number");
	ZONE_FAILS(&l, "Node 0, zones DMA\n pages free 1\n",
		   "zoneinfo line 1: expected 'zone' after the node");
	ZONE_FAILS(&l, "Node 0, zone\n pages free 1\n", "zoneinfo line 1: bad zone name ''");
	ZONE_FAILS(&l, "Node 0, zone ABCDEFGHIJKLMNOPQRSTUVWXYZ012345\n pages free 1\n",
		   "zoneinfo line 1: bad zone name 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'");
	zone_fails(&l, "Node 0, zone D\0A\n pages free 1\n",
		   sizeof("Node 0, zone D\0A\n pages free 1\n") - 1,
		   "zoneinfo line 1: bad zone name 'D'");
	ZONE_FAILS(&l, "Node 0, zone DMA extra\n pages free 1\n",
		   "zoneinfo line 1: trailing data after the zone name");
	/* Our lines' numbers. */
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free 1\n min x\n",
		   "zoneinfo line 3: node 0 zone DMA: bad number after 'min'");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free 1\n managed 5 pages\n",
		   "zoneinfo line 3: node 0 zone DMA: bad number after 'managed'");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free\n",
		   "zoneinfo line 2: node 0 zone DMA: bad number after 'free'");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free 18446744073709551616\n",
		   "zoneinfo line 2: node 0 zone DMA: bad number after 'free'");
	/* A block without "pages free", the last one too (a read cut after its header). */
	ZONE_FAILS(&l, "Node 0, zone DMA\n min 1\nNode 0, zone Normal\n pages free 1\n",
		   "zoneinfo line 1: node 0 zone DMA has no 'pages free'");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free 1\nNode 0, zone Normal\n pages fr",
		   "zoneinfo line 3: node 0 zone Normal has no 'pages free'");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pagesets\n pages free 1\n",
		   "zoneinfo line 1: node 0 zone DMA has no 'pages free'");
	/* Order and uniqueness, which the table index relies on. */
	ZONE_FAILS(&l, "Node 1, zone DMA\n pages free 1\nNode 0, zone DMA\n pages free 1\n",
		   "zoneinfo line 3: node 0 after node 1");
	ZONE_FAILS(&l, "Node 0, zone DMA\n pages free 1\nNode 0, zone DMA\n pages free 1\n",
		   "zoneinfo line 3: node 0 zone DMA twice");
	lw_zone_list_free(&l);
}

/* --- buddyinfo ----------------------------------------------------------------------------- */

/* KiB in blocks of 2^from pages and larger, from the counts. */
static uint64_t blocks_kb(const uint64_t free[11], unsigned from)
{
	uint64_t pages = 0;

	for (unsigned o = from; o < 11; o++)
		pages += free[o] << o;
	return pages * (PAGE / 1024);
}

static void buddyinfo_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_root *w = &roots[r];
		struct lw_buddy_list l;
		struct lw_zone_list zones;
		struct lw_error err;
		size_t len = read_tree(w->tree, "proc/buddyinfo");

		lw_buddy_list_init(&l);
		lw_zone_list_init(&zones);
		assert_int_equal(lw_buddyinfo_parse(buf, len, &l, &err), 0);
		assert_int_equal(l.n, w->nbuddy);
		for (size_t i = 0; i < l.n; i++) {
			assert_int_equal(l.rows[i].node, w->buddy[i].node);
			assert_string_equal(l.rows[i].name, w->buddy[i].name);
			assert_int_equal(l.rows[i].orders, 11);  /* NR_PAGE_ORDERS on x86_64 */
			assert_memory_equal(l.rows[i].free, w->buddy[i].free, sizeof(w->buddy[i].free));
			for (unsigned o = 11; o < LW_BUDDY_ORDERS_MAX; o++)
				assert_int_equal(l.rows[i].free[o], 0);
			for (unsigned o = 0; o <= 11; o++)
				assert_true(lw_buddy_free_kb(&l.rows[i], o, PAGE) ==
					    (o < 11 ? blocks_kb(w->buddy[i].free, o) : 0));
			assert_int_equal(lw_buddy_free_kb(&l.rows[i], 1000, PAGE), 0);
		}

		/* Each line's zone by node and name; free blocks add up to the zone's free pages. */
		len = read_tree(w->tree, "proc/zoneinfo");
		assert_int_equal(lw_zoneinfo_parse(buf, len, &zones, &err), 0);
		for (size_t i = 0; i < l.n; i++) {
			const struct lw_zone *z = lw_buddy_zone(&l.rows[i], &zones);

			assert_non_null(z);
			assert_ptr_equal(z, lw_zone_list_find(&zones, l.rows[i].node, l.rows[i].name));
			if (w->buddy[i].adds_up)
				assert_true(lw_buddy_free_kb(&l.rows[i], 0, PAGE) ==
					    z->pages[LW_ZONE_FREE] * (PAGE / 1024));
		}
		lw_zone_list_free(&zones);
		lw_buddy_list_free(&l);
	}
}

static void buddyinfo_two_nodes(void **state)
{
	struct lw_buddy_list l;
	struct lw_zone_list zones;
	struct lw_error err;
	const struct lw_zone *z;
	size_t len = read_tree(EDGE, "proc/buddyinfo");

	(void)state;
	lw_buddy_list_init(&l);
	lw_zone_list_init(&zones);
	assert_int_equal(lw_buddyinfo_parse(buf, len, &l, &err), 0);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.rows[3].node, 1);
	assert_string_equal(l.rows[3].name, "Normal");
	assert_int_equal(l.rows[3].orders, 11);
	assert_int_equal(l.rows[3].free[0], 7);
	assert_int_equal(l.rows[3].free[2], 12);
	assert_int_equal(l.rows[3].free[10], 15700);
	assert_int_equal(lw_buddy_free_kb(&l.rows[3], 0, PAGE),
			 (7 + 12 * 4 + 1 * 8 + 2 * 512 + 15700 * 1024) * 4);
	assert_int_equal(lw_buddy_free_kb(&l.rows[3], 3, PAGE), (8 + 2 * 512 + 15700 * 1024) * 4);

	/* Node 1's Normal is the 4th buddyinfo line but position 2 of node 1 in zoneinfo. */
	len = read_tree(EDGE, "proc/zoneinfo");
	assert_int_equal(lw_zoneinfo_parse(buf, len, &zones, &err), 0);
	z = lw_buddy_zone(&l.rows[3], &zones);
	assert_ptr_equal(z, &zones.rows[7]);
	assert_int_equal(z->node, 1);
	assert_int_equal(z->position, 2);
	z = lw_buddy_zone(&l.rows[2], &zones);
	assert_int_equal(z->node, 0);
	assert_int_equal(z->pages[LW_ZONE_MANAGED], 15723456);
	/* A zone zoneinfo does not have. */
	strcpy(l.rows[3].name, "HighMem");
	assert_null(lw_buddy_zone(&l.rows[3], &zones));
	lw_zone_list_free(&zones);
	lw_buddy_list_free(&l);
}

static void buddy_free_kb(void **state)
{
	struct lw_buddy b;

	(void)state;
	memset(&b, 0, sizeof(b));
	b.orders = LW_BUDDY_ORDERS_MAX;
	b.free[0] = 3;
	b.free[15] = 1;
	assert_int_equal(lw_buddy_free_kb(&b, 0, 4096), (3 + 32768) * 4);
	assert_int_equal(lw_buddy_free_kb(&b, 15, 65536), 32768 * 64);
	assert_int_equal(lw_buddy_free_kb(&b, 16, 4096), 0);
	/* A page size that is no multiple of 1 KiB is still exact: 3 * 1536 / 1024 = 4.5. */
	b.free[15] = 0;
	assert_int_equal(lw_buddy_free_kb(&b, 0, 1536), 4);
	assert_int_equal(lw_buddy_free_kb(&b, 0, 512), 1);
	assert_int_equal(lw_buddy_free_kb(&b, 0, 0), 0);
	/* Counts beyond the row's orders are ignored. */
	b.orders = 1;
	b.free[5] = 100;
	assert_int_equal(lw_buddy_free_kb(&b, 0, 4096), 12);
	/* Saturation: in the shift, in the sum, and in the KiB; and a KiB figure that fits though
	 * its bytes would not. */
	b.orders = LW_BUDDY_ORDERS_MAX;
	b.free[0] = 0;
	b.free[5] = UINT64_MAX / 16;
	assert_true(lw_buddy_free_kb(&b, 0, 4096) == UINT64_MAX);
	b.free[5] = 0;
	b.free[0] = UINT64_MAX;
	b.free[1] = 1;
	assert_true(lw_buddy_free_kb(&b, 0, 1024) == UINT64_MAX);
	b.free[1] = 0;
	assert_true(lw_buddy_free_kb(&b, 0, 1024) == UINT64_MAX);
	b.free[0] = UINT64_C(1) << 60;
	assert_true(lw_buddy_free_kb(&b, 0, 8192) == UINT64_C(1) << 63);
	assert_true(lw_buddy_free_kb(&b, 0, 1536) == (UINT64_C(1) << 60) + (UINT64_C(1) << 59));
	assert_true(lw_buddy_free_kb(&b, 0, 16384) == UINT64_MAX);
}

static void buddy_fails(struct lw_buddy_list *l, const char *text, size_t len, const char *want)
{
	struct lw_error err;

	assert_int_equal(lw_buddyinfo_parse(text, len, l, &err), -1);
	assert_string_equal(err.text, want);
	assert_int_equal(l->n, 0);
}

#define BUDDY_FAILS(l, text, want) buddy_fails((l), (text), strlen(text), (want))
#define B11 " 1 2 3 4 5 6 7 8 9 10 11\n"

static void buddyinfo_errors(void **state)
{
	struct lw_buddy_list l;
	struct lw_error err;

	(void)state;
	lw_buddy_list_init(&l);
	/* Sixteen orders are the most; blank lines and trailing blanks are fine. */
	assert_int_equal(PARSE_STR(lw_buddyinfo_parse, "\nNode 0, zone DMA 0 1 2 3 4 5 6 7 8 9 10 11 "
				   "12 13 14 15 \n\n", &l, &err), 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.rows[0].orders, 16);
	assert_int_equal(l.rows[0].free[15], 15);
	/* A complete last line without its newline. */
	assert_int_equal(PARSE_STR(lw_buddyinfo_parse, "Node 0, zone DMA 1 2\nNode 0, zone Normal 3 4",
				   &l, &err), 0);
	assert_int_equal(l.n, 2);
	assert_int_equal(l.rows[1].free[1], 4);

	BUDDY_FAILS(&l, "", "buddyinfo: no zones");
	BUDDY_FAILS(&l, " \n\n", "buddyinfo: no zones");
	BUDDY_FAILS(&l, "Node 0, zone DMA\n", "buddyinfo line 1: no free counts");
	BUDDY_FAILS(&l, "Node 0, zone DMA 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n",
		   "buddyinfo line 1: more than 16 orders");
	BUDDY_FAILS(&l, "Node 0, zone DMA 1 2 x 4\n", "buddyinfo line 1: order 2 is not a number");
	BUDDY_FAILS(&l, "Node 0, zone DMA 1 2 3x 4\n", "buddyinfo line 1: order 2 is not a number");
	BUDDY_FAILS(&l, "Node 0, zone DMA 1 -2\n", "buddyinfo line 1: order 1 is not a number");
	BUDDY_FAILS(&l, "Node 0, zone DMA 18446744073709551616\n",
		   "buddyinfo line 1: order 0 is not a number");
	BUDDY_FAILS(&l, "Node 0, zone DMA" B11 "Node 0, zone Normal 1 2 3\n",
		   "buddyinfo line 2: 3 orders, the first line has 11");
	/* A read cut in the last line shows as fewer orders. */
	BUDDY_FAILS(&l, "Node 0, zone DMA" B11 "Node 0, zone Normal 1 2 3",
		   "buddyinfo line 2: 3 orders, the first line has 11 (truncated last line)");
	BUDDY_FAILS(&l, "Node 0, zone DMA" B11 "Node 0, zone Normal 1 2 3 4 x",
		   "buddyinfo line 2: order 4 is not a number (truncated last line)");
	BUDDY_FAILS(&l, "Node 0, zone DMA" B11 "Node 0, zo",
		   "buddyinfo line 2: expected 'zone' after the node");
	/* Starts of lines. */
	BUDDY_FAILS(&l, "Zone 0, node DMA 1\n", "buddyinfo line 1: expected 'Node N, zone NAME'");
	BUDDY_FAILS(&l, "Node 0, zone DMA 1\nnode 0, zone Normal 1\n",
		   "buddyinfo line 2: expected 'Node N, zone NAME'");
	BUDDY_FAILS(&l, "Node a, zone DMA 1\n", "buddyinfo line 1: bad node number");
	BUDDY_FAILS(&l, "Node 0, zone  \n", "buddyinfo line 1: bad zone name ''");
	/* Order and uniqueness. */
	BUDDY_FAILS(&l, "Node 1, zone DMA 1\nNode 0, zone Normal 1\n",
		   "buddyinfo line 2: node 0 after node 1");
	BUDDY_FAILS(&l, "Node 0, zone DMA 1\nNode 0, zone Normal 1\nNode 0, zone DMA 1\n",
		   "buddyinfo line 3: node 0 zone DMA twice");
	buddy_fails(&l, "Node 0, zone DMA 1\0 2\n", sizeof("Node 0, zone DMA 1\0 2\n") - 1,
		    "buddyinfo line 1: order 0 is not a number");
	lw_buddy_list_free(&l);
}

/* --- vmstat -------------------------------------------------------------------------------- */

static void vmstat_fixture(void **state)
{
	(void)state;
	for (size_t r = 0; r < LW_FIXTURE_NKERNELS; r++) {
		const struct want_root *w = &roots[r];
		struct lw_vmstat v;
		struct lw_error err;
		size_t len = read_tree(w->tree, "proc/vmstat");

		assert_int_equal(lw_vmstat_parse(buf, len, &v, &err), 0);
		for (int f = 0; f < LW_VM_COUNT; f++) {
			assert_true(v.v[f] == w->vm[f]);
			assert_int_equal(lw_vmstat_has(&v, (enum lw_vmstat_field)f),
					 !(w->vm_absent & (UINT64_C(1) << f)));
		}
	}
	assert_string_equal(lw_vmstat_name(LW_VM_ALLOCSTALL), "allocstall");
	assert_string_equal(lw_vmstat_name(LW_VM_WORKINGSET_REFAULT), "workingset_refault");
	assert_string_equal(lw_vmstat_name(LW_VM_COUNT), "?");
}

static void vmstat_old_kernel(void **state)
{
	struct lw_vmstat v;
	struct lw_error err;
	size_t len = read_tree(EDGE, "proc/vmstat");

	(void)state;
	assert_int_equal(lw_vmstat_parse(buf, len, &v, &err), 0);
	/* 4.9: one allocstall and one workingset_refault line, no oom_kill yet. */
	assert_int_equal(v.v[LW_VM_ALLOCSTALL], 17);
	assert_int_equal(v.v[LW_VM_WORKINGSET_REFAULT], 4567890);
	assert_false(lw_vmstat_has(&v, LW_VM_OOM_KILL));
	assert_int_equal(v.v[LW_VM_OOM_KILL], 0);
	assert_true(v.v[LW_VM_PGFAULT] == UINT64_C(9876543210));
	assert_int_equal(v.v[LW_VM_PGMAJFAULT], 54321);
	assert_int_equal(v.v[LW_VM_PSWPIN], 1200);
	assert_int_equal(v.v[LW_VM_PSWPOUT], 3400);
	assert_int_equal(v.v[LW_VM_COMPACT_STALL], 23);
	assert_int_equal(v.v[LW_VM_PGSCAN_KSWAPD], 7777777);
	assert_int_equal(v.v[LW_VM_PGSCAN_DIRECT], 88888);
	assert_int_equal(v.v[LW_VM_PGSTEAL_KSWAPD], 5555555);
	assert_int_equal(v.v[LW_VM_PGSTEAL_DIRECT], 66666);
	assert_true(v.present ==
		    (((UINT64_C(1) << LW_VM_COUNT) - 1) & ~(UINT64_C(1) << LW_VM_OOM_KILL)));
}

static void vmstat_sums(void **state)
{
	struct lw_vmstat v, before;
	struct lw_error err;

	(void)state;
	assert_int_equal(PARSE_STR(lw_vmstat_parse,
				   "allocstall_dma 1\nallocstall_dma32 2\nallocstall_normal 4\n"
				   "allocstall_movable 8\nallocstall_device 16\n"
				   "workingset_refault_anon 5\nworkingset_refault_file 6\n"
				   "workingset_refault_anon_extra 1000\nallocstall_x 1000\n",
				   &v, &err), 0);
	assert_int_equal(v.v[LW_VM_ALLOCSTALL], 31);
	assert_int_equal(v.v[LW_VM_WORKINGSET_REFAULT], 11);
	assert_true(v.present == ((UINT64_C(1) << LW_VM_ALLOCSTALL) |
				  (UINT64_C(1) << LW_VM_WORKINGSET_REFAULT)));
	/* One source line is enough for presence. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "allocstall_movable 3\nnr_free_pages 9", &v, &err),
			 0);
	assert_true(lw_vmstat_has(&v, LW_VM_ALLOCSTALL));
	assert_int_equal(v.v[LW_VM_ALLOCSTALL], 3);
	assert_false(lw_vmstat_has(&v, LW_VM_PGFAULT));
	/* A line printed twice counts once, its last value. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "allocstall_normal 4\nallocstall_dma 1\n"
				   "allocstall_normal 5\npgfault 1\npgfault 2\n", &v, &err), 0);
	assert_int_equal(v.v[LW_VM_ALLOCSTALL], 6);
	assert_int_equal(v.v[LW_VM_PGFAULT], 2);
	/* Sums saturate. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "workingset_refault_anon 18446744073709551615\n"
				   "workingset_refault_file 2\n", &v, &err), 0);
	assert_true(v.v[LW_VM_WORKINGSET_REFAULT] == UINT64_MAX);
	/* Blank lines, tabs. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "\n  pgfault\t7 \n\n", &v, &err), 0);
	assert_int_equal(v.v[LW_VM_PGFAULT], 7);

	/* Errors leave *out alone. */
	before = v;
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault 1\npgmajfault x\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 2 (pgmajfault): expected 'name number'");
	assert_memory_equal(&v, &before, sizeof(v));
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 1 (pgfault): expected 'name number'");
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault 1 2\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 1 (pgfault): expected 'name number'");
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault -1\n", &v, &err), -1);
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault 18446744073709551616\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 1 (pgfault): expected 'name number'");
	/* Unknown lines are checked too: the file is one format. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault 1\nnr_foo 1x\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 2 (nr_foo): expected 'name number'");
	/* A read cut inside a name. */
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "pgfault 1\npgmaj", &v, &err), -1);
	assert_string_equal(err.text, "vmstat line 2 (pgmaj): expected 'name number'");
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "", &v, &err), -1);
	assert_string_equal(err.text, "vmstat: no known counter");
	assert_int_equal(PARSE_STR(lw_vmstat_parse, "nr_free_pages 1\npgfaults 2\n", &v, &err), -1);
	assert_string_equal(err.text, "vmstat: no known counter");
	assert_int_equal(PARSE_LIT(lw_vmstat_parse, "pgfault 1\0\n", &v, &err), -1);
	/* "pg\0fault" is not pgfault. */
	assert_int_equal(PARSE_LIT(lw_vmstat_parse, "pg\0fault 1\npswpin 2\n", &v, &err), 0);
	assert_false(lw_vmstat_has(&v, LW_VM_PGFAULT));
	assert_int_equal(v.v[LW_VM_PSWPIN], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(meminfo_kernel_fields),
		cmocka_unit_test(meminfo_names),
		cmocka_unit_test(meminfo_old_kernel),
		cmocka_unit_test(meminfo_unaccounted_edges),
		cmocka_unit_test(slabinfo_fixture),
		cmocka_unit_test(slabinfo_long_name),
		cmocka_unit_test(slabinfo_duplicates),
		cmocka_unit_test(slabinfo_errors),
		cmocka_unit_test(slab_bytes),
		cmocka_unit_test(zoneinfo_fixture),
		cmocka_unit_test(zoneinfo_two_nodes),
		cmocka_unit_test(zoneinfo_lines),
		cmocka_unit_test(zoneinfo_errors),
		cmocka_unit_test(buddyinfo_fixture),
		cmocka_unit_test(buddyinfo_two_nodes),
		cmocka_unit_test(buddy_free_kb),
		cmocka_unit_test(buddyinfo_errors),
		cmocka_unit_test(vmstat_fixture),
		cmocka_unit_test(vmstat_old_kernel),
		cmocka_unit_test(vmstat_sums),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
