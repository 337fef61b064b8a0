/* history_kinds.c: the widths and counters of each kind of series, and the system fields' stored names. */
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
};

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
