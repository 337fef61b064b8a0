/* render.c: tables as text for people, JSON (RFC 8259) and CSV (RFC 4180) for programs. */
/* SPDX-License-Identifier: ISC */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"
#include "human.h"
#include "render.h"

size_t lw_index_decode(const struct lw_obj_group *g, const struct lw_row *r,
		       char out[][LW_INDEX_TEXT_MAX], size_t max)
{
	size_t p = 0, k = 0;
	for (; k < g->nindex && k < max; k++) {
		const struct lw_obj *o = &g->index[k];
		if (p >= r->idx_len) {
			out[k][0] = 0;
			continue;
		}
		if (o->type == LW_T_INETADDR) {
			/* a variable-length string index: its length, then its octets (RFC 2578 7.7) */
			size_t n = r->idx[p++], len = 0;
			out[k][0] = 0;
			if (n == 4 && p + 4 <= r->idx_len)
				snprintf(out[k], LW_INDEX_TEXT_MAX, "%u.%u.%u.%u", r->idx[p], r->idx[p + 1],
					 r->idx[p + 2], r->idx[p + 3]);
			else if (n == 16 && p + 16 <= r->idx_len)
				for (size_t i = 0; i < 16; i += 2)
					len += (size_t)snprintf(out[k] + len, LW_INDEX_TEXT_MAX - len,
								"%s%x", i ? ":" : "",
								r->idx[p + i] << 8 | r->idx[p + i + 1]);
			p += n;
		} else {
			snprintf(out[k], LW_INDEX_TEXT_MAX, "%u", r->idx[p++]);
		}
	}
	return k;
}

void lw_short_name(char *buf, size_t size, const struct lw_obj_group *g, const char *name)
{
	size_t plen = strlen(g->name);
	if (plen > 5 && strcmp(g->name + plen - 5, "Table") == 0)
		plen -= 5;
	const char *s = name;
	if (strncmp(name, g->name, plen) == 0 && name[plen])
		s = name + plen;
	else if (strncmp(name, "lw", 2) == 0)
		s = name + 2;
	snprintf(buf, size, "%s", s);
	size_t n = strlen(buf);
	static const char *const suffixes[] = { "KB", "Us", "Unix", "KBX" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		size_t m = strlen(suffixes[i]);
		if (n > m && strcmp(buf + n - m, suffixes[i]) == 0) {
			buf[n - m] = 0;
			break;
		}
	}
	buf[0] = (char)tolower((unsigned char)buf[0]);
}

/* The length of the well-formed UTF-8 sequence at S, or 0; *BAD is then the length of its
 * maximal ill-formed subpart, which becomes one U+FFFD (Unicode 15, section 3.9, "U+FFFD
 * Substitution of Maximal Subparts"; what Python's and browsers' decoders do). */
static size_t utf8_len(const unsigned char *s, size_t *bad)
{
	unsigned char c = s[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;
	*bad = 1;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		if (c == 0xed)
			hi = 0x9f;  /* no surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	for (size_t i = 1; i <= need; i++) {
		unsigned char lo_i = i == 1 ? lo : 0x80, hi_i = i == 1 ? hi : 0xbf;
		if (s[i] < lo_i || s[i] > hi_i) {
			*bad = i;
			return 0;
		}
	}
	return need + 1;
}

void lw_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', f);
	while (*s) {
		size_t bad, n = utf8_len(s, &bad);
		if (n == 0) {
			/* JSON text is UTF-8 (RFC 8259 8.1): a name cut inside a character, or
			 * bytes in another encoding, read as U+FFFD */
			fputs("\ufffd", f);
			s += bad;
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s < 0x20) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static void json_value(FILE *f, const struct lw_val *v)
{
	char buf[32];
	if (v->kind == LW_V_TEXT)
		lw_json_string(f, v->text);
	else if (v->kind == LW_V_ABSENT)
		fputs("null", f);
	else
		fputs(lw_raw_value(buf, sizeof(buf), v), f);
}

/* An index component is a number in JSON unless it is an address. */
static void json_index(FILE *f, const struct lw_obj *o, const char *text)
{
	if (o->type == LW_T_INETADDR)
		lw_json_string(f, text);
	else
		fputs(text, f);
}

static int wanted(const char *const *cols, const char *name)
{
	if (!cols)
		return 1;
	for (; *cols; cols++)
		if (strcmp(*cols, name) == 0)
			return 1;
	return 0;
}

static int is_numeric(const struct lw_obj *o)
{
	return o->type != LW_T_STRING && o->type != LW_T_DATETIME && o->type != LW_T_OID &&
		o->type != LW_T_INETADDR && o->type != LW_T_ENUM;
}

/*
 * Columns whose unit depends on the row (no UNITS clause in the MIB): lwProcTopValue by
 * lwProcTopMetric, lwTrendValue and lwTrendSlope by lwTrendIndex, lwAlarmValue, lwAlarmThreshold
 * and lwAlarmSlope by lwAlarmType (their DESCRIPTIONs). Returns O, or O with the row's unit in
 * *TMP.
 */
static const struct lw_obj *row_unit(const struct lw_table *t, const struct lw_row *r,
				     const struct lw_obj *o, struct lw_obj *tmp)
{
	enum { PLAIN, KIB, HUNDREDTHS } u = PLAIN;
	int slope = strstr(o->name, "Slope") != NULL;
	if (strcmp(o->name, "lwProcTopValue") == 0 && r->idx_len) {
		/* rss(1), cpu(2), fds(3), rssGrowth(4) */
		u = r->idx[0] == 2 ? HUNDREDTHS : r->idx[0] == 3 ? PLAIN : KIB;
	} else if ((strcmp(o->name, "lwTrendValue") == 0 || strcmp(o->name, "lwTrendSlope") == 0) &&
		   r->idx_len) {
		u = r->idx[0] == 3 ? PLAIN : KIB;  /* tcpOrphans(3) counts sockets */
	} else if (strcmp(o->name, "lwAlarmValue") == 0 || strcmp(o->name, "lwAlarmThreshold") == 0 ||
		   strcmp(o->name, "lwAlarmSlope") == 0) {
		int c = lw_table_col(t, "lwAlarmType");
		long type = c < 0 ? 0 : (long)lw_val_num(&r->vals[c]);
		/* KiB: procMemLeak(1), slabLeak(3), groupMemLeak(8), kernelMemLeak(9);
		 * hundredths: tcpOrphanPressure(4), tcpMemPressure(5), loadHigh(7) */
		u = type == 1 || type == 3 || type == 8 || type == 9 ? KIB :
			type == 4 || type == 5 || type == 7 ? HUNDREDTHS : PLAIN;
	} else {
		return o;
	}
	*tmp = *o;
	tmp->units = "";
	tmp->type = LW_T_INTEGER;
	if (u == KIB)
		tmp->units = slope ? "KiB per hour" : "KiB";
	else if (u == HUNDREDTHS && !slope)
		tmp->type = LW_T_HUNDREDTHS;
	return tmp;
}

#define CELL 272  /* the longest text column (255 octets) and a little */

void lw_render_table(FILE *f, const struct lw_table *t, enum lw_format fmt,
		     const char *const *text_cols)
{
	const struct lw_obj_group *g = t->group;
	size_t ni = g->nindex;
	char (*idx)[LW_INDEX_TEXT_MAX] = calloc(ni ? ni : 1, sizeof(*idx));
	if (!idx)
		return;
	if (fmt == LW_FMT_JSON) {
		fputs("[", f);
		for (size_t r = 0; r < t->nrows; r++) {
			lw_index_decode(g, &t->rows[r], idx, ni);
			fputs(r ? ",\n {" : "\n {", f);
			for (size_t k = 0; k < ni; k++) {
				fprintf(f, "%s\"%s\": ", k ? ", " : "", g->index[k].name);
				json_index(f, &g->index[k], idx[k]);
			}
			for (size_t c = 0; c < t->ncols; c++) {
				fprintf(f, "%s\"%s\": ", c || ni ? ", " : "", t->cols[c]->name);
				json_value(f, &t->rows[r].vals[c]);
			}
			fputs("}", f);
		}
		fputs(t->nrows ? "\n]\n" : "]\n", f);
		free(idx);
		return;
	}
	if (fmt == LW_FMT_CSV) {
		char buf[CELL];
		for (size_t k = 0; k < ni; k++)
			fprintf(f, "%s%s", k ? "," : "", g->index[k].name);
		for (size_t c = 0; c < t->ncols; c++)
			fprintf(f, "%s%s", c || ni ? "," : "", t->cols[c]->name);
		fputs("\n", f);
		for (size_t r = 0; r < t->nrows; r++) {
			lw_index_decode(g, &t->rows[r], idx, ni);
			for (size_t k = 0; k < ni; k++)
				fprintf(f, "%s%s", k ? "," : "", idx[k]);
			for (size_t c = 0; c < t->ncols; c++) {
				if (c || ni)
					fputc(',', f);
				const struct lw_val *v = &t->rows[r].vals[c];
				lw_csv_field(f, v->kind == LW_V_TEXT ? v->text :
					  lw_raw_value(buf, sizeof(buf), v));
			}
			fputs("\n", f);
		}
		free(idx);
		return;
	}
	/* text: every cell formatted first, so that each column is as wide as its widest cell */
	size_t ncols = 0;
	const struct lw_obj **objs = calloc(ni + t->ncols, sizeof(*objs));
	int *src = calloc(ni + t->ncols, sizeof(*src));  /* -1 - k: index k; else a column */
	size_t *width = calloc(ni + t->ncols, sizeof(*width));
	char (*cells)[CELL] = calloc((t->nrows + 1) * (ni + t->ncols), CELL);
	if (!objs || !src || !width || !cells)
		goto out;
	for (size_t k = 0; k < ni; k++)
		if (wanted(text_cols, g->index[k].name)) {
			objs[ncols] = &g->index[k];
			src[ncols++] = -1 - (int)k;
		}
	for (size_t c = 0; c < t->ncols; c++)
		if (wanted(text_cols, t->cols[c]->name)) {
			objs[ncols] = t->cols[c];
			src[ncols++] = (int)c;
		}
	for (size_t c = 0; c < ncols; c++) {
		lw_short_name(cells[c], CELL, g, objs[c]->name);
		width[c] = strlen(cells[c]);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		lw_index_decode(g, &t->rows[r], idx, ni);
		for (size_t c = 0; c < ncols; c++) {
			char *cell = cells[(r + 1) * ncols + c];
			if (src[c] < 0) {
				const struct lw_obj *o = objs[c];
				const char *l = o->type == LW_T_ENUM ?
					lw_obj_enum_label(o, strtol(idx[-1 - src[c]], NULL, 10)) : NULL;
				snprintf(cell, CELL, "%s", l ? l : idx[-1 - src[c]]);
			} else {
				struct lw_obj tmp;
				lw_human_value(cell, CELL, row_unit(t, &t->rows[r], objs[c], &tmp),
					       &t->rows[r].vals[src[c]]);
			}
			/* control characters (an escaped command line may hold none, but be safe) */
			for (char *p = cell; *p; p++)
				if ((unsigned char)*p < 0x20)
					*p = '?';
			size_t w = strlen(cell);
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < ncols; c++) {
			const char *cell = cells[r * ncols + c];
			int last = c + 1 == ncols;
			/* numbers to the right, text to the left; the last column unpadded */
			if (is_numeric(objs[c]) && r > 0)
				fprintf(f, "%s%*s", c ? "  " : "", (int)width[c], cell);
			else if (is_numeric(objs[c]))
				fprintf(f, "%s%*s", c ? "  " : "", (int)width[c], cell);
			else if (last)
				fprintf(f, "%s%s", c ? "  " : "", cell);
			else
				fprintf(f, "%s%-*s", c ? "  " : "", (int)width[c], cell);
		}
		fputc('\n', f);
	}
out:
	free(objs);
	free(src);
	free(width);
	free(cells);
	free(idx);
}

void lw_render_scalars(FILE *f, const struct lw_table *t, enum lw_format fmt)
{
	const struct lw_row *row = t->nrows ? &t->rows[0] : NULL;
	static const struct lw_val absent;
	char buf[CELL], name[CELL];
	if (fmt == LW_FMT_JSON) {
		fputs("[{", f);
		for (size_t c = 0; c < t->ncols; c++) {
			fprintf(f, "%s\"%s\": ", c ? ", " : "", t->cols[c]->name);
			json_value(f, row ? &row->vals[c] : &absent);
		}
		fputs("}]\n", f);
	} else if (fmt == LW_FMT_CSV) {
		for (size_t c = 0; c < t->ncols; c++)
			fprintf(f, "%s%s", c ? "," : "", t->cols[c]->name);
		fputc('\n', f);
		for (size_t c = 0; c < t->ncols; c++) {
			if (c)
				fputc(',', f);
			const struct lw_val *v = row ? &row->vals[c] : &absent;
			lw_csv_field(f, v->kind == LW_V_TEXT ? v->text : lw_raw_value(buf, sizeof(buf), v));
		}
		fputc('\n', f);
	} else {
		size_t w = 0;
		for (size_t c = 0; c < t->ncols; c++)
			if (strlen(t->cols[c]->name) > w)
				w = strlen(t->cols[c]->name);
		for (size_t c = 0; c < t->ncols; c++) {
			(void)name;
			fprintf(f, "%-*s  %s\n", (int)w, t->cols[c]->name,
				lw_human_value(buf, sizeof(buf), t->cols[c],
					       row ? &row->vals[c] : &absent));
		}
	}
}
