/* alarm_oids.h: the instance an alarm is about, and its notifications' sub-identifiers. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ALARM_OIDS_H
#define LW_ALARM_OIDS_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "detect/alarms.h"

/* Writes the instance OID of the value an alarm watches into out; returns its length (0 when
 * the type is unknown). */
size_t lw_alarm_object_oid(const struct lw_alarm *a, oid *out, size_t cap);

/* The sub-identifier under lwNotifications of an alarm's raise or clear. */
static inline oid lw_alarm_notification(const struct lw_alarm *a, bool raise)
{
	return (oid)(2u * a->type + (raise ? 1u : 2u));
}

#endif
