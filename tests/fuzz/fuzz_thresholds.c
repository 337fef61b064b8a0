/* fuzz_thresholds.c: libFuzzer target for the persisted thresholds file and the SET-value checks. */
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

/*
 * The input as one SET request: 5-byte varbinds (id, 32-bit value) judged as the handler's
 * RESERVE1 (range) and RESERVE2 (consistency) judge them. An accepted request, written as
 * lw_thresholds_save writes it, must load back to the same values: a SET that answered
 * noError must not make the next start refuse its own file.
 */
static void as_set(const uint8_t *data, size_t size)
{
	struct lw_thresholds next, back;
	struct lw_error err;
	enum lw_threshold_id bad;
	char file[LW_TH_COUNT * 48];
	size_t len = 0;

	lw_thresholds_default(&next);
	for (size_t i = 0; i + 5 <= size; i += 5) {
		enum lw_threshold_id id = (enum lw_threshold_id)(data[i] % LW_TH_COUNT);
		uint32_t v;

		memcpy(&v, data + i + 1, sizeof(v));
		if (lw_threshold_check(id, v, &err) != 0)
			return;  /* wrongValue: the request ends here */
		next.v[id] = v;
		next.set_mask |= 1u << id;
	}
	if (lw_thresholds_consistent(&next, &bad, &err) != 0) {
		if ((unsigned)bad >= LW_TH_COUNT || err.code == 0)
			__builtin_trap();
		return;  /* inconsistentValue */
	}
	check_accepted(&next);
	for (int i = 0; i < LW_TH_COUNT; i++)
		if ((next.set_mask >> i) & 1u)
			len += (size_t)snprintf(file + len, sizeof(file) - len, "%s %u\n",
						lw_threshold_def((enum lw_threshold_id)i)->directive,
						next.v[i]);
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
