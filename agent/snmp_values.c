/* snmp_values.c: encodes C values into SNMP varbinds with the SMI type the MIB declares. */
/* SPDX-License-Identifier: ISC */
#include "snmp_values.h"

#include <string.h>

#include <arpa/inet.h>

#include "base/dateandtime.h"

void lw_set_gauge(netsnmp_variable_list *vb, uint64_t v)
{
	/* Gauge32 latches at its maximum by definition (RFC 2578). */
	snmp_set_var_typed_integer(vb, ASN_GAUGE, (long)(v > UINT32_MAX ? UINT32_MAX : v));
}

void lw_set_unsigned(netsnmp_variable_list *vb, uint32_t v)
{
	snmp_set_var_typed_integer(vb, ASN_UNSIGNED, (long)v);
}

void lw_set_counter32(netsnmp_variable_list *vb, uint32_t v)
{
	snmp_set_var_typed_integer(vb, ASN_COUNTER, (long)v);
}

void lw_set_counter64(netsnmp_variable_list *vb, uint64_t v)
{
	struct counter64 c = { .high = (u_long)(v >> 32), .low = (u_long)(v & 0xffffffffu) };

	snmp_set_var_typed_value(vb, ASN_COUNTER64, &c, sizeof(c));
}

void lw_set_integer(netsnmp_variable_list *vb, int64_t v)
{
	if (v > INT32_MAX)
		v = INT32_MAX;
	if (v < INT32_MIN)
		v = INT32_MIN;
	snmp_set_var_typed_integer(vb, ASN_INTEGER, (long)v);
}

void lw_set_leak_state(netsnmp_variable_list *vb, uint8_t state)
{
	snmp_set_var_typed_integer(vb, ASN_INTEGER, state ? state : 1);
}

void lw_set_forecast(netsnmp_variable_list *vb, uint64_t seconds)
{
	lw_set_unsigned(vb, seconds > UINT32_MAX ? 0 : (uint32_t)seconds);
}

void lw_set_string(netsnmp_variable_list *vb, const char *s)
{
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, s, strlen(s));
}

void lw_set_unixtime(netsnmp_variable_list *vb, time_t seconds)
{
	lw_set_unsigned(vb, seconds <= 0 ? 0 : (uint64_t)seconds > UINT32_MAX ? UINT32_MAX
									  : (uint32_t)seconds);
}

void lw_set_addr_text(netsnmp_variable_list *vb, int family, const void *addr)
{
	char text[INET6_ADDRSTRLEN];

	if (inet_ntop(family, addr, text, sizeof(text)) == NULL)
		text[0] = '\0';
	lw_set_string(vb, text);
}

void lw_set_dateandtime(netsnmp_variable_list *vb, const struct timespec *t)
{
	uint8_t buf[LW_DATEANDTIME_LEN];

	lw_dateandtime_encode(t, buf);
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, buf, sizeof(buf));
}

const char *lw_oid_text(const oid *name, size_t len, char *buf, size_t cap)
{
	size_t used = 0;

	if (cap == 0)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < len && used < cap; i++) {
		int n = snprintf(buf + used, cap - used, "%s%lu", i ? "." : "", (unsigned long)name[i]);

		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}
