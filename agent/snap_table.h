/* snap_table.h: an SNMP table whose rows are reloaded from each new snapshot (net-snmp container). */
#ifndef LW_SNAP_TABLE_H
#define LW_SNAP_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>

#define LW_SNAP_INDEX_MAX 3

/* One row: its index OIDs and a pointer into the snapshot it was loaded from. */
struct lw_snap_row {
	netsnmp_index index;  /* first: the container compares rows as netsnmp_index */
	oid oids[LW_SNAP_INDEX_MAX];
	const void *data;
};

struct lw_snap_table {
	netsnmp_container *container;
	netsnmp_handler_registration *reg;
	netsnmp_table_registration_info *info;
	struct lw_snap_row *rows;
	size_t nrows;
};

/*
 * Registers a read-only table under base with nindex unsigned index components and columns
 * min_col..max_col; handler finds its row with lw_snap_table_row(request).
 */
int lw_snap_table_register(struct lw_snap_table *t, const char *name, const oid *base,
			   size_t base_len, int nindex, unsigned min_col, unsigned max_col,
			   Netsnmp_Node_Handler *handler, void *myvoid);

/*
 * Replaces every row: fill(i, row, ctx) sets row->oids[] and row->data for i in 0..n-1, in
 * increasing index order. On allocation failure the table is left empty and -1 returned.
 */
int lw_snap_table_load(struct lw_snap_table *t, size_t n, int nindex,
		       void (*fill)(size_t i, struct lw_snap_row *row, const void *ctx),
		       const void *ctx);

/* The row a GET (or GETNEXT turned GET) request addresses, or NULL. */
const struct lw_snap_row *lw_snap_table_row(netsnmp_request_info *request);

/*
 * Sets vb to column of the row whose data is row; ctx is what lw_snap_table_answer got.
 * Returns false when the row has no value in that column (noSuchInstance).
 */
typedef bool lw_snap_column_fn(netsnmp_variable_list *vb, unsigned column, const void *row,
			       const void *ctx);

/*
 * The body of a table handler: answers each GET request with column(), or noSuchInstance when
 * its row is missing or ctx (the served data) is NULL. Other modes need nothing: the table
 * helpers have already turned GETNEXT into GET.
 */
int lw_snap_table_answer(netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests,
			 lw_snap_column_fn *column, const void *ctx);

void lw_snap_table_unregister(struct lw_snap_table *t);

#endif
