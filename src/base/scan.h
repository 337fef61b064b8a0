/* scan.h: a bounded cursor over a byte buffer, so /proc parsers never read past what the kernel gave. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_SCAN_H
#define LW_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct lw_scan {
	const char *p;
	const char *end;
};

static inline void lw_scan_init(struct lw_scan *s, const char *buf, size_t len)
{
	s->p = buf;
	s->end = buf != NULL ? buf + len : buf;  /* NULL + 0 is undefined behaviour in C */
}

static inline bool lw_scan_eof(const struct lw_scan *s)
{
	return s->p >= s->end;
}

/* Skips blanks (space, tab), not newlines. Inline: the process parsers run 10k times a cycle. */
static inline void lw_scan_blanks(struct lw_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
}

/* Parses an unsigned decimal; false (cursor unchanged) if no digit or on overflow. */
static inline bool lw_scan_u64(struct lw_scan *s, uint64_t *out)
{
	const char *p = s->p;
	uint64_t v = 0;

	if (p >= s->end || *p < '0' || *p > '9')
		return false;
	while (p < s->end && *p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');

		/* Constants only: a division per digit showed in profiles of the stat parser. */
		if (v >= UINT64_MAX / 10 && (v > UINT64_MAX / 10 || d > UINT64_MAX % 10))
			return false;
		v = v * 10 + d;
		p++;
	}
	s->p = p;
	*out = v;
	return true;
}

/* Parses "I" or "I.F" as hundredths (I*100 + first two digits of F), no floating point. */
bool lw_scan_hundredths(struct lw_scan *s, uint64_t *out);

/* Consumes c if it is next. */
static inline bool lw_scan_char(struct lw_scan *s, char c)
{
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return true;
	}
	return false;
}

/* Returns the token up to the next blank, newline or stop character (0 for none). */
size_t lw_scan_token(struct lw_scan *s, char stop, const char **tok);

/* True if the token tok of len bytes (not NUL-terminated) is the string word. */
static inline bool lw_token_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(word, tok, len) == 0;
}

/* Skips blanks and takes the next token (as lw_scan_token, no stop); true if it is word. */
bool lw_scan_word(struct lw_scan *s, const char *word);

/* Moves past the next newline (or to the end). */
void lw_scan_next_line(struct lw_scan *s);

/* True if only blanks remain before the end of the line. */
bool lw_scan_at_eol(struct lw_scan *s);

#endif
