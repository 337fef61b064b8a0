/* alarms.c: active alarms sorted by object, their events in a ring, hold-downs after clears. */
/* SPDX-License-Identifier: ISC */
#include "detect/alarms.h"

#include <stdlib.h>
#include <string.h>

#include "base/rows.h"

int lw_alarms_init(struct lw_alarms *a)
{
	memset(a, 0, sizeof(*a));
	a->active = calloc(LW_ALARMS_MAX, sizeof(*a->active));
	a->seen = calloc(LW_ALARMS_MAX, sizeof(*a->seen));
	a->next_seq = 1;
	a->next_index = 1;
	if (a->active == NULL || a->seen == NULL) {
		lw_alarms_free(a);
		return -1;
	}
	return 0;
}

void lw_alarms_free(struct lw_alarms *a)
{
	free(a->active);
	free(a->seen);
	free(a->holds);
	memset(a, 0, sizeof(*a));
}

static int order(uint8_t type, uint64_t key, const struct lw_alarm *b)
{
	if (type != b->type)
		return type < b->type ? -1 : 1;
	return key < b->key ? -1 : key > b->key;
}

/* The position of (type, key) in active, or where it would go; *found says which. */
static size_t locate(const struct lw_alarms *a, uint8_t type, uint64_t key, bool *found)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = order(type, key, &a->active[mid]);

		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	*found = false;
	return lo;
}

static void record(struct lw_alarms *a, bool raise, const struct lw_alarm *al)
{
	struct lw_alarm_event *e = &a->events[a->next_seq % LW_ALARM_EVENTS];

	e->seq = a->next_seq++;
	e->raise = raise;
	e->alarm = *al;
}

/* A hold-down running for (type, key) now? Expired ones are dropped as met. */
static bool held(struct lw_alarms *a, uint8_t type, uint64_t key)
{
	for (size_t i = 0; i < a->nholds;) {
		if (a->holds[i].until <= a->now) {
			a->holds[i] = a->holds[--a->nholds];
			continue;
		}
		if (a->holds[i].type == type && a->holds[i].key == key)
			return true;
		i++;
	}
	return false;
}

static void hold(struct lw_alarms *a, uint8_t type, uint64_t key)
{
	if (a->holddown_s == 0)
		return;
	if (a->nholds == a->cap_holds) {
		void *p = a->holds;
		int rc = lw_rows_grow(&p, &a->cap_holds, sizeof(*a->holds), 64);

		a->holds = p;
		/* Out of memory: no hold-down for this one, which only risks an early repeat. */
		if (rc != 0)
			return;
	}
	a->holds[a->nholds].type = type;
	a->holds[a->nholds].key = key;
	a->holds[a->nholds].until = a->now + a->holddown_s;
	a->nholds++;
}

void lw_alarms_begin(struct lw_alarms *a, int64_t now, uint32_t holddown_s)
{
	a->now = now;
	a->holddown_s = holddown_s;
	memset(a->seen, 0, a->n * sizeof(*a->seen));
}

bool lw_alarm_active(const struct lw_alarms *a, enum lw_alarm_type type, uint64_t key)
{
	bool found;

	(void)locate(a, (uint8_t)type, key, &found);
	return found;
}

static void update_figures(struct lw_alarm *al, const struct lw_alarm *cond)
{
	/* The figures move with the object; who it is and since when stay. */
	al->severity = cond->severity;
	al->value = cond->value;
	al->threshold = cond->threshold;
	al->slope = cond->slope;
	al->time_to_exhaustion = cond->time_to_exhaustion;
}

void lw_alarm_refresh(struct lw_alarms *a, const struct lw_alarm *cond)
{
	bool found;
	size_t at = locate(a, cond->type, cond->key, &found);

	if (found)
		update_figures(&a->active[at], cond);
}

int lw_alarm_observe(struct lw_alarms *a, const struct lw_alarm *cond)
{
	bool found;
	size_t at = locate(a, cond->type, cond->key, &found);
	struct lw_alarm *al;

	if (found) {
		update_figures(&a->active[at], cond);
		a->seen[at] = true;
		return 0;
	}
	if (held(a, cond->type, cond->key)) {
		a->suppressed++;
		return 0;
	}
	if (a->n == LW_ALARMS_MAX) {
		a->dropped++;
		return 0;
	}
	memmove(&a->active[at + 1], &a->active[at], (a->n - at) * sizeof(*a->active));
	memmove(&a->seen[at + 1], &a->seen[at], (a->n - at) * sizeof(*a->seen));
	a->n++;
	al = &a->active[at];
	*al = *cond;
	al->object[sizeof(al->object) - 1] = '\0';
	al->index = a->next_index++;
	al->raised = a->now;
	a->seen[at] = true;
	record(a, true, al);
	return 1;
}

void lw_alarms_keep_type(struct lw_alarms *a, enum lw_alarm_type type)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->active[i].type == type)
			a->seen[i] = true;
}

size_t lw_alarms_end(struct lw_alarms *a)
{
	size_t kept = 0, cleared = 0;

	for (size_t i = 0; i < a->n; i++) {
		if (a->seen[i]) {
			a->active[kept] = a->active[i];
			a->seen[kept++] = true;
			continue;
		}
		record(a, false, &a->active[i]);
		hold(a, a->active[i].type, a->active[i].key);
		cleared++;
	}
	a->n = kept;
	return cleared;
}

/* The events of a ring whose newest is last_seq with seq > after, oldest first. */
static size_t ring_since(const struct lw_alarm_event *events, uint64_t last_seq, uint64_t after,
			 struct lw_alarm_event *out, size_t cap)
{
	uint64_t first = after + 1, n = 0;

	/* Older events have been overwritten in the ring. */
	if (last_seq >= LW_ALARM_EVENTS && first <= last_seq - LW_ALARM_EVENTS)
		first = last_seq - LW_ALARM_EVENTS + 1;
	for (uint64_t s = first; s <= last_seq && n < cap; s++)
		out[n++] = events[s % LW_ALARM_EVENTS];
	return (size_t)n;
}

size_t lw_alarm_events_since(const struct lw_alarms *a, uint64_t after,
			     struct lw_alarm_event *out, size_t cap)
{
	return ring_since(a->events, a->next_seq - 1, after, out, cap);
}

size_t lw_alarm_table_events_since(const struct lw_alarm_table *t, uint64_t after,
				   struct lw_alarm_event *out, size_t cap)
{
	return ring_since(t->events, t->last_seq, after, out, cap);
}

static int by_index(const void *x, const void *y)
{
	const struct lw_alarm *p = x, *q = y;

	return p->index < q->index ? -1 : p->index > q->index;
}

int lw_alarm_table_copy(struct lw_alarm_table *dst, const struct lw_alarms *a)
{
	memset(dst, 0, sizeof(*dst));
	if (a->n > 0) {
		dst->rows = malloc(a->n * sizeof(*dst->rows));
		if (dst->rows == NULL)
			return -1;
		memcpy(dst->rows, a->active, a->n * sizeof(*dst->rows));
		qsort(dst->rows, a->n, sizeof(*dst->rows), by_index);
	}
	dst->n = a->n;
	memcpy(dst->events, a->events, sizeof(dst->events));
	dst->last_seq = a->next_seq - 1;
	dst->suppressed = a->suppressed;
	dst->dropped = a->dropped;
	return 0;
}

void lw_alarm_table_release(struct lw_alarm_table *t)
{
	free(t->rows);
	t->rows = NULL;
	t->n = 0;
}
