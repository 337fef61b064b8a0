/* escape.c: printable-ASCII escaping with cuts that never split an escape. */
/* SPDX-License-Identifier: ISC */
#include "base/escape.h"

#include <string.h>

size_t lw_escape(const char *in, size_t len, bool nul_is_space, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t limit = cap - 1 < LW_DISPLAY_MAX ? cap - 1 : LW_DISPLAY_MAX;
	size_t o = 0;

	if (cap == 0)
		return 0;
	if (nul_is_space)
		while (len > 0 && in[len - 1] == '\0')
			len--;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)in[i];
		char esc[4];
		size_t n;

		if (c >= 0x20 && c <= 0x7e && c != '\\') {  /* the usual case, kept short */
			if (o + 1 > limit)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (c == '\0' && nul_is_space) {
			esc[0] = ' ';
			n = 1;
		} else if (c == '\\') {
			esc[0] = '\\';
			esc[1] = '\\';
			n = 2;
		} else {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			n = 4;
		}
		if (o + n > limit)
			break;
		for (size_t k = 0; k < n; k++)
			out[o++] = esc[k];
	}
	out[o] = '\0';
	return o;
}

void lw_csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
