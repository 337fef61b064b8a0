#!/bin/sh
# check-mib.sh: LEAKWATCH-MIB lints clean (smilint -l 6: no error, no warning) and net-snmp
# resolves it to the OIDs the agent serves.
# SPDX-License-Identifier: ISC
set -u
top=$(cd "${srcdir:-.}" && pwd)
base=${LW_SHARED_MIBS:-$top/../shared/mibs}
if [ ! -f "$base/SNMPv2-SMI.txt" ]; then
	# An operator's box without the IETF modules: nothing to lint against (automake SKIP).
	echo "base MIBs not found at $base (set LW_SHARED_MIBS); cannot lint LEAKWATCH-MIB"
	exit 77
fi
lint=$(SMIPATH="$top/mibs:$base" smilint -l 6 -s "$top/mibs/LEAKWATCH-MIB.txt" 2>&1)
if [ -n "$lint" ]; then
	echo "smilint -l 6 reports:"
	echo "$lint"
	exit 1
fi
oid=$(MIBDIRS="$top/mibs:$base" snmptranslate -m +LEAKWATCH-MIB -On LEAKWATCH-MIB::lwThreadCount 2>&1)
if [ "$oid" != ".1.3.6.1.4.1.8072.9999.9999.4111.1.2.16" ]; then
	echo "snmptranslate: lwThreadCount is '$oid', not the agent's .1.3.6.1.4.1.8072.9999.9999.4111.1.2.16"
	exit 1
fi
# The OID the agent registers (agent/lw_oids.h) is the MIB's module identity.
root=$(sed -n 's/^#define LW_MIB_ROOT //p' "$top/agent/lw_oids.h" | tr -d ' ' | tr ',' '.')
mib=$(MIBDIRS="$top/mibs:$base" snmptranslate -m +LEAKWATCH-MIB -On LEAKWATCH-MIB::leakwatchMIB 2>&1)
if [ ".$root" != "$mib" ]; then
	echo "agent/lw_oids.h root .$root differs from the MIB's leakwatchMIB $mib"
	exit 1
fi
echo "LEAKWATCH-MIB: smilint -l 6 clean, leakwatchMIB = $mib as the agent registers it"
