/* agenttest.h: what the agent/ unit tests share: OIDs under lwObjects, varbind checks, the object list. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TEST_AGENTTEST_H
#define LW_TEST_AGENTTEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mibtree.h"
#include "snmp_values.h"  /* lw_oid_text for messages */

/* LEAKWATCH-MIB's lwObjects (agent/lw_oids.h's LW_MIB_ROOT, 1). */
#define LW_T_OBJECTS 1, 3, 6, 1, 4, 1, 8072, 9999, 9999, 4111, 1
#define LW_T_OBJECTS_LEN 11

/* lwObjects followed by n sub-identifiers (unsigned), into out; returns the length. */
size_t lw_t_oid(oid *out, size_t n, ...);

/* Every object lw_mibtree_each reports, with its OID. */
struct lw_t_object {
	oid name[MAX_OID_LEN];
	size_t len;
	const struct lw_object *o;
};

struct lw_t_objects {
	struct lw_t_object *v;
	size_t n, cap;
};

void lw_t_objects_collect(const struct lw_mibtree *t, struct lw_t_objects *out);
void lw_t_objects_free(struct lw_t_objects *l);

/* The object whose OID is a proper prefix of name (name is one of its instances), or NULL. */
const struct lw_t_object *lw_t_object_of(const struct lw_t_objects *l, const oid *name,
					 size_t len);

#endif
