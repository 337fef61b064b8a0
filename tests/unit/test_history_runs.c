/* test_history_runs.c: schema versions 2 and 3: runs, alarm events, collector rows, process extras, system fields, migration. */
/* SPDX-License-Identifier: ISC */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cycle/registry.h"
#include "cycle/stages.h"
#include "history/history.h"

#define T0 1800000000

/* --- files and the database ---------------------------------------------------------------- */

struct fixture {
	char dir[64];
	char path[128];
};

static int dir_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/lw-hrun-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/history.db", f->dir);
	*state = f;
	return 0;
}

static int dir_teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *e;
	char p[512];

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", f->dir, e->d_name);
		unlink(p);
	}
	if (d != NULL)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct lw_history *open_history(const char *path, uint32_t full_hours, uint32_t days)
{
	struct lw_history_settings cfg;
	struct lw_history *h = NULL;
	struct lw_error err = { 0 };

	lw_history_settings_default(&cfg);
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	cfg.full_hours = full_hours;
	cfg.window_s = 600;
	cfg.days = days;
	cfg.max_mb = 64;
	if (lw_history_open(&h, &cfg, &err) != 0)
		fail_msg("lw_history_open: %s", err.text);
	return h;
}

static void set_run(struct lw_history *h, const char *program, uint32_t interval,
		    const char *config)
{
	struct lw_history_run_info run = { .program = program, .version = "9.8.7",
					   .interval_s = interval, .config = config };
	struct lw_error err = { 0 };

	if (lw_history_set_run(h, &run, &err) != 0)
		fail_msg("lw_history_set_run: %s", err.text);
}

static void assert_ok(struct lw_history *h)
{
	struct lw_history_status st;

	lw_history_status(h, &st);
	if (!st.ok)
		fail_msg("history status not ok: %s", st.error);
}

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
		fail_msg("sqlite3_open %s: %s", path, sqlite3_errmsg(db));
	return db;
}

static int64_t __attribute__((format(printf, 3, 4))) db_int(sqlite3 *db, int64_t none,
							     const char *fmt, ...)
{
	char sql[512];
	sqlite3_stmt *st;
	int64_t v = none;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof(sql), fmt, ap);
	va_end(ap);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* The first column of the first row as text ("" for none), into buf. */
static const char *db_text(sqlite3 *db, char *buf, size_t cap, const char *sql)
{
	sqlite3_stmt *st;

	buf[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(buf, cap, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return buf;
}

/* --- records -------------------------------------------------------------------------------- */

static void add_proc(struct lw_history_cycle *c, uint32_t pid, uint64_t rss, uint64_t swap,
		     uint32_t sockets, uint32_t threads)
{
	struct lw_hist_proc *p;

	c->procs = realloc(c->procs, (c->nprocs + 1) * sizeof(*c->procs));
	assert_non_null(c->procs);
	p = &c->procs[c->nprocs++];
	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->start_time = 1000 + pid;
	snprintf(p->name, sizeof(p->name), "proc%u", pid);
	p->rss_kb = rss;
	p->fds = 10;
	p->swap_kb = swap;
	p->sockets = sockets;
	p->fd_limit = 1024;
	p->threads = threads;
}

static void add_event(struct lw_history_cycle *c, uint64_t seq, int64_t t, bool raise)
{
	struct lw_hist_alarm_event *e;

	c->events = realloc(c->events, (c->nevents + 1) * sizeof(*c->events));
	assert_non_null(c->events);
	e = &c->events[c->nevents++];
	memset(e, 0, sizeof(*e));
	e->seq = seq;
	e->t = t;
	e->raise = raise;
	e->alarm_index = 40 + (uint32_t)seq;
	e->type = 1;
	e->severity = 3;
	snprintf(e->type_name, sizeof(e->type_name), "procMemLeak");
	snprintf(e->object, sizeof(e->object), "leaky (pid %u)", 500 + (unsigned)seq);
	snprintf(e->name, sizeof(e->name), "leaky");
	e->instance = 500 + (uint32_t)seq;
	e->start_time = 1234567;
	e->value = 1ull << 40;      /* past 32 bits */
	e->threshold = 7;
	e->slope = -123456;         /* signed */
	e->exhaustion_s = 86400;
}

static void submit_flush(struct lw_history *h, struct lw_history_cycle *c)
{
	assert_int_equal(lw_history_submit(h, c), 0);
	lw_history_flush(h);
	lw_history_cycle_free(c);
}

static void one_cycle(struct lw_history *h, int64_t t)
{
	struct lw_history_cycle c;

	memset(&c, 0, sizeof(c));
	c.t = t;
	add_proc(&c, 1, 100, 0, 0, 1);
	c.sys[LW_HSYS_MEM_TOTAL_KB] = 1000;
	c.sys_present = 1ull << LW_HSYS_MEM_TOTAL_KB;
	submit_flush(h, &c);
}

/* --- runs ------------------------------------------------------------------------------------ */

static void run_row_clean_close(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	char text[256], boot_id[64] = "";
	FILE *bf;
	sqlite3 *db;

	set_run(h, "leakwatch collect", 10, "interval 10\n");
	one_cycle(h, T0);
	assert_ok(h);
	/* The row is there while the writer runs, without a stop time. */
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 1);
	assert_int_equal(db_int(db, 0, "SELECT count(*) FROM run WHERE stop_t IS NULL"), 1);
	sqlite3_close(db);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 3);
	assert_int_equal(db_int(db, -1, "SELECT pid FROM run"), getpid());
	assert_string_equal(db_text(db, text, sizeof(text), "SELECT program FROM run"),
			    "leakwatch collect");
	assert_string_equal(db_text(db, text, sizeof(text), "SELECT version FROM run"), "9.8.7");
	assert_string_equal(db_text(db, text, sizeof(text), "SELECT config FROM run"),
			    "interval 10\n");
	assert_int_equal(db_int(db, -1, "SELECT interval_s FROM run"), 10);
	assert_true(db_int(db, -1, "SELECT stop_t - start_t FROM run") >= 0);
	assert_true(db_int(db, -1, "SELECT stop_t FROM run") <= (int64_t)time(NULL));
	/* The host's boot, from the same files. */
	bf = fopen("/proc/sys/kernel/random/boot_id", "r");
	assert_non_null(bf);
	assert_non_null(fgets(boot_id, sizeof(boot_id), bf));
	fclose(bf);
	boot_id[strcspn(boot_id, "\n")] = '\0';
	assert_string_equal(db_text(db, text, sizeof(text), "SELECT boot_id FROM run"), boot_id);
	{
		double up;
		FILE *u = fopen("/proc/uptime", "r");

		assert_non_null(u);
		assert_int_equal(fscanf(u, "%lf", &up), 1);
		fclose(u);
		int64_t boot_t = db_int(db, -1, "SELECT boot_t FROM run");
		assert_true(llabs(boot_t - ((int64_t)time(NULL) - (int64_t)up)) <= 3);
	}
	sqlite3_close(db);
}

/* A later lw_history_set_run (a reload) updates the row with the next cycle. */
static void run_row_updated(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	char text[64];
	sqlite3 *db;

	one_cycle(h, T0);
	set_run(h, "leakwatchd", 30, NULL);
	one_cycle(h, T0 + 30);
	lw_history_close(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 1);
	assert_string_equal(db_text(db, text, sizeof(text), "SELECT program FROM run"), "leakwatchd");
	assert_int_equal(db_int(db, -1, "SELECT interval_s FROM run"), 30);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run WHERE config IS NULL"), 1);
	sqlite3_close(db);
}

static void run_killed_then_next(void **state)
{
	struct fixture *f = *state;
	int fds[2];
	pid_t child;
	char byte;
	int status;
	struct lw_history *h;
	sqlite3 *db;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct lw_history *ch;

		close(fds[0]);
		ch = open_history(f->path, 48, 30);
		set_run(ch, "leakwatchd", 60, NULL);
		one_cycle(ch, T0);
		if (write(fds[1], "x", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &byte, 1), 1);
	close(fds[0]);
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFSIGNALED(status));

	h = open_history(f->path, 48, 30);
	set_run(h, "leakwatchd", 60, NULL);
	one_cycle(h, T0 + 60);
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 2);
	assert_int_equal(db_int(db, -1, "SELECT pid FROM run ORDER BY id LIMIT 1"), child);
	assert_int_equal(db_int(db, 0, "SELECT stop_t IS NULL FROM run ORDER BY id LIMIT 1"), 1);
	assert_int_equal(db_int(db, -1, "SELECT pid FROM run ORDER BY id DESC LIMIT 1"), getpid());
	assert_int_equal(db_int(db, 1, "SELECT stop_t IS NULL FROM run ORDER BY id DESC LIMIT 1"), 0);
	/* Both cycles kept. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM cycle"), 2);
	sqlite3_close(db);
}

/* --- alarm events ---------------------------------------------------------------------------- */

static void alarm_events_round_trip(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	struct lw_history_cycle c;
	sqlite3_stmt *st;
	sqlite3 *db;
	int n = 0;

	set_run(h, "leakwatchd", 60, NULL);
	memset(&c, 0, sizeof(c));
	c.t = T0;
	add_event(&c, 1, T0 - 5, true);
	add_event(&c, 2, T0 - 2, false);
	submit_flush(h, &c);
	/* A cycle without samples of any kind still carries its events. */
	memset(&c, 0, sizeof(c));
	c.t = T0 + 60;
	add_event(&c, 3, T0 + 59, true);
	submit_flush(h, &c);
	assert_int_equal(lw_history_alarm_seq(h), 3);
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT run_id, seq, t, is_raise, alarm_index, type,"
					    " type_name, severity, object, name, instance, start_time,"
					    " value, threshold, slope, exhaustion_s FROM alarm_event"
					    " ORDER BY seq", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		int64_t seq = sqlite3_column_int64(st, 1);
		char object[64];

		n++;
		assert_int_equal(seq, n);
		assert_int_equal(sqlite3_column_int64(st, 0),
				 db_int(db, -1, "SELECT id FROM run"));
		assert_int_equal(sqlite3_column_int64(st, 2),
				 seq == 1 ? T0 - 5 : seq == 2 ? T0 - 2 : T0 + 59);
		assert_int_equal(sqlite3_column_int(st, 3), seq != 2);
		assert_int_equal(sqlite3_column_int64(st, 4), 40 + seq);
		assert_int_equal(sqlite3_column_int(st, 5), 1);
		assert_string_equal((const char *)sqlite3_column_text(st, 6), "procMemLeak");
		assert_int_equal(sqlite3_column_int(st, 7), 3);
		snprintf(object, sizeof(object), "leaky (pid %u)", 500 + (unsigned)seq);
		assert_string_equal((const char *)sqlite3_column_text(st, 8), object);
		assert_string_equal((const char *)sqlite3_column_text(st, 9), "leaky");
		assert_int_equal(sqlite3_column_int64(st, 10), 500 + seq);
		assert_int_equal(sqlite3_column_int64(st, 11), 1234567);
		assert_int_equal(sqlite3_column_int64(st, 12), 1ll << 40);
		assert_int_equal(sqlite3_column_int64(st, 13), 7);
		assert_int_equal(sqlite3_column_int64(st, 14), -123456);
		assert_int_equal(sqlite3_column_int64(st, 15), 86400);
	}
	sqlite3_finalize(st);
	assert_int_equal(n, 3);
	/* The index the report's window uses. */
	assert_int_equal(db_int(db, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
				" AND name = 'alarm_event_t'"), 1);
	sqlite3_close(db);
}

/* While a replay holds the writer, five cycles with one event each are submitted: the queue
 * (3) drops the two oldest cycles, and their events go with the next ones. */
static int submit_during_replay(void *arg, const struct lw_hist_point *p)
{
	struct lw_history *h = arg;
	static int64_t done_t;

	if (done_t == p->t)
		return 0;
	done_t = p->t;
	for (int i = 1; i <= 5; i++) {
		struct lw_history_cycle c;

		memset(&c, 0, sizeof(c));
		c.t = T0 + 60 * i;
		add_proc(&c, 1, 100 + (uint64_t)i, 0, 0, 1);
		add_event(&c, (uint64_t)i, c.t, true);
		assert_int_equal(lw_history_submit(h, &c), 0);
		lw_history_cycle_free(&c);
	}
	return 0;
}

static void events_survive_dropped_cycles(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	struct lw_history_status st;
	struct lw_error err = { 0 };
	sqlite3 *db;

	one_cycle(h, T0);
	assert_int_equal(lw_history_replay(h, 0, submit_during_replay, h, &err), 0);
	lw_history_flush(h);
	lw_history_status(h, &st);
	assert_int_equal(st.cycles_dropped, 2);
	assert_int_equal(st.cycles_written, 4);
	lw_history_close(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM cycle"), 4);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM alarm_event"), 5);
	/* the first kept cycle (t0 + 180) carried the events of the two dropped before it */
	assert_int_equal(db_int(db, -1, "SELECT group_concat(seq, '') FROM (SELECT seq FROM alarm_event"
				" ORDER BY seq)"), 12345);
	sqlite3_close(db);
}

/* --- process extras (kind 6) ------------------------------------------------------------------ */

static void process_ext_change_only(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	sqlite3 *db;
	int64_t id;

	for (int i = 0; i < 10; i++) {
		struct lw_history_cycle c;

		memset(&c, 0, sizeof(c));
		c.t = T0 + 60 * i;
		/* rss moves every cycle; the extras at cycles 4 (swap) and 7 (sockets unknown) */
		add_proc(&c, 1, 100 + (uint64_t)i, i >= 4 ? 2048 : 0,
			 i >= 7 ? LW_HIST_UNKNOWN : 5, 3);
		submit_flush(h, &c);
	}
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM kind WHERE kind = 6 AND"
				" name = 'process_ext' AND v0 = 'swap_kb' AND v1 = 'sockets' AND"
				" v2 = 'fd_limit' AND v3 = 'threads' AND v4 IS NULL"), 1);
	id = db_int(db, -1, "SELECT id FROM ident WHERE kind = 6 AND pid = 1 AND start_time = 1001"
			    " AND name = 'proc1'");
	assert_true(id > 0);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE kind = 1 AND pid = 1"), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample WHERE id = %lld", (long long)id),
			 3);
	assert_int_equal(db_int(db, -1, "SELECT v0 + v1 + v2 + v3 FROM sample WHERE id = %lld AND"
				" t = %d", (long long)id, T0), 0 + 5 + 1024 + 3);
	/* Only the changed value is in a change row. */
	assert_int_equal(db_int(db, -1, "SELECT v0 FROM sample WHERE id = %lld AND t = %d AND v1 IS"
				" NULL AND v2 IS NULL AND v3 IS NULL", (long long)id, T0 + 240), 2048);
	assert_int_equal(db_int(db, -1, "SELECT v1 FROM sample WHERE id = %lld AND t = %d AND v0 IS"
				" NULL", (long long)id, T0 + 420), (int64_t)LW_HIST_UNKNOWN);
	/* kind 1 changed every cycle */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE i.kind = 1"), 10);
	sqlite3_close(db);
}

/* --- multicast groups (kind 7) --------------------------------------------------------------- */

static void mcast_groups_stored(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	sqlite3 *db;

	for (int i = 0; i < 3; i++) {
		struct lw_history_cycle c;

		memset(&c, 0, sizeof(c));
		c.t = T0 + 60 * i;
		c.mgroups = calloc(1, sizeof(*c.mgroups));
		assert_non_null(c.mgroups);
		c.nmgroups = 1;
		snprintf(c.mgroups[0].name, sizeof(c.mgroups[0].name), "eth1 239.1.2.3");
		c.mgroups[0].pps10 = i < 2 ? 100 : 250;
		c.mgroups[0].bps10 = 800000;
		submit_flush(h, &c);
	}
	assert_ok(h);
	lw_history_close(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM kind WHERE kind = 7 AND"
				" name = 'mcast_group' AND v0 = 'pps10' AND v1 = 'bps10'"), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE i.kind = 7 AND i.name = 'eth1 239.1.2.3'"), 2);
	assert_int_equal(db_int(db, -1, "SELECT s.v0 FROM sample s JOIN ident i ON i.id = s.id"
				" WHERE i.kind = 7 AND s.t = %d AND s.v1 IS NULL", T0 + 120), 250);
	sqlite3_close(db);
}

/* --- migration from version 1 ------------------------------------------------------------------ */

/* Version 1's schema, as leakwatch 1.x created it (history_schema.c before version 2). */
static const char v1_schema[] =
	"PRAGMA auto_vacuum = INCREMENTAL;"
	"CREATE TABLE kind (kind INTEGER PRIMARY KEY, name TEXT NOT NULL, v0 TEXT, v1 TEXT,"
	" v2 TEXT, v3 TEXT, v4 TEXT);"
	"INSERT INTO kind VALUES"
	" (1, 'process', 'rss_kb', 'anon_kb', 'vsz_kb', 'fds', 'cpu_ticks'),"
	" (2, 'group', 'count', 'fds', 'rss_kb', NULL, NULL),"
	" (3, 'slab', 'total_bytes', 'active_bytes', NULL, NULL, NULL),"
	" (4, 'mcast', 'packets', 'octets', 'pps10', 'bps10', NULL),"
	" (5, 'system', 'value', NULL, NULL, NULL, NULL);"
	"CREATE TABLE ident (id INTEGER PRIMARY KEY, kind INTEGER NOT NULL,"
	" pid INTEGER NOT NULL, start_time INTEGER NOT NULL, name TEXT NOT NULL,"
	" seen_t INTEGER NOT NULL, UNIQUE (kind, pid, start_time, name));"
	"CREATE TABLE cycle (t INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL,"
	" sampled INTEGER NOT NULL, rows INTEGER NOT NULL);"
	"CREATE TABLE sample (t INTEGER NOT NULL, id INTEGER NOT NULL, v0 INTEGER, v1 INTEGER,"
	" v2 INTEGER, v3 INTEGER, v4 INTEGER, PRIMARY KEY (t, id)) WITHOUT ROWID;"
	"CREATE TABLE win_cycle (t INTEGER PRIMARY KEY, keyframe INTEGER NOT NULL,"
	" sampled INTEGER NOT NULL, rows INTEGER NOT NULL, span_s INTEGER NOT NULL);"
	"CREATE TABLE win (t INTEGER NOT NULL, id INTEGER NOT NULL, n INTEGER,"
	" min0 INTEGER, max0 INTEGER, avg0 INTEGER, min1 INTEGER, max1 INTEGER, avg1 INTEGER,"
	" min2 INTEGER, max2 INTEGER, avg2 INTEGER, min3 INTEGER, max3 INTEGER, avg3 INTEGER,"
	" min4 INTEGER, max4 INTEGER, avg4 INTEGER, PRIMARY KEY (t, id)) WITHOUT ROWID;"
	/* two cycles of one process and one system field, the second change-only */
	"INSERT INTO ident VALUES (1, 1, 77, 5000, 'old', " "1800000000" "),"
	" (2, 5, 0, 0, 'mem_available_kb', 1800000000);"
	"INSERT INTO cycle VALUES (1800000000, 1, 34, 2), (1800000060, 0, 34, 1);"
	"INSERT INTO sample VALUES (1800000000, 1, 100, 50, 400, 9, 1000),"
	" (1800000000, 2, 777000, NULL, NULL, NULL, NULL),"
	" (1800000060, 1, 130, NULL, NULL, NULL, 1010);"
	"PRAGMA user_version = 1;";

struct seen {
	int n;
	uint64_t rss[4];
	int64_t t[4];
	uint64_t mem;
};

static int collect_point(void *arg, const struct lw_hist_point *p)
{
	struct seen *s = arg;

	if (p->series == LW_HS_PROC_RSS && p->pid == 77 && s->n < 4) {
		s->t[s->n] = p->t;
		s->rss[s->n++] = p->value;
	}
	if (p->series == LW_HS_SYS && p->field == LW_HSYS_MEM_AVAILABLE_KB && p->t == T0)
		s->mem = p->value;
	return 0;
}

static void migrates_version_1(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h;
	struct seen seen = { 0 };
	struct lw_error err = { 0 };
	struct lw_history_cycle c;
	sqlite3 *db;

	db = db_open(f->path);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	h = open_history(f->path, 48, 30);
	assert_ok(h);
	/* The version-1 samples replay as before. */
	assert_int_equal(lw_history_replay(h, 0, collect_point, &seen, &err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.t[0], T0);
	assert_int_equal(seen.rss[0], 100);
	assert_int_equal(seen.t[1], T0 + 60);
	assert_int_equal(seen.rss[1], 130);
	assert_int_equal(seen.mem, 777000);
	/* And the file goes on as version 2. */
	memset(&c, 0, sizeof(c));
	c.t = T0 + 120;
	add_proc(&c, 77, 150, 8, 2, 4);
	c.procs[0].start_time = 5000;
	snprintf(c.procs[0].name, sizeof(c.procs[0].name), "old");
	add_event(&c, 1, T0 + 110, true);
	submit_flush(h, &c);
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 3);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM kind"), 7);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sqlite_master WHERE name IN"
				" ('run', 'alarm_event', 'alarm_event_t', 'collector')"), 4);
	/* Version 1's rows untouched, the new cycle appended (the process was live: the same id). */
	assert_int_equal(db_int(db, -1, "SELECT v0 FROM sample WHERE t = %d AND id = 1", T0), 100);
	assert_int_equal(db_int(db, -1, "SELECT v0 FROM sample WHERE t = %d AND id = 1", T0 + 60), 130);
	assert_int_equal(db_int(db, -1, "SELECT v0 FROM sample WHERE t = %d AND id = 1", T0 + 120),
			 150);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM alarm_event"), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM ident WHERE kind = 6 AND pid = 77"), 1);
	sqlite3_close(db);
}

static void version_4_refused(void **state)
{
	struct fixture *f = *state;
	struct lw_history_status st;
	struct lw_history *h;
	sqlite3 *db = db_open(f->path);

	assert_int_equal(sqlite3_exec(db, "CREATE TABLE x (y); PRAGMA user_version = 4;", NULL, NULL,
				      NULL), SQLITE_OK);
	sqlite3_close(db);
	h = open_history(f->path, 48, 30);
	lw_history_status(h, &st);
	assert_false(st.ok);
	assert_non_null(strstr(st.error, "schema version 4 is newer"));
	lw_history_close(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 4);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM sqlite_master"), 1);
	sqlite3_close(db);
}

/* --- collector rows (schema version 3) --------------------------------------------------------- */

/* Two collectors as lwCollectorTable shows them after `runs` runs; "tcp" failing when err. */
static void add_collectors(struct lw_history_cycle *c, uint32_t runs, const char *err)
{
	c->collectors = calloc(2, sizeof(*c->collectors));
	assert_non_null(c->collectors);
	c->ncollectors = 2;
	snprintf(c->collectors[0].name, sizeof(c->collectors[0].name), "meminfo");
	snprintf(c->collectors[0].source, sizeof(c->collectors[0].source), "/proc/meminfo");
	snprintf(c->collectors[1].name, sizeof(c->collectors[1].name), "tcp");
	snprintf(c->collectors[1].source, sizeof(c->collectors[1].source), "/proc/net/tcp");
	for (int i = 0; i < 2; i++) {
		c->collectors[i].interval_s = 60;
		c->collectors[i].runs = runs;
		c->collectors[i].ok = true;
		c->collectors[i].last_duration_us = 100 + runs;
		c->collectors[i].total_duration_us = 1000ull * runs;
	}
	if (err != NULL) {
		c->collectors[1].ok = false;
		c->collectors[1].errors = 1;
		snprintf(c->collectors[1].last_error, sizeof(c->collectors[1].last_error), "%s", err);
	} else if (runs > 3) {
		c->collectors[1].errors = 1;  /* the error of run 3, cleared */
	}
}

static void collector_cycle(struct lw_history *h, int64_t t, uint32_t runs, const char *err)
{
	struct lw_history_cycle c;

	memset(&c, 0, sizeof(c));
	c.t = t;
	add_proc(&c, 1, 100, 0, 0, 1);
	add_collectors(&c, runs, err);
	submit_flush(h, &c);
}

static void collectors_written_when_changed(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	char buf[256];
	sqlite3 *db;

	set_run(h, "leakwatchd", 60, NULL);
	collector_cycle(h, T0, 1, NULL);
	collector_cycle(h, T0 + 60, 2, NULL);       /* only runs and durations changed */
	assert_ok(h);
	db = db_open(f->path);
	/* Written with the first cycle, not rewritten while nothing an operator reads changed. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector"), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE t = %d AND runs = 1"
				" AND run_id = (SELECT id FROM run)", T0), 2);
	assert_int_equal(db_int(db, -1, "SELECT interval_s FROM collector WHERE name = 'tcp'"), 60);
	assert_string_equal(db_text(db, buf, sizeof(buf), "SELECT source FROM collector"
				    " WHERE name = 'tcp'"), "/proc/net/tcp");
	sqlite3_close(db);

	/* An error appears: written at once, with the text. */
	collector_cycle(h, T0 + 120, 3, "tcp: cannot open /proc/net/tcp: Permission denied");
	assert_ok(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT t FROM collector WHERE name = 'tcp'"), T0 + 120);
	assert_int_equal(db_int(db, -1, "SELECT ok FROM collector WHERE name = 'tcp'"), 0);
	assert_int_equal(db_int(db, -1, "SELECT errors FROM collector WHERE name = 'tcp'"), 1);
	/* Only the row that changed: meminfo's stays as written with the first cycle. */
	assert_int_equal(db_int(db, -1, "SELECT t FROM collector WHERE name = 'meminfo'"), T0);
	assert_int_equal(db_int(db, -1, "SELECT runs FROM collector WHERE name = 'meminfo'"), 1);
	assert_string_equal(db_text(db, buf, sizeof(buf), "SELECT last_error FROM collector"
				    " WHERE name = 'tcp'"),
			    "tcp: cannot open /proc/net/tcp: Permission denied");
	sqlite3_close(db);

	/* It clears: written again. */
	collector_cycle(h, T0 + 180, 4, NULL);
	collector_cycle(h, T0 + 240, 5, NULL);
	assert_ok(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE t = %d", T0 + 180), 1);
	assert_int_equal(db_int(db, -1, "SELECT t FROM collector WHERE name = 'meminfo'"), T0);
	assert_int_equal(db_int(db, -1, "SELECT ok FROM collector WHERE name = 'tcp'"), 1);
	assert_int_equal(db_int(db, -1, "SELECT runs FROM collector WHERE name = 'tcp'"), 4);
	assert_string_equal(db_text(db, buf, sizeof(buf), "SELECT last_error FROM collector"
				    " WHERE name = 'tcp'"), "");
	sqlite3_close(db);

	/* Steady, but the rows grew old (a few minutes): runs and durations refreshed. */
	collector_cycle(h, T0 + 180 + 300, 9, NULL);
	assert_ok(h);
	lw_history_close(h);
	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE t = %d AND runs = 9"
				" AND total_duration_us = 9000", T0 + 480), 2);
	sqlite3_close(db);
}

/* Version 2's tables, as leakwatch 2.x created them (history_schema.c before version 3), with
 * a run, an alarm event and one cycle. */
static const char v2_schema_extra[] =
	"INSERT INTO kind VALUES"
	" (6, 'process_ext', 'swap_kb', 'sockets', 'fd_limit', 'threads', NULL),"
	" (7, 'mcast_group', 'pps10', 'bps10', NULL, NULL, NULL);"
	"CREATE TABLE run (id INTEGER PRIMARY KEY, start_t INTEGER NOT NULL, stop_t INTEGER,"
	" pid INTEGER NOT NULL, program TEXT NOT NULL, version TEXT NOT NULL,"
	" boot_id TEXT NOT NULL, boot_t INTEGER NOT NULL, interval_s INTEGER NOT NULL,"
	" config TEXT);"
	"CREATE TABLE alarm_event (run_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
	" t INTEGER NOT NULL, is_raise INTEGER NOT NULL, alarm_index INTEGER NOT NULL,"
	" type INTEGER NOT NULL, type_name TEXT NOT NULL, severity INTEGER NOT NULL,"
	" object TEXT NOT NULL, name TEXT NOT NULL, instance INTEGER NOT NULL,"
	" start_time INTEGER NOT NULL, value INTEGER NOT NULL, threshold INTEGER NOT NULL,"
	" slope INTEGER NOT NULL, exhaustion_s INTEGER NOT NULL,"
	" PRIMARY KEY (run_id, seq)) WITHOUT ROWID;"
	"CREATE INDEX alarm_event_t ON alarm_event (t);"
	"INSERT INTO run VALUES (1, 1800000000, 1800000100, 42, 'leakwatchd', '2.0', 'b', 0, 60,"
	" 'interval 60');"
	"INSERT INTO alarm_event VALUES (1, 1, 1800000060, 1, 1, 1, 'procMemLeak', 3, 'o', 'old',"
	" 1, 5000, 10, 5, 1, 0);"
	"PRAGMA user_version = 2;";

static void migrates_version_2(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h;
	struct seen seen = { 0 };
	struct lw_error err = { 0 };
	char buf[64];
	sqlite3 *db;

	db = db_open(f->path);
	assert_int_equal(sqlite3_exec(db, v1_schema, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, v2_schema_extra, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	h = open_history(f->path, 48, 30);
	assert_ok(h);
	assert_int_equal(lw_history_replay(h, 0, collect_point, &seen, &err), 0);
	assert_int_equal(seen.n, 2);
	assert_int_equal(seen.rss[1], 130);
	set_run(h, "leakwatchd", 60, NULL);
	collector_cycle(h, T0 + 120, 1, NULL);
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	assert_int_equal(db_int(db, -1, "PRAGMA user_version"), 3);
	/* Version 2's rows kept, the table gained and used by the new run. */
	assert_string_equal(db_text(db, buf, sizeof(buf), "SELECT config FROM run WHERE id = 1"),
			    "interval 60");
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM alarm_event"), 1);
	assert_int_equal(db_int(db, -1, "SELECT v0 FROM sample WHERE t = %d AND id = 1", T0 + 60), 130);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE run_id = 2"), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE run_id = 1"), 0);
	sqlite3_close(db);
}

/* --- retention of events and runs ----------------------------------------------------------------- */

static void retention_of_events_and_runs(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 1, 1);
	sqlite3 *db;
	int64_t oldest;

	/* A first run, stopped cleanly, with an event at its start. */
	set_run(h, "first", 600, NULL);
	for (int i = 0; i < 3; i++) {
		struct lw_history_cycle c;

		memset(&c, 0, sizeof(c));
		c.t = T0 + 600 * i;
		add_proc(&c, 1, 100 + (uint64_t)i, 0, 0, 1);
		add_collectors(&c, (uint32_t)i + 1, NULL);
		if (i == 0)
			add_event(&c, 1, T0, true);
		submit_flush(h, &c);
	}
	lw_history_close(h);
	/* A second run for three (fake) days, one event per hour: the first day goes. */
	h = open_history(f->path, 1, 1);
	set_run(h, "second", 600, NULL);
	for (int i = 3; i < 3 * 144; i++) {
		struct lw_history_cycle c;

		memset(&c, 0, sizeof(c));
		c.t = T0 + 600 * i;
		add_proc(&c, 1, 100 + (uint64_t)i, 0, 0, 1);
		if (i == 3)
			add_collectors(&c, 1, NULL);
		if (i % 6 == 0)
			add_event(&c, (uint64_t)i, c.t, i % 12 == 0);
		submit_flush(h, &c);
	}
	assert_ok(h);
	lw_history_close(h);

	db = db_open(f->path);
	oldest = db_int(db, -1, "SELECT min(t) FROM (SELECT min(t) AS t FROM cycle UNION ALL"
			       " SELECT min(t) FROM win_cycle)");
	assert_true(oldest > T0 + 86400);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM alarm_event WHERE t < %lld",
				(long long)oldest), 0);
	assert_true(db_int(db, -1, "SELECT count(*) FROM alarm_event") >= 24);
	/* The first run ended (its stop_t, real time, is before the fake T0) before the oldest
	 * sample: gone; the second is kept. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run"), 1);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM run WHERE program = 'second'"), 1);
	/* The first run's collector rows went with it; the second's stay. */
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector"), 2);
	assert_int_equal(db_int(db, -1, "SELECT count(*) FROM collector WHERE run_id ="
				" (SELECT id FROM run)"), 2);
	sqlite3_close(db);
}

/* --- the stage: the system fields of a cycle's snapshot ----------------------------------------- */

static void stage_stores_system_fields(void **state)
{
	struct fixture *f = *state;
	struct lw_history *h = open_history(f->path, 48, 30);
	struct lw_snapshot *snap = calloc(1, sizeof(*snap));
	struct lw_buddy zones[2];
	bool ran[LW_COL_COUNT] = { false };
	struct lw_stage_input in = { .now = T0, .ran = ran };
	struct lw_error err = { 0 };
	char notice[LW_ERROR_TEXT_MAX] = "";
	struct { const char *name; uint64_t value; } want[] = {
		{ "buffers_kb", 11 }, { "cached_kb", 12 }, { "swap_total_kb", 13 },
		{ "swap_free_kb", 14 }, { "shmem_kb", 15 }, { "sreclaimable_kb", 16 },
		{ "kernel_stack_kb", 17 }, { "page_tables_kb", 18 }, { "vmalloc_used_kb", 19 },
		{ "committed_as_kb", 20 }, { "anon_pages_kb", 21 }, { "mem_total_kb", 22 },
		{ "sockets_used", 31 }, { "tcp_alloc", 32 }, { "udp_inuse", 33 },
		{ "udp_mem_pages", 34 }, { "tcp_mem_pages", 35 },
		{ "tcp_mem_min_pages", 41 }, { "tcp_mem_pressure_pages", 42 },
		{ "tcp_mem_max_pages", 43 }, { "tcp_max_orphans", 44 },
		/* TCP-MIB numbering: closed 1, listen 2, synSent 3, established 5, finWait1 6,
		 * finWait2 7, lastAck 9, closing 10; s over IPv4 and 1 over IPv6 */
		{ "tcp_syn_sent", 3 + 1 }, { "tcp_fin_wait1", 6 + 1 }, { "tcp_fin_wait2", 7 + 1 },
		{ "tcp_close", 1 + 1 }, { "tcp_last_ack", 9 + 1 }, { "tcp_listen", 2 + 1 },
		{ "tcp_closing", 10 + 1 }, { "tcp_established", 5 + 1 },
		{ "files_allocated", 900 }, { "files_max", 9223372036854775807ull },
		/* two zones, 4 KiB pages: order o has (o + 1) blocks in each */
		{ "buddy_order0_free_kb", 2 * 1 * 4 }, { "buddy_order3_free_kb", 2 * 4 * 32 },
		{ "buddy_order10_free_kb", 2 * 11 * 4096 },
		{ "buddy_high_order_free_kb", 0 },  /* computed below */
	};
	uint64_t high = 0;
	sqlite3 *db;

	assert_non_null(snap);
	lw_snapshot_init(snap);
	in.cycle = snap;
	for (int id = 0; id < LW_COL_COUNT; id++)
		snap->collectors[id].ok = true;
	for (int m = 0; m < LW_MI_COUNT; m++)
		snap->sys.meminfo.present |= 1ull << m;
	snap->sys.meminfo.kb[LW_MI_BUFFERS] = 11;
	snap->sys.meminfo.kb[LW_MI_CACHED] = 12;
	snap->sys.meminfo.kb[LW_MI_SWAP_TOTAL] = 13;
	snap->sys.meminfo.kb[LW_MI_SWAP_FREE] = 14;
	snap->sys.meminfo.kb[LW_MI_SHMEM] = 15;
	snap->sys.meminfo.kb[LW_MI_SRECLAIMABLE] = 16;
	snap->sys.meminfo.kb[LW_MI_KERNEL_STACK] = 17;
	snap->sys.meminfo.kb[LW_MI_PAGE_TABLES] = 18;
	snap->sys.meminfo.kb[LW_MI_VMALLOC_USED] = 19;
	snap->sys.meminfo.kb[LW_MI_COMMITTED_AS] = 20;
	snap->sys.meminfo.kb[LW_MI_ANON_PAGES] = 21;
	snap->sys.meminfo.kb[LW_MI_MEM_TOTAL] = 22;
	for (int s = 0; s < LW_SS_COUNT; s++)
		snap->sys.sock.sockstat.present |= 1ull << s;
	snap->sys.sock.sockstat.v[LW_SS_SOCKETS_USED] = 31;
	snap->sys.sock.sockstat.v[LW_SS_TCP_ALLOC] = 32;
	snap->sys.sock.sockstat.v[LW_SS_UDP_INUSE] = 33;
	snap->sys.sock.sockstat.v[LW_SS_UDP_MEM] = 34;
	snap->sys.sock.sockstat.v[LW_SS_TCP_MEM] = 35;
	for (int l = 0; l < LW_TL_COUNT; l++) {
		snap->sys.sock.limits.present |= 1ull << l;
		snap->sys.sock.limits.v[l] = 41 + (uint64_t)l;
	}
	/* state s: s sockets over IPv4, one over IPv6 */
	for (int s = LW_TCP_CLOSED; s <= LW_TCP_STATE_MAX; s++) {
		snap->tcp.count[s][0] = (uint64_t)s;
		snap->tcp.count[s][1] = 1;
	}
	snap->sys.filenr.allocated = 900;
	snap->sys.filenr.max = 9223372036854775807ull;
	memset(zones, 0, sizeof(zones));
	for (int z = 0; z < 2; z++) {
		zones[z].orders = 11;
		for (int o = 0; o < 11; o++)
			zones[z].free[o] = (uint64_t)o + 1;
		for (int o = 4; o < 11; o++)
			high += ((uint64_t)o + 1) * (4ull << o);
	}
	want[sizeof(want) / sizeof(want[0]) - 1].value = high;
	snap->kmem.buddies.rows = zones;
	snap->kmem.buddies.n = 2;
	snap->kmem.page_size = 4096;

	assert_int_equal(lw_history_stage_run(h, &in, notice, sizeof(notice), &err), 0);
	lw_history_flush(h);
	assert_ok(h);
	lw_history_close(h);
	snap->kmem.buddies.rows = NULL;
	snap->kmem.buddies.n = 0;
	lw_snapshot_release(snap);
	free(snap);

	db = db_open(f->path);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int64_t v = db_int(db, -1, "SELECT s.v0 FROM sample s JOIN ident i ON i.id = s.id"
				   " WHERE i.kind = 5 AND i.name = '%s'", want[i].name);

		if ((uint64_t)v != want[i].value)
			fail_msg("%s: stored %lld, want %llu", want[i].name, (long long)v,
				 (unsigned long long)want[i].value);
	}
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(run_row_clean_close, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(run_row_updated, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(run_killed_then_next, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(alarm_events_round_trip, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(events_survive_dropped_cycles, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(process_ext_change_only, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(mcast_groups_stored, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(migrates_version_1, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(version_4_refused, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(collectors_written_when_changed, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(migrates_version_2, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(retention_of_events_and_runs, dir_setup, dir_teardown),
		cmocka_unit_test_setup_teardown(stage_stores_system_fields, dir_setup, dir_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
