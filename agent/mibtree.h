/* mibtree.h: the one way LEAKWATCH-MIB objects are served: scalar groups and tables, each object's number, type and value function side by side. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_MIBTREE_H
#define LW_MIBTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

struct lw_agent;

/*
 * Sets vb's value from row (a table's row data; NULL for a scalar) and the agent's served state.
 * Returns false when there is no value (noSuchInstance): a collector failed, a field the kernel
 * does not print. The value's type must be the object's declared type (the unit test checks).
 */
typedef bool lw_value_fn(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent);

/*
 * A writable object. SET is stateless between phases: net-snmp hands every phase the request's
 * varbinds again (also over AgentX, where each phase is a separate PDU), so each phase works from
 * them and from the values in force; nothing is kept that could outlive the request (net-snmp
 * does not run FREE after a successful COMMIT, and reuses request pointers: issue 14).
 *   check: RESERVE1, one varbind: wrongType / wrongValue, before anything is decided.
 *   The rest is the owner's (struct lw_writable_group below): the group's varbinds together.
 */
typedef int lw_check_fn(const netsnmp_variable_list *vb);  /* an SNMP_ERR_* */

/*
 * Defines fn, a static lw_value_fn, for one object of a family that reads the same thing:
 * bind declares it (from row, agent: a typed row, the served snapshot...), absent says when there
 * is no value, set sets vb. A family's one-line macro over it names bind and absent once, so each
 * object's function stays one line beside the others: the skeleton is written only here.
 */
#define LW_VALUE_FN(fn, bind, absent, set)                                                    \
	static bool fn(netsnmp_variable_list *vb, const void *row, const struct lw_agent *agent) \
	{                                                                                     \
		bind;                                                                         \
		(void)row, (void)agent;                                                       \
		if (absent)                                                                   \
			return false;                                                         \
		set;                                                                          \
		return true;                                                                  \
	}

enum lw_access { LW_READ_ONLY, LW_READ_WRITE };

/* One object: its sub-identifier (column of a table, object of a group), written once, here. */
struct lw_object {
	unsigned subid;
	u_char type;            /* ASN_GAUGE, ASN_OCTET_STR, ... as the MIB declares it */
	enum lw_access access;
	lw_value_fn *value;
	lw_check_fn *check;     /* LW_READ_WRITE only */
	const char *name;       /* the MIB descriptor, for the conformance test and logs */
};

/* A group's SET phases over all the request's varbinds that fall in the group (see above). */
struct lw_writable_group {
	/* RESERVE2: the values in force with every varbind applied are consistent. */
	int (*consistent)(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n);
	/* ACTION: make them durable (the thresholds file); an SNMP_ERR_* on failure. */
	int (*persist)(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n);
	/* COMMIT: put them in force. */
	void (*apply)(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n);
	/*
	 * UNDO: put back on disk (and in force) the values in force. net-snmp sends UNDO only
	 * after ACTION, before COMMIT: standalone, when an ACTION failed (snmp_agent.c handle_set:
	 * a failed COMMIT ends the request, a successful one ends it without FREE); over AgentX,
	 * UndoSet follows CommitSet, which the subagent runs as ACTION, while CleanupSet runs
	 * COMMIT (agentx/subagent.c; RFC 2741 7.2.4 has no undo after CleanupSet). So the values
	 * in force at UNDO are those before the request, and no phase keeps anything. An UNDO
	 * after this group's own COMMIT (which net-snmp never sends) keeps the committed values.
	 */
	void (*undo)(struct lw_agent *agent, netsnmp_variable_list *const *vbs, size_t n);
};

/* A scalar group: base.subid.0 for each object. Objects sorted by subid. */
struct lw_scalar_group {
	const char *name;
	oid base[MAX_OID_LEN];
	size_t base_len;
	const struct lw_object *objects;
	size_t n;
	const struct lw_writable_group *writable;  /* NULL: read-only */
};

/*
 * A scalar group's definition (writable NULL: read-only). base_oid is a macro of the
 * comma-separated sub-identifiers (lw_oids.h), written once: its length is counted here.
 */
#define LW_SCALAR_GROUP(name, base_oid, objects, writable)                                    \
	{ name, { base_oid }, OID_LENGTH(((oid[]){ base_oid })), objects,                    \
	  sizeof(objects) / sizeof((objects)[0]), writable }

/* One row of a loaded table: its index sub-identifiers and the row data the values read. */
struct lw_table_row {
	const oid *index;
	size_t index_len;
	const void *data;
};

/* A table's rows for the served snapshot, sorted by index (strictly increasing). */
struct lw_table_rows {
	struct lw_table_row *rows;
	size_t n;
	oid *pool;              /* the rows' index sub-identifiers */
	void *extra;            /* memory the loader built rows from (freed with the rows) */
};

/* For loaders: room for n rows of at most index_max_len sub-identifiers (n = 0 after); -1: ENOMEM. */
int lw_table_rows_alloc(struct lw_table_rows *out, size_t n, size_t index_max_len);

/* Appends a row (in index order) and returns where to write its index_len sub-identifiers. */
oid *lw_table_rows_push(struct lw_table_rows *out, size_t index_max_len, size_t index_len,
			const void *data);

void lw_table_rows_free(struct lw_table_rows *r);

/*
 * The whole load of a table indexed by a uint32_t its rows carry (a pid, a name's hash): a row
 * for each of the n elements of the array at rows (size bytes each), indexed by the uint32_t at
 * key_offset in it (LW_ROW_KEY). -1 when out of memory.
 */
int lw_table_rows_keyed(struct lw_table_rows *out, const void *rows, size_t n, size_t size,
			size_t key_offset);

/* offsetof(type, key) for lw_table_rows_keyed; a key not the size of a uint32_t does not compile. */
#define LW_ROW_KEY(type, key)                                                                 \
	(offsetof(type, key) +                                                                \
	 0 * sizeof(char[sizeof(((type *)0)->key) == sizeof(uint32_t) ? 1 : -1]))

/*
 * Rebuilds a table's rows from the agent's served state (on the agent thread, when a snapshot
 * arrives). Returns -1 when out of memory: the table is then empty until the next snapshot.
 */
typedef int lw_table_load_fn(const struct lw_agent *agent, struct lw_table_rows *out);

/* A table: entry.column.index for each column and row. Columns sorted by subid. */
struct lw_table {
	const char *name;
	oid entry[MAX_OID_LEN];
	size_t entry_len;
	const struct lw_object *columns;
	size_t n;
	lw_table_load_fn *load;
	struct lw_table_rows loaded;  /* the agent thread's; replaced at each load */
};

/* A table's definition, its entry OID written once (see LW_SCALAR_GROUP). */
#define LW_TABLE(name, entry_oid, columns, load)                                              \
	{ name, { entry_oid }, OID_LENGTH(((oid[]){ entry_oid })), columns,                  \
	  sizeof(columns) / sizeof((columns)[0]), load, { 0 } }

/* Every scalar group and table under lwObjects, kept sorted by OID: one net-snmp registration. */
struct lw_mibtree;

struct lw_mibtree *lw_mibtree_new(void);
void lw_mibtree_free(struct lw_mibtree *t);   /* frees loaded rows; the definitions are static */
int lw_mibtree_add_group(struct lw_mibtree *t, struct lw_scalar_group *g);
int lw_mibtree_add_table(struct lw_mibtree *t, struct lw_table *table);

/* Reloads every table from the agent's served state (after a new snapshot). */
void lw_mibtree_load(struct lw_mibtree *t, const struct lw_agent *agent);

/* Reloads one table (the multicast captures publish between snapshots). */
void lw_mibtree_load_one(struct lw_table *table, const struct lw_agent *agent);

/*
 * GET of vb's name: 0 with vb's value set, or SNMP_NOSUCHOBJECT (no such object in the MIB) or
 * SNMP_NOSUCHINSTANCE (the object exists, this instance does not or has no value now).
 */
int lw_mibtree_get(const struct lw_mibtree *t, const struct lw_agent *agent,
		   netsnmp_variable_list *vb);

/*
 * GETNEXT: the first instance with a value after vb's name (or at it, when inclusive: an AgentX
 * search range that includes its start, RFC 2741 section 5.2); 0 with vb's name and value set,
 * or SNMP_ENDOFMIBVIEW when the tree has none (the master then asks the next subtree).
 */
int lw_mibtree_getnext(const struct lw_mibtree *t, const struct lw_agent *agent,
		       netsnmp_variable_list *vb, bool inclusive);

/* The most varbinds one SET may carry (RESERVE1 answers tooBig beyond): no allocation per request. */
#define LW_MIBTREE_MAX_SET 64

/*
 * One SET phase (MODE_SET_RESERVE1 .. MODE_SET_FREE) over the request's varbinds. Returns
 * SNMP_ERR_NOERROR or the error, with *failed the index of the varbind it belongs to.
 * RESERVE1, for each varbind in order: outside every object, or a read-only object:
 * notWritable; a writable object's instance other than .0: noCreation; then the object's check.
 * The later phases call each writable group's function with the group's varbinds.
 */
int lw_mibtree_set(const struct lw_mibtree *t, struct lw_agent *agent, int mode,
		   netsnmp_variable_list *const *vbs, size_t n, size_t *failed);

/*
 * Every LEAKWATCH-MIB group and table (agent/mib_*.c each export lw_mib_<part>_add(t), all
 * declared in mib_groups.h); the daemon and the unit tests build the same tree with it.
 */
int lw_mibtree_add_all(struct lw_mibtree *t);

/* Calls fn for every object with its OID (the column's, or base.subid: no instance). */
void lw_mibtree_each(const struct lw_mibtree *t,
		     void (*fn)(const oid *name, size_t len, const struct lw_object *o, void *ctx),
		     void *ctx);

#endif
