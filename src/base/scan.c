/* scan.c: the bounded cursor primitives every /proc parser is built from. */
/* SPDX-License-Identifier: ISC */
#include "base/scan.h"

bool lw_scan_hundredths(struct lw_scan *s, uint64_t *out)
{
	struct lw_scan t = *s;
	uint64_t whole, frac = 0;
	int digits = 0;

	if (!lw_scan_u64(&t, &whole) || whole > UINT64_MAX / 100 - 1)
		return false;
	if (lw_scan_char(&t, '.')) {
		/* Keep two digits, drop the rest: the kernel prints exactly two. */
		while (t.p < t.end && *t.p >= '0' && *t.p <= '9') {
			if (digits < 2) {
				frac = frac * 10 + (uint64_t)(*t.p - '0');
				digits++;
			}
			t.p++;
		}
		if (digits == 0)
			return false;
		if (digits == 1)
			frac *= 10;
	}
	*s = t;
	*out = whole * 100 + frac;
	return true;
}

size_t lw_scan_token(struct lw_scan *s, char stop, const char **tok)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p != ' ' && *s->p != '\t' && *s->p != '\n' &&
	       (stop == 0 || *s->p != stop))
		s->p++;
	*tok = start;
	return (size_t)(s->p - start);
}

bool lw_scan_word(struct lw_scan *s, const char *word)
{
	const char *tok;
	size_t n;

	lw_scan_blanks(s);
	n = lw_scan_token(s, 0, &tok);  /* before lw_token_is(): argument order is unspecified */
	return lw_token_is(tok, n, word);
}

void lw_scan_next_line(struct lw_scan *s)
{
	while (s->p < s->end && *s->p != '\n')
		s->p++;
	if (s->p < s->end)
		s->p++;
}

bool lw_scan_at_eol(struct lw_scan *s)
{
	lw_scan_blanks(s);
	return s->p >= s->end || *s->p == '\n';
}
