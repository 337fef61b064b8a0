/* lw_error.h: the error value fallible functions fill in, so callers decide how to report it. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ERROR_H
#define LW_ERROR_H

#define LW_ERROR_TEXT_MAX 256

struct lw_error {
	int code;                      /* errno-style code, 0 when no error */
	char text[LW_ERROR_TEXT_MAX];  /* human-readable, with context */
};

/* Sets code and text; always returns -1 so callers can `return lw_error_set(...)`. */
int lw_error_set(struct lw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void lw_error_clear(struct lw_error *err);

#endif
