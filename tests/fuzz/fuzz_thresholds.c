/* fuzz_thresholds.c: libFuzzer target for the persisted thresholds file and the SET-value checks. */
/* SPDX-License-Identifier: ISC */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "config/thresholds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the loader accepted is in range and consistent, and only known ids are marked. */
static void check_accepted(const struct lw_thresholds *t)
{
	enum lw_threshold_id bad;
	struct lw_error err;

	if (t->set_mask >> LW_TH_COUNT != 0 || lw_thresholds_consistent(t, &bad, &err) != 0)
		__builtin_trap();
	for (int i = 0; i < LW_TH_COUNT; i++)
		if (lw_threshold_check((enum lw_threshold_id)i, t->v[i], &err) != 0)
			__builtin_trap();
}

/* The input as a thresholds file on top of the defaults: accepted, or refused leaving t as it
 * was with a NUL-terminated message and an error code. */
static void as_file(const uint8_t *data, size_t size)
{
	struct lw_thresholds t, before;
	struct lw_error err;

	lw_thresholds_default(&t);
	before = t;
	if (lw_thresholds_parse("fuzz.thresholds", (const char *)data, size, &t, &err) == 0) {
		check_accepted(&t);
	} else if (memcmp(&t, &before, sizeof(t)) != 0 || err.code == 0 ||
		   memchr(err.text, '\0', sizeof(err.text)) == NULL) {
		__builtin_trap();
	}
}

/* Whether the id's definition takes v (its lo..hi), judged without lw_threshold_check. */
static int in_range(enum lw_threshold_id id, uint64_t v)
{
	const struct lw_threshold_def *d = lw_threshold_def(id);

	return v >= d->lo && v <= d->hi;
}

/*
 * The input as one SET request on lwThresholds, as the handler's phases see it (agent/
 * mib_alarms.c, which needs net-snmp's agent and so is modelled here, not linked): varbinds of
 * (sub-identifier, content length byte, BER content of an Unsigned32). net-snmp decodes up to
 * sizeof(long) + 1 content bytes into a long (a 9th byte only as a leading 0), so on LP64 a
 * Gauge32 on 5..9 bytes reaches RESERVE1 as a value beyond 32 bits (issue 14 item 2).
 * RESERVE1: a sub-identifier that is no threshold is notWritable, a value beyond Unsigned32
 * (RFC 2578 7.1.11) or outside the definition's range is wrongValue (lw_threshold_check);
 * RESERVE2: the values with the request applied must hold together (lw_thresholds_consistent).
 * An accepted request, written as lw_thresholds_save writes it, must load back to the same
 * values: a SET that answered noError must not make the next start refuse its own file.
 */
static void as_set(const uint8_t *data, size_t size)
{
	struct lw_thresholds next, back;
	struct lw_error err;
	enum lw_threshold_id bad;
	char file[LW_TH_COUNT * 48];
	size_t len = 0, i = 0;

	lw_thresholds_default(&next);
	while (i + 2 <= size) {
		unsigned subid = data[i];
		size_t n = 1 + data[i + 1] % 9;
		enum lw_threshold_id id;
		uint64_t v = 0;

		if (i + 2 + n > size)
			break;  /* a truncated PDU: the varbinds before it are the request */
		if (n == 9 && data[i + 2] != 0)
			return;  /* more than a long: net-snmp refuses the PDU */
		for (size_t k = 0; k < n; k++)
			v = v << 8 | data[i + 2 + k];
		i += 2 + n;
		if (subid == 0 || subid > LW_TH_COUNT)
			return;  /* notWritable: "order is the sub-identifier (id + 1)" */
		id = (enum lw_threshold_id)(subid - 1);
		if (v > UINT32_MAX)
			return;  /* wrongValue, never its low 32 bits */
		if (lw_threshold_check(id, (uint32_t)v, &err) != 0) {
			if (in_range(id, v) || err.code == 0)
				__builtin_trap();
			return;  /* wrongValue: the request ends here */
		}
		if (!in_range(id, v))
			__builtin_trap();
		next.v[id] = (uint32_t)v;  /* a later varbind on the same object wins */
		next.set_mask |= 1u << id;
	}
	if (lw_thresholds_consistent(&next, &bad, &err) != 0) {
		if ((unsigned)bad >= LW_TH_COUNT || err.code == 0)
			__builtin_trap();
		return;  /* inconsistentValue */
	}
	check_accepted(&next);
	for (int k = 0; k < LW_TH_COUNT; k++)
		if ((next.set_mask >> k) & 1u)
			len += (size_t)snprintf(file + len, sizeof(file) - len, "%s %u\n",
						lw_threshold_def((enum lw_threshold_id)k)->directive,
						next.v[k]);
	lw_thresholds_default(&back);
	if (lw_thresholds_parse("fuzz.thresholds", file, len, &back, &err) != 0 ||
	    memcmp(&back, &next, sizeof(back)) != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_file(data, size);
	as_set(data, size);
	return 0;
}
