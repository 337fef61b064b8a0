/* mib_mcast.c: lwMcastIfTable and lwMcastGroupTable from the captures, lwMcastMemberTable, scalars. */
#include "mib_mcast.h"

#include <stdlib.h>
#include <string.h>

#include "lw_oids.h"
#include "scalars.h"
#include "snap_table.h"
#include "snmp_values.h"

static const oid mcast_oid[] = { LW_OID_MCAST };
static const oid if_oid[] = { LW_OID_MCAST_IF_ENTRY };
static const oid group_oid[] = { LW_OID_MCAST_GROUP_ENTRY };
static const oid member_oid[] = { LW_OID_MCAST_MEMBER_ENTRY };

/* (InterfaceIndex, InetAddressType, InetAddress): the address is its length and octets. */
static const u_char addr_index_types[] = { ASN_INTEGER, ASN_INTEGER, ASN_OCTET_STR };
static const struct lw_snap_index addr_index = { 3, addr_index_types, 3 + 16 };
static const u_char if_index_types[] = { ASN_INTEGER };
static const struct lw_snap_index ifindex_index = { 1, if_index_types, 1 };

static struct lw_snap_table if_table, group_table, member_table;
static struct lw_scalars mcast_scalars;

/* A group row with the interface it was seen on (what the joined column looks up). */
struct group_ref {
	const struct lw_mcast_if_snap *ifs;
	const struct lw_mcast_group_row *row;
};

/* The rows of the two capture tables, rebuilt from agent->mcast_current at each publication. */
static const struct lw_mcast_if_snap *if_rows[LW_CONFIG_MAX_MCAST_IFACES];
static size_t nif_rows;
static struct group_ref *group_rows;
static size_t ngroup_rows;

/* What was last logged for each capture, so a state is logged once, not every second. */
static enum lw_mcast_state logged_state[LW_CONFIG_MAX_MCAST_IFACES];
static char logged_error[LW_CONFIG_MAX_MCAST_IFACES][LW_ERROR_TEXT_MAX];

static uint8_t addr_len(uint8_t family)
{
	return family == 2 ? 16 : 4;
}

static void set_truth(netsnmp_variable_list *vb, bool v)
{
	snmp_set_var_typed_integer(vb, ASN_INTEGER, v ? 1 : 2);  /* TruthValue */
}

static void set_time_ns(netsnmp_variable_list *vb, uint64_t ns)
{
	struct timespec t = { .tv_sec = (time_t)(ns / 1000000000u),
			      .tv_nsec = (long)(ns % 1000000000u) };

	lw_set_dateandtime(vb, &t);
}

static bool if_column(netsnmp_variable_list *vb, unsigned column, const void *row,
		      const void *served)
{
	const struct lw_mcast_if_snap *s = row;
	const struct lw_mcast_snapshot *t = &s->traffic;

	(void)served;
	switch (column) {
	case LW_MCAST_IF_NAME: lw_set_string(vb, s->ifname); break;
	case LW_MCAST_IF_PACKETS: lw_set_counter64(vb, t->packets); break;
	case LW_MCAST_IF_OCTETS: lw_set_counter64(vb, t->octets); break;
	case LW_MCAST_IF_PPS1: lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate1)); break;
	case LW_MCAST_IF_PPS10: lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate10)); break;
	case LW_MCAST_IF_PPS60: lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate60)); break;
	case LW_MCAST_IF_BPS1: lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate1)); break;
	case LW_MCAST_IF_BPS10: lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate10)); break;
	case LW_MCAST_IF_BPS60: lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate60)); break;
	case LW_MCAST_IF_GROUPS: lw_set_gauge(vb, t->groups); break;
	case LW_MCAST_IF_DROPS: lw_set_counter64(vb, s->pcap_drops); break;
	case LW_MCAST_IF_IF_DROPS: lw_set_counter64(vb, s->if_drops); break;
	case LW_MCAST_IF_CAPTURE_STATE: snmp_set_var_typed_integer(vb, ASN_INTEGER, s->state); break;
	case LW_MCAST_IF_LAST_ERROR: lw_set_string(vb, s->last_error); break;
	case LW_MCAST_IF_GROUP_OVERFLOW: lw_set_counter64(vb, t->overflow_packets); break;
	case LW_MCAST_IF_MALFORMED: lw_set_counter64(vb, s->malformed); break;
	case LW_MCAST_IF_COUNTER_START: lw_set_dateandtime(vb, &s->counter_start); break;
	default: return false;
	}
	return true;
}

/* The membership list served, or NULL while the mcast-members collector fails. */
static const struct lw_membership_list *members_of(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = agent->current;

	return s != NULL && s->collectors[LW_COL_MCAST_MEMBERS].ok ? &s->members : NULL;
}

static bool group_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			 const void *served)
{
	const struct group_ref *g = row;
	const struct lw_mcast_group_row *r = g->row;
	const struct lw_membership_list *members;

	switch (column) {
	case LW_MCAST_GROUP_PACKETS: lw_set_counter64(vb, r->packets); break;
	case LW_MCAST_GROUP_OCTETS: lw_set_counter64(vb, r->octets); break;
	case LW_MCAST_GROUP_PPS10: lw_set_gauge(vb, lw_mcast_rate_pps(&r->rate10)); break;
	case LW_MCAST_GROUP_BPS10: lw_set_counter64(vb, lw_mcast_rate_bps(&r->rate10)); break;
	case LW_MCAST_GROUP_SOURCES: lw_set_gauge(vb, r->sources); break;
	case LW_MCAST_GROUP_SOURCES_OVERFLOW: set_truth(vb, r->sources_capped); break;
	case LW_MCAST_GROUP_FIRST_SEEN: set_time_ns(vb, r->first_seen_ns); break;
	case LW_MCAST_GROUP_LAST_SEEN: set_time_ns(vb, r->last_seen_ns); break;
	case LW_MCAST_GROUP_JOINED:
		/* Unknown, not false, while the memberships cannot be read. */
		members = members_of(served);
		if (members == NULL)
			return false;
		set_truth(vb, lw_membership_find(members, g->ifs->ifindex, r->family, r->group) !=
				      NULL);
		break;
	default: return false;
	}
	return true;
}

static bool member_column(netsnmp_variable_list *vb, unsigned column, const void *row,
			  const void *served)
{
	const struct lw_mcast_membership *m = row;

	(void)served;
	switch (column) {
	case LW_MCAST_MEMBER_IF_NAME: lw_set_string(vb, m->ifname); break;
	case LW_MCAST_MEMBER_USERS: lw_set_gauge(vb, m->users); break;
	default: return false;
	}
	return true;
}

static int mcast_scalar_value(const struct lw_agent *agent, unsigned subid,
			      netsnmp_variable_list *vb)
{
	const struct lw_mcast_config *m = &agent->cfg->mcast;

	switch (subid) {
	case LW_MCAST_INTERFACES: lw_set_gauge(vb, m->ninterfaces); return 0;
	case LW_MCAST_MAX_GROUPS: lw_set_unsigned(vb, m->max_groups); return 0;
	case LW_MCAST_SNAPLEN: lw_set_unsigned(vb, m->snaplen); return 0;
	case LW_MCAST_BUFFER_SIZE: lw_set_unsigned(vb, m->buffer_bytes); return 0;
	case LW_MCAST_DIRECTION: snmp_set_var_typed_integer(vb, ASN_INTEGER, m->direction); return 0;
	default: return -1;
	}
}

/* The capture tables' rows live in this module; the group table's also needs the agent. */
static const void *served_captures(const void *agent)
{
	return agent;
}

static const void *served_members(const void *agent)
{
	return members_of(agent);
}

int lw_mib_mcast_register(struct lw_agent *agent)
{
	if (lw_snap_table_register_index(&if_table, "lwMcastIfTable", if_oid, OID_LENGTH(if_oid),
					 &ifindex_index, LW_MCAST_IF_NAME,
					 LW_MCAST_IF_COUNTER_START, if_column, served_captures,
					 agent) ||
	    lw_snap_table_register_index(&group_table, "lwMcastGroupTable", group_oid,
					 OID_LENGTH(group_oid), &addr_index,
					 LW_MCAST_GROUP_PACKETS, LW_MCAST_GROUP_JOINED,
					 group_column, served_captures, agent) ||
	    lw_snap_table_register_index(&member_table, "lwMcastMemberTable", member_oid,
					 OID_LENGTH(member_oid), &addr_index,
					 LW_MCAST_MEMBER_IF_NAME, LW_MCAST_MEMBER_USERS,
					 member_column, served_members, agent) ||
	    lw_scalars_register(&mcast_scalars, "lwMulticast", mcast_oid, OID_LENGTH(mcast_oid),
				LW_MCAST_INTERFACES, LW_MCAST_DIRECTION, mcast_scalar_value, agent))
		return -1;
	return 0;
}

/* ifIndex, InetAddressType, then the address as a length and its octets. */
static size_t addr_oids(oid *o, uint32_t ifindex, uint8_t family, const uint8_t *addr)
{
	uint8_t len = addr_len(family);

	o[0] = ifindex;
	o[1] = family;
	o[2] = len;
	for (uint8_t i = 0; i < len; i++)
		o[3 + i] = addr[i];
	return 3u + len;
}

static void fill_if(size_t i, struct lw_snap_row *row, const void *ctx)
{
	(void)ctx;
	row->oids[0] = if_rows[i]->ifindex;
	row->data = if_rows[i];
}

static void fill_group(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct group_ref *g = &group_rows[i];

	(void)ctx;
	row->index.len = addr_oids(row->oids, g->ifs->ifindex, g->row->family, g->row->group);
	row->data = g;
}

static void fill_member(size_t i, struct lw_snap_row *row, const void *ctx)
{
	const struct lw_mcast_membership *m = &((const struct lw_membership_list *)ctx)->rows[i];

	row->index.len = addr_oids(row->oids, m->ifindex, m->family, m->group);
	row->data = m;
}

static int by_ifindex(const void *x, const void *y)
{
	const struct lw_mcast_if_snap *a = *(const struct lw_mcast_if_snap *const *)x;
	const struct lw_mcast_if_snap *b = *(const struct lw_mcast_if_snap *const *)y;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	/* One ifIndex under two names (an interface renamed): the running capture first. */
	return (int)a->state - (int)b->state;
}

/* The interface rows in ifIndex order (one per ifIndex), and every group of theirs. */
static void rebuild_capture_tables(const struct lw_agent *agent)
{
	size_t n = 0, ngroups = 0;

	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		const struct lw_mcast_if_snap *s = agent->mcast_current[i];

		/* A configured interface never seen since start has no ifIndex, so no row. */
		if (s != NULL && s->ifindex != 0)
			if_rows[n++] = s;
	}
	qsort(if_rows, n, sizeof(if_rows[0]), by_ifindex);
	nif_rows = 0;
	for (size_t i = 0; i < n; i++)
		if (nif_rows == 0 || if_rows[nif_rows - 1]->ifindex != if_rows[i]->ifindex) {
			if_rows[nif_rows++] = if_rows[i];
			ngroups += if_rows[i]->traffic.n;
		}
	free(group_rows);
	group_rows = ngroups ? calloc(ngroups, sizeof(*group_rows)) : NULL;
	ngroup_rows = group_rows ? ngroups : 0;
	for (size_t i = 0, k = 0; i < nif_rows && k < ngroup_rows; i++)
		for (size_t j = 0; j < if_rows[i]->traffic.n; j++, k++) {
			group_rows[k].ifs = if_rows[i];
			group_rows[k].row = &if_rows[i]->traffic.rows[j];
		}
	(void)lw_snap_table_load(&if_table, nif_rows, 1, fill_if, NULL);
	(void)lw_snap_table_load(&group_table, ngroup_rows, 3, fill_group, NULL);
}

/* Logs a capture's state when it changes: once per change, never per retry. */
static void log_state(size_t slot, const struct lw_mcast_if_snap *s)
{
	if (s->state == logged_state[slot] && strcmp(s->last_error, logged_error[slot]) == 0)
		return;
	if (s->state == LW_MCAST_RUNNING)
		snmp_log(LOG_INFO, "mcast_interface %s (ifindex %u): capturing (%s)\n", s->ifname,
			 s->ifindex, s->ring);
	else
		snmp_log(LOG_WARNING, "mcast_interface %s: capture %s: %s\n", s->ifname,
			 s->state == LW_MCAST_DOWN ? "down" : "error", s->last_error);
	logged_state[slot] = s->state;
	memcpy(logged_error[slot], s->last_error, sizeof(logged_error[slot]));
}

void lw_mib_mcast_take(struct lw_agent *agent)
{
	struct lw_mcast_if_snap *old[LW_CONFIG_MAX_MCAST_IFACES] = { 0 };
	bool changed = false;

	lw_mcast_board_drain(&agent->mcast_board);
	for (size_t i = 0; i < agent->mcast_board.n; i++) {
		struct lw_mcast_if_snap *s = lw_mcast_board_take(&agent->mcast_board, i);

		if (s == NULL)
			continue;
		log_state(i, s);
		old[i] = agent->mcast_current[i];
		agent->mcast_current[i] = s;
		changed = true;
	}
	if (!changed)
		return;
	/* Rows point into the publications: repoint them before the old ones are freed. */
	rebuild_capture_tables(agent);
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++)
		lw_mcast_if_snap_free(old[i]);
}

void lw_mib_mcast_load(struct lw_agent *agent)
{
	static const struct lw_membership_list empty;
	const struct lw_membership_list *m = members_of(agent);

	/* No rows while the collector fails: a walk shows the table empty, not stale. */
	if (m == NULL)
		m = &empty;
	(void)lw_snap_table_load(&member_table, m->n, 3, fill_member, m);
}

void lw_mib_mcast_unregister(struct lw_agent *agent)
{
	lw_snap_table_unregister(&if_table);
	lw_snap_table_unregister(&group_table);
	lw_snap_table_unregister(&member_table);
	lw_scalars_unregister(&mcast_scalars);
	free(group_rows);
	group_rows = NULL;
	ngroup_rows = nif_rows = 0;
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		lw_mcast_if_snap_free(agent->mcast_current[i]);
		agent->mcast_current[i] = NULL;
	}
}
