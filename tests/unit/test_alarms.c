/* test_alarms.c: raise once, clear once, hold-down after a clear, the event ring, the copy. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "detect/alarms.h"

static struct lw_alarm cond(enum lw_alarm_type type, uint64_t key, uint64_t value)
{
	struct lw_alarm c = { .type = (uint8_t)type, .key = key, .instance = (uint32_t)key,
			      .severity = LW_SEV_MAJOR, .value = value };

	snprintf(c.object, sizeof(c.object), "object %llu", (unsigned long long)key);
	return c;
}

/* One cycle with the given objects in condition. */
static size_t cycle(struct lw_alarms *a, int64_t now, const struct lw_alarm *conds, size_t n,
		    int *raised)
{
	*raised = 0;
	lw_alarms_begin(a, now, 300);
	for (size_t i = 0; i < n; i++)
		*raised += lw_alarm_observe(a, &conds[i]);
	return lw_alarms_end(a);
}

static void raise_update_clear(void **state)
{
	struct lw_alarms a;
	struct lw_alarm c[2] = { cond(LW_ALARM_PROC_MEM_LEAK, 1234, 100),
				 cond(LW_ALARM_TCP_ORPHANS, 0, 9000) };
	struct lw_alarm_event ev[8];
	int raised;

	(void)state;
	assert_int_equal(lw_alarms_init(&a), 0);
	assert_int_equal(cycle(&a, 1000, c, 2, &raised), 0);
	assert_int_equal(raised, 2);
	assert_int_equal(a.n, 2);
	assert_true(lw_alarm_active(&a, LW_ALARM_PROC_MEM_LEAK, 1234));
	assert_false(lw_alarm_active(&a, LW_ALARM_PROC_MEM_LEAK, 1235));
	/* Still in condition: no new event, the figures follow, index and raised stay. */
	c[0].value = 200;
	assert_int_equal(cycle(&a, 1060, c, 2, &raised), 0);
	assert_int_equal(raised, 0);
	assert_int_equal(lw_alarm_events_since(&a, 0, ev, 8), 2);
	assert_true(ev[0].raise && ev[1].raise);
	assert_int_equal(ev[0].seq, 1);
	assert_int_equal(ev[0].alarm.index, 1);
	assert_int_equal(ev[0].alarm.raised, 1000);
	assert_int_equal(a.active[0].value, 200);
	assert_int_equal(a.active[0].raised, 1000);
	/* The process is gone: its alarm clears, once, with its last figures. */
	assert_int_equal(cycle(&a, 1120, &c[1], 1, &raised), 1);
	assert_int_equal(cycle(&a, 1180, &c[1], 1, &raised), 0);
	assert_int_equal(lw_alarm_events_since(&a, 2, ev, 8), 1);
	assert_false(ev[0].raise);
	assert_int_equal(ev[0].seq, 3);
	assert_int_equal(ev[0].alarm.type, LW_ALARM_PROC_MEM_LEAK);
	assert_int_equal(ev[0].alarm.value, 200);
	assert_string_equal(ev[0].alarm.object, "object 1234");
	lw_alarms_free(&a);
}

/* A flapping object: after a clear it stays quiet for the hold-down, then may raise again. */
static void holddown(void **state)
{
	struct lw_alarms a;
	struct lw_alarm c = cond(LW_ALARM_MCAST_RATE, 3, 50000), other;
	int raised;

	(void)state;
	assert_int_equal(lw_alarms_init(&a), 0);
	cycle(&a, 0, &c, 1, &raised);
	assert_int_equal(raised, 1);
	assert_int_equal(cycle(&a, 10, NULL, 0, &raised), 1);
	for (int64_t t = 20; t < 310; t += 10) {
		cycle(&a, t, &c, 1, &raised);
		assert_int_equal(raised, 0);
		assert_int_equal(a.n, 0);
	}
	assert_int_equal(a.suppressed, 29);
	cycle(&a, 310, &c, 1, &raised);
	assert_int_equal(raised, 1);
	assert_int_equal(a.active[0].index, 2);      /* a new alarm, a new index */
	/* Another object of the same type is not held by the first one's hold-down. */
	assert_int_equal(cycle(&a, 320, NULL, 0, &raised), 1);
	other = cond(LW_ALARM_MCAST_RATE, 4, 50000);
	cycle(&a, 330, &other, 1, &raised);
	assert_int_equal(raised, 1);
	assert_true(lw_alarm_active(&a, LW_ALARM_MCAST_RATE, 4));
	cycle(&a, 340, &c, 1, &raised);             /* while the first object is still held */
	assert_int_equal(raised, 0);
	lw_alarms_free(&a);
}

/* The ring keeps the newest LW_ALARM_EVENTS; a reader that fell behind gets those. */
static void event_ring_wraps(void **state)
{
	struct lw_alarms a;
	struct lw_alarm_event ev[LW_ALARM_EVENTS];
	struct lw_alarm_table t;

	(void)state;
	assert_int_equal(lw_alarms_init(&a), 0);
	for (int i = 0; i < 100; i++) {
		struct lw_alarm c = cond(LW_ALARM_LOAD, (uint64_t)i, 1);

		lw_alarms_begin(&a, i * 1000, 0);
		lw_alarm_observe(&a, &c);
		lw_alarms_end(&a);     /* raises i, clears i - 1 */
	}
	assert_int_equal(a.next_seq - 1, 199);
	assert_int_equal(lw_alarm_events_since(&a, 0, ev, LW_ALARM_EVENTS), LW_ALARM_EVENTS);
	assert_int_equal(ev[0].seq, 199 - LW_ALARM_EVENTS + 1);
	assert_int_equal(ev[LW_ALARM_EVENTS - 1].seq, 199);
	assert_int_equal(lw_alarm_events_since(&a, 197, ev, LW_ALARM_EVENTS), 2);
	assert_int_equal(ev[0].seq, 198);
	assert_int_equal(lw_alarm_events_since(&a, 199, ev, LW_ALARM_EVENTS), 0);
	assert_int_equal(lw_alarm_events_since(&a, 150, ev, 3), 3);
	assert_int_equal(ev[2].seq, 153);
	/* The copy a snapshot carries answers the same. */
	assert_int_equal(lw_alarm_table_copy(&t, &a), 0);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.last_seq, 199);
	assert_int_equal(lw_alarm_table_events_since(&t, 190, ev, LW_ALARM_EVENTS), 9);
	assert_int_equal(ev[8].seq, 199);
	/* The last cycle raised 99 (seq 198), then cleared 98 (seq 199). */
	assert_true(ev[7].raise && ev[7].alarm.key == 99);
	assert_true(!ev[8].raise && ev[8].alarm.key == 98);
	lw_alarm_table_release(&t);
	lw_alarms_free(&a);
}

/* The table copy is in index order; the active set is bounded. */
static void copy_order_and_bound(void **state)
{
	static struct lw_alarm conds[LW_ALARMS_MAX + 5];
	struct lw_alarms a;
	struct lw_alarm_table t;
	int raised;

	(void)state;
	assert_int_equal(lw_alarms_init(&a), 0);
	/* Keys in decreasing order: raised (indexed) in that order, held sorted by key. */
	for (size_t i = 0; i < LW_ALARMS_MAX + 5; i++)
		conds[i] = cond(LW_ALARM_SLAB_LEAK, LW_ALARMS_MAX + 5 - i, i);
	cycle(&a, 1, conds, LW_ALARMS_MAX + 5, &raised);
	assert_int_equal(raised, LW_ALARMS_MAX);
	assert_int_equal(a.dropped, 5);
	assert_int_equal(a.active[0].key, 6);
	assert_int_equal(lw_alarm_table_copy(&t, &a), 0);
	assert_int_equal(t.n, LW_ALARMS_MAX);
	for (size_t i = 1; i < t.n; i++)
		assert_true(t.rows[i - 1].index < t.rows[i].index);
	assert_int_equal(t.rows[0].key, LW_ALARMS_MAX + 5);
	lw_alarm_table_release(&t);
	lw_alarms_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(raise_update_clear),
		cmocka_unit_test(holddown),
		cmocka_unit_test(event_ring_wraps),
		cmocka_unit_test(copy_order_and_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
