/* report_out.h: the parts of lw_report_write, each writing its files under the report's directory. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_REPORT_OUT_H
#define LW_REPORT_OUT_H

#include <stdbool.h>
#include <stdio.h>

#include "base/lw_error.h"
#include "report/report.h"

/* Rows of a CSV file at most, header excluded: a spreadsheet stops at 1,048,576 rows. */
#define LW_RCSV_MAX_ROWS 1000000

/* The version of report.json's layout (docs/REPORT.md): raised when a field changes meaning. */
#define LW_REPORT_JSON_SCHEMA 1

/* report_csv.c: csv/ (points, start-end, runs, gaps, alarms). */
int lw_rcsv_write(const struct lw_report *r, const char *dir, struct lw_error *err);

/* report_json.c: report.json. */
int lw_rjson_write(const struct lw_report *r, const struct lw_report_opts *o, const char *path,
		   struct lw_error *err);

/* report_sysinfo.c: system/ (uname, kernel command line, uptime, leakwatchd -V, configs). */
int lw_rsys_write(const struct lw_report *r, const struct lw_report_opts *o, const char *dir,
		  struct lw_error *err);

/* report_dbcopy.c: the history restricted to the window, consistent (SQLite's backup API). */
int lw_rdbcopy_write(const struct lw_report *r, const char *path, struct lw_error *err);

/* report_pack.c: SHA256SUMS of every file under dir; the tarball of dir as top/. */
int lw_rsums_write(const char *dir, struct lw_error *err);
int lw_rtar_write(const char *dir, const char *top, const char *out, struct lw_error *err);

/* report_text.c: formatting shared by the writers. */
void lw_rfmt_num(char *buf, size_t cap, double v);        /* 1234, 12.5, never 1e+06 */
void lw_rfmt_time(char *buf, size_t cap, int64_t t);      /* 2026-12-07T17:30:00Z */
void lw_rjson_str(FILE *f, const char *s);                /* a JSON string with its quotes */
const char *lw_rverdict_name(int verdict);                /* "leaking", "suspect", ... */
const char *lw_rtable_of(const struct lw_report_series *s);  /* "processes", "meminfo", ... */

/* dir/name from a printf format; checks the length (no silent truncation). -1 when too long. */
int lw_rpath(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Whether a finished file is fsynced before its rename: yes in a report directory (the
 * default); no in a tarball's staging directory, read back and removed (the tarball is). */
void lw_rfile_durable(bool on);
bool lw_rfile_is_durable(void);

/* A file written whole or not at all: path.tmp, then flushed and renamed (report_text.c). */
FILE *lw_rfile_open(const char *path, char *tmp, size_t tmp_cap, struct lw_error *err);
int lw_rfile_commit(FILE *f, const char *tmp, const char *path, struct lw_error *err);

#endif
