/* lwn_snmp.h: check_leakwatch's SNMP reads: GETs and multi-column GETBULK walks of LEAKWATCH-MIB tables, numeric OIDs only. */
/* SPDX-License-Identifier: ISC */
#ifndef LWN_SNMP_H
#define LWN_SNMP_H

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <stddef.h>
#include <stdint.h>

/* lwObjects: every OID of the plugin is relative to it (compiled in, no MIB file needed). */
#define LWN_BASE "1.3.6.1.4.1.8072.9999.9999.4111.1"

/* One value as read. Integers of any unsigned or signed SNMP type land in u or i alike:
 * the MIB moves levels from CounterBasedGauge64 (Counter64) to Gauge32 and Unsigned32, and
 * the plugin must read either. */
enum { LWN_ABSENT = 0, LWN_UINT, LWN_INT, LWN_STRING };
typedef struct {
	int kind;
	uint64_t u;            /* LWN_UINT, and LWN_INT when >= 0 */
	int64_t i;             /* LWN_INT, and LWN_UINT up to INT64_MAX */
	char s[256];           /* LWN_STRING: NUL-terminated, cut at 255 octets */
	const char *why;       /* LWN_ABSENT: "noSuchObject", "noSuchInstance", "endOfMibView", "missing" */
} lwn_val;

typedef struct {
	netsnmp_session *ss;
	const char *peer;
	int max_repetitions;
	char err[512];         /* the last error, one line */
} lwn_ctx;

/* Opens the session parsed by snmp_parse_args; -1 with ctx->err set. */
int lwn_open(lwn_ctx *ctx, netsnmp_session *parsed);
void lwn_close(lwn_ctx *ctx);

/* GETs n objects, each "REL" below LWN_BASE with a printf-style instance already in it
 * ("3.2.1.2.1256806411"); absent objects come back LWN_ABSENT. -1 on a failed exchange. */
int lwn_get(lwn_ctx *ctx, const char *const *rel, size_t n, lwn_val *out);

/* A table as read by lwn_walk: rows in index order, one cell per requested column. */
typedef struct {
	oid idx[MAX_OID_LEN];
	size_t idxlen;
	lwn_val *cells;
} lwn_row;
typedef struct {
	size_t ncols;
	lwn_row *rows;
	size_t nrows, cap;
} lwn_table;

/* Reads the given columns of the table whose entry is ENTRY_REL below LWN_BASE (e.g. "3.2.1")
 * with GETBULK, all columns in each request, each column continuing from its own last
 * instance. rows_hint, when not 0, is the number of rows expected (a row-count scalar read
 * before): each request asks for the rows still expected and one more (at most 100 per
 * column), so a table is read without overshooting into the next objects.
 * Never used on lwProcTable. -1 with ctx->err on a failed exchange. */
int lwn_walk(lwn_ctx *ctx, const char *entry_rel, const unsigned *cols, size_t ncols,
	     size_t rows_hint, lwn_table *t);
void lwn_table_free(lwn_table *t);
/* The index of a row as a dotted string ("1256806411", "3.1.4.239.1.2.3"). */
void lwn_index_text(const lwn_row *r, char *out, size_t outlen);

/* Helpers on values. */
int lwn_is_num(const lwn_val *v);
uint64_t lwn_u(const lwn_val *v);      /* 0 unless a non-negative integer */
int64_t lwn_i(const lwn_val *v);

#endif
