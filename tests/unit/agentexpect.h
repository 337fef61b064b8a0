/* agentexpect.h: every instance LEAKWATCH-MIB must serve for a fixture agent, with its type and value. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TEST_AGENTEXPECT_H
#define LW_TEST_AGENTEXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent_ctx.h"
#include "mibtree.h"

/* One instance: its OID, the ASN type the MIB gives it and the value built into the fixture. */
struct lw_expect {
	oid name[MAX_OID_LEN];
	size_t len;
	u_char type;
	uint64_t u;               /* integers (Integer32 as its two's complement) */
	unsigned char s[256];     /* OCTET STRING octets, or an OBJECT IDENTIFIER's sub-ids */
	size_t slen;              /* octets; for an OBJECT IDENTIFIER, sub-identifiers */
	oid o[MAX_OID_LEN];
};

struct lw_expects {
	struct lw_expect *v;
	size_t n, cap;
};

/*
 * Every instance the agent serves for agent, worked out from the fixture's structs the way
 * LEAKWATCH-MIB's DESCRIPTIONs say (not by calling the agent), sorted by OID. With an agent
 * without a snapshot, the objects today's daemon serves before its first cycle.
 */
void lw_expect_build(const struct lw_agent *agent, struct lw_expects *out);
void lw_expect_free(struct lw_expects *e);

/* The expected instance at name, or NULL. */
const struct lw_expect *lw_expect_find(const struct lw_expects *e, const oid *name, size_t len);

/*
 * Compares vb (its name and value) with e; false with a message "expected X, got Y" in why.
 */
bool lw_expect_matches(const struct lw_expect *e, const netsnmp_variable_list *vb, char *why,
		       size_t cap);

#endif
