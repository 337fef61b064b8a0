/* history_replay.c: stored cycles back as points, for the detectors to resume after a restart. */
/* SPDX-License-Identifier: ISC */
#include "history/history_replay.h"

#include "history/history_db.h"
#include "history/history_expand.h"

#include <errno.h>

struct replay {
	int64_t since;
	int (*cb)(void *arg, const struct lw_hist_point *p);
	void *arg;
};

static int deliver(struct replay *r, struct lw_hist_point *p, enum lw_hist_series series,
		   uint64_t value)
{
	p->series = series;
	p->value = value;
	return r->cb(r->arg, p) != 0 ? LW_HEXP_STOP : 0;
}

static int replay_point(void *arg, struct lw_hexp *x, int64_t t, uint32_t sampled)
{
	struct replay *r = arg;
	int rc = 0;

	if (t < r->since)
		return SQLITE_OK;
	for (size_t i = 0; i < x->n && rc == 0; i++) {
		const struct lw_hexp_entry *e = &x->e[i];
		const int64_t *v = lw_hexp_values(x, i);
		struct lw_hist_point p = { .pid = e->pid, .start_time = e->start_time,
					   .name = x->name[i], .t = t };

		/* A kind not sampled in this cycle is carried in the store, but was not seen. */
		if (!e->live || !(sampled & (1u << e->kind)))
			continue;
		switch (e->kind) {
		case LW_HK_PROC:
			rc = deliver(r, &p, LW_HS_PROC_RSS, (uint64_t)v[0]);
			if (rc == 0 && v[3] != LW_HIST_UNKNOWN)  /* not readable: no point */
				rc = deliver(r, &p, LW_HS_PROC_FDS, (uint64_t)v[3]);
			break;
		case LW_HK_GROUP:
			rc = deliver(r, &p, LW_HS_GROUP_RSS, (uint64_t)v[2]);
			if (rc == 0 && v[1] != LW_HIST_UNKNOWN)
				rc = deliver(r, &p, LW_HS_GROUP_FDS, (uint64_t)v[1]);
			break;
		case LW_HK_SLAB:
			rc = deliver(r, &p, LW_HS_SLAB_KB, (uint64_t)v[0] / 1024);
			break;
		case LW_HK_SYS:
			p.field = lw_hsys_field(x->name[i]);
			if (p.field >= 0)
				rc = deliver(r, &p, LW_HS_SYS, (uint64_t)v[0]);
			break;
		default:
			break;  /* multicast rates are stored, not replayed */
		}
	}
	return rc;
}

int lw_hreplay(struct lw_hwriter *w, int64_t since_s,
	       int (*cb)(void *arg, const struct lw_hist_point *p), void *arg,
	       struct lw_error *err)
{
	struct replay r = { since_s, cb, arg };
	struct lw_hexp x;
	int64_t start;
	int rc;

	if (lw_hdb_open(w) != SQLITE_OK)
		return lw_error_set(err, EIO, "history: %s", w->st.error);
	if (w->oldest[LW_HT_FULL] == LW_HTIME_NONE || since_s > w->newest[LW_HT_FULL])
		return 0;
	lw_hwriter_doing(w, "replaying from t=%lld", (long long)since_s);
	/* One read transaction: the points and their rows from the same state of the file. */
	if ((rc = lw_hdb_run(w, LW_HS_BEGIN_READ)) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(w->stmt[LW_HS_LAST_KEYFRAME_AT], 1, since_s);
	if ((rc = lw_hdb_int(w, LW_HS_LAST_KEYFRAME_AT, LW_HTIME_NONE, &start)) != SQLITE_OK)
		goto fail;
	/* Before the oldest cycle: start there (it is a keyframe). */
	if (start == LW_HTIME_NONE)
		start = w->oldest[LW_HT_FULL];
	lw_hexp_init(&x, w, LW_HT_FULL, LW_HEXP_NAMES);
	x.auto_purge = true;
	rc = lw_hexp_run(&x, start, INT64_MAX, replay_point, &r);
	lw_hexp_free(&x);
	if (rc != SQLITE_OK && rc != LW_HEXP_STOP)
		goto fail;
	if ((rc = lw_hdb_run(w, LW_HS_COMMIT)) != SQLITE_OK)
		goto fail;
	return 0;
fail:
	lw_hdb_fail(w, rc);
	return lw_error_set(err, EIO, "history: %s", w->st.error);
}
