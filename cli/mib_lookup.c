/* mib_lookup.c: finding groups, objects and enumeration labels in the compiled-in MIB objects. */
/* SPDX-License-Identifier: ISC */
#include <string.h>

#include "mib_objects.h"

const struct lw_obj_group *lw_obj_group_find(const char *name)
{
	for (unsigned i = 0; i < lw_obj_group_count; i++)
		if (strcmp(lw_obj_groups[i].name, name) == 0)
			return &lw_obj_groups[i];
	return NULL;
}

const struct lw_obj *lw_obj_find(const struct lw_obj_group *g, const char *name)
{
	for (size_t i = 0; i < g->nobjs; i++)
		if (strcmp(g->objs[i].name, name) == 0)
			return &g->objs[i];
	for (size_t i = 0; i < g->nindex; i++)
		if (strcmp(g->index[i].name, name) == 0)
			return &g->index[i];
	return NULL;
}

const char *lw_obj_enum_label(const struct lw_obj *o, long value)
{
	if (!o->enums)
		return NULL;
	for (const struct lw_obj_enum *e = o->enums; e->label; e++)
		if (e->value == value)
			return e->label;
	return NULL;
}
