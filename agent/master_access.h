/* master_access.h: what a standalone master (-M) serves and to whom: views, communities, SNMPv3 users. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MASTER_ACCESS_H
#define LW_MASTER_ACCESS_H

#include "agent_ctx.h"

/*
 * Before init_agent(): net-snmp's persistent state (snmpEngineBoots, the engine ID) goes to
 * STATE_DIR/snmp, a 0700 directory of its own, and its configuration is read from there only;
 * nothing under /etc/snmp or /var/lib/snmp is read or written. A directory that cannot be made
 * leaves the state volatile (a new engine ID at each start) and says so in the log.
 */
void lw_master_state_setup(const struct lw_agent *agent);

/*
 * Before init_snmp(): the VACM views (lwRead: SNMPv2-MIB's system group and LEAKWATCH-MIB;
 * lwWrite: LEAKWATCH-MIB), one read-only access per rocommunity, the SNMPv3 users with the
 * access and security level of their rouser/rwuser line, the trap sinks, and sysDescr.
 */
void lw_master_access_remember(const struct lw_agent *agent);

/*
 * After init_snmp(): only the configured users remain, none of them is ever written to the
 * persistent state, the new snmpEngineBoots is stored at once; warns when nobody has access and
 * when a world-readable configuration file holds passphrases.
 */
void lw_master_access_started(const struct lw_agent *agent);

#endif
