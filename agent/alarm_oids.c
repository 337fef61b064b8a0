/* alarm_oids.c: the OID of the value an alarm is about (its lwAlarmObjectId). */
/* SPDX-License-Identifier: ISC */
#include "alarm_oids.h"

#include <string.h>

#include "lw_oids.h"
#include "mib_groups.h"

size_t lw_alarm_object_oid(const struct lw_alarm *a, oid *out, size_t cap)
{
	static const oid proc[] = { LW_OID_PROC_ENTRY };
	static const oid group[] = { LW_OID_PROC_GROUP_ENTRY };
	static const oid slab[] = { LW_OID_SLAB_ENTRY };
	static const oid limits[] = { LW_OID_TCP_LIMITS };
	static const oid mcast[] = { LW_OID_MCAST_IF_ENTRY };
	static const oid sys[] = { LW_OID_SYSTEM };
	static const oid kmem[] = { LW_OID_KERNEL_MEMORY };
	const oid *base;
	size_t len;
	oid column, instance = a->instance;

	switch (a->type) {
	case LW_ALARM_PROC_MEM_LEAK: base = proc, len = OID_LENGTH(proc), column = LW_PROC_RSS; break;
	case LW_ALARM_PROC_FD_LEAK: base = proc, len = OID_LENGTH(proc), column = LW_PROC_FDS; break;
	case LW_ALARM_SLAB_LEAK:
		base = slab, len = OID_LENGTH(slab), column = LW_SLAB_TOTAL_KB;
		break;
	case LW_ALARM_TCP_ORPHANS:
		base = limits, len = OID_LENGTH(limits), column = LW_TCP_ORPHAN_PERCENT;
		instance = 0;
		break;
	case LW_ALARM_TCP_MEM:
		base = limits, len = OID_LENGTH(limits), column = LW_TCP_MEM_MAX_PERCENT;
		instance = 0;
		break;
	case LW_ALARM_MCAST_RATE:
		base = mcast, len = OID_LENGTH(mcast), column = LW_MCAST_IF_PPS10;
		break;
	case LW_ALARM_LOAD: base = sys, len = OID_LENGTH(sys), column = LW_SYS_LOAD1, instance = 0; break;
	case LW_ALARM_GROUP_MEM_LEAK:
		base = group, len = OID_LENGTH(group), column = LW_GROUP_RSS;
		break;
	case LW_ALARM_KERNEL_MEM_LEAK:
		/* instance 1: SUnreclaim grows; 2: MemAvailable falls (lw_trend_id + 1). */
		if (a->instance == 1)
			base = kmem, len = OID_LENGTH(kmem), column = LW_KMEM_SUNRECLAIM;
		else
			base = sys, len = OID_LENGTH(sys), column = LW_SYS_MEM_AVAILABLE;
		instance = 0;
		break;
	default:
		return 0;
	}
	if (len + 2 > cap)
		return 0;
	memcpy(out, base, len * sizeof(oid));
	out[len] = column;
	out[len + 1] = instance;
	return len + 2;
}
