/* show_tables.h: the tables `leakwatch show` knows: name, MIB table or groups, text columns. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_CLI_SHOW_TABLES_H
#define LW_CLI_SHOW_TABLES_H

struct lw_show_table {
	const char *name;     /* what the user types: "procs" */
	const char *groups;   /* a MIB table, or scalar groups separated by spaces */
	const char *text;     /* the columns of the text view (space-separated MIB names) */
	const char *summary;  /* for --help and leakwatch(1) */
};

extern const struct lw_show_table lw_show_tables[];
extern const unsigned lw_show_table_count;
const struct lw_show_table *lw_show_table_find(const char *name);

#endif
