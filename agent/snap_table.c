/* snap_table.c: table_container-backed tables reloaded on the agent thread at each snapshot. */
#include "snap_table.h"

#include <stdlib.h>
#include <string.h>

/* One handler for every table: my_reg_void is the lw_snap_table. */
static int table_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reg,
			 netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	const struct lw_snap_table *t = reg->my_reg_void;
	const void *served = t->served(t->owner);

	(void)handler;
	if (reqinfo->mode != MODE_GET)
		return SNMP_ERR_NOERROR;
	for (netsnmp_request_info *r = requests; r != NULL; r = r->next) {
		const struct lw_snap_row *row = netsnmp_container_table_row_extract(r);
		netsnmp_table_request_info *ti = netsnmp_extract_table_info(r);

		if (r->processed)
			continue;
		if (row == NULL || ti == NULL || served == NULL ||
		    !t->column(r->requestvb, ti->colnum, row->data, served))
			netsnmp_set_request_error(reqinfo, r, SNMP_NOSUCHINSTANCE);
	}
	return SNMP_ERR_NOERROR;
}

int lw_snap_table_register(struct lw_snap_table *t, const char *name, const oid *entry,
			   size_t entry_len, int nindex, unsigned min_col, unsigned max_col,
			   lw_snap_column_fn *column, lw_snap_served_fn *served, const void *owner)
{
	const struct lw_snap_index index = { nindex, NULL, (size_t)nindex };

	return lw_snap_table_register_index(t, name, entry, entry_len, &index, min_col, max_col,
					    column, served, owner);
}

int lw_snap_table_register_index(struct lw_snap_table *t, const char *name, const oid *entry,
				 size_t entry_len, const struct lw_snap_index *index,
				 unsigned min_col, unsigned max_col, lw_snap_column_fn *column,
				 lw_snap_served_fn *served, const void *owner)
{
	memset(t, 0, sizeof(*t));
	t->index_max_len = index->max_len;
	t->column = column;
	t->served = served;
	t->owner = owner;
	t->reg = netsnmp_create_handler_registration(name, table_handler, entry, entry_len - 1,
						     HANDLER_CAN_RONLY);
	t->info = SNMP_MALLOC_TYPEDEF(netsnmp_table_registration_info);
	/* A sorted array: lookups and GETNEXT are binary searches. */
	t->container = netsnmp_container_find("lw_snap_table:table_container");
	if (t->reg == NULL || t->info == NULL || t->container == NULL)
		return -1;
	t->reg->my_reg_void = t;
	for (int i = 0; i < index->n; i++)
		netsnmp_table_helper_add_indexes(t->info, index->types ? index->types[i] : ASN_UNSIGNED,
						 0);
	t->info->min_column = min_col;
	t->info->max_column = max_col;
	return netsnmp_container_table_register(t->reg, t->info, t->container,
						TABLE_CONTAINER_KEY_NETSNMP_INDEX) ==
			       MIB_REGISTERED_OK
		       ? 0
		       : -1;
}

int lw_snap_table_load(struct lw_snap_table *t, size_t n, int nindex,
		       void (*fill)(size_t i, struct lw_snap_row *row, const void *ctx),
		       const void *ctx)
{
	struct lw_snap_row *rows = n ? calloc(n, sizeof(*rows)) : NULL;
	oid *pool = n ? calloc(n, t->index_max_len * sizeof(*pool)) : NULL;

	CONTAINER_CLEAR(t->container, NULL, NULL);
	free(t->rows);
	free(t->pool);
	t->rows = NULL;
	t->pool = NULL;
	t->nrows = 0;
	if (n > 0 && (rows == NULL || pool == NULL)) {
		free(rows);
		free(pool);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i].oids = pool + i * t->index_max_len;
		rows[i].index.oids = rows[i].oids;
		rows[i].index.len = (size_t)nindex;
		fill(i, &rows[i], ctx);
		/* Rows come in index order, so each insert appends to the sorted array. */
		CONTAINER_INSERT(t->container, &rows[i]);
	}
	t->rows = rows;
	t->pool = pool;
	t->nrows = n;
	return 0;
}

void lw_snap_table_unregister(struct lw_snap_table *t)
{
	if (t->reg != NULL)
		netsnmp_unregister_handler(t->reg);
	if (t->container != NULL) {
		CONTAINER_CLEAR(t->container, NULL, NULL);
		CONTAINER_FREE(t->container);
	}
	if (t->info != NULL)
		netsnmp_table_registration_info_free(t->info);
	free(t->rows);
	free(t->pool);
	memset(t, 0, sizeof(*t));
}
