/* snmp_client.h: leakwatch(1)'s SNMP side: snmpget's options, GETs, multi-column table reads. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_SNMP_CLIENT_H
#define LW_CLI_SNMP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "mib_objects.h"
#include "../src/base/lw_error.h"

/* A session with one agent; failures map to the exit statuses of commands.h. */
struct lw_client;

/* A value as read: which kind came on the wire, the number, or the text (NUL-terminated). */
enum lw_val_kind { LW_V_ABSENT = 0, LW_V_INT, LW_V_UINT, LW_V_TEXT };
struct lw_val {
	enum lw_val_kind kind;
	int64_t i;      /* LW_V_INT */
	uint64_t u;     /* LW_V_UINT */
	char *text;     /* LW_V_TEXT: strings, DateAndTime, OIDs, addresses, as text */
};

/* A table read by columns: its rows in index order, each with one value per requested column. */
struct lw_row {
	unsigned idx[40];  /* the index part of the OIDs (the longest: 1 + 1 + 1 + 16) */
	size_t idx_len;
	struct lw_val *vals;  /* ncols values */
};
struct lw_table {
	const struct lw_obj_group *group;
	const struct lw_obj **cols;  /* the columns read, in the order asked */
	size_t ncols;
	struct lw_row *rows;
	size_t nrows, cap;
};

/*
 * Parses snmpget's options from ARGV (net-snmp's snmp_parse_args: -v -c -u -l -a -A -x -X -t -r,
 * -M -m ignored for names, [transport:]host[:port]); an absent agent means localhost. On return,
 * *REST is the index in ARGV of the first argument after the agent. Returns the client or NULL
 * with *EXIT_CODE set (net-snmp has printed why for usage errors; ERR says otherwise).
 */
struct lw_client *lw_client_open(int argc, char **argv, int *rest, int *exit_code,
				 struct lw_error *err);
void lw_client_close(struct lw_client *c);
/* 0 when the agent serves LEAKWATCH-MIB (lwAgentVersion.0), else LW_EXIT_NO_MIB or another
 * exit status, with ERR set. */
int lw_client_check_mib(struct lw_client *c, struct lw_error *err);
const char *lw_client_peer(const struct lw_client *c);

/*
 * GETs the objects of OIDS (each below leakwatchMIB, with its instance), N of them, into VALS.
 * TYPES (NULL: all text) says how octet strings read (DateAndTime, addresses). An object the
 * agent does not have is LW_V_ABSENT. Returns 0, or an exit status with ERR set.
 */
int lw_client_get(struct lw_client *c, const unsigned *const *oids, const size_t *lens, size_t n,
		  const enum lw_obj_type *types, struct lw_val *vals, struct lw_error *err);

/*
 * Reads the columns NAMES (NULL-terminated, MIB names) of table G: GETBULK with every column in
 * each request (GETNEXT for SNMPv1), until the end of the table or MAX_ROWS rows (0: no limit).
 * Returns 0, or an exit status with ERR set.
 */
int lw_client_table(struct lw_client *c, const struct lw_obj_group *g, const char *const *names,
		    size_t max_rows, struct lw_table *t, struct lw_error *err);
/* Every readable column of G. */
int lw_client_table_all(struct lw_client *c, const struct lw_obj_group *g, size_t max_rows,
			struct lw_table *t, struct lw_error *err);
/* Every scalar of group G, one GET (a few for a large group): a table of one row. */
int lw_client_scalars(struct lw_client *c, const struct lw_obj_group *g, struct lw_table *t,
		      struct lw_error *err);
void lw_table_free(struct lw_table *t);
/* The position of column NAME in T, or -1. */
int lw_table_col(const struct lw_table *t, const char *name);
void lw_val_free(struct lw_val *v);

/* The value as a number (0 when absent or text), and whether it is present. */
static inline int64_t lw_val_num(const struct lw_val *v)
{
	return v->kind == LW_V_INT ? v->i : v->kind == LW_V_UINT ? (int64_t)v->u : 0;
}

#endif
