/* trapsend.h: sends leakwatchd's notifications as SNMPv2 PDUs only, to the master or the sinks. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TRAPSEND_H
#define LW_TRAPSEND_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "config/lw_config.h"

/*
 * A standalone master (-M), after init_snmp(): one SNMPv2c session per trap2sink line. A sink
 * that cannot be opened is logged and left out.
 */
void lw_trapsend_open_sinks(const struct lw_config *cfg);

/*
 * Sends one notification: vars starts with snmpTrapOID.0; sysUpTime.0 is put first. A
 * subagent sends an AgentX Notify on its session to the master (nothing while it has none),
 * a standalone master an SNMPv2-Trap to each sink.
 *
 * net-snmp's send_v2trap() also converts every notification into an SNMPv1 trap, whatever the
 * sinks, and the alarm notifications carry Counter64 values, which SNMPv1 cannot (RFC 3584
 * 3.2): it logged "send_trap: failed to convert v2->v1 template PDU" for each. leakwatchd has
 * no SNMPv1 sink, so it never builds one (leakwatchd(8), NOTES).
 */
void lw_trapsend(const netsnmp_variable_list *vars);

#endif
