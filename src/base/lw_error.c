/* lw_error.c: building error texts with context instead of printing deep inside the code. */
/* SPDX-License-Identifier: ISC */
#include "base/lw_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int lw_error_set(struct lw_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->text, sizeof(err->text), fmt, ap);
	va_end(ap);
	return -1;
}

void lw_error_clear(struct lw_error *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->text[0] = '\0';
}
