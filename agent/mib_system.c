/* mib_system.c: lwSystem scalars: load, memory, file handles, process and thread counts. */
#include "mib_system.h"

#include <stdbool.h>

#include "lw_oids.h"
#include "snmp_values.h"

static const oid system_oid[] = { LW_OID_SYSTEM };
static netsnmp_handler_registration *system_reg;

/* Which collector and meminfo field feed each KiB object, so the switch stays short. */
static const struct kb_object {
	unsigned subid;
	enum lw_meminfo_field field;
} kb_objects[] = {
	{ LW_SYS_MEM_TOTAL, LW_MI_MEM_TOTAL },   { LW_SYS_MEM_FREE, LW_MI_MEM_FREE },
	{ LW_SYS_MEM_AVAILABLE, LW_MI_MEM_AVAILABLE }, { LW_SYS_BUFFERS, LW_MI_BUFFERS },
	{ LW_SYS_CACHED, LW_MI_CACHED },         { LW_SYS_SWAP_TOTAL, LW_MI_SWAP_TOTAL },
	{ LW_SYS_SWAP_FREE, LW_MI_SWAP_FREE },   { LW_SYS_COMMITTED, LW_MI_COMMITTED_AS },
};

static bool answer_meminfo(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	for (size_t i = 0; i < sizeof(kb_objects) / sizeof(kb_objects[0]); i++) {
		if (kb_objects[i].subid != subid)
			continue;
		if (!s->collectors[LW_COL_MEMINFO].ok ||
		    !lw_meminfo_has(&s->sys.meminfo, kb_objects[i].field))
			return false;
		lw_set_counter64(vb, s->sys.meminfo.kb[kb_objects[i].field]);
		return true;
	}
	return false;
}

/* Returns false when the value is not available (its collector failed or never ran). */
static bool answer(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	const struct lw_collector_stats *c = s->collectors;
	const struct lw_system *sys = &s->sys;

	switch (subid) {
	case LW_SYS_LOAD1:
		return c[LW_COL_LOADAVG].ok && (lw_set_gauge(vb, sys->loadavg.load1), true);
	case LW_SYS_LOAD5:
		return c[LW_COL_LOADAVG].ok && (lw_set_gauge(vb, sys->loadavg.load5), true);
	case LW_SYS_LOAD15:
		return c[LW_COL_LOADAVG].ok && (lw_set_gauge(vb, sys->loadavg.load15), true);
	case LW_SYS_THREAD_COUNT:
		return c[LW_COL_LOADAVG].ok && (lw_set_gauge(vb, sys->loadavg.tasks), true);
	case LW_SYS_CPU_COUNT:
		return c[LW_COL_CPUS].ok && (lw_set_gauge(vb, sys->cpus), true);
	case LW_SYS_FILES_ALLOCATED:
		return c[LW_COL_FILENR].ok && (lw_set_counter64(vb, sys->filenr.allocated), true);
	case LW_SYS_FILES_MAX:
		return c[LW_COL_FILENR].ok && (lw_set_counter64(vb, sys->filenr.max), true);
	case LW_SYS_PROCESS_COUNT:
		return c[LW_COL_PROCESSES].ok && (lw_set_gauge(vb, sys->processes), true);
	default:
		return answer_meminfo(vb, subid, s);
	}
}

static int system_scalars(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			  netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_agent *agent = handler->myvoid;

	(void)reg;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* The scalar-group helper has checked the name is lwSystem.<subid>.0. */
		unsigned subid = (unsigned)r->requestvb->name[OID_LENGTH(system_oid)];

		if (agent->current == NULL || !answer(r->requestvb, subid, agent->current))
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
	}
	return SNMP_ERR_NOERROR;
}

int lw_mib_system_register(struct lw_agent *agent)
{
	system_reg = netsnmp_create_handler_registration("lwSystem", system_scalars, system_oid,
							 OID_LENGTH(system_oid), HANDLER_CAN_RONLY);
	if (system_reg == NULL)
		return -1;
	system_reg->handler->myvoid = agent;
	return netsnmp_register_scalar_group(system_reg, LW_SYS_LOAD1, LW_SYS_THREAD_COUNT) ==
			       MIB_REGISTERED_OK
		       ? 0
		       : -1;
}

void lw_mib_system_unregister(void)
{
	if (system_reg != NULL)
		netsnmp_unregister_handler(system_reg);
	system_reg = NULL;
}
