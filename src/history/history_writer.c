/* history_writer.c: the status texts of the writer: what it is doing, what failed. */
/* SPDX-License-Identifier: ISC */
#include "history/history_writer.h"

#include <stdarg.h>
#include <stdio.h>

void lw_hwriter_doing(struct lw_hwriter *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->doing, sizeof(w->doing), fmt, ap);
	va_end(ap);
}

void lw_htext(char *dst, size_t cap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, cap, fmt, ap);
	va_end(ap);
}
