/* mib_mcast.c: lwMcastIfTable and lwMcastGroupTable from the captures, lwMcastMemberTable, scalars. */
/* SPDX-License-Identifier: ISC */
#include "mib_groups.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "agent_ctx.h"
#include "lw_oids.h"
#include "snmp_values.h"

/* (InterfaceIndex, InetAddressType, InetAddress): the address is its length and octets. */
#define ADDR_INDEX_MAX (3 + 16)

/* What was last logged for each capture, so a state is logged once, not every second. */
static enum lw_mcast_state logged_state[LW_CONFIG_MAX_MCAST_IFACES];
static char logged_error[LW_CONFIG_MAX_MCAST_IFACES][LW_ERROR_TEXT_MAX];

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

/* InetAddressType ipv6(2) or ipv4(1) (RFC 4001) as the address family inet_ntop wants. */
static int inet_family(uint8_t inet_address_type)
{
	return inet_address_type == 2 ? AF_INET6 : AF_INET;
}

/* ifIndex, InetAddressType, then the address as a length and its octets. */
static size_t addr_index(oid *o, uint32_t ifindex, uint8_t family, const uint8_t *addr)
{
	uint8_t len = family == 2 ? 16 : 4;

	o[0] = ifindex;
	o[1] = family;
	o[2] = len;
	for (uint8_t i = 0; i < len; i++)
		o[3 + i] = addr[i];
	return 3u + len;
}

/* --- lwMcastIfTable: a row's data is the capture's publication --- */

#define IF_VALUE(fn, set)                                                                       \
	LW_VALUE_FN(fn,                                                                         \
		    const struct lw_mcast_if_snap *s = row;                                     \
		    const struct lw_mcast_snapshot *t = &s->traffic; (void)t, false, set)

IF_VALUE(if_name, lw_set_string(vb, s->ifname))
IF_VALUE(if_packets, lw_set_counter64(vb, t->packets))
IF_VALUE(if_octets, lw_set_counter64(vb, t->octets))
IF_VALUE(if_pps1, lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate1)))
IF_VALUE(if_pps10, lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate10)))
IF_VALUE(if_pps60, lw_set_gauge(vb, lw_mcast_rate_pps(&t->rate60)))
IF_VALUE(if_bps1, lw_set_gauge(vb, lw_mcast_rate_bps(&t->rate1)))
IF_VALUE(if_bps10, lw_set_gauge(vb, lw_mcast_rate_bps(&t->rate10)))
IF_VALUE(if_bps60, lw_set_gauge(vb, lw_mcast_rate_bps(&t->rate60)))
IF_VALUE(if_groups, lw_set_gauge(vb, t->groups))
IF_VALUE(if_drops, lw_set_counter64(vb, s->pcap_drops))
IF_VALUE(if_if_drops, lw_set_counter64(vb, s->if_drops))
IF_VALUE(if_capture_state, snmp_set_var_typed_integer(vb, ASN_INTEGER, s->state))
IF_VALUE(if_last_error, lw_set_string(vb, s->last_error))
IF_VALUE(if_group_overflow, lw_set_counter64(vb, t->overflow_packets))
IF_VALUE(if_malformed, lw_set_counter64(vb, s->malformed))
IF_VALUE(if_counter_start, lw_set_dateandtime(vb, &s->counter_start))
IF_VALUE(if_counter_start_unix, lw_set_unixtime(vb, s->counter_start.tv_sec))
IF_VALUE(if_bps1_x, lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate1)))
IF_VALUE(if_bps10_x, lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate10)))
IF_VALUE(if_bps60_x, lw_set_counter64(vb, lw_mcast_rate_bps(&t->rate60)))

static const struct lw_object if_columns[] = {
	{ 2, ASN_OCTET_STR, LW_READ_ONLY, if_name, NULL, "lwMcastIfName" },
	{ 3, ASN_COUNTER64, LW_READ_ONLY, if_packets, NULL, "lwMcastIfPackets" },
	{ 4, ASN_COUNTER64, LW_READ_ONLY, if_octets, NULL, "lwMcastIfOctets" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, if_pps1, NULL, "lwMcastIfPps1" },
	{ LW_MCAST_IF_PPS10, ASN_GAUGE, LW_READ_ONLY, if_pps10, NULL, "lwMcastIfPps10" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, if_pps60, NULL, "lwMcastIfPps60" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, if_bps1, NULL, "lwMcastIfBps1" },
	{ 9, ASN_GAUGE, LW_READ_ONLY, if_bps10, NULL, "lwMcastIfBps10" },
	{ 10, ASN_GAUGE, LW_READ_ONLY, if_bps60, NULL, "lwMcastIfBps60" },
	{ 11, ASN_GAUGE, LW_READ_ONLY, if_groups, NULL, "lwMcastIfGroups" },
	{ 12, ASN_COUNTER64, LW_READ_ONLY, if_drops, NULL, "lwMcastIfDrops" },
	{ 13, ASN_COUNTER64, LW_READ_ONLY, if_if_drops, NULL, "lwMcastIfIfDrops" },
	{ 14, ASN_INTEGER, LW_READ_ONLY, if_capture_state, NULL, "lwMcastIfCaptureState" },
	{ 15, ASN_OCTET_STR, LW_READ_ONLY, if_last_error, NULL, "lwMcastIfLastError" },
	{ 16, ASN_COUNTER64, LW_READ_ONLY, if_group_overflow, NULL, "lwMcastIfGroupOverflow" },
	{ 17, ASN_COUNTER64, LW_READ_ONLY, if_malformed, NULL, "lwMcastIfMalformed" },
	{ 18, ASN_OCTET_STR, LW_READ_ONLY, if_counter_start, NULL, "lwMcastIfCounterStart" },
	{ 19, ASN_UNSIGNED, LW_READ_ONLY, if_counter_start_unix, NULL, "lwMcastIfCounterStartUnix" },
	{ 20, ASN_COUNTER64, LW_READ_ONLY, if_bps1_x, NULL, "lwMcastIfBps1X" },
	{ 21, ASN_COUNTER64, LW_READ_ONLY, if_bps10_x, NULL, "lwMcastIfBps10X" },
	{ 22, ASN_COUNTER64, LW_READ_ONLY, if_bps60_x, NULL, "lwMcastIfBps60X" },
};

static int by_ifindex(const void *x, const void *y)
{
	const struct lw_mcast_if_snap *a = *(const struct lw_mcast_if_snap *const *)x;
	const struct lw_mcast_if_snap *b = *(const struct lw_mcast_if_snap *const *)y;

	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	/* One ifIndex under two names (an interface renamed): the running capture first. */
	return (int)a->state - (int)b->state;
}

/* The captures with a row, in ifIndex order, one per ifIndex. */
static size_t capture_rows(const struct lw_agent *agent,
			   const struct lw_mcast_if_snap *out[LW_CONFIG_MAX_MCAST_IFACES])
{
	size_t n = 0, kept = 0;

	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		const struct lw_mcast_if_snap *s = agent->mcast_current[i];

		/* A configured interface never seen since start has no ifIndex, so no row. */
		if (s != NULL && s->ifindex != 0)
			out[n++] = s;
	}
	qsort(out, n, sizeof(out[0]), by_ifindex);
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || out[kept - 1]->ifindex != out[i]->ifindex)
			out[kept++] = out[i];
	return kept;
}

static int load_ifs(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_mcast_if_snap *rows[LW_CONFIG_MAX_MCAST_IFACES];
	size_t n = capture_rows(agent, rows);

	if (lw_table_rows_alloc(out, n, 1))
		return -1;
	for (size_t i = 0; i < n; i++)
		lw_table_rows_push(out, 1, 1, rows[i])[0] = rows[i]->ifindex;
	return 0;
}

static struct lw_table if_table =
	LW_TABLE("lwMcastIfTable", LW_OID_MCAST_IF_ENTRY, if_columns, load_ifs);

/* --- lwMcastGroupTable: a group row with the interface it was seen on --- */

struct group_ref {
	const struct lw_mcast_if_snap *ifs;
	const struct lw_mcast_group_row *row;
};

/* The membership list served, or NULL while the mcast-members collector fails. */
static const struct lw_membership_list *members_of(const struct lw_agent *agent)
{
	const struct lw_snapshot *s = lw_agent_served(agent, LW_COL_MCAST_MEMBERS);

	return s != NULL ? &s->members : NULL;
}

#define GROUP_VALUE(fn, set)                                                                    \
	LW_VALUE_FN(fn,                                                                         \
		    const struct lw_mcast_group_row *r = ((const struct group_ref *)row)->row,  \
		    false, set)

GROUP_VALUE(group_packets, lw_set_counter64(vb, r->packets))
GROUP_VALUE(group_octets, lw_set_counter64(vb, r->octets))
GROUP_VALUE(group_pps10, lw_set_gauge(vb, lw_mcast_rate_pps(&r->rate10)))
GROUP_VALUE(group_bps10, lw_set_gauge(vb, lw_mcast_rate_bps(&r->rate10)))
GROUP_VALUE(group_bps10_x, lw_set_counter64(vb, lw_mcast_rate_bps(&r->rate10)))
GROUP_VALUE(group_sources, lw_set_gauge(vb, r->sources))
GROUP_VALUE(group_sources_overflow, set_truth(vb, r->sources_capped))
GROUP_VALUE(group_first_seen, set_time_ns(vb, r->first_seen_ns))
GROUP_VALUE(group_last_seen, set_time_ns(vb, r->last_seen_ns))
GROUP_VALUE(group_first_seen_unix, lw_set_unixtime(vb, (time_t)(r->first_seen_ns / 1000000000u)))
GROUP_VALUE(group_last_seen_unix, lw_set_unixtime(vb, (time_t)(r->last_seen_ns / 1000000000u)))
GROUP_VALUE(group_addr_text, lw_set_addr_text(vb, inet_family(r->family), r->group))

static bool group_if_name(netsnmp_variable_list *vb, const void *row,
			  const struct lw_agent *agent)
{
	(void)agent;
	lw_set_string(vb, ((const struct group_ref *)row)->ifs->ifname);
	return true;
}

/* Unknown, not false, while the memberships cannot be read. */
static bool group_joined(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent)
{
	const struct group_ref *g = row;
	const struct lw_membership_list *members = members_of(agent);

	if (members == NULL)
		return false;
	set_truth(vb, lw_membership_find(members, g->ifs->ifindex, g->row->family, g->row->group) !=
			      NULL);
	return true;
}

static const struct lw_object group_columns[] = {
	{ 4, ASN_COUNTER64, LW_READ_ONLY, group_packets, NULL, "lwMcastGroupPackets" },
	{ 5, ASN_COUNTER64, LW_READ_ONLY, group_octets, NULL, "lwMcastGroupOctets" },
	{ 6, ASN_GAUGE, LW_READ_ONLY, group_pps10, NULL, "lwMcastGroupPps10" },
	{ 7, ASN_GAUGE, LW_READ_ONLY, group_bps10, NULL, "lwMcastGroupBps10" },
	{ 8, ASN_GAUGE, LW_READ_ONLY, group_sources, NULL, "lwMcastGroupSources" },
	{ 9, ASN_INTEGER, LW_READ_ONLY, group_sources_overflow, NULL,
	  "lwMcastGroupSourcesOverflow" },
	{ 10, ASN_OCTET_STR, LW_READ_ONLY, group_first_seen, NULL, "lwMcastGroupFirstSeen" },
	{ 11, ASN_OCTET_STR, LW_READ_ONLY, group_last_seen, NULL, "lwMcastGroupLastSeen" },
	{ 12, ASN_INTEGER, LW_READ_ONLY, group_joined, NULL, "lwMcastGroupJoined" },
	{ 13, ASN_UNSIGNED, LW_READ_ONLY, group_first_seen_unix, NULL, "lwMcastGroupFirstSeenUnix" },
	{ 14, ASN_UNSIGNED, LW_READ_ONLY, group_last_seen_unix, NULL, "lwMcastGroupLastSeenUnix" },
	{ 15, ASN_OCTET_STR, LW_READ_ONLY, group_addr_text, NULL, "lwMcastGroupAddrText" },
	{ 16, ASN_COUNTER64, LW_READ_ONLY, group_bps10_x, NULL, "lwMcastGroupBps10X" },
	{ 17, ASN_OCTET_STR, LW_READ_ONLY, group_if_name, NULL, "lwMcastGroupIfName" },
};

static int load_groups(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_mcast_if_snap *ifs[LW_CONFIG_MAX_MCAST_IFACES];
	size_t nif = capture_rows(agent, ifs), n = 0;
	struct group_ref *refs;

	for (size_t i = 0; i < nif; i++)
		n += ifs[i]->traffic.n;
	if (lw_table_rows_alloc(out, n, ADDR_INDEX_MAX))
		return -1;
	if (n == 0)
		return 0;
	refs = calloc(n, sizeof(*refs));
	if (refs == NULL)
		return -1;
	out->extra = refs;
	for (size_t i = 0, k = 0; i < nif; i++)
		for (size_t j = 0; j < ifs[i]->traffic.n; j++, k++) {
			const struct lw_mcast_group_row *r = &ifs[i]->traffic.rows[j];
			oid index[ADDR_INDEX_MAX];
			size_t len = addr_index(index, ifs[i]->ifindex, r->family, r->group);

			refs[k] = (struct group_ref){ ifs[i], r };
			memcpy(lw_table_rows_push(out, ADDR_INDEX_MAX, len, &refs[k]), index,
			       len * sizeof(oid));
		}
	return 0;
}

static struct lw_table group_table =
	LW_TABLE("lwMcastGroupTable", LW_OID_MCAST_GROUP_ENTRY, group_columns, load_groups);

/* --- lwMcastMemberTable: the kernel's memberships (/proc/net/igmp, igmp6) --- */

#define MEMBER_VALUE(fn, set) LW_VALUE_FN(fn, const struct lw_mcast_membership *m = row, false, set)

MEMBER_VALUE(member_if_name, lw_set_string(vb, m->ifname))
MEMBER_VALUE(member_users, lw_set_gauge(vb, m->users))
MEMBER_VALUE(member_addr_text, lw_set_addr_text(vb, inet_family(m->family), m->group))

static const struct lw_object member_columns[] = {
	{ 4, ASN_OCTET_STR, LW_READ_ONLY, member_if_name, NULL, "lwMcastMemberIfName" },
	{ 5, ASN_GAUGE, LW_READ_ONLY, member_users, NULL, "lwMcastMemberUsers" },
	{ 6, ASN_OCTET_STR, LW_READ_ONLY, member_addr_text, NULL, "lwMcastMemberAddrText" },
};

/* No rows while the collector fails: a walk shows the table empty, not stale. */
static int load_members(const struct lw_agent *agent, struct lw_table_rows *out)
{
	const struct lw_membership_list *m = members_of(agent);
	size_t n = m ? m->n : 0;

	if (lw_table_rows_alloc(out, n, ADDR_INDEX_MAX))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct lw_mcast_membership *r = &m->rows[i];
		oid index[ADDR_INDEX_MAX];
		size_t len = addr_index(index, r->ifindex, r->family, r->group);

		memcpy(lw_table_rows_push(out, ADDR_INDEX_MAX, len, r), index, len * sizeof(oid));
	}
	return 0;
}

static struct lw_table member_table =
	LW_TABLE("lwMcastMemberTable", LW_OID_MCAST_MEMBER_ENTRY, member_columns, load_members);

/* --- lwMulticast scalars: the capture configuration --- */

#define CONFIG_VALUE(fn, set)                                                                   \
	LW_VALUE_FN(fn, const struct lw_mcast_config *m = &agent->cfg->mcast, false, set)

CONFIG_VALUE(mcast_interfaces, lw_set_gauge(vb, m->ninterfaces))
CONFIG_VALUE(mcast_max_groups, lw_set_unsigned(vb, m->max_groups))
CONFIG_VALUE(mcast_snaplen, lw_set_unsigned(vb, m->snaplen))
CONFIG_VALUE(mcast_buffer_size, lw_set_unsigned(vb, m->buffer_bytes))
CONFIG_VALUE(mcast_direction, snmp_set_var_typed_integer(vb, ASN_INTEGER, m->direction))

static const struct lw_object mcast_objects[] = {
	{ 4, ASN_GAUGE, LW_READ_ONLY, mcast_interfaces, NULL, "lwMcastInterfaces" },
	{ 5, ASN_UNSIGNED, LW_READ_ONLY, mcast_max_groups, NULL, "lwMcastMaxGroups" },
	{ 6, ASN_UNSIGNED, LW_READ_ONLY, mcast_snaplen, NULL, "lwMcastSnaplen" },
	{ 7, ASN_UNSIGNED, LW_READ_ONLY, mcast_buffer_size, NULL, "lwMcastBufferSize" },
	{ 8, ASN_INTEGER, LW_READ_ONLY, mcast_direction, NULL, "lwMcastDirection" },
};

static struct lw_scalar_group mcast_group =
	LW_SCALAR_GROUP("lwMulticast", LW_OID_MCAST, mcast_objects, NULL);

int lw_mib_mcast_add(struct lw_mibtree *t)
{
	return lw_mibtree_add_table(t, &if_table) || lw_mibtree_add_table(t, &group_table) ||
	       lw_mibtree_add_table(t, &member_table) || lw_mibtree_add_group(t, &mcast_group);
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
	lw_mibtree_load_one(&if_table, agent);
	lw_mibtree_load_one(&group_table, agent);
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++)
		lw_mcast_if_snap_free(old[i]);
}

void lw_mib_mcast_release(struct lw_agent *agent)
{
	for (size_t i = 0; i < LW_CONFIG_MAX_MCAST_IFACES; i++) {
		lw_mcast_if_snap_free(agent->mcast_current[i]);
		agent->mcast_current[i] = NULL;
	}
}
