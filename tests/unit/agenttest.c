/* agenttest.c: OID building and the registered-object list the agent/ unit tests share. */
/* SPDX-License-Identifier: ISC */
#include "agenttest.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t lw_t_oid(oid *out, size_t n, ...)
{
	static const oid objects[] = { LW_T_OBJECTS };
	va_list ap;

	memcpy(out, objects, sizeof(objects));
	va_start(ap, n);
	for (size_t i = 0; i < n && LW_T_OBJECTS_LEN + i < MAX_OID_LEN; i++)
		out[LW_T_OBJECTS_LEN + i] = va_arg(ap, unsigned);
	va_end(ap);
	return LW_T_OBJECTS_LEN + n;
}

static void collect_one(const oid *name, size_t len, const struct lw_object *o, void *ctx)
{
	struct lw_t_objects *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (l->v == NULL)
			abort();
	}
	if (len > MAX_OID_LEN)
		len = MAX_OID_LEN;
	memcpy(l->v[l->n].name, name, len * sizeof(oid));
	l->v[l->n].len = len;
	l->v[l->n].o = o;
	l->n++;
}

void lw_t_objects_collect(const struct lw_mibtree *t, struct lw_t_objects *out)
{
	memset(out, 0, sizeof(*out));
	lw_mibtree_each(t, collect_one, out);
}

void lw_t_objects_free(struct lw_t_objects *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

const struct lw_t_object *lw_t_object_of(const struct lw_t_objects *l, const oid *name,
					 size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].len < len &&
		    snmp_oid_compare(l->v[i].name, l->v[i].len, name, l->v[i].len) == 0)
			return &l->v[i];
	return NULL;
}
