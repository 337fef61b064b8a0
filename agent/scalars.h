/* scalars.h: scalars registered one object at a time, so they never overlap a sibling table. */
#ifndef LW_SCALARS_H
#define LW_SCALARS_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent_ctx.h"

#define LW_SCALARS_MAX 16

/* Sets vb for base.subid.0 from the served state; -1 for noSuchInstance. */
typedef int lw_scalar_value_fn(const struct lw_agent *agent, unsigned subid,
			       netsnmp_variable_list *vb);

struct lw_scalars {
	netsnmp_handler_registration *regs[LW_SCALARS_MAX];
	size_t n;
	lw_scalar_value_fn *value;
	size_t base_len;
};

/*
 * Registers base.first .. base.last as scalars. One registration per object rather than a
 * scalar group: a group would span base's tables too, and an AgentX master rejects the split
 * subtree as a duplicate registration.
 */
int lw_scalars_register(struct lw_scalars *s, const char *name, const oid *base, size_t base_len,
			unsigned first, unsigned last, lw_scalar_value_fn *value,
			struct lw_agent *agent);

void lw_scalars_unregister(struct lw_scalars *s);

#endif
