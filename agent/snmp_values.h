/* snmp_values.h: typed answers for handlers, so every handler encodes values the same way. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SNMP_VALUES_H
#define LW_SNMP_VALUES_H

#include <stdint.h>
#include <time.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

void lw_set_gauge(netsnmp_variable_list *vb, uint64_t v);     /* saturates at 2^32-1 */
void lw_set_unsigned(netsnmp_variable_list *vb, uint32_t v);
void lw_set_counter32(netsnmp_variable_list *vb, uint32_t v);
void lw_set_counter64(netsnmp_variable_list *vb, uint64_t v); /* Counter64 and CounterBasedGauge64 */
void lw_set_string(netsnmp_variable_list *vb, const char *s);
void lw_set_integer(netsnmp_variable_list *vb, int64_t v);    /* Integer32, saturating */
/* LwLeakState: a row the detector has not judged yet is learning(1). */
void lw_set_leak_state(netsnmp_variable_list *vb, uint8_t state);
/* A forecast in seconds as Unsigned32: beyond its range it is "none" (0), not a wrong value. */
void lw_set_forecast(netsnmp_variable_list *vb, uint64_t seconds);
void lw_set_dateandtime(netsnmp_variable_list *vb, const struct timespec *t);
/* The Unix-time twin of a DateAndTime: Unsigned32 seconds, 0 for none (before 1970). */
void lw_set_unixtime(netsnmp_variable_list *vb, time_t seconds);
/* An address as text: dotted decimal, or RFC 5952 for IPv6 (inet_ntop gives that form). */
void lw_set_addr_text(netsnmp_variable_list *vb, int family, const void *addr);

/* name as dotted decimals ("1.3.6.1..."), cut at cap; for logs and configuration lines. */
const char *lw_oid_text(const oid *name, size_t len, char *buf, size_t cap);

#endif
