/* cmd_show.c: `leakwatch show TABLE`: one table of a leakwatch agent, readable, --json or --csv. */
/* SPDX-License-Identifier: ISC */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_args.h"
#include "commands.h"
#include "render.h"
#include "show_tables.h"
#include "snmp_client.h"

static void table_names(FILE *f)
{
	for (unsigned i = 0; i < lw_show_table_count; i++)
		fprintf(f, "%s%s", i ? ", " : "", lw_show_tables[i].name);
}

static void help(FILE *f)
{
	fprintf(f, "usage: leakwatch show [SNMP OPTIONS] [AGENT] TABLE [--json | --csv] [--all]\n"
		"                      [--sort COLUMN] [--rows N]\n\n"
		"SNMP OPTIONS and AGENT as for snmpget(1): -v 1|2c|3, -c COMMUNITY, -u USER, -l LEVEL,\n"
		"-a PROTOCOL, -A PASSPHRASE, -x PROTOCOL, -X PASSPHRASE, -t SECONDS, -r RETRIES,\n"
		"[udp:|tcp:]HOST[:PORT] (default localhost).\n\n"
		"  --json       an array of objects keyed by the MIB's names, raw values\n"
		"  --csv        a header row of the MIB's names, then raw values\n"
		"  --all        every column in the text view\n"
		"  --sort COL   rows by this column, largest first (MIB name or the header's name)\n"
		"  --rows N     at most N rows\n\ntables:\n");
	for (unsigned i = 0; i < lw_show_table_count; i++)
		fprintf(f, "  %-11s %s\n", lw_show_tables[i].name, lw_show_tables[i].summary);
}

/* --sort: the column's position, by MIB name or by its header. */
static int sort_col;
static const struct lw_table *sort_table;

static int row_cmp(const void *pa, const void *pb)
{
	const struct lw_val *a = &((const struct lw_row *)pa)->vals[sort_col];
	const struct lw_val *b = &((const struct lw_row *)pb)->vals[sort_col];
	if (a->kind == LW_V_TEXT && b->kind == LW_V_TEXT)
		return strcmp(a->text, b->text);
	if (a->kind != b->kind)
		return a->kind == LW_V_ABSENT ? 1 : b->kind == LW_V_ABSENT ? -1 : 0;
	int64_t x = lw_val_num(a), y = lw_val_num(b);
	if (a->kind == LW_V_UINT)
		return a->u < b->u ? 1 : a->u > b->u ? -1 : 0;
	return x < y ? 1 : x > y ? -1 : 0;
}

static int find_sort_col(const struct lw_table *t, const char *name)
{
	int c = lw_table_col(t, name);
	/* the header's name ("total"), or the end of the MIB name ("TotalKB") */
	for (size_t i = 0; c < 0 && i < t->ncols; i++) {
		char s[96];
		const char *full = t->cols[i]->name;
		size_t n = strlen(full), m = strlen(name);
		lw_short_name(s, sizeof(s), t->group, full);
		if (strcasecmp(s, name) == 0 || (m > 2 && m < n && strcasecmp(full + n - m, name) == 0))
			c = (int)i;
	}
	return c;
}

/* Reads the scalar groups named in GROUPS into one table of one row. */
static int read_scalars(struct lw_client *c, const char *groups, struct lw_table *out,
			struct lw_error *err)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", groups);
	memset(out, 0, sizeof(*out));
	size_t total = 0;
	struct lw_table parts[8];
	size_t np = 0;
	int rc = 0;
	for (char *save, *g = strtok_r(buf, " ", &save); g && np < 8; g = strtok_r(NULL, " ", &save)) {
		rc = lw_client_scalars(c, lw_obj_group_find(g), &parts[np], err);
		if (rc)
			break;
		total += parts[np++].ncols;
	}
	if (!rc) {
		out->group = parts[0].group;
		out->cols = calloc(total ? total : 1, sizeof(*out->cols));
		out->rows = calloc(1, sizeof(*out->rows));
		if (out->rows)
			out->rows[0].vals = calloc(total ? total : 1, sizeof(struct lw_val));
		if (!out->cols || !out->rows || !out->rows[0].vals) {
			free(out->cols);
			if (out->rows)
				free(out->rows[0].vals);
			free(out->rows);
			memset(out, 0, sizeof(*out));
			rc = LW_EXIT_FAILED;
			lw_error_set(err, 12, "out of memory");
		} else {
			out->nrows = out->cap = 1;
			for (size_t p = 0; p < np; p++)
				for (size_t i = 0; i < parts[p].ncols; i++) {
					out->cols[out->ncols] = parts[p].cols[i];
					out->rows[0].vals[out->ncols++] = parts[p].rows[0].vals[i];
					memset(&parts[p].rows[0].vals[i], 0, sizeof(struct lw_val));
				}
		}
	}
	for (size_t p = 0; p < np; p++)
		lw_table_free(&parts[p]);
	return rc;
}

int lw_cmd_show(int argc, char **argv)
{
	struct lw_cmd_args a;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			help(stdout);
			return LW_EXIT_OK;
		}
	/* TABLE is the first word that names a table, before or after the agent */
	int words[8];
	int nw = lw_cmd_args_words(argc, argv, words, 8);
	const struct lw_show_table *st = NULL;
	int at = -1;
	for (int i = 0; i < nw && i < 8 && !st; i++)
		if ((st = lw_show_table_find(argv[words[i]])))
			at = words[i];
	if (!st) {
		if (nw == 0)
			fprintf(stderr, "leakwatch show: which table? (");
		else if (nw == 1 && strpbrk(argv[words[0]], ":."))
			fprintf(stderr, "leakwatch show: which table of %s? (", argv[words[0]]);
		else
			fprintf(stderr, "leakwatch show: unknown table '%s' (",
				argv[words[nw > 8 ? 7 : nw - 1]]);
		table_names(stderr);
		fprintf(stderr, "; see leakwatch show --help)\n");
		return LW_EXIT_USAGE;
	}
	char **av = calloc((size_t)argc, sizeof(*av));
	if (!av)
		return LW_EXIT_FAILED;
	int ac = 0;
	for (int i = 0; i < argc; i++)
		if (i != at)
			av[ac++] = argv[i];
	int rc;
	if (lw_cmd_args_parse(ac, av, &a) < 0) {
		fprintf(stderr, "leakwatch show: %s (see leakwatch show --help)\n", a.bad);
		rc = LW_EXIT_USAGE;
		goto out_args;
	}
	struct lw_error err = { 0 };
	int rest = 0;
	struct lw_client *c = lw_client_open(a.snmp_argc, a.snmp_argv, &rest, &rc, &err);
	if (!c) {
		if (err.text[0] && rc != LW_EXIT_OK)
			fprintf(stderr, "leakwatch show: %s\n", err.text);
		goto out_args;
	}
	if (rest < a.snmp_argc) {
		fprintf(stderr, "leakwatch show: unexpected '%s' after the agent (see leakwatch show"
			" --help)\n", a.snmp_argv[rest]);
		rc = LW_EXIT_USAGE;
		goto out;
	}
	rc = lw_client_check_mib(c, &err);
	if (rc)
		goto fail;
	struct lw_table t;
	if (strchr(st->groups, ' ') || !lw_obj_group_find(st->groups)->index) {
		rc = read_scalars(c, st->groups, &t, &err);
		if (rc)
			goto fail;
		lw_render_scalars(stdout, &t, a.format);
		lw_table_free(&t);
		goto out;
	}
	const struct lw_obj_group *g = lw_obj_group_find(st->groups);
	rc = lw_client_table_all(c, g, a.sort ? 0 : (size_t)a.rows, &t, &err);
	if (rc)
		goto fail;
	if (a.sort) {
		sort_col = find_sort_col(&t, a.sort);
		if (sort_col < 0) {
			fprintf(stderr, "leakwatch show: %s has no column '%s'\n", st->name, a.sort);
			lw_table_free(&t);
			rc = LW_EXIT_USAGE;
			goto out;
		}
		sort_table = &t;
		qsort(t.rows, t.nrows, sizeof(*t.rows), row_cmp);
		while (a.rows && t.nrows > (size_t)a.rows) {
			struct lw_row *r = &t.rows[--t.nrows];
			for (size_t i = 0; i < t.ncols; i++)
				lw_val_free(&r->vals[i]);
			free(r->vals);
		}
	}
	const char *cols[64];
	char colbuf[1024];
	size_t n = 0;
	if (st->text && !a.all) {
		snprintf(colbuf, sizeof(colbuf), "%s", st->text);
		for (char *save, *w = strtok_r(colbuf, " ", &save); w && n < 63;
		     w = strtok_r(NULL, " ", &save))
			cols[n++] = w;
	}
	cols[n] = NULL;
	lw_render_table(stdout, &t, a.format, st->text && !a.all ? cols : NULL);
	lw_table_free(&t);
	goto out;
fail:
	fprintf(stderr, "leakwatch show: %s\n", err.text);
out:
	lw_client_close(c);
out_args:
	lw_cmd_args_free(&a);
	free(av);
	return rc;
}
