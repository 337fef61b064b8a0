/* mib_tcp.c: lwTcpStateTable, lwTcpTopRemoteTable, lwTcpPortStateTable, lwTcp scalars and groups. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdint.h>
#include <stdio.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* The served TCP table, or NULL while the tcp collector's last run failed. */
static const struct lw_tcp_table *tcp_of(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_TCP);

	return s != NULL ? &s->tcp : NULL;
}

/* The labels of the MIB's LwTcpConnState, by value: what lwTcpStateName and
 * lwTcpTopRemoteStateName show an NMS that names instances with text. */
static const char *const state_names[LW_TCP_STATE_MAX + 1] = {
	[LW_TCP_CLOSED] = "closed",           [LW_TCP_LISTEN] = "listen",
	[LW_TCP_SYN_SENT] = "synSent",        [LW_TCP_SYN_RECEIVED] = "synReceived",
	[LW_TCP_ESTABLISHED] = "established", [LW_TCP_FIN_WAIT1] = "finWait1",
	[LW_TCP_FIN_WAIT2] = "finWait2",      [LW_TCP_CLOSE_WAIT] = "closeWait",
	[LW_TCP_LAST_ACK] = "lastAck",        [LW_TCP_CLOSING] = "closing",
	[LW_TCP_TIME_WAIT] = "timeWait",
};

/* --- lwTcpStateTable: a row's data is the state's counts { IPv4, IPv6 } --- */

#define STATE_VALUE(fn, expr)                                                                   \
	LW_VALUE_FN(fn, const uint64_t *c = row, false, lw_set_gauge(vb, expr))

STATE_VALUE(state_count, c[0] + c[1])
STATE_VALUE(state_count_v4, c[0])
STATE_VALUE(state_count_v6, c[1])

/* The row is t->count[state]: its position in that array is the state. */
static bool state_name(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	const struct lw_tcp_table *t = tcp_of(agent);
	ptrdiff_t s = t ? (const uint64_t(*)[2])row - t->count : 0;

	if (s < 1 || s > LW_TCP_STATE_MAX)
		return false;
	lw_set_string(vb, state_names[s]);
	return true;
}

static const struct lw_object state_columns[] = {
	{ 2, ASN_GAUGE, LW_READ_ONLY, state_count, NULL, "lwTcpStateCount" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, state_count_v4, NULL, "lwTcpStateCountV4" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, state_count_v6, NULL, "lwTcpStateCountV6" },
	{ 5, ASN_OCTET_STR, LW_READ_ONLY, state_name, NULL, "lwTcpStateName" },
};

/* Every state while the collector works; no rows at all while it fails (a walk shows the
 * table empty, not stale). */
static int load_states(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_tcp_table *t = tcp_of(agent);

	if (lw_table_rows_alloc(out, t ? LW_TCP_STATE_MAX : 0, 1))
		return -1;
	for (size_t s = 1; t != NULL && s <= LW_TCP_STATE_MAX; s++)
		lw_table_rows_push(out, 1, 1, t->count[s])[0] = s;
	return 0;
}

static struct lw_table state_table =
	LW_TABLE("lwTcpStateTable", LW_OID_TCP_STATE_ENTRY, state_columns, load_states);

/* --- lwTcpTopRemoteTable: (state, rank), a row's data is its struct lw_topk_entry --- */

#define REMOTE_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_topk_entry *e = row, false, set)

REMOTE_VALUE(remote_addr_type, snmp_set_var_typed_integer(vb, ASN_INTEGER, e->addr.family))
REMOTE_VALUE(remote_addr, snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->addr.bytes,
						   e->addr.family == LW_ADDR_IPV6 ? 16 : 4))
REMOTE_VALUE(remote_count, lw_set_gauge(vb, e->count))
REMOTE_VALUE(remote_error, lw_set_gauge(vb, e->error))
REMOTE_VALUE(remote_addr_text,
	     lw_set_addr_text(vb, e->addr.family == LW_ADDR_IPV6 ? AF_INET6 : AF_INET, e->addr.bytes))

/* The row is &t->top[state][i]: its position in that array gives the state. */
static bool remote_state_name(netsnmp_variable_list *vb, const void *row,
			      const struct lw_agent *agent)
{
	const struct lw_tcp_table *t = tcp_of(agent);
	ptrdiff_t s = t ? ((const struct lw_topk_entry *)row - &t->top[0][0]) / LW_TCP_TOP_MAX : 0;

	if (s < 1 || s > LW_TCP_STATE_MAX)
		return false;
	lw_set_string(vb, state_names[s]);
	return true;
}

static const struct lw_object remote_columns[] = {
	{ 3, ASN_INTEGER, LW_READ_ONLY, remote_addr_type, NULL, "lwTcpTopRemoteAddrType" },
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, remote_addr, NULL, "lwTcpTopRemoteAddr" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, remote_count, NULL, "lwTcpTopRemoteCount" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, remote_error, NULL, "lwTcpTopRemoteError" },
	{ 7, ASN_OCTET_STR, LW_READ_ONLY, remote_state_name, NULL, "lwTcpTopRemoteStateName" },
	{ 8, ASN_OCTET_STR, LW_READ_ONLY, remote_addr_text, NULL, "lwTcpTopRemoteAddrText" },
};

/* State s's rank r is entry r-1 of top[s]. */
static int load_remotes(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_tcp_table *t = tcp_of(agent);
	size_t n = 0;

	for (int s = 1; t != NULL && s <= LW_TCP_STATE_MAX; s++)
		n += t->ntop[s];
	if (lw_table_rows_alloc(out, n, 2))
		return -1;
	for (int s = 1; t != NULL && s <= LW_TCP_STATE_MAX; s++)
		for (size_t i = 0; i < t->ntop[s]; i++) {
			oid *index = lw_table_rows_push(out, 2, 2, &t->top[s][i]);

			index[0] = (oid)s;
			index[1] = i + 1;
		}
	return 0;
}

static struct lw_table remote_table =
	LW_TABLE("lwTcpTopRemoteTable", LW_OID_TCP_TOP_REMOTE_ENTRY, remote_columns, load_remotes);

/* --- lwTcpPortStateTable: a row's data is its struct lw_tcp_port_row --- */

#define PORT_VALUE(fn, state)                                                                   \
	LW_VALUE_FN(fn, const struct lw_tcp_port_row *p = row, false,                           \
		    lw_set_gauge(vb, p->count[state]))

PORT_VALUE(port_listen, LW_TCP_LISTEN)
PORT_VALUE(port_syn_received, LW_TCP_SYN_RECEIVED)
PORT_VALUE(port_established, LW_TCP_ESTABLISHED)
PORT_VALUE(port_fin_wait1, LW_TCP_FIN_WAIT1)
PORT_VALUE(port_fin_wait2, LW_TCP_FIN_WAIT2)
PORT_VALUE(port_close_wait, LW_TCP_CLOSE_WAIT)
PORT_VALUE(port_last_ack, LW_TCP_LAST_ACK)
PORT_VALUE(port_closing, LW_TCP_CLOSING)
PORT_VALUE(port_time_wait, LW_TCP_TIME_WAIT)

static bool port_text(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	char text[8];

	(void)agent;
	snprintf(text, sizeof(text), "%u", (unsigned)((const struct lw_tcp_port_row *)row)->port);
	lw_set_string(vb, text);
	return true;
}

static const struct lw_object port_columns[] = {
	{ 2, ASN_GAUGE, LW_READ_ONLY, port_listen, NULL, "lwTcpPortStateListen" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, port_syn_received, NULL, "lwTcpPortStateSynReceived" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, port_established, NULL, "lwTcpPortStateEstablished" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, port_fin_wait1, NULL, "lwTcpPortStateFinWait1" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, port_fin_wait2, NULL, "lwTcpPortStateFinWait2" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, port_close_wait, NULL, "lwTcpPortStateCloseWait" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, port_last_ack, NULL, "lwTcpPortStateLastAck" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, port_closing, NULL, "lwTcpPortStateClosing" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, port_time_wait, NULL, "lwTcpPortStateTimeWait" },
	{ 11, ASN_OCTET_STR, LW_READ_ONLY, port_text, NULL, "lwTcpPortStatePortText" },
};

static int load_ports(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_tcp_table *t = tcp_of(agent);
	size_t n = t ? t->nports : 0;

	if (lw_table_rows_alloc(out, n, 1))
		return -1;
	for (size_t i = 0; i < n; i++)
		lw_table_rows_push(out, 1, 1, &t->ports[i])[0] = t->ports[i].port;
	return 0;
}

static struct lw_table port_table =
	LW_TABLE("lwTcpPortStateTable", LW_OID_TCP_PORT_STATE_ENTRY, port_columns, load_ports);

/* --- lwTcp scalars --- */

#define TCP_VALUE(fn, set)                                                                      \
	LW_VALUE_FN(fn, const struct lw_tcp_table *t = tcp_of(agent), t == NULL, set)

TCP_VALUE(tcp_sockets, lw_set_gauge(vb, t->sockets))
TCP_VALUE(tcp_top_n, lw_set_unsigned(vb, t->top_n))
TCP_VALUE(tcp_port_rows, lw_set_gauge(vb, t->nports))
TCP_VALUE(tcp_port_dropped, lw_set_gauge(vb, t->ports_dropped))

/* The configured cap: served even while the collector fails. */
static bool tcp_port_max_rows(netsnmp_variable_list *vb, const void *row,
			      const struct lw_agent *agent)
{
	(void)row;
	lw_set_unsigned(vb, agent->cfg->tcp.max_ports);
	return true;
}

static const struct lw_object tcp_objects[] = {
	{ 4, ASN_GAUGE, LW_READ_ONLY, tcp_sockets, NULL, "lwTcpSockets" },
	{ 5, ASN_UNSIGNED, LW_READ_ONLY, tcp_top_n, NULL, "lwTcpTopN" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, tcp_port_rows, NULL, "lwTcpPortRows" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, tcp_port_dropped, NULL, "lwTcpPortDropped" },
	{ 8, ASN_UNSIGNED, LW_READ_ONLY, tcp_port_max_rows, NULL, "lwTcpPortMaxRows" },
};

static struct lw_scalar_group tcp_group =
	LW_SCALAR_GROUP("lwTcp", LW_OID_TCP, tcp_objects, NULL);

/* --- lwSockstat: /proc/net/sockstat{,6} --- */

static const struct lw_sockstat *sockstat(const struct lw_agent *agent, enum lw_sockstat_field f)
{
	const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_SOCKSTAT);

	if (s == NULL || !lw_sockstat_has(&s->sys.sock.sockstat, f))
		return NULL;
	return &s->sys.sock.sockstat;
}

/* Page and byte figures are CounterBasedGauge64: tcp_mem is a long, memory may pass 4 GiB. */
#define SOCKSTAT_VALUE(fn, field, set)                                                          \
	LW_VALUE_FN(fn, const struct lw_sockstat *ss = sockstat(agent, field), ss == NULL,      \
		    set(vb, ss->v[field]))

SOCKSTAT_VALUE(ss_sockets_used, LW_SS_SOCKETS_USED, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp_inuse, LW_SS_TCP_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp_orphan, LW_SS_TCP_ORPHAN, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp_tw, LW_SS_TCP_TW, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp_alloc, LW_SS_TCP_ALLOC, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp_mem, LW_SS_TCP_MEM, lw_set_gauge)
SOCKSTAT_VALUE(ss_udp_inuse, LW_SS_UDP_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_udp_mem, LW_SS_UDP_MEM, lw_set_gauge)
SOCKSTAT_VALUE(ss_udplite_inuse, LW_SS_UDPLITE_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_raw_inuse, LW_SS_RAW_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_frag_inuse, LW_SS_FRAG_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_frag_memory, LW_SS_FRAG_MEMORY, lw_set_gauge)
SOCKSTAT_VALUE(ss_tcp6_inuse, LW_SS_TCP6_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_udp6_inuse, LW_SS_UDP6_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_udplite6_inuse, LW_SS_UDPLITE6_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_raw6_inuse, LW_SS_RAW6_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_frag6_inuse, LW_SS_FRAG6_INUSE, lw_set_gauge)
SOCKSTAT_VALUE(ss_frag6_memory, LW_SS_FRAG6_MEMORY, lw_set_gauge)

static const struct lw_object sockstat_objects[] = {
	{ 1, ASN_GAUGE, LW_READ_ONLY, ss_sockets_used, NULL, "lwSockstatSocketsUsed" },
	{ 2, ASN_GAUGE, LW_READ_ONLY, ss_tcp_inuse, NULL, "lwSockstatTcpInUse" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, ss_tcp_orphan, NULL, "lwSockstatTcpOrphan" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, ss_tcp_tw, NULL, "lwSockstatTcpTimeWait" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, ss_tcp_alloc, NULL, "lwSockstatTcpAlloc" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, ss_tcp_mem, NULL, "lwSockstatTcpMemPages" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, ss_udp_inuse, NULL, "lwSockstatUdpInUse" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, ss_udp_mem, NULL, "lwSockstatUdpMemPages" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, ss_udplite_inuse, NULL, "lwSockstatUdpLiteInUse" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, ss_raw_inuse, NULL, "lwSockstatRawInUse" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, ss_frag_inuse, NULL, "lwSockstatFragInUse" },
	{ 12, ASN_GAUGE, LW_READ_ONLY, ss_frag_memory, NULL, "lwSockstatFragMemory" },
	{ 13, ASN_GAUGE, LW_READ_ONLY, ss_tcp6_inuse, NULL, "lwSockstatTcp6InUse" },
	{ 14, ASN_GAUGE, LW_READ_ONLY, ss_udp6_inuse, NULL, "lwSockstatUdp6InUse" },
	{ 15, ASN_GAUGE, LW_READ_ONLY, ss_udplite6_inuse, NULL, "lwSockstatUdpLite6InUse" },
	{ 16, ASN_GAUGE, LW_READ_ONLY, ss_raw6_inuse, NULL, "lwSockstatRaw6InUse" },
	{ 17, ASN_GAUGE, LW_READ_ONLY, ss_frag6_inuse, NULL, "lwSockstatFrag6InUse" },
	{ 18, ASN_GAUGE, LW_READ_ONLY, ss_frag6_memory, NULL, "lwSockstatFrag6Memory" },
};

static struct lw_scalar_group sockstat_group =
	LW_SCALAR_GROUP("lwSockstat", LW_OID_SOCKSTAT, sockstat_objects, NULL);

/* --- lwTcpLimits: the five sysctl limits, then four percentages of them --- */

static const struct lw_tcp_limits *limits(const struct lw_agent *agent, enum lw_tcp_limit f)
{
	const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_TCP_LIMITS);

	if (s == NULL || !lw_tcp_limits_has(&s->sys.sock.limits, f))
		return NULL;
	return &s->sys.sock.limits;
}

#define LIMIT_VALUE(fn, field, set)                                                             \
	LW_VALUE_FN(fn, const struct lw_tcp_limits *l = limits(agent, field), l == NULL,        \
		    set(vb, l->v[field]))

LIMIT_VALUE(mem_min, LW_TL_MEM_MIN, lw_set_gauge)
LIMIT_VALUE(mem_pressure, LW_TL_MEM_PRESSURE, lw_set_gauge)
LIMIT_VALUE(mem_max, LW_TL_MEM_MAX, lw_set_gauge)
LIMIT_VALUE(max_orphans, LW_TL_MAX_ORPHANS, lw_set_gauge)
LIMIT_VALUE(max_tw_buckets, LW_TL_MAX_TW_BUCKETS, lw_set_gauge)

/* Known only from this snapshot's successful sockstat and tcp-limits runs. */
#define PERCENT_VALUE(fn, field)                                                                \
	LW_VALUE_FN(fn, const struct lw_snapshot *s = agent->current,                           \
		    s == NULL || !lw_sockmem_pct_known(&s->sys.sock.pct, field),                \
		    lw_set_gauge(vb, s->sys.sock.pct.v[field]))

PERCENT_VALUE(orphan_percent, LW_PCT_TCP_ORPHAN)
PERCENT_VALUE(mem_pressure_percent, LW_PCT_TCP_MEM_PRESSURE)
PERCENT_VALUE(mem_max_percent, LW_PCT_TCP_MEM_MAX)
PERCENT_VALUE(tw_percent, LW_PCT_TCP_TW)

static const struct lw_object limits_objects[] = {
	{ 1, ASN_GAUGE, LW_READ_ONLY, mem_min, NULL, "lwTcpMemMinPages" },
	{ 2, ASN_GAUGE, LW_READ_ONLY, mem_pressure, NULL, "lwTcpMemPressurePages" },
	{ 3, ASN_GAUGE, LW_READ_ONLY, mem_max, NULL, "lwTcpMemMaxPages" },
	{ 4, ASN_GAUGE, LW_READ_ONLY, max_orphans, NULL, "lwTcpMaxOrphans" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, max_tw_buckets, NULL, "lwTcpMaxTwBuckets" },
	{ LW_TCP_ORPHAN_PERCENT, ASN_GAUGE, LW_READ_ONLY, orphan_percent, NULL,
	  "lwTcpOrphanPercent" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, mem_pressure_percent, NULL, "lwTcpMemPressurePercent" },
	{ LW_TCP_MEM_MAX_PERCENT, ASN_GAUGE, LW_READ_ONLY, mem_max_percent, NULL,
	  "lwTcpMemMaxPercent" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, tw_percent, NULL, "lwTcpTwPercent" },
};

static struct lw_scalar_group limits_group =
	LW_SCALAR_GROUP("lwTcpLimits", LW_OID_TCP_LIMITS, limits_objects, NULL);

/* --- lwTcpCounters: /proc/net/snmp and netstat --- */

#define NETSTAT_VALUE(fn, field, set)                                                           \
	LW_VALUE_FN(fn,                                                                         \
		    const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_TCP_COUNTERS),  \
		    s == NULL || !lw_netstat_has(&s->sys.sock.counters, field),                 \
		    set(vb, s->sys.sock.counters.v[field]))
#define COUNTER_VALUE(fn, field) NETSTAT_VALUE(fn, field, lw_set_counter64)

COUNTER_VALUE(active_opens, LW_NS_TCP_ACTIVE_OPENS)
COUNTER_VALUE(passive_opens, LW_NS_TCP_PASSIVE_OPENS)
COUNTER_VALUE(attempt_fails, LW_NS_TCP_ATTEMPT_FAILS)
COUNTER_VALUE(estab_resets, LW_NS_TCP_ESTAB_RESETS)
/* tcpCurrEstab is a level (a Gauge32 in RFC 4022 too), not a counter */
NETSTAT_VALUE(curr_estab, LW_NS_TCP_CURR_ESTAB, lw_set_gauge)
COUNTER_VALUE(retrans_segs, LW_NS_TCP_RETRANS_SEGS)
COUNTER_VALUE(listen_overflows, LW_NS_TCPEXT_LISTEN_OVERFLOWS)
COUNTER_VALUE(listen_drops, LW_NS_TCPEXT_LISTEN_DROPS)
COUNTER_VALUE(abort_on_memory, LW_NS_TCPEXT_TCP_ABORT_ON_MEMORY)
COUNTER_VALUE(memory_pressures, LW_NS_TCPEXT_TCP_MEMORY_PRESSURES)

static const struct lw_object counters_objects[] = {
	{ 1, ASN_COUNTER64, LW_READ_ONLY, active_opens, NULL, "lwTcpActiveOpens" },
	{ 2, ASN_COUNTER64, LW_READ_ONLY, passive_opens, NULL, "lwTcpPassiveOpens" },
	{ 3, ASN_COUNTER64, LW_READ_ONLY, attempt_fails, NULL, "lwTcpAttemptFails" },
	{ 4, ASN_COUNTER64, LW_READ_ONLY, estab_resets, NULL, "lwTcpEstabResets" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, curr_estab, NULL, "lwTcpCurrEstab" },
	{ 6, ASN_COUNTER64, LW_READ_ONLY, retrans_segs, NULL, "lwTcpRetransSegs" },
	{ 7, ASN_COUNTER64, LW_READ_ONLY, listen_overflows, NULL, "lwTcpListenOverflows" },
	{ 8, ASN_COUNTER64, LW_READ_ONLY, listen_drops, NULL, "lwTcpListenDrops" },
	{ 9, ASN_COUNTER64, LW_READ_ONLY, abort_on_memory, NULL, "lwTcpAbortOnMemory" },
	{ 10, ASN_COUNTER64, LW_READ_ONLY, memory_pressures, NULL, "lwTcpMemoryPressures" },
};

static struct lw_scalar_group counters_group =
	LW_SCALAR_GROUP("lwTcpCounters", LW_OID_TCP_COUNTERS, counters_objects, NULL);

int lw_mib_tcp_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_table(t, &state_table) || lw_mibtree_add_table(t, &remote_table) ||
	       lw_mibtree_add_table(t, &port_table) || lw_mibtree_add_group(t, &tcp_group) ||
	       lw_mibtree_add_group(t, &sockstat_group) || lw_mibtree_add_group(t, &limits_group) ||
	       lw_mibtree_add_group(t, &counters_group);
}
