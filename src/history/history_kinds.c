/* history_kinds.c: the widths and counters of each kind of series, and the system fields' stored names. */
/* SPDX-License-Identifier: ISC */
#include "history/history_kinds.h"

#include <stddef.h>
#include <string.h>

/* Stored names of the system fields: never renamed, a file outlives the code that wrote it. */
static const char *const sys_names[LW_HSYS_COUNT] = {
	[LW_HSYS_MEM_TOTAL_KB] = "mem_total_kb",
	[LW_HSYS_MEM_AVAILABLE_KB] = "mem_available_kb",
	[LW_HSYS_MEM_FREE_KB] = "mem_free_kb",
	[LW_HSYS_SLAB_KB] = "slab_kb",
	[LW_HSYS_SUNRECLAIM_KB] = "sunreclaim_kb",
	[LW_HSYS_LOAD1] = "load1_hundredths",
	[LW_HSYS_FILES_ALLOCATED] = "files_allocated",
	[LW_HSYS_TCP_INUSE] = "tcp_inuse",
	[LW_HSYS_TCP_ORPHANS] = "tcp_orphans",
	[LW_HSYS_TCP_TIME_WAIT] = "tcp_tw",
	[LW_HSYS_TCP_MEM_PAGES] = "tcp_mem_pages",
	[LW_HSYS_TCP_ESTABLISHED] = "tcp_established",
	[LW_HSYS_TCP_SYN_RECV] = "tcp_syn_recv",
	[LW_HSYS_TCP_CLOSE_WAIT] = "tcp_close_wait",
	[LW_HSYS_TCP_TIME_WAIT_SOCKETS] = "tcp_time_wait_sockets",
	/* schema version 2 */
	[LW_HSYS_BUFFERS_KB] = "buffers_kb",
	[LW_HSYS_CACHED_KB] = "cached_kb",
	[LW_HSYS_SWAP_TOTAL_KB] = "swap_total_kb",
	[LW_HSYS_SWAP_FREE_KB] = "swap_free_kb",
	[LW_HSYS_SHMEM_KB] = "shmem_kb",
	[LW_HSYS_SRECLAIMABLE_KB] = "sreclaimable_kb",
	[LW_HSYS_KERNEL_STACK_KB] = "kernel_stack_kb",
	[LW_HSYS_PAGE_TABLES_KB] = "page_tables_kb",
	[LW_HSYS_VMALLOC_USED_KB] = "vmalloc_used_kb",
	[LW_HSYS_COMMITTED_AS_KB] = "committed_as_kb",
	[LW_HSYS_ANON_PAGES_KB] = "anon_pages_kb",
	[LW_HSYS_SOCKETS_USED] = "sockets_used",
	[LW_HSYS_TCP_ALLOC] = "tcp_alloc",
	[LW_HSYS_UDP_INUSE] = "udp_inuse",
	[LW_HSYS_UDP_MEM_PAGES] = "udp_mem_pages",
	[LW_HSYS_TCP_MEM_MIN_PAGES] = "tcp_mem_min_pages",
	[LW_HSYS_TCP_MEM_PRESSURE_PAGES] = "tcp_mem_pressure_pages",
	[LW_HSYS_TCP_MEM_MAX_PAGES] = "tcp_mem_max_pages",
	[LW_HSYS_TCP_MAX_ORPHANS] = "tcp_max_orphans",
	[LW_HSYS_TCP_SYN_SENT] = "tcp_syn_sent",
	[LW_HSYS_TCP_FIN_WAIT1] = "tcp_fin_wait1",
	[LW_HSYS_TCP_FIN_WAIT2] = "tcp_fin_wait2",
	[LW_HSYS_TCP_CLOSE] = "tcp_close",
	[LW_HSYS_TCP_LAST_ACK] = "tcp_last_ack",
	[LW_HSYS_TCP_LISTEN] = "tcp_listen",
	[LW_HSYS_TCP_CLOSING] = "tcp_closing",
	[LW_HSYS_FILES_MAX] = "files_max",
	[LW_HSYS_BUDDY_HIGH_ORDER_FREE_KB] = "buddy_high_order_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 0] = "buddy_order0_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 1] = "buddy_order1_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 2] = "buddy_order2_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 3] = "buddy_order3_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 4] = "buddy_order4_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 5] = "buddy_order5_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 6] = "buddy_order6_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 7] = "buddy_order7_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 8] = "buddy_order8_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 9] = "buddy_order9_free_kb",
	[LW_HSYS_BUDDY_ORDER0_FREE_KB + 10] = "buddy_order10_free_kb",
};

_Static_assert(LW_HSYS_COUNT <= 64, "struct lw_history_cycle's sys_present has 64 bits");

const char *lw_hsys_name(int field)
{
	return field >= 0 && field < LW_HSYS_COUNT ? sys_names[field] : NULL;
}

int lw_hsys_field(const char *name)
{
	for (int f = 0; f < LW_HSYS_COUNT; f++)
		if (sys_names[f] != NULL && strcmp(sys_names[f], name) == 0)
			return f;
	return -1;
}

unsigned lw_hkind_width(int kind)
{
	switch (kind) {
	case LW_HK_PROC: return 5;
	case LW_HK_GROUP: return 3;
	case LW_HK_SLAB: return 2;
	case LW_HK_MCAST: return 4;
	case LW_HK_SYS: return 1;
	case LW_HK_PROC_EXT: return 4;
	case LW_HK_MCAST_GROUP: return 2;
	default: return 0;
	}
}

uint32_t lw_hkind_counters(int kind)
{
	switch (kind) {
	case LW_HK_PROC: return 1u << 4;                 /* cpu_ticks */
	case LW_HK_MCAST: return (1u << 0) | (1u << 1);  /* packets, octets */
	default: return 0;
	}
}

uint32_t lw_hkind_unknowable(int kind)
{
	switch (kind) {
	case LW_HK_PROC: return 1u << 3;   /* fds */
	case LW_HK_GROUP: return 1u << 1;  /* fds */
	case LW_HK_PROC_EXT: return 1u << 1;  /* sockets */
	default: return 0;
	}
}

uint32_t lw_hwin_unstored(int kind)
{
	uint32_t counters = lw_hkind_counters(kind), mask = 0;

	for (unsigned i = 0; i < LW_HFULL_WIDTH; i++)
		if (counters & (1u << i))
			mask |= (1u << (1 + 3 * i)) | (1u << (3 + 3 * i));
	return mask;
}
