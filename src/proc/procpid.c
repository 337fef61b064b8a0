/* procpid.c: bounded parsers for the per-process /proc files leakwatch reads every cycle. */
/* SPDX-License-Identifier: ISC */
#include "proc/procpid.h"

#include <errno.h>
#include <string.h>

#include "base/scan.h"

/* Skips one field of stat: an optional '-' then at least one digit (no value is needed). */
static int skip_field(struct lw_scan *s)
{
	const char *start;

	lw_scan_blanks(s);
	lw_scan_char(s, '-');
	start = s->p;
	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : -1;
}

static int field_u64(struct lw_scan *s, uint64_t *v)
{
	lw_scan_blanks(s);
	return lw_scan_u64(s, v) ? 0 : -1;
}

int lw_pid_stat_parse(const char *buf, size_t len, struct lw_pid_stat *out, struct lw_error *err)
{
	const char *open = memchr(buf, '(', len);
	/* The name can contain ')': the real end is the last one in the file. */
	const char *close = memrchr(buf, ')', len);
	struct lw_pid_stat st;
	struct lw_scan s;
	uint64_t v;

	if (open == NULL || close == NULL || close < open)
		return lw_error_set(err, EINVAL, "stat: no (comm)");
	memset(&st, 0, sizeof(st));
	st.comm_len = (size_t)(close - open - 1);
	if (st.comm_len > sizeof(st.comm))
		st.comm_len = sizeof(st.comm);
	memcpy(st.comm, open + 1, st.comm_len);
	lw_scan_init(&s, close + 1, (size_t)(buf + len - close - 1));
	lw_scan_blanks(&s);
	if (lw_scan_eof(&s))
		return lw_error_set(err, EINVAL, "stat: no state");
	st.state = *s.p++;
	if (field_u64(&s, &v) || v > UINT32_MAX)  /* 4 ppid */
		return lw_error_set(err, EINVAL, "stat: bad ppid");
	st.ppid = (uint32_t)v;
	for (int f = 5; f <= 13; f++)  /* pgrp .. cmajflt */
		if (skip_field(&s))
			return lw_error_set(err, EINVAL, "stat: bad field %d", f);
	if (field_u64(&s, &st.utime) || field_u64(&s, &st.stime))  /* 14, 15 */
		return lw_error_set(err, EINVAL, "stat: bad utime/stime");
	for (int f = 16; f <= 19; f++)  /* cutime cstime priority nice */
		if (skip_field(&s))
			return lw_error_set(err, EINVAL, "stat: bad field %d", f);
	if (field_u64(&s, &st.threads))  /* 20 */
		return lw_error_set(err, EINVAL, "stat: bad num_threads");
	if (skip_field(&s) || field_u64(&s, &st.starttime))  /* 21 itrealvalue, 22 starttime */
		return lw_error_set(err, EINVAL, "stat: bad starttime");
	*out = st;
	return 0;
}

int lw_pid_statm_parse(const char *buf, size_t len, struct lw_pid_statm *out,
		       struct lw_error *err)
{
	struct lw_scan s;
	struct lw_pid_statm m;

	lw_scan_init(&s, buf, len);
	if (field_u64(&s, &m.size) || field_u64(&s, &m.resident) || field_u64(&s, &m.shared))
		return lw_error_set(err, EINVAL, "statm: expected size resident shared");
	if (m.shared > m.resident)
		return lw_error_set(err, EINVAL, "statm: shared above resident");
	*out = m;
	return 0;
}

/* Finds "Name:" at the start of a line; returns a scanner after the colon. */
static int find_key(const char *buf, size_t len, const char *key, struct lw_scan *s)
{
	size_t klen = strlen(key);
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;

		if ((size_t)(line_end - p) > klen && memcmp(p, key, klen) == 0) {
			lw_scan_init(s, p + klen, (size_t)(line_end - p - klen));
			return 0;
		}
		p = line_end + 1;
	}
	return -1;
}

int lw_pid_status_swap_parse(const char *buf, size_t len, uint64_t *swap_kb,
			     struct lw_error *err)
{
	struct lw_scan s;

	if (find_key(buf, len, "VmSwap:", &s)) {
		*swap_kb = 0;
		return 0;
	}
	if (field_u64(&s, swap_kb))
		return lw_error_set(err, EINVAL, "status: bad VmSwap");
	return 0;
}

int lw_pid_status_uid_parse(const char *buf, size_t len, uint32_t *uid, struct lw_error *err)
{
	struct lw_scan s;
	uint64_t v;

	if (find_key(buf, len, "Uid:", &s) || field_u64(&s, &v) || v > UINT32_MAX)
		return lw_error_set(err, EINVAL, "status: bad Uid line");
	*uid = (uint32_t)v;
	return 0;
}

int lw_pid_limits_nofile_parse(const char *buf, size_t len, uint64_t *soft, struct lw_error *err)
{
	struct lw_scan s;

	if (find_key(buf, len, "Max open files", &s))
		return lw_error_set(err, EINVAL, "limits: no 'Max open files' line");
	lw_scan_blanks(&s);
	if (s.end - s.p >= 9 && memcmp(s.p, "unlimited", 9) == 0) {
		*soft = UINT64_MAX;
		return 0;
	}
	if (!lw_scan_u64(&s, soft))
		return lw_error_set(err, EINVAL, "limits: bad 'Max open files' soft limit");
	return 0;
}

int lw_stat_btime_parse(const char *buf, size_t len, uint64_t *btime, struct lw_error *err)
{
	struct lw_scan s;

	if (find_key(buf, len, "btime ", &s) || field_u64(&s, btime))
		return lw_error_set(err, EINVAL, "stat: no btime line");
	return 0;
}
