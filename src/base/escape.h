/* escape.h: turning hostile process names and command lines into valid DisplayStrings. */
/* SPDX-License-Identifier: ISC */
#ifndef LW_ESCAPE_H
#define LW_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>
#include <stddef.h>

/* The longest DisplayString (RFC 2579), and so the longest escaped text. */
#define LW_DISPLAY_MAX 255

/*
 * Writes in[0..len) to out as printable ASCII: '\\' becomes "\\\\", other bytes outside
 * 0x20..0x7e become "\\xNN"; with nul_is_space, NUL bytes become spaces (cmdline separators)
 * and trailing ones are dropped. Stops before an escape that would not fit in LW_DISPLAY_MAX
 * characters (or cap - 1), so text is cut at an escape boundary. Returns the length written;
 * out is NUL-terminated.
 */
size_t lw_escape(const char *in, size_t len, bool nul_is_space, char *out, size_t cap);

/* Writes s to f as one CSV field: as is, or quoted with its quotes doubled when it holds a
 * comma, a quote or a line break (RFC 4180, section 2). */
void lw_csv_field(FILE *f, const char *s);

#endif
