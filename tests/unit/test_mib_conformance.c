/* test_mib_conformance.c: every registered object against mibs/LEAKWATCH-MIB.txt (OID, type, access), and back. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "agenttest.h"
#include "mibtree.h"

/*
 * The MIB's not-accessible index columns under lwObjects: objects a walk never shows, so the
 * agent registers none of them. Each must be in the MIB, not-accessible, and unregistered.
 */
static const char *const index_columns[] = {
	"lwCollectorIndex",
	"lwProcPid",
	"lwProcGroupIndex",
	"lwProcTopMetric",
	"lwProcTopRank",
	"lwTcpState",
	"lwTcpTopRemoteState",
	"lwTcpTopRemoteRank",
	"lwTcpPortStatePort",
	"lwSlabIndex",
	"lwZoneNode",
	"lwZoneIndex",
	"lwBuddyNode",
	"lwBuddyZoneIndex",
	"lwBuddyOrder",
	"lwMcastIfIndex",
	"lwMcastGroupIfIndex",
	"lwMcastGroupAddrType",
	"lwMcastGroupAddr",
	"lwMcastMemberIfIndex",
	"lwMcastMemberAddrType",
	"lwMcastMemberAddr",
	"lwAlarmIndex",
	"lwTrendIndex",
};
#define NINDEX (sizeof(index_columns) / sizeof(index_columns[0]))

/* One leaf of LEAKWATCH-MIB under lwObjects, as net-snmp's parser read it. */
struct leaf {
	oid name[MAX_OID_LEN];
	size_t len;
	const struct tree *node;
};

struct state {
	struct lw_mibtree *tree;
	struct lw_t_objects objects;
	struct leaf *leaves;
	size_t nleaves, cap;
};

static void add_leaves(struct state *st, const struct tree *node, oid *name, size_t len)
{
	name[len - 1] = node->subid;
	if (node->child_list == NULL) {
		if (st->nleaves == st->cap) {
			st->cap = st->cap ? 2 * st->cap : 256;
			st->leaves = realloc(st->leaves, st->cap * sizeof(*st->leaves));
			assert_non_null(st->leaves);
		}
		memcpy(st->leaves[st->nleaves].name, name, len * sizeof(oid));
		st->leaves[st->nleaves].len = len;
		st->leaves[st->nleaves].node = node;
		st->nleaves++;
		return;
	}
	for (const struct tree *c = node->child_list; c != NULL; c = c->next_peer)
		add_leaves(st, c, name, len + 1);
}

/* Where net-snmp's MIB index cache goes while a test runs (removed by teardown). */
static char persist[] = "/tmp/lw-mibtest.XXXXXX";
static bool persist_made;

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Reads LEAKWATCH-MIB with net-snmp's parser from $srcdir/mibs and $LW_SHARED_MIBS
 * (else $srcdir/../shared/mibs). */
static const struct tree *read_leakwatch_mib(void)
{
	const char *srcdir = getenv("srcdir") ? getenv("srcdir") : ".";
	const char *shared = getenv("LW_SHARED_MIBS");
	char own[4096], smi[4200], file[4200], dirs[8300], beside[4200];
	oid objects[MAX_OID_LEN];
	size_t len = lw_t_oid(objects, 0);
	struct tree *node;

	/* as tests/integration/lwutil.py: the base MIBs beside the checkout when not named */
	snprintf(beside, sizeof(beside), "%.4000s/../shared/mibs", srcdir);
	snprintf(smi, sizeof(smi), "%.4100s/SNMPv2-SMI.txt", beside);
	if ((shared == NULL || *shared == '\0') && access(smi, R_OK) == 0)
		shared = beside;
	if (shared == NULL || *shared == '\0')
		fail_msg("LW_SHARED_MIBS is not set: the conformance test needs the IETF base MIBs "
			 "(SNMPv2-SMI, SNMPv2-TC, INET-ADDRESS-MIB...), e.g. "
			 "LW_SHARED_MIBS=../shared/mibs (beside the checkout)");
	snprintf(smi, sizeof(smi), "%.4000s/SNMPv2-SMI.txt", shared);
	if (access(smi, R_OK) != 0)
		fail_msg("LW_SHARED_MIBS=%s has no SNMPv2-SMI.txt: the base MIBs are missing", shared);
	snprintf(own, sizeof(own), "%.4000s/mibs", srcdir);
	snprintf(file, sizeof(file), "%s/LEAKWATCH-MIB.txt", own);
	if (access(file, R_OK) != 0)
		fail_msg("%s not found (srcdir=%s)", file, srcdir);
	/* net-snmp's own search path and configuration must not bring other modules in; its index
	 * cache goes to a directory of ours */
	memcpy(persist + sizeof(persist) - 7, "XXXXXX", 6);
	if (mkdtemp(persist) == NULL)
		fail_msg("mkdtemp failed");
	persist_made = true;
	setenv("SNMP_PERSISTENT_DIR", persist, 1);
	setenv("MIBS", "", 1);
	snprintf(dirs, sizeof(dirs), "%s:%.4000s", own, shared);
	setenv("MIBDIRS", dirs, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_init_mib();
	(void)add_mibdir(own);
	(void)add_mibdir(shared);
	if (read_mib(file) == NULL)
		fail_msg("net-snmp could not read %s", file);
	node = get_tree(objects, len, get_tree_head());
	if (node == NULL || node->label == NULL || strcmp(node->label, "lwObjects") != 0)
		fail_msg("LEAKWATCH-MIB read from %s has no lwObjects at the agent's OID "
			 "(found %s): were its imports resolved?", file,
			 node && node->label ? node->label : "nothing");
	return node;
}

static int setup(void **state)
{
	struct state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return -1;
	st->tree = lw_mibtree_new();
	if (st->tree == NULL || lw_mibtree_add_all(st->tree) != 0) {
		fprintf(stderr, "lw_mibtree_add_all failed\n");
		return -1;
	}
	lw_t_objects_collect(st->tree, &st->objects);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct state *st = *state;

	lw_mibtree_free(st->tree);
	lw_t_objects_free(&st->objects);
	free(st->leaves);
	free(st);
	return 0;
}

/* The MIB is read once for the tests (net-snmp's parser is not made to start over). */
static const struct tree *mib_objects;

static int group_teardown(void **state)
{
	(void)state;
	if (mib_objects != NULL)
		shutdown_mib();
	mib_objects = NULL;
	if (persist_made)
		(void)nftw(persist, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	persist_made = false;
	return 0;
}

/* The ASN.1 tag an agent sends for a MIB syntax (RFC 2578 section 7.1; BITS is an OCTET
 * STRING, RFC 3416 section 2). */
static int asn_type(int mib_type)
{
	switch (mib_type) {
	case TYPE_INTEGER:
	case TYPE_INTEGER32: return ASN_INTEGER;
	case TYPE_OCTETSTR:
	case TYPE_BITSTRING: return ASN_OCTET_STR;
	case TYPE_OBJID: return ASN_OBJECT_ID;
	case TYPE_IPADDR:
	case TYPE_NETADDR: return ASN_IPADDRESS;
	case TYPE_COUNTER: return ASN_COUNTER;
	case TYPE_GAUGE:
	case TYPE_UNSIGNED32: return ASN_GAUGE;  /* Unsigned32 and Gauge32 share the tag */
	case TYPE_TIMETICKS: return ASN_TIMETICKS;
	case TYPE_OPAQUE: return ASN_OPAQUE;
	case TYPE_COUNTER64: return ASN_COUNTER64;
	case TYPE_UINTEGER: return ASN_UINTEGER;
	default: return -1;
	}
}

static bool accessible(int access)
{
	return access == MIB_ACCESS_READONLY || access == MIB_ACCESS_READWRITE ||
	       access == MIB_ACCESS_CREATE;
}

static const struct leaf *leaf_at(const struct state *st, const oid *name, size_t len)
{
	for (size_t i = 0; i < st->nleaves; i++)
		if (snmp_oid_compare(st->leaves[i].name, st->leaves[i].len, name, len) == 0)
			return &st->leaves[i];
	return NULL;
}

static void collect_leaves(struct state *st)
{
	const struct tree *objects = mib_objects ? mib_objects : (mib_objects = read_leakwatch_mib());
	oid name[MAX_OID_LEN];
	size_t len = lw_t_oid(name, 0);

	for (const struct tree *c = objects->child_list; c != NULL; c = c->next_peer)
		add_leaves(st, c, name, len + 1);
	assert_true(st->nleaves > 250);  /* 268 leaves, index columns included */
}

/* Every object the agent registers is a MIB object of that OID, name, type and access. */
static void registered_objects_are_in_the_mib(void **state)
{
	struct state *st = *state;
	unsigned bad = 0;
	char buf[512];

	collect_leaves(st);
	assert_true(st->objects.n > 0);
	for (size_t i = 0; i < st->objects.n; i++) {
		const struct lw_t_object *o = &st->objects.v[i];
		const struct leaf *l = leaf_at(st, o->name, o->len);
		const char *where = lw_oid_text(o->name, o->len, buf, sizeof(buf));
		int want_access;

		if (l == NULL) {
			print_error("%s (%s): no such object in LEAKWATCH-MIB\n", where, o->o->name);
			bad++;
			continue;
		}
		if (o->o->name == NULL || strcmp(o->o->name, l->node->label) != 0) {
			print_error("%s: registered as %s, the MIB calls it %s\n", where,
				    o->o->name ? o->o->name : "(no name)", l->node->label);
			bad++;
		}
		if (asn_type(l->node->type) != o->o->type) {
			print_error("%s (%s): declared ASN type 0x%02x, the MIB's syntax is 0x%02x "
				    "(net-snmp TYPE %d)\n", where, l->node->label, o->o->type,
				    asn_type(l->node->type), l->node->type);
			bad++;
		}
		want_access = o->o->access == LW_READ_WRITE ? MIB_ACCESS_READWRITE
							    : MIB_ACCESS_READONLY;
		if (l->node->access != want_access) {
			print_error("%s (%s): registered %s, the MIB's MAX-ACCESS is %d\n", where,
				    l->node->label,
				    o->o->access == LW_READ_WRITE ? "read-write" : "read-only",
				    l->node->access);
			bad++;
		}
		if (o->o->access == LW_READ_WRITE && o->o->check == NULL) {
			print_error("%s (%s): writable without a check function\n", where,
				    l->node->label);
			bad++;
		}
		for (size_t j = 0; j < i; j++)
			if (snmp_oid_compare(st->objects.v[j].name, st->objects.v[j].len, o->name,
					     o->len) == 0) {
				print_error("%s (%s): registered twice\n", where, l->node->label);
				bad++;
			}
	}
	assert_int_equal(bad, 0);
}

static bool is_index_column(const char *label)
{
	for (size_t i = 0; i < NINDEX; i++)
		if (strcmp(index_columns[i], label) == 0)
			return true;
	return false;
}

static const struct lw_t_object *registered_at(const struct state *st, const oid *name,
					       size_t len)
{
	for (size_t i = 0; i < st->objects.n; i++)
		if (snmp_oid_compare(st->objects.v[i].name, st->objects.v[i].len, name, len) == 0)
			return &st->objects.v[i];
	return NULL;
}

/* Every accessible scalar and column under lwObjects is registered; the rest are the named
 * index columns. */
static void mib_objects_are_registered(void **state)
{
	struct state *st = *state;
	unsigned bad = 0, nindex = 0;
	char buf[512];

	collect_leaves(st);
	for (size_t i = 0; i < st->nleaves; i++) {
		const struct leaf *l = &st->leaves[i];
		const char *where = lw_oid_text(l->name, l->len, buf, sizeof(buf));
		bool reg = registered_at(st, l->name, l->len) != NULL;

		if (accessible(l->node->access)) {
			if (!reg) {
				print_error("%s (%s): in LEAKWATCH-MIB, not registered\n", where,
					    l->node->label);
				bad++;
			}
			if (is_index_column(l->node->label)) {
				print_error("%s: listed as a not-accessible index, but accessible\n",
					    l->node->label);
				bad++;
			}
			continue;
		}
		if (!is_index_column(l->node->label)) {
			print_error("%s (%s): not accessible (%d) and not a named index column\n",
				    where, l->node->label, l->node->access);
			bad++;
		} else {
			nindex++;
		}
		if (reg) {
			print_error("%s (%s): not-accessible, yet registered\n", where,
				    l->node->label);
			bad++;
		}
	}
	/* every exception named is one of the MIB's */
	if (nindex != NINDEX) {
		print_error("%u of the %zu named index columns are in the MIB\n", nindex, NINDEX);
		bad++;
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(registered_objects_are_in_the_mib, setup, teardown),
		cmocka_unit_test_setup_teardown(mib_objects_are_registered, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, group_teardown);
}
