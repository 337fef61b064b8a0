/* test_agent.c: GET, GETNEXT and SET of every LEAKWATCH-MIB object in-process, over an in-memory snapshot. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "agentexpect.h"
#include "agenttest.h"
#include "mibtree.h"
#include "snapfixture.h"
#include "base/readfile.h"

/* One test's tree and agent, built the way the daemon builds them. */
struct fix {
	struct lw_mibtree *tree;
	struct lw_agent *agent;
	struct lw_t_objects objects;
	struct lw_expects expect;
};

static int setup_with(void **state, struct lw_agent *agent)
{
	struct fix *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->agent = agent;
	f->tree = lw_mibtree_new();
	if (f->tree == NULL || lw_mibtree_add_all(f->tree) != 0) {
		fprintf(stderr, "lw_mibtree_add_all failed\n");
		return -1;
	}
	lw_mibtree_load(f->tree, f->agent);
	lw_t_objects_collect(f->tree, &f->objects);
	lw_expect_build(f->agent, &f->expect);
	*state = f;
	return 0;
}

static int setup_full(void **state)
{
	return setup_with(state, lw_fixture_agent());
}

static int setup_empty(void **state)
{
	return setup_with(state, lw_fixture_empty_agent());
}

static int teardown(void **state)
{
	struct fix *f = *state;

	lw_mibtree_free(f->tree);
	lw_fixture_agent_free(f->agent);
	lw_t_objects_free(&f->objects);
	lw_expect_free(&f->expect);
	free(f);
	return 0;
}

static void vb_init(netsnmp_variable_list *vb, const oid *name, size_t len)
{
	memset(vb, 0, sizeof(*vb));
	snmp_set_var_objid(vb, name, len);
	vb->type = ASN_NULL;
}

static int get(const struct fix *f, netsnmp_variable_list *vb, const oid *name, size_t len)
{
	vb_init(vb, name, len);
	return lw_mibtree_get(f->tree, f->agent, vb);
}

static int getnext(const struct fix *f, netsnmp_variable_list *vb, const oid *name, size_t len,
		   bool inclusive)
{
	vb_init(vb, name, len);
	return lw_mibtree_getnext(f->tree, f->agent, vb, inclusive);
}

static const char *text(const oid *name, size_t len)
{
	static char buf[4][512];
	static int k;

	k = (k + 1) % 4;
	return lw_oid_text(name, len, buf[k], sizeof(buf[k]));
}

/* GET of name answers err (SNMP_NOSUCHOBJECT / SNMP_NOSUCHINSTANCE); false with a message. */
static bool get_fails(const struct fix *f, int err, const oid *name, size_t len)
{
	netsnmp_variable_list vb;
	int rc = get(f, &vb, name, len);

	snmp_free_var_internals(&vb);
	if (rc == err)
		return true;
	print_error("GET %s: expected %s, got %d\n", text(name, len),
		    err == SNMP_NOSUCHOBJECT ? "noSuchObject" : "noSuchInstance", rc);
	return false;
}

/* GETNEXT from name lands on want; false with a message. */
static bool next_is(const struct fix *f, const oid *from, size_t flen, bool inclusive,
		    const oid *want, size_t wlen)
{
	netsnmp_variable_list vb;
	int rc = getnext(f, &vb, from, flen, inclusive);
	bool ok = rc == 0 && snmp_oid_compare(vb.name, vb.name_length, want, wlen) == 0;

	if (!ok)
		print_error("GETNEXT%s %s: expected %s, got rc %d %s\n", inclusive ? " (inclusive)" : "",
			    text(from, flen), text(want, wlen), rc,
			    rc == 0 ? text(vb.name, vb.name_length) : "");
	snmp_free_var_internals(&vb);
	return ok;
}

/*
 * (a) A walk from lwObjects: every answer strictly after the one before, of its object's declared
 * type, and exactly the fixture's instances with their values; it ends with endOfMibView.
 */
static void walk_visits_every_instance_in_order(void **state)
{
	struct fix *f = *state;
	oid name[MAX_OID_LEN];
	size_t len = lw_t_oid(name, 0), seen = 0;
	unsigned bad = 0;
	int rc = 0;

	for (size_t step = 0; step < 100000; step++) {
		netsnmp_variable_list vb;
		const struct lw_t_object *obj;
		char why[2048];

		rc = getnext(f, &vb, name, len, false);
		if (rc != 0) {
			snmp_free_var_internals(&vb);
			break;
		}
		if (snmp_oid_compare(vb.name, vb.name_length, name, len) <= 0) {
			print_error("GETNEXT %s went back to %s\n", text(name, len),
				    text(vb.name, vb.name_length));
			snmp_free_var_internals(&vb);
			fail();
		}
		obj = lw_t_object_of(&f->objects, vb.name, vb.name_length);
		if (obj == NULL) {
			print_error("%s: no registered object owns it\n", text(vb.name, vb.name_length));
			bad++;
		} else if (obj->o->type != vb.type) {
			print_error("%s (%s): type 0x%02x, declared 0x%02x\n",
				    text(vb.name, vb.name_length), obj->o->name, vb.type, obj->o->type);
			bad++;
		}
		if (seen < f->expect.n) {
			const struct lw_expect *e = &f->expect.v[seen];
			int c = snmp_oid_compare(e->name, e->len, vb.name, vb.name_length);

			if (c < 0) {
				/* an instance the walk skipped: report it, keep comparing */
				print_error("walk skipped %s (got %s)\n", text(e->name, e->len),
					    text(vb.name, vb.name_length));
				bad++;
				while (seen < f->expect.n &&
				       snmp_oid_compare(f->expect.v[seen].name, f->expect.v[seen].len,
							vb.name, vb.name_length) < 0)
					seen++;
			}
			if (seen < f->expect.n &&
			    snmp_oid_compare(f->expect.v[seen].name, f->expect.v[seen].len, vb.name,
					     vb.name_length) == 0) {
				if (!lw_expect_matches(&f->expect.v[seen], &vb, why, sizeof(why))) {
					print_error("walk: %s\n", why);
					bad++;
				}
				seen++;
			} else {
				print_error("walk served %s, which the fixture does not have\n",
					    text(vb.name, vb.name_length));
				bad++;
			}
		} else {
			print_error("walk served %s after the fixture's last instance\n",
				    text(vb.name, vb.name_length));
			bad++;
		}
		memcpy(name, vb.name, vb.name_length * sizeof(oid));
		len = vb.name_length;
		snmp_free_var_internals(&vb);
	}
	assert_int_equal(rc, SNMP_ENDOFMIBVIEW);
	for (; seen < f->expect.n; seen++, bad++)
		print_error("walk never reached %s\n", text(f->expect.v[seen].name,
							     f->expect.v[seen].len));
	assert_int_equal(bad, 0);
}

/* (b) GET of every instance answers the fixture's value, cell by cell. */
static void get_answers_every_value(void **state)
{
	struct fix *f = *state;
	unsigned bad = 0;

	assert_true(f->expect.n > 400);  /* the fixture fills every table */
	for (size_t i = 0; i < f->expect.n; i++) {
		const struct lw_expect *e = &f->expect.v[i];
		netsnmp_variable_list vb;
		char why[2048];
		int rc = get(f, &vb, e->name, e->len);

		if (rc != 0) {
			print_error("GET %s: error %d\n", text(e->name, e->len), rc);
			bad++;
		} else if (!lw_expect_matches(e, &vb, why, sizeof(why))) {
			print_error("GET %s\n", why);
			bad++;
		}
		snmp_free_var_internals(&vb);
	}
	assert_int_equal(bad, 0);
}

/* Values written out by hand, so the expectations above are not only computed. */
static void get_spot_values(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list vb;
	oid n[MAX_OID_LEN];
	size_t len;

	/* lwProcName.42: the hostile bytes as they are */
	len = lw_t_oid(n, 5, 3u, 1u, 1u, 2u, (unsigned)LW_FIX_HOSTILE_PID);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_OCTET_STR);
	assert_int_equal(vb.val_len, strlen(LW_FIX_HOSTILE_NAME));
	assert_memory_equal(vb.val.string, LW_FIX_HOSTILE_NAME, vb.val_len);
	snmp_free_var_internals(&vb);
	/* lwProcVszKB.42: 0x123456789 KiB in a Gauge32 stays at its maximum */
	len = lw_t_oid(n, 5, 3u, 1u, 1u, 10u, (unsigned)LW_FIX_HOSTILE_PID);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_GAUGE);
	assert_int_equal(*vb.val.integer, 4294967295u);
	snmp_free_var_internals(&vb);
	/* lwMemTotalKB.0 (16 TiB) saturates; its twin lwMemTotalKBX.0 carries 2^34 KiB */
	len = lw_t_oid(n, 3, 2u, 5u, 0u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_GAUGE);
	assert_int_equal(*vb.val.integer, 4294967295u);
	snmp_free_var_internals(&vb);
	len = lw_t_oid(n, 3, 2u, 17u, 0u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_COUNTER64);
	assert_int_equal(vb.val.counter64->high, 4);
	assert_int_equal(vb.val.counter64->low, 0);
	snmp_free_var_internals(&vb);
	/* lwProcRssSlope.42: 5e9 KiB/h saturates at 2147483647 */
	len = lw_t_oid(n, 5, 3u, 1u, 1u, 19u, (unsigned)LW_FIX_HOSTILE_PID);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_INTEGER);
	assert_int_equal(*vb.val.integer, 2147483647);
	snmp_free_var_internals(&vb);
	/* lwTcpStateCount.8 (closeWait): 0x1ffffffff + 8 saturates at 4294967295 */
	len = lw_t_oid(n, 5, 4u, 1u, 1u, 2u, 8u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_GAUGE);
	assert_int_equal((unsigned long)*vb.val.integer, 4294967295ul);
	snmp_free_var_internals(&vb);
	/* lwTcpTopRemoteAddr.5.2: 2001:db8::1 */
	len = lw_t_oid(n, 6, 4u, 2u, 1u, 4u, 5u, 2u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.val_len, 16);
	assert_memory_equal(vb.val.string, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	snmp_free_var_internals(&vb);
	/* lwCollectorLastError of the failed collector, lwCollectorNotice of the limited one */
	len = lw_t_oid(n, 5, 1u, 5u, 1u, 9u, (unsigned)LW_FIX_FAILED_COLLECTOR + 1);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.val_len, strlen(LW_FIX_FAILED_TEXT));
	assert_memory_equal(vb.val.string, LW_FIX_FAILED_TEXT, vb.val_len);
	snmp_free_var_internals(&vb);
	len = lw_t_oid(n, 5, 1u, 5u, 1u, 10u, (unsigned)LW_FIX_NOTICE_COLLECTOR + 1);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.val_len, strlen(LW_FIX_NOTICE_TEXT));
	snmp_free_var_internals(&vb);
	/* lwMcastGroupJoined: 239.1.2.3 on ifIndex 2 is joined (1), 239.9.9.9 is not (2) */
	len = lw_t_oid(n, 11, 6u, 2u, 1u, 12u, 2u, 1u, 4u, 239u, 1u, 2u, 3u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(*vb.val.integer, 1);
	snmp_free_var_internals(&vb);
	len = lw_t_oid(n, 11, 6u, 2u, 1u, 12u, 2u, 1u, 4u, 239u, 9u, 9u, 9u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(*vb.val.integer, 2);
	snmp_free_var_internals(&vb);
	/* lwAlarmObjectId.3: lwProcRssKB.42 */
	len = lw_t_oid(n, 5, 7u, 2u, 1u, 4u, 3u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_OBJECT_ID);
	len = lw_t_oid(n, 5, 3u, 1u, 1u, 9u, 42u);
	assert_int_equal(vb.val_len, len * sizeof(oid));
	assert_memory_equal(vb.val.objid, n, len * sizeof(oid));
	snmp_free_var_internals(&vb);
	/* lwAlarmSuppressed: 0x100000002 as a Counter32 is 2 */
	len = lw_t_oid(n, 3, 7u, 6u, 0u);
	assert_int_equal(get(f, &vb, n, len), 0);
	assert_int_equal(vb.type, ASN_COUNTER);
	assert_int_equal(*vb.val.integer, 2);
	snmp_free_var_internals(&vb);
}

/* (c) noSuchInstance and noSuchObject (RFC 3416 section 4.2.1). */
static void get_missing(void **state)
{
	struct fix *f = *state;
	oid n[MAX_OID_LEN];
	bool ok = true;

#define INSTANCE(k, ...) ok &= get_fails(f, SNMP_NOSUCHINSTANCE, n, lw_t_oid(n, k, __VA_ARGS__))
#define OBJECT(k, ...) ok &= get_fails(f, SNMP_NOSUCHOBJECT, n, lw_t_oid(n, k, __VA_ARGS__))
	/* a row that is not there: lwProcName.2, lwSlabName.1, lwTcpPortStateListen.23 */
	INSTANCE(5, 3u, 1u, 1u, 2u, (unsigned)LW_FIX_MISSING_PID);
	INSTANCE(5, 3u, 1u, 1u, 2u, 0u);
	INSTANCE(5, 5u, 2u, 1u, 2u, 1u);
	INSTANCE(5, 4u, 3u, 1u, 2u, 23u);
	INSTANCE(5, 1u, 5u, 1u, 2u, (unsigned)LW_COL_COUNT + 1);
	INSTANCE(6, 3u, 3u, 1u, 3u, 2u, 1u);       /* lwProcTopPid.cpu.1: no cpu rows */
	INSTANCE(5, 6u, 1u, 1u, 2u, 9u);           /* lwMcastIfName.9 */
	INSTANCE(5, 6u, 1u, 1u, 2u, 0u);           /* the never-seen interface has no row */
	INSTANCE(5, 3u, 4u, 1u, 1u, 1000u);        /* lwProcFdSockets.1000: not in the fd top */
	/* an index with too many or too few sub-identifiers */
	INSTANCE(6, 3u, 1u, 1u, 2u, 1u, 0u);
	INSTANCE(5, 3u, 3u, 1u, 3u, 1u);
	INSTANCE(9, 6u, 3u, 1u, 4u, 2u, 1u, 4u, 224u, 0u);
	/* a failed collector's objects: lwFilesAllocated, lwFilesMax */
	INSTANCE(3, 2u, 13u, 0u);
	INSTANCE(3, 2u, 14u, 0u);
	INSTANCE(3, 2u, 25u, 0u);                  /* lwFilesMaxX: the same collector */
	/* fields the kernel did not print */
	INSTANCE(4, 5u, 1u, 7u, 0u);                               /* lwPercpuKB */
	INSTANCE(4, 5u, 8u, (unsigned)LW_FIX_ABSENT_VMSTAT + 1, 0u); /* lwVmOomKill */
	INSTANCE(4, 4u, 9u, (unsigned)LW_FIX_ABSENT_SOCKSTAT + 1, 0u);
	INSTANCE(4, 4u, 10u, 6u + (unsigned)LW_FIX_UNKNOWN_PCT, 0u);  /* lwTcpTwPercent */
	INSTANCE(6, 5u, 3u, 1u, 10u, 0u, 2u);      /* lwZoneManagedPages.0.2 */
	INSTANCE(6, 5u, 3u, 1u, 11u, 1u, 1u);      /* lwZoneHighOrderFreeKB.1.1: no buddyinfo */
	INSTANCE(7, 5u, 4u, 1u, 4u, 1u, 1u, 0u);   /* lwBuddyFreeBlocks of that zone */
	INSTANCE(7, 5u, 4u, 1u, 4u, 0u, 3u, 0u);   /* the Movable line zoneinfo did not list */
	INSTANCE(5, 7u, 3u, 1u, 2u, 2u);           /* lwTrendName.memAvailable: not known */
	INSTANCE(5, 7u, 2u, 1u, 2u, 4u);           /* lwAlarmType.4 */
	/* a scalar without .0, or with more after it */
	INSTANCE(2, 1u, 1u);
	INSTANCE(4, 1u, 1u, 0u, 0u);
	INSTANCE(3, 1u, 1u, 1u);
	INSTANCE(2, 7u, 4u);
	/* a column without an index */
	INSTANCE(4, 3u, 1u, 1u, 2u);
	INSTANCE(4, 7u, 3u, 1u, 6u);
	/* not an object: a sub-identifier no object has, a table, an entry, an index column */
	OBJECT(3, 1u, 9u, 0u);
	OBJECT(2, 99u, 0u);
	OBJECT(3, 2u, 26u, 0u);
	OBJECT(3, 2u, 0u, 0u);
	OBJECT(5, 3u, 1u, 1u, 23u, 1u);
	OBJECT(5, 3u, 1u, 1u, 1u, 1u);             /* lwProcPid is not-accessible */
	OBJECT(2, 3u, 1u);                         /* lwProcTable */
	OBJECT(3, 3u, 1u, 1u);                     /* lwProcEntry */
	OBJECT(3, 3u, 1u, 2u);                     /* lwProcEntry.2: no such entry */
	OBJECT(1, 3u);                             /* lwProcesses */
	OBJECT(0, 0u);                             /* lwObjects */
	OBJECT(3, 4u, 9u, 19u);
	OBJECT(3, 7u, 1u, 13u);
	{
		/* beside lwObjects: before it, the MIB root itself, its conformance part */
		static const oid before[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111, 0, 1 };
		static const oid conf[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111, 2, 1, 1, 0 };

		ok &= get_fails(f, SNMP_NOSUCHOBJECT, before, OID_LENGTH(before));
		ok &= get_fails(f, SNMP_NOSUCHOBJECT, conf, OID_LENGTH(conf));
	}
#undef INSTANCE
#undef OBJECT
	assert_true(ok);
}

/* (d) GETNEXT from places a walk does not start from. */
static void getnext_odd_places(void **state)
{
	struct fix *f = *state;
	oid a[MAX_OID_LEN], b[MAX_OID_LEN];
	size_t al, bl;
	bool ok = true;

#define FROM(k, ...) (al = lw_t_oid(a, k, __VA_ARGS__))
#define TO(k, ...) (bl = lw_t_oid(b, k, __VA_ARGS__))
#define NEXT(incl) (ok &= next_is(f, a, al, incl, b, bl))
	/* before the tree: the enterprises arc, and the MIB's root */
	{
		static const oid ent[] = { 1, 3, 6, 1, 4, 1 };
		static const oid root[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111 };

		TO(3, 1u, 1u, 0u);
		ok &= next_is(f, ent, OID_LENGTH(ent), false, b, bl);
		ok &= next_is(f, root, OID_LENGTH(root), false, b, bl);
		ok &= next_is(f, root, OID_LENGTH(root), true, b, bl);
	}
	/* inclusive: an instance itself; not inclusive: the one after */
	FROM(3, 1u, 1u, 0u), TO(3, 1u, 1u, 0u), NEXT(true);
	FROM(3, 1u, 1u, 0u), TO(3, 1u, 2u, 0u), NEXT(false);
	FROM(2, 1u, 1u), TO(3, 1u, 1u, 0u), NEXT(true);
	FROM(2, 1u, 1u), TO(3, 1u, 1u, 0u), NEXT(false);
	/* inclusive on an instance with no value moves on: lwFilesAllocated -> lwProcessCount */
	FROM(3, 2u, 13u, 0u), TO(3, 2u, 15u, 0u), NEXT(true);
	FROM(2, 2u, 12u), TO(3, 2u, 12u, 0u), NEXT(false);
	FROM(3, 2u, 12u, 0u), TO(3, 2u, 15u, 0u), NEXT(false);
	/* inclusive on a table cell with no value: lwZoneManagedPages.0.2 -> .1.1 */
	FROM(6, 5u, 3u, 1u, 10u, 0u, 2u), TO(6, 5u, 3u, 1u, 10u, 1u, 1u), NEXT(true);
	FROM(6, 5u, 3u, 1u, 10u, 0u, 1u), TO(6, 5u, 3u, 1u, 10u, 1u, 1u), NEXT(false);
	/* inside an index: between two pids, past a pid by more sub-identifiers */
	FROM(5, 3u, 1u, 1u, 2u, 2u), TO(5, 3u, 1u, 1u, 2u, 42u), NEXT(false);
	FROM(5, 3u, 1u, 1u, 2u, 2u), TO(5, 3u, 1u, 1u, 2u, 42u), NEXT(true);
	FROM(6, 3u, 1u, 1u, 2u, 42u, 0u), TO(5, 3u, 1u, 1u, 2u, 1000u), NEXT(false);
	FROM(6, 3u, 1u, 1u, 2u, 42u, 0u), TO(5, 3u, 1u, 1u, 2u, 1000u), NEXT(true);
	/* a partial two-part index: lwProcTopPid.rss -> .rss.1; lwProcTopPid.cpu -> .fds.1 */
	FROM(5, 3u, 3u, 1u, 3u, 1u), TO(6, 3u, 3u, 1u, 3u, 1u, 1u), NEXT(false);
	FROM(5, 3u, 3u, 1u, 3u, 2u), TO(6, 3u, 3u, 1u, 3u, 3u, 1u), NEXT(false);
	/* a partial address index: ifIndex 2, IPv4, length 4, 224.0 -> 224.0.0.1 */
	FROM(9, 6u, 3u, 1u, 4u, 2u, 1u, 4u, 224u, 0u);
	TO(11, 6u, 3u, 1u, 4u, 2u, 1u, 4u, 224u, 0u, 0u, 1u), NEXT(false);
	FROM(7, 6u, 3u, 1u, 4u, 2u, 1u, 5u);
	/* (ifIndex 2, IPv4, length 5) is after every 4-octet address of ifIndex 2 */
	{
		bl = lw_t_oid(b, 7, 6u, 3u, 1u, 4u, 3u, 2u, 16u);
		b[bl++] = 0xff, b[bl++] = 2;
		for (int i = 0; i < 13; i++)
			b[bl++] = 0;
		b[bl++] = 1;
		NEXT(false);
	}
	/* past a column's last row: the next column's first row */
	FROM(5, 3u, 1u, 1u, 2u, (unsigned)LW_FIX_LAST_PID), TO(5, 3u, 1u, 1u, 3u, 1u), NEXT(false);
	FROM(5, 3u, 1u, 1u, 2u, 4000000u), TO(5, 3u, 1u, 1u, 3u, 1u), NEXT(false);
	/* past a table's last cell: what follows the table (lwProcTimeToExhaustion -> groups) */
	FROM(5, 3u, 1u, 1u, 22u, (unsigned)LW_FIX_LAST_PID);
	{
		netsnmp_variable_list vb;

		assert_int_equal(getnext(f, &vb, a, al, false), 0);
		TO(4, 3u, 2u, 1u, 2u);
		assert_true(vb.name_length == bl + 1);
		assert_int_equal(snmp_oid_compare(vb.name, bl, b, bl), 0);
		snmp_free_var_internals(&vb);
	}
	/* past a column no row fills: lwTcpLimits' unknown percent is skipped */
	FROM(3, 4u, 10u, 8u), TO(4, 4u, 10u, 8u, 0u), NEXT(false);
	FROM(4, 4u, 10u, 8u, 0u), TO(4, 4u, 11u, 1u, 0u), NEXT(false);
	/* an OID between objects: lwSystem.99 -> the first process row */
	FROM(2, 2u, 99u), TO(5, 3u, 1u, 1u, 2u, 1u), NEXT(false);
	/* an OID past the last sub-identifier of a group's objects and tables */
	FROM(3, 3u, 4u, 1u), TO(5, 3u, 4u, 1u, 1u, 1u), NEXT(false);
	FROM(3, 3u, 4u, 6u), TO(3, 3u, 5u, 0u), NEXT(false);
#undef FROM
#undef TO
#undef NEXT
	assert_true(ok);
	/* past the last object: endOfMibView, inclusive or not */
	{
		static const oid conf[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111, 2 };
		static const oid past[] = { 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4112 };
		netsnmp_variable_list vb;

		al = lw_t_oid(a, 3, 7u, 6u, 0u);   /* lwAlarmSuppressed.0, the last instance */
		assert_int_equal(getnext(f, &vb, a, al, false), SNMP_ENDOFMIBVIEW);
		snmp_free_var_internals(&vb);
		assert_int_equal(getnext(f, &vb, a, al, true), 0);
		assert_int_equal(snmp_oid_compare(vb.name, vb.name_length, a, al), 0);
		snmp_free_var_internals(&vb);
		al = lw_t_oid(a, 3, 7u, 6u, 1u);
		assert_int_equal(getnext(f, &vb, a, al, true), SNMP_ENDOFMIBVIEW);
		snmp_free_var_internals(&vb);
		al = lw_t_oid(a, 1, 8u);
		assert_int_equal(getnext(f, &vb, a, al, false), SNMP_ENDOFMIBVIEW);
		snmp_free_var_internals(&vb);
		assert_int_equal(getnext(f, &vb, conf, OID_LENGTH(conf), false), SNMP_ENDOFMIBVIEW);
		snmp_free_var_internals(&vb);
		assert_int_equal(getnext(f, &vb, past, OID_LENGTH(past), true), SNMP_ENDOFMIBVIEW);
		snmp_free_var_internals(&vb);
	}
}

/* --- (e) SET ------------------------------------------------------------------------------- */

static netsnmp_variable_list *threshold_vb(enum lw_threshold_id id, u_char type, long v)
{
	netsnmp_variable_list *vb = calloc(1, sizeof(*vb));
	oid n[MAX_OID_LEN];

	assert_non_null(vb);
	snmp_set_var_objid(vb, n, lw_t_oid(n, 4, 7u, 1u, (unsigned)id + 1, 0u));
	if (type == ASN_OCTET_STR)
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, "600", 3);
	else {
		snmp_set_var_typed_integer(vb, type, v & 0xffffffffl);
		/* as a BER decoder on a 64-bit host may leave it: the whole long, not cut to 32 bits */
		*vb->val.integer = v;
	}
	return vb;
}

static void vbs_free(netsnmp_variable_list **vbs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		snmp_free_var_internals(vbs[i]);
		free(vbs[i]);
	}
}

/*
 * The phases net-snmp runs for one SET request (snmp_agent.c handle_set; over AgentX
 * TestSet, CommitSet, CleanupSet): RESERVE1, RESERVE2, ACTION, COMMIT, with no FREE after a
 * successful COMMIT; a failure in a RESERVE phase goes to FREE, in ACTION to UNDO. *failed is
 * the failing phase's varbind index.
 */
static int set_request(struct fix *f, netsnmp_variable_list **vbs, size_t n, size_t *failed)
{
	static const int order[] = { MODE_SET_RESERVE1, MODE_SET_RESERVE2, MODE_SET_ACTION,
				     MODE_SET_COMMIT };
	size_t bad = 0, ignored;
	int rc = SNMP_ERR_NOERROR;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		rc = lw_mibtree_set(f->tree, f->agent, order[i], vbs, n, &bad);
		if (rc == SNMP_ERR_NOERROR)
			continue;
		if (order[i] == MODE_SET_ACTION)
			(void)lw_mibtree_set(f->tree, f->agent, MODE_SET_UNDO, vbs, n, &ignored);
		else if (order[i] != MODE_SET_COMMIT)
			(void)lw_mibtree_set(f->tree, f->agent, MODE_SET_FREE, vbs, n, &ignored);
		break;
	}
	if (failed != NULL)
		*failed = bad;
	return rc;
}

static int set_one(struct fix *f, enum lw_threshold_id id, u_char type, long v)
{
	netsnmp_variable_list *vb = threshold_vb(id, type, v);
	size_t failed = 99;
	int rc = set_request(f, &vb, 1, &failed);

	if (rc != SNMP_ERR_NOERROR)
		assert_int_equal(failed, 0);
	vbs_free(&vb, 1);
	return rc;
}

static long get_threshold(struct fix *f, enum lw_threshold_id id)
{
	netsnmp_variable_list vb;
	oid n[MAX_OID_LEN];
	long v;

	assert_int_equal(get(f, &vb, n, lw_t_oid(n, 4, 7u, 1u, (unsigned)id + 1, 0u)), 0);
	assert_int_equal(vb.type, ASN_UNSIGNED);
	v = *vb.val.integer;
	snmp_free_var_internals(&vb);
	return v;
}

/* The thresholds file read back on top of the defaults. */
static struct lw_thresholds file_values(struct fix *f)
{
	struct lw_thresholds t;
	struct lw_error err;

	lw_thresholds_default(&t);
	if (lw_thresholds_load(f->agent->thresholds_path, &t, &err) != 0)
		fail_msg("%s", err.text);
	return t;
}

static bool file_exists(struct fix *f)
{
	return access(f->agent->thresholds_path, F_OK) == 0;
}

static void set_wrong_type(void **state)
{
	struct fix *f = *state;

	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_OCTET_STR, 0), SNMP_ERR_WRONGTYPE);
	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_INTEGER, 600), SNMP_ERR_WRONGTYPE);
	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_COUNTER, 600), SNMP_ERR_WRONGTYPE);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 600);
	assert_false(file_exists(f));
}

/* Every threshold's range (src/config/thresholds.c), both ends, and a value past 32 bits. */
static void set_wrong_value(void **state)
{
	struct fix *f = *state;

	for (int i = 0; i < LW_TH_COUNT; i++) {
		const struct lw_threshold_def *d = lw_threshold_def((enum lw_threshold_id)i);

		if (d->lo > 0)
			assert_int_equal(set_one(f, i, ASN_UNSIGNED, (long)d->lo - 1),
					 SNMP_ERR_WRONGVALUE);
		if (d->hi < UINT32_MAX)
			assert_int_equal(set_one(f, i, ASN_UNSIGNED, (long)d->hi + 1),
					 SNMP_ERR_WRONGVALUE);
		assert_int_equal(set_one(f, i, ASN_UNSIGNED, 0x100000000l + d->def),
				 SNMP_ERR_WRONGVALUE);
		assert_int_equal(get_threshold(f, i), d->def);
	}
	/* 2^32 + 1 would be lwLeakMinSlope's 1, in range, if cut to 32 bits */
	assert_int_equal(set_one(f, LW_TH_LEAK_MIN_SLOPE, ASN_UNSIGNED, 0x100000001l),
			 SNMP_ERR_WRONGVALUE);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_MIN_SLOPE), 1024);
	assert_false(file_exists(f));
}

/* lwLeakWindow a multiple of 10 s; lwLeakWarmup 0 or at least one window. */
static void set_inconsistent(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list *vbs[2];
	size_t failed = 99;

	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 605),
			 SNMP_ERR_INCONSISTENTVALUE);
	/* alone each is fine against the other's value in force (600 s, 7200 s)... */
	assert_int_equal(set_one(f, LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 0), SNMP_ERR_NOERROR);
	assert_int_equal(set_one(f, LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 7200), SNMP_ERR_NOERROR);
	/* ...together a window of 3600 s and a warm-up of 1800 s contradict each other. The error
	 * index is the request's first threshold varbind, as today's daemon answers (each varbind
	 * ran RESERVE2 over the whole request's values; the first one's failed) */
	vbs[0] = threshold_vb(LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 3600);
	vbs[1] = threshold_vb(LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 1800);
	assert_int_equal(set_request(f, vbs, 2, &failed), SNMP_ERR_INCONSISTENTVALUE);
	assert_int_equal(failed, 0);
	vbs_free(vbs, 2);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 600);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WARMUP), 7200);
	/* a warm-up shorter than the window in force */
	assert_int_equal(set_one(f, LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 300),
			 SNMP_ERR_INCONSISTENTVALUE);
	/* a window shorter than ten intervals (the fixture's interval is 30 s) */
	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 290),
			 SNMP_ERR_INCONSISTENTVALUE);
	/* both in one request, consistent together though not with the other's old value */
	vbs[0] = threshold_vb(LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 9000);
	vbs[1] = threshold_vb(LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 9000);
	assert_int_equal(set_request(f, vbs, 2, &failed), SNMP_ERR_NOERROR);
	vbs_free(vbs, 2);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 9000);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WARMUP), 9000);
}

static void set_not_writable(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list *vb = calloc(1, sizeof(*vb));
	oid n[MAX_OID_LEN];
	size_t failed = 99;

	assert_non_null(vb);
	/* lwAgentVersion.0 (read-only scalar), lwProcName.1 (read-only column) */
	snmp_set_var_objid(vb, n, lw_t_oid(n, 3, 1u, 1u, 0u));
	snmp_set_var_typed_value(vb, ASN_OCTET_STR, "x", 1);
	assert_int_equal(set_request(f, &vb, 1, &failed), SNMP_ERR_NOTWRITABLE);
	assert_int_equal(failed, 0);
	snmp_set_var_objid(vb, n, lw_t_oid(n, 5, 3u, 1u, 1u, 2u, 1u));
	assert_int_equal(set_request(f, &vb, 1, &failed), SNMP_ERR_NOTWRITABLE);
	/* lwSampleInterval.0: an Unsigned32 of the right type, still read-only */
	snmp_set_var_objid(vb, n, lw_t_oid(n, 3, 1u, 3u, 0u));
	snmp_set_var_typed_integer(vb, ASN_UNSIGNED, 10);
	assert_int_equal(set_request(f, &vb, 1, &failed), SNMP_ERR_NOTWRITABLE);
	vbs_free(&vb, 1);
	/* a writable varbind first, the read-only one second: the second fails, nothing applied */
	{
		netsnmp_variable_list *vbs[2];

		vbs[0] = threshold_vb(LW_TH_MCAST_PPS, ASN_UNSIGNED, 12345);
		vbs[1] = calloc(1, sizeof(*vbs[1]));
		assert_non_null(vbs[1]);
		snmp_set_var_objid(vbs[1], n, lw_t_oid(n, 3, 2u, 1u, 0u));  /* lwLoad1.0 */
		snmp_set_var_typed_integer(vbs[1], ASN_GAUGE, 1);
		assert_int_equal(set_request(f, vbs, 2, &failed), SNMP_ERR_NOTWRITABLE);
		assert_int_equal(failed, 1);
		vbs_free(vbs, 2);
	}
	assert_int_equal(get_threshold(f, LW_TH_MCAST_PPS), 20000);
	assert_false(file_exists(f));
}

/* RESERVE1 .. COMMIT: in force (GET, the agent's configuration) and in the file. */
static void set_commit_persists(void **state)
{
	struct fix *f = *state;
	struct lw_thresholds t;
	struct lw_filebuf fb = { 0 };
	struct lw_error err;

	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 1200), SNMP_ERR_NOERROR);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 1200);
	assert_int_equal(f->agent->cfg->thresholds.v[LW_TH_LEAK_WINDOW], 1200);
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 1200);
	assert_int_equal(t.set_mask, 1u << LW_TH_LEAK_WINDOW);
	/* the file holds what SETs gave, not the defaults */
	assert_int_equal(lw_read_file_grow_at(AT_FDCWD, f->agent->thresholds_path, &fb, 1 << 16,
					      &err), 0);
	assert_non_null(memmem(fb.data, fb.len, "leak_window 1200\n", 17));
	assert_null(memmem(fb.data, fb.len, "leak_warmup", 11));
	lw_filebuf_free(&fb);
	/* a second SET keeps the first in the file */
	assert_int_equal(set_one(f, LW_TH_HOLDDOWN, ASN_UNSIGNED, 0), SNMP_ERR_NOERROR);
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 1200);
	assert_int_equal(t.v[LW_TH_HOLDDOWN], 0);
	assert_int_equal(t.set_mask, (1u << LW_TH_LEAK_WINDOW) | (1u << LW_TH_HOLDDOWN));
	assert_int_equal(get_threshold(f, LW_TH_HOLDDOWN), 0);
}

/* Runs RESERVE1, RESERVE2 and ACTION of a request; all must pass. */
static void reserve_and_act(struct fix *f, netsnmp_variable_list **vbs, size_t n)
{
	size_t failed;

	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_RESERVE1, vbs, n, &failed), 0);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_RESERVE2, vbs, n, &failed), 0);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_ACTION, vbs, n, &failed), 0);
}

/* A later varbind (or over AgentX another subagent) failed after ACTION: the file goes back. */
static void set_undo_after_action(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list *vbs[2];
	struct lw_thresholds t;
	size_t failed;

	assert_int_equal(set_one(f, LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 1200), SNMP_ERR_NOERROR);
	vbs[0] = threshold_vb(LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 1800);
	vbs[1] = threshold_vb(LW_TH_ORPHAN_PCT, ASN_UNSIGNED, 5);
	reserve_and_act(f, vbs, 2);
	/* ACTION wrote the request's values... */
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 1800);
	assert_int_equal(t.v[LW_TH_ORPHAN_PCT], 5);
	/* ...UNDO puts the file back, and nothing was in force */
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_UNDO, vbs, 2, &failed), 0);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_FREE, vbs, 2, &failed), 0);
	vbs_free(vbs, 2);
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 1200);
	assert_int_equal(t.set_mask, 1u << LW_TH_LEAK_WINDOW);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 1200);
	assert_int_equal(get_threshold(f, LW_TH_ORPHAN_PCT),
			 lw_threshold_def(LW_TH_ORPHAN_PCT)->def);
}

/*
 * UNDO after this group's own COMMIT. net-snmp never sends it (UNDO follows a failed ACTION
 * standalone, and over AgentX UndoSet follows CommitSet, which the subagent runs as ACTION;
 * CleanupSet runs COMMIT: agentx/subagent.c), and no phase keeps the values from before the
 * request, so agent/mibtree.h (struct lw_writable_group) has it keep the committed values: the
 * values in force and the file still agree, nothing half undone.
 */
static void set_undo_after_commit(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list *vb;
	struct lw_thresholds t;
	size_t failed;

	assert_int_equal(set_one(f, LW_TH_LOAD_PER_CPU, ASN_UNSIGNED, 150), SNMP_ERR_NOERROR);
	vb = threshold_vb(LW_TH_LOAD_PER_CPU, ASN_UNSIGNED, 400);
	reserve_and_act(f, &vb, 1);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_COMMIT, &vb, 1, &failed), 0);
	assert_int_equal(get_threshold(f, LW_TH_LOAD_PER_CPU), 400);
	assert_int_equal(f->agent->cfg->thresholds.v[LW_TH_LOAD_PER_CPU], 400);
	assert_int_equal(file_values(f).v[LW_TH_LOAD_PER_CPU], 400);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_UNDO, &vb, 1, &failed), 0);
	vbs_free(&vb, 1);
	assert_int_equal(get_threshold(f, LW_TH_LOAD_PER_CPU), 400);
	assert_int_equal(f->agent->cfg->thresholds.v[LW_TH_LOAD_PER_CPU], 400);
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LOAD_PER_CPU], 400);
	assert_int_equal(t.set_mask, 1u << LW_TH_LOAD_PER_CPU);
	/* and the next request starts from them */
	assert_int_equal(set_one(f, LW_TH_HOLDDOWN, ASN_UNSIGNED, 60), SNMP_ERR_NOERROR);
	t = file_values(f);
	assert_int_equal(t.v[LW_TH_LOAD_PER_CPU], 400);
	assert_int_equal(t.v[LW_TH_HOLDDOWN], 60);
}

/*
 * FREE ends a request that went no further than RESERVE: nothing of it may surface in a later
 * request (the old handler's per-request state outlived requests and lost SETs).
 */
static void set_free_leaves_nothing(void **state)
{
	struct fix *f = *state;
	netsnmp_variable_list *vb = threshold_vb(LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 1200);
	size_t failed;
	struct lw_thresholds t;

	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_RESERVE1, &vb, 1, &failed), 0);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_RESERVE2, &vb, 1, &failed), 0);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_FREE, &vb, 1, &failed), 0);
	vbs_free(&vb, 1);
	assert_false(file_exists(f));
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 600);
	/* RESERVE1 only, then a whole other request: only the other one's value lands */
	vb = threshold_vb(LW_TH_LEAK_WINDOW, ASN_UNSIGNED, 1200);
	assert_int_equal(lw_mibtree_set(f->tree, f->agent, MODE_SET_RESERVE1, &vb, 1, &failed), 0);
	vbs_free(&vb, 1);
	assert_int_equal(set_one(f, LW_TH_LEAK_WARMUP, ASN_UNSIGNED, 9000), SNMP_ERR_NOERROR);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WINDOW), 600);
	assert_int_equal(get_threshold(f, LW_TH_LEAK_WARMUP), 9000);
	t = file_values(f);
	assert_int_equal(t.set_mask, 1u << LW_TH_LEAK_WARMUP);
	assert_int_equal(t.v[LW_TH_LEAK_WINDOW], 600);
}

/* Eight SETs in a row of one object, each read back (GET and the file). */
static void set_sequence_reads_back(void **state)
{
	struct fix *f = *state;
	static const long values[8] = { 1, 100000000, 0, 20000, 77, 99999999, 5, 123456 };

	for (int i = 0; i < 8; i++) {
		assert_int_equal(set_one(f, LW_TH_MCAST_PPS, ASN_UNSIGNED, values[i]),
				 SNMP_ERR_NOERROR);
		assert_int_equal(get_threshold(f, LW_TH_MCAST_PPS), values[i]);
		assert_int_equal(file_values(f).v[LW_TH_MCAST_PPS], (uint32_t)values[i]);
	}
	/* and in a walk */
	{
		netsnmp_variable_list vb;
		oid n[MAX_OID_LEN];
		size_t len = lw_t_oid(n, 4, 7u, 1u, 8u, 0u);

		assert_int_equal(getnext(f, &vb, n, len, false), 0);
		assert_int_equal(vb.name[len - 2], 9);
		assert_int_equal(*vb.val.integer, 123456);
		snmp_free_var_internals(&vb);
	}
}

/* (f) Before the first cycle: the configuration's scalars, noSuchInstance for the rest. */
static void empty_agent_walk(void **state)
{
	walk_visits_every_instance_in_order(state);
}

static void empty_agent_get(void **state)
{
	struct fix *f = *state;
	struct lw_agent *full = lw_fixture_agent();
	struct lw_expects all;
	unsigned bad = 0;

	/* every instance the full fixture has: the empty agent serves it as expected or not at all */
	lw_expect_build(full, &all);
	for (size_t i = 0; i < all.n; i++) {
		const struct lw_expect *e = lw_expect_find(&f->expect, all.v[i].name, all.v[i].len);
		netsnmp_variable_list vb;
		char why[2048];
		int rc = get(f, &vb, all.v[i].name, all.v[i].len);

		if (e == NULL && rc != SNMP_NOSUCHINSTANCE) {
			print_error("empty agent: GET %s: expected noSuchInstance, got %d\n",
				    text(all.v[i].name, all.v[i].len), rc);
			bad++;
		} else if (e != NULL && (rc != 0 || !lw_expect_matches(e, &vb, why, sizeof(why)))) {
			print_error("empty agent: GET %s: rc %d %s\n", text(e->name, e->len), rc,
				    rc == 0 ? why : "");
			bad++;
		}
		snmp_free_var_internals(&vb);
	}
	lw_expect_free(&all);
	lw_fixture_agent_free(full);
	assert_int_equal(bad, 0);
	/* 6 lwAgent less lwAgentSnapshotTime and its Unix twin, lwTcpPortMaxRows,
	 * lwKernelInterval, 5 lwMulticast, the thresholds */
	assert_int_equal(f->expect.n, 4 + 1 + 1 + 5 + LW_TH_COUNT);
}

/* A snapshot that replaces another: the tables follow it (rows gone, rows new). */
static void reload_follows_the_snapshot(void **state)
{
	struct fix *f = *state;
	struct lw_snapshot *s = f->agent->current;
	netsnmp_variable_list vb;
	oid n[MAX_OID_LEN];
	size_t len = lw_t_oid(n, 5, 3u, 1u, 1u, 2u, 1u);

	/* the TCP collector fails: its tables and scalars go, lwTcpPortMaxRows stays */
	s->collectors[LW_COL_TCP].ok = false;
	/* memberships unreadable: lwMcastMemberTable empty, lwMcastGroupJoined unknown (no value);
	 * buddyinfo failed: lwBuddyTable empty, lwZoneHighOrderFreeKB without a value */
	s->collectors[LW_COL_MCAST_MEMBERS].ok = false;
	s->collectors[LW_COL_BUDDYINFO].ok = false;
	/* the process table loses its first row */
	memmove(&s->procs.rows[0], &s->procs.rows[1], (s->procs.count - 1) * sizeof(s->procs.rows[0]));
	s->procs.count--;
	lw_mibtree_load(f->tree, f->agent);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	assert_int_equal(getnext(f, &vb, n, len - 1, false), 0);
	assert_int_equal(vb.name[len - 1], LW_FIX_HOSTILE_PID);
	snmp_free_var_internals(&vb);
	len = lw_t_oid(n, 5, 4u, 1u, 1u, 2u, 5u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	len = lw_t_oid(n, 3, 4u, 4u, 0u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	len = lw_t_oid(n, 11, 6u, 2u, 1u, 12u, 2u, 1u, 4u, 239u, 1u, 2u, 3u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	len = lw_t_oid(n, 11, 6u, 3u, 1u, 4u, 2u, 1u, 4u, 239u, 1u, 2u, 3u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	len = lw_t_oid(n, 6, 5u, 3u, 1u, 11u, 0u, 1u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	len = lw_t_oid(n, 7, 5u, 4u, 1u, 4u, 0u, 1u, 0u);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
	/* and the walk is what the expectations say for the new snapshot */
	lw_expect_free(&f->expect);
	lw_expect_build(f->agent, &f->expect);
	walk_visits_every_instance_in_order(state);
	/* no snapshot at all */
	lw_snapshot_free(f->agent->current);
	f->agent->current = NULL;
	lw_mibtree_load(f->tree, f->agent);
	len = lw_t_oid(n, 5, 3u, 1u, 1u, 2u, (unsigned)LW_FIX_HOSTILE_PID);
	assert_true(get_fails(f, SNMP_NOSUCHINSTANCE, n, len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(walk_visits_every_instance_in_order, setup_full,
						teardown),
		cmocka_unit_test_setup_teardown(get_answers_every_value, setup_full, teardown),
		cmocka_unit_test_setup_teardown(get_spot_values, setup_full, teardown),
		cmocka_unit_test_setup_teardown(get_missing, setup_full, teardown),
		cmocka_unit_test_setup_teardown(getnext_odd_places, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_wrong_type, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_wrong_value, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_inconsistent, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_not_writable, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_commit_persists, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_undo_after_action, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_undo_after_commit, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_free_leaves_nothing, setup_full, teardown),
		cmocka_unit_test_setup_teardown(set_sequence_reads_back, setup_full, teardown),
		cmocka_unit_test_setup_teardown(empty_agent_walk, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(empty_agent_get, setup_empty, teardown),
		cmocka_unit_test_setup_teardown(reload_follows_the_snapshot, setup_full, teardown),
	};

	/* the agent's logging goes to stderr, where cmocka's messages are */
	snmp_enable_stderrlog();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
