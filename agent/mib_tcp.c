/* mib_tcp.c: lwTcpStateTable, lwTcpTopRemoteTable, lwTcpPortStateTable and the lwTcp scalars. */
#include "mib_tcp.h"

#include <stdint.h>
#include <string.h>

#include "lw_oids.h"
#include "scalars.h"
#include "snap_table.h"
#include "snmp_values.h"

static const oid tcp_oid[] = { LW_OID_TCP };
static const oid state_oid[] = { LW_OID_TCP_STATE_ENTRY };
static const oid remote_oid[] = { LW_OID_TCP_TOP_REMOTE_ENTRY };
static const oid port_oid[] = { LW_OID_TCP_PORT_STATE_ENTRY };
static const oid sockstat_oid[] = { LW_OID_SOCKSTAT };
static const oid limits_oid[] = { LW_OID_TCP_LIMITS };
static const oid counters_oid[] = { LW_OID_TCP_COUNTERS };

static struct lw_snap_table state_table, remote_table, port_table;
static struct lw_scalars tcp_scalars;

enum group_kind { SOCKSTAT, LIMITS, COUNTERS, GROUP_COUNT };

/* The group handler finds the subid at one depth for the three groups. */
_Static_assert(sizeof(sockstat_oid) == sizeof(limits_oid) &&
		       sizeof(limits_oid) == sizeof(counters_oid),
	       "lwSockstat, lwTcpLimits and lwTcpCounters are siblings");

static netsnmp_handler_registration *group_regs[GROUP_COUNT];

/* The served TCP table, or NULL while the tcp collector's last run failed. */
static const struct lw_tcp_table *tcp_of(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;

	return s != NULL && s->collectors[LW_COL_TCP].ok ? &s->tcp : NULL;
}

/* lwTcpPortStateTable column -> state: listen, then synReceived .. timeWait. */
static int port_column_state(unsigned column)
{
	return column == LW_TCP_PORT_FIRST_COLUMN ? LW_TCP_LISTEN : (int)column + 1;
}

/* row is the state's row of the table's count: { IPv4, IPv6 }. */
static bool state_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *ctx)
{
	const uint64_t *c = row;

	(void)ctx;
	switch (column) {
	case LW_TCP_STATE_COUNT: lw_set_gauge(vb, c[0] + c[1]); break;
	case LW_TCP_STATE_COUNT_V4: lw_set_gauge(vb, c[0]); break;
	case LW_TCP_STATE_COUNT_V6: lw_set_gauge(vb, c[1]); break;
	}
	return true;
}

static bool remote_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			  const void *ctx)
{
	const struct lw_topk_entry *e = row;

	(void)ctx;
	switch (column) {
	case LW_TCP_REMOTE_ADDR_TYPE:
		snmp_set_var_typed_integer(vb, ASN_INTEGER, e->addr.family);
		break;
	case LW_TCP_REMOTE_ADDR:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, e->addr.bytes,
					 e->addr.family == LW_ADDR_IPV6 ? 16 : 4);
		break;
	case LW_TCP_REMOTE_COUNT: lw_set_gauge(vb, e->count); break;
	case LW_TCP_REMOTE_ERROR: lw_set_gauge(vb, e->error); break;
	}
	return true;
}

static bool port_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			const void *ctx)
{
	const struct lw_tcp_port_row *p = row;

	(void)ctx;
	lw_set_gauge(vb, p->count[port_column_state(column)]);
	return true;
}

static int tcp_scalar_value(const struct lw_agent *agent, unsigned subid,
			    netsnmp_variable_list *vb)
{
	const struct lw_tcp_table *t = tcp_of(agent);

	if (subid == LW_TCP_PORT_MAX_ROWS) {
		lw_set_unsigned(vb, agent->cfg->tcp.max_ports);
		return 0;
	}
	if (t == NULL)
		return -1;
	switch (subid) {
	case LW_TCP_SOCKETS: lw_set_gauge(vb, t->sockets); return 0;
	case LW_TCP_TOP_N: lw_set_unsigned(vb, t->top_n); return 0;
	case LW_TCP_PORT_ROWS: lw_set_gauge(vb, t->nports); return 0;
	case LW_TCP_PORT_DROPPED: lw_set_gauge(vb, t->ports_dropped); return 0;
	default: return -1;
	}
}

/* Page and byte figures are CounterBasedGauge64: tcp_mem is a long, memory may pass 4 GiB. */
static bool sockstat_is_64(enum lw_sockstat_field f)
{
	return f == LW_SS_TCP_MEM || f == LW_SS_UDP_MEM || f == LW_SS_FRAG_MEMORY ||
	       f == LW_SS_FRAG6_MEMORY;
}

static bool answer_sockstat(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	const struct lw_sockstat *ss = &s->sys.sock.sockstat;
	enum lw_sockstat_field f = (enum lw_sockstat_field)(subid - 1);

	if (subid < 1 || subid > LW_SS_COUNT || !s->collectors[LW_COL_SOCKSTAT].ok ||
	    !lw_sockstat_has(ss, f))
		return false;
	if (sockstat_is_64(f))
		lw_set_counter64(vb, ss->v[f]);
	else
		lw_set_gauge(vb, ss->v[f]);
	return true;
}

static bool answer_limits(netsnmp_variable_list *vb, unsigned subid, const struct lw_snapshot *s)
{
	const struct lw_sockmem *m = &s->sys.sock;

	if (subid >= LW_TCP_ORPHAN_PERCENT && subid <= LW_TCP_LIMITS_LAST) {
		enum lw_sockmem_pct_field f = (enum lw_sockmem_pct_field)(subid - LW_TCP_ORPHAN_PERCENT);

		/* known only from this snapshot's successful sockstat and tcp-limits runs */
		if (!lw_sockmem_pct_known(&m->pct, f))
			return false;
		lw_set_gauge(vb, m->pct.v[f]);
		return true;
	}
	if (subid < LW_TCP_LIMIT_FIRST || subid >= LW_TCP_ORPHAN_PERCENT ||
	    !s->collectors[LW_COL_TCP_LIMITS].ok ||
	    !lw_tcp_limits_has(&m->limits, (enum lw_tcp_limit)(subid - 1)))
		return false;
	if (subid - 1 <= LW_TL_MEM_MAX)
		lw_set_counter64(vb, m->limits.v[subid - 1]);
	else
		lw_set_gauge(vb, m->limits.v[subid - 1]);
	return true;
}

static bool answer_counters(netsnmp_variable_list *vb, unsigned subid,
			    const struct lw_snapshot *s)
{
	const struct lw_netstat *n = &s->sys.sock.counters;

	if (subid < 1 || subid > LW_NS_COUNT || !s->collectors[LW_COL_TCP_COUNTERS].ok ||
	    !lw_netstat_has(n, (enum lw_netstat_field)(subid - 1)))
		return false;
	lw_set_counter64(vb, n->v[subid - 1]);
	return true;
}

static int group_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_agent *agent = handler->myvoid;
	enum group_kind kind = (enum group_kind)(uintptr_t)reg->my_reg_void;

	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		/* The scalar-group helper has checked the name is base.<subid>.0. */
		unsigned subid = (unsigned)r->requestvb->name[OID_LENGTH(sockstat_oid)];
		bool ok = false;

		if (agent->current != NULL) {
			switch (kind) {
			case SOCKSTAT: ok = answer_sockstat(r->requestvb, subid, agent->current); break;
			case LIMITS: ok = answer_limits(r->requestvb, subid, agent->current); break;
			case COUNTERS: ok = answer_counters(r->requestvb, subid, agent->current); break;
			case GROUP_COUNT: break;
			}
		}
		if (!ok)
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
	}
	return SNMP_ERR_NOERROR;
}

static int register_group(enum group_kind kind, const char *name, const oid *base, size_t len,
			  unsigned last, struct lw_agent *agent)
{
	netsnmp_handler_registration *reg =
		netsnmp_create_handler_registration(name, group_handler, base, len,
						    HANDLER_CAN_RONLY);

	if (reg == NULL)
		return -1;
	reg->handler->myvoid = agent;
	reg->my_reg_void = (void *)(uintptr_t)kind;
	group_regs[kind] = reg;
	return netsnmp_register_scalar_group(reg, 1, last) == MIB_REGISTERED_OK ? 0 : -1;
}

/* The data the tables' rows point into, for lw_snap_table_register. */
static const void *served(const void *agent)
{
	return tcp_of(agent);
}

int lw_mib_tcp_register(struct lw_agent *agent)
{
	if (lw_snap_table_register(&state_table, "lwTcpStateTable", state_oid,
				   OID_LENGTH(state_oid), 1, LW_TCP_STATE_COUNT,
				   LW_TCP_STATE_COUNT_V6, state_column, served, agent) ||
	    lw_snap_table_register(&remote_table, "lwTcpTopRemoteTable", remote_oid,
				   OID_LENGTH(remote_oid), 2, LW_TCP_REMOTE_ADDR_TYPE,
				   LW_TCP_REMOTE_ERROR, remote_column, served, agent) ||
	    lw_snap_table_register(&port_table, "lwTcpPortStateTable", port_oid,
				   OID_LENGTH(port_oid), 1, LW_TCP_PORT_FIRST_COLUMN,
				   LW_TCP_PORT_LAST_COLUMN, port_column, served, agent) ||
	    lw_scalars_register(&tcp_scalars, "lwTcp", tcp_oid, OID_LENGTH(tcp_oid),
				LW_TCP_SOCKETS, LW_TCP_PORT_MAX_ROWS, tcp_scalar_value, agent) ||
	    register_group(SOCKSTAT, "lwSockstat", sockstat_oid, OID_LENGTH(sockstat_oid),
			   LW_SS_COUNT, agent) ||
	    register_group(LIMITS, "lwTcpLimits", limits_oid, OID_LENGTH(limits_oid),
			   LW_TCP_LIMITS_LAST, agent) ||
	    register_group(COUNTERS, "lwTcpCounters", counters_oid, OID_LENGTH(counters_oid),
			   LW_NS_COUNT, agent))
		return -1;
	return 0;
}

static void fill_state(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_tcp_table *t = ctx;

	row->oids[0] = i + 1;
	row->data = t->count[i + 1];
}

/* Rows are numbered across states: state s's rank r is entry r-1 of top[s]. */
static void fill_remote(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_tcp_table *t = ctx;
	size_t s = 1;

	while (i >= t->ntop[s]) {
		i -= t->ntop[s];
		s++;
	}
	row->oids[0] = s;
	row->oids[1] = i + 1;
	row->data = &t->top[s][i];
}

static void fill_port(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_tcp_table *t = ctx;

	row->oids[0] = t->ports[i].port;
	row->data = &t->ports[i];
}

void lw_mib_tcp_load(struct lw_agent *agent)
{
	static const struct lw_tcp_table empty;
	const struct lw_tcp_table *t = tcp_of(agent);
	size_t nremote = 0;

	/* No rows at all while the collector fails: a walk shows the table empty, not stale. */
	if (t == NULL)
		t = &empty;
	for (int s = 1; s <= LW_TCP_STATE_MAX; s++)
		nremote += t->ntop[s];
	(void)lw_snap_table_load(&state_table, t == &empty ? 0 : LW_TCP_STATE_MAX, 1, fill_state, t);
	(void)lw_snap_table_load(&remote_table, nremote, 2, fill_remote, t);
	(void)lw_snap_table_load(&port_table, t->nports, 1, fill_port, t);
}

void lw_mib_tcp_unregister(void)
{
	lw_snap_table_unregister(&state_table);
	lw_snap_table_unregister(&remote_table);
	lw_snap_table_unregister(&port_table);
	lw_scalars_unregister(&tcp_scalars);
	for (int k = 0; k < GROUP_COUNT; k++) {
		if (group_regs[k] != NULL)
			netsnmp_unregister_handler(group_regs[k]);
		group_regs[k] = NULL;
	}
}
