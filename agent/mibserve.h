/* mibserve.h: the one net-snmp registration (lwObjects) that serves the whole mibtree. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MIBSERVE_H
#define LW_MIBSERVE_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agent_ctx.h"

/* Registers agent->mibtree at lwObjects, read-write; NULL when net-snmp refuses it. */
netsnmp_handler_registration *lw_mibserve_register(struct lw_agent *agent);

void lw_mibserve_unregister(netsnmp_handler_registration *reg);

#endif
