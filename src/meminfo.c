/* meminfo.c: table-driven /proc/meminfo parser ("Name:   123 kB" lines, unit optional). */
#include "meminfo.h"

#include <errno.h>
#include <string.h>

#include "scan.h"

static const char *const field_names[LW_MI_COUNT] = {
	[LW_MI_MEM_TOTAL] = "MemTotal",
	[LW_MI_MEM_FREE] = "MemFree",
	[LW_MI_MEM_AVAILABLE] = "MemAvailable",
	[LW_MI_BUFFERS] = "Buffers",
	[LW_MI_CACHED] = "Cached",
	[LW_MI_SWAP_TOTAL] = "SwapTotal",
	[LW_MI_SWAP_FREE] = "SwapFree",
	[LW_MI_COMMITTED_AS] = "Committed_AS",
};

const char *lw_meminfo_name(enum lw_meminfo_field f)
{
	return (unsigned)f < LW_MI_COUNT ? field_names[f] : "?";
}

static int field_by_name(const char *name, size_t len)
{
	for (int f = 0; f < LW_MI_COUNT; f++)
		if (strlen(field_names[f]) == len && memcmp(field_names[f], name, len) == 0)
			return f;
	return -1;
}

int lw_meminfo_parse(const char *buf, size_t len, struct lw_meminfo *out, struct lw_error *err)
{
	struct lw_scan s;
	struct lw_meminfo m;
	unsigned line = 0;

	memset(&m, 0, sizeof(m));
	lw_scan_init(&s, buf, len);
	while (!lw_scan_eof(&s)) {
		const char *name;
		size_t nlen;
		uint64_t value;
		int f;

		line++;
		if (lw_scan_at_eol(&s)) {
			lw_scan_next_line(&s);
			continue;
		}
		nlen = lw_scan_token(&s, ':', &name);
		if (nlen == 0 || !lw_scan_char(&s, ':'))
			return lw_error_set(err, EINVAL, "meminfo line %u: expected 'Name:'", line);
		lw_scan_blanks(&s);
		if (!lw_scan_u64(&s, &value))
			return lw_error_set(err, EINVAL, "meminfo line %u: expected a number", line);
		lw_scan_blanks(&s);
		if (s.p < s.end && *s.p == 'k') {
			const char *unit;
			size_t ulen = lw_scan_token(&s, 0, &unit);

			if (ulen != 2 || unit[1] != 'B')
				return lw_error_set(err, EINVAL, "meminfo line %u: unknown unit", line);
		}
		if (!lw_scan_at_eol(&s))
			return lw_error_set(err, EINVAL, "meminfo line %u: trailing data", line);
		f = field_by_name(name, nlen);
		if (f >= 0) {
			m.kb[f] = value;
			m.present |= UINT64_C(1) << f;
		}
		lw_scan_next_line(&s);
	}
	if (!lw_meminfo_has(&m, LW_MI_MEM_TOTAL))
		return lw_error_set(err, EINVAL, "meminfo: no MemTotal field");
	*out = m;
	return 0;
}
