/* snap_table.h: an SNMP table whose rows are reloaded from each new snapshot (net-snmp container). */
#ifndef LW_SNAP_TABLE_H
#define LW_SNAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

/* One row: its index OIDs and a pointer into the snapshot it was loaded from. */
struct lw_snap_row {
	netsnmp_index index;  /* first: the container compares rows as netsnmp_index */
	oid *oids;            /* the table's max_len sub-identifiers, in one pool per load */
	const void *data;
};

/*
 * A table's index: n components of the given ASN types (NULL: all ASN_UNSIGNED) taking at most
 * max_len sub-identifiers in all (a string component that is not IMPLIED takes its length and
 * its octets: an InetAddress of 16 octets is 17).
 */
struct lw_snap_index {
	int n;
	const u_char *types;
	size_t max_len;
};

/*
 * Sets vb to column of the row whose data is row; served is what the table's served function
 * returned. Returns false when the row has no value in that column (noSuchInstance).
 */
typedef bool lw_snap_column_fn(netsnmp_variable_list *vb, unsigned column, const void *row,
			       const void *served);

/* The data the rows point into (the served snapshot's part), or NULL when there is none. */
typedef const void *lw_snap_served_fn(const void *owner);

struct lw_snap_table {
	netsnmp_container *container;
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;
	struct lw_snap_row *rows;
	size_t nrows;
	lw_snap_column_fn *column;
	lw_snap_served_fn *served;
	const void *owner;            /* passed to served() */
	size_t index_max_len;
	oid *pool;                    /* the rows' index sub-identifiers */
};

/*
 * Registers a read-only table at the parent of its Entry OID (entry, entry_len), with nindex
 * unsigned index components and columns min_col..max_col. A GET is answered with column() on
 * its row, or noSuchInstance when the row is missing, served(owner) is NULL or column() says
 * there is no value; the table helpers have already turned GETNEXT into GET.
 */
int lw_snap_table_register(struct lw_snap_table *t, const char *name, const oid *entry,
			   size_t entry_len, int nindex, unsigned min_col, unsigned max_col,
			   lw_snap_column_fn *column, lw_snap_served_fn *served, const void *owner);

/* The same with an index of other types or lengths. */
int lw_snap_table_register_index(struct lw_snap_table *t, const char *name, const oid *entry,
				 size_t entry_len, const struct lw_snap_index *index,
				 unsigned min_col, unsigned max_col, lw_snap_column_fn *column,
				 lw_snap_served_fn *served, const void *owner);

/*
 * Replaces every row: fill(i, row, ctx) sets row->oids[] and row->data for i in 0..n-1, in
 * increasing index order; row->index.len is nindex unless fill sets it (a variable-length
 * index, at most the table's max_len). On allocation failure the table is left empty and -1
 * returned.
 */
int lw_snap_table_load(struct lw_snap_table *t, size_t n, int nindex,
		       void (*fill)(size_t i, struct lw_snap_row *row, const void *ctx),
		       const void *ctx);


void lw_snap_table_unregister(struct lw_snap_table *t);

#endif
