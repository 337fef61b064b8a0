/* scan.h: a bounded cursor over a byte buffer, so /proc parsers never read past what the kernel gave. */
#ifndef LW_SCAN_H
#define LW_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lw_scan {
	const char *p;
	const char *end;
};

static inline void lw_scan_init(struct lw_scan *s, const char *buf, size_t len)
{
	s->p = buf;
	s->end = buf + len;
}

static inline bool lw_scan_eof(const struct lw_scan *s)
{
	return s->p >= s->end;
}

/* Skips blanks (space, tab), not newlines. */
void lw_scan_blanks(struct lw_scan *s);

/* Parses an unsigned decimal; false (cursor unchanged) if no digit or on overflow. */
bool lw_scan_u64(struct lw_scan *s, uint64_t *out);

/* Parses "I" or "I.F" as hundredths (I*100 + first two digits of F), no floating point. */
bool lw_scan_hundredths(struct lw_scan *s, uint64_t *out);

/* Consumes c if it is next. */
bool lw_scan_char(struct lw_scan *s, char c);

/* Returns the token up to the next blank, newline or stop character (0 for none). */
size_t lw_scan_token(struct lw_scan *s, char stop, const char **tok);

/* Moves past the next newline (or to the end). */
void lw_scan_next_line(struct lw_scan *s);

/* True if only blanks remain before the end of the line. */
bool lw_scan_at_eol(struct lw_scan *s);

#endif
