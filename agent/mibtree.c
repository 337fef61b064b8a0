/* mibtree.c: the sorted tree of LEAKWATCH-MIB objects: table loads, GET, GETNEXT and the SET phases. */
/* SPDX-License-Identifier: ISC */
#include "mibtree.h"

#include <stdlib.h>
#include <string.h>

#include <net-snmp/agent/net-snmp-agent-includes.h>

#include "mib_groups.h"

/*
 * Every object of every group and table, flattened and sorted by its OID (base.subid for a
 * scalar, entry.column for a column). Object OIDs never prefix one another (they are leaves of
 * the MIB), so the object a name belongs to is the greatest object OID <= the name, when that
 * OID is a prefix of it. A table's columns are adjacent, which makes GETNEXT column-major.
 */
struct mt_object {
	oid name[MAX_OID_LEN];
	size_t len;
	const struct lw_object *o;
	struct lw_scalar_group *g;   /* exactly one of g and table */
	struct lw_table *table;
};

struct lw_mibtree {
	struct mt_object *objects;
	size_t n, cap;
	struct lw_scalar_group **groups;  /* the writable ones, for the SET phases */
	size_t ngroups;
	struct lw_table **tables;
	size_t ntables;
};

struct lw_mibtree *lw_mibtree_new(void)
{
	return calloc(1, sizeof(struct lw_mibtree));
}

void lw_table_rows_free(struct lw_table_rows *r)
{
	free(r->rows);
	free(r->pool);
	free(r->extra);
	memset(r, 0, sizeof(*r));
}

void lw_mibtree_free(struct lw_mibtree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->ntables; i++)
		lw_table_rows_free(&t->tables[i]->loaded);
	free(t->objects);
	free(t->groups);
	free(t->tables);
	free(t);
}

static int add_object(struct lw_mibtree *t, const oid *base, size_t base_len,
		      const struct lw_object *o, struct lw_scalar_group *g, struct lw_table *table)
{
	struct mt_object *m;
	size_t pos;

	if (base_len + 1 > MAX_OID_LEN)
		return -1;
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 64;
		struct mt_object *grown = realloc(t->objects, cap * sizeof(*grown));

		if (grown == NULL)
			return -1;
		t->objects = grown;
		t->cap = cap;
	}
	m = &t->objects[t->n];
	memcpy(m->name, base, base_len * sizeof(oid));
	m->name[base_len] = o->subid;
	m->len = base_len + 1;
	/* Insertion keeps the array sorted; the tree is built once, at start. */
	for (pos = t->n; pos > 0; pos--) {
		int c = snmp_oid_compare(t->objects[pos - 1].name, t->objects[pos - 1].len, m->name,
					 m->len);

		if (c == 0)
			return -1;  /* the same object twice */
		if (c < 0)
			break;
	}
	{
		struct mt_object tmp = *m;

		memmove(&t->objects[pos + 1], &t->objects[pos], (t->n - pos) * sizeof(*m));
		t->objects[pos] = tmp;
	}
	t->objects[pos].o = o;
	t->objects[pos].g = g;
	t->objects[pos].table = table;
	t->n++;
	return 0;
}

static int push_ptr(void ***arr, size_t *n, void *p)
{
	void **grown = realloc(*arr, (*n + 1) * sizeof(void *));

	if (grown == NULL)
		return -1;
	grown[(*n)++] = p;
	*arr = grown;
	return 0;
}

int lw_mibtree_add_group(struct lw_mibtree *t, struct lw_scalar_group *g)
{
	for (size_t i = 0; i < g->n; i++)
		if (add_object(t, g->base, g->base_len, &g->objects[i], g, NULL))
			return -1;
	if (g->writable != NULL && push_ptr((void ***)&t->groups, &t->ngroups, g))
		return -1;
	return 0;
}

int lw_mibtree_add_table(struct lw_mibtree *t, struct lw_table *table)
{
	for (size_t i = 0; i < table->n; i++)
		if (add_object(t, table->entry, table->entry_len, &table->columns[i], NULL, table))
			return -1;
	return push_ptr((void ***)&t->tables, &t->ntables, table);
}

int lw_table_rows_alloc(struct lw_table_rows *out, size_t n, size_t index_max_len)
{
	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	out->rows = calloc(n, sizeof(*out->rows));
	out->pool = calloc(n, index_max_len * sizeof(oid));
	if (out->rows == NULL || out->pool == NULL) {
		lw_table_rows_free(out);
		return -1;
	}
	return 0;
}

oid *lw_table_rows_push(struct lw_table_rows *out, size_t index_max_len, size_t index_len,
			const void *data)
{
	size_t i = out->n++;
	oid *index = out->pool + i * index_max_len;

	out->rows[i].index = index;
	out->rows[i].index_len = index_len;
	out->rows[i].data = data;
	return index;
}

int lw_table_rows_keyed(struct lw_table_rows *out, const void *rows, size_t n, size_t size,
			size_t key_offset)
{
	if (lw_table_rows_alloc(out, n, 1))
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *row = (const char *)rows + i * size;
		uint32_t key;

		memcpy(&key, row + key_offset, sizeof(key));
		lw_table_rows_push(out, 1, 1, row)[0] = key;
	}
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct lw_table_row *x = a, *y = b;

	return snmp_oid_compare(x->index, x->index_len, y->index, y->index_len);
}

void lw_mibtree_load_one(struct lw_table *table, const struct lw_agent *agent)
{
	struct lw_table_rows next;

	lw_table_rows_free(&table->loaded);
	if (table->load(agent, &next) != 0) {
		lw_table_rows_free(&next);
		return;  /* out of memory: empty until the next snapshot */
	}
	/* Lookups are binary searches: the loaders build in index order; make sure of it. */
	for (size_t i = 1; i < next.n; i++)
		if (row_cmp(&next.rows[i - 1], &next.rows[i]) >= 0) {
			qsort(next.rows, next.n, sizeof(*next.rows), row_cmp);
			break;
		}
	table->loaded = next;
}

void lw_mibtree_load(struct lw_mibtree *t, const struct lw_agent *agent)
{
	for (size_t i = 0; i < t->ntables; i++)
		lw_mibtree_load_one(t->tables[i], agent);
}

/* Index of the greatest object whose OID is <= name, or -1 when every object is after it. */
static long floor_object(const struct lw_mibtree *t, const oid *name, size_t len)
{
	long lo = 0, hi = (long)t->n - 1, found = -1;

	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;

		if (snmp_oid_compare(t->objects[mid].name, t->objects[mid].len, name, len) <= 0) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	return found;
}

/* The object name is an instance of (its OID is a prefix of name), or NULL. */
static const struct mt_object *object_of(const struct lw_mibtree *t, const oid *name, size_t len)
{
	long i = floor_object(t, name, len);

	if (i < 0)
		return NULL;
	if (snmp_oidtree_compare(t->objects[i].name, t->objects[i].len, name, len) != 0)
		return NULL;
	return &t->objects[i];
}

/* The first row whose index is > (>= when inclusive) the given one. */
static size_t rows_from(const struct lw_table_rows *r, const oid *index, size_t len, bool inclusive)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = snmp_oid_compare(r->rows[mid].index, r->rows[mid].index_len, index, len);

		if (c < 0 || (c == 0 && !inclusive))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool value_of(const struct mt_object *m, netsnmp_variable_list *vb, const void *row,
		     const struct lw_agent *agent)
{
	if (m->o->value(vb, row, agent))
		return true;
	/* Nothing half-set: a GETNEXT that goes on must leave the varbind as it came. */
	snmp_set_var_typed_value(vb, ASN_NULL, NULL, 0);
	return false;
}

int lw_mibtree_get(const struct lw_mibtree *t, const struct lw_agent *agent,
		   netsnmp_variable_list *vb)
{
	const struct mt_object *m = object_of(t, vb->name, vb->name_length);
	const struct lw_table_rows *r;
	const oid *index;
	size_t len, i;

	/*
	 * As net-snmp's scalar and table helpers answered: a name outside every object is
	 * noSuchObject; inside an object (its OID itself, a partial or unknown instance) it is
	 * noSuchInstance.
	 */
	if (m == NULL)
		return SNMP_NOSUCHOBJECT;
	index = vb->name + m->len;
	len = vb->name_length - m->len;
	if (m->g != NULL) {
		if (len != 1 || index[0] != 0 || !value_of(m, vb, NULL, agent))
			return SNMP_NOSUCHINSTANCE;
		return 0;
	}
	r = &m->table->loaded;
	i = rows_from(r, index, len, true);
	if (len == 0 || i == r->n ||
	    snmp_oid_compare(r->rows[i].index, r->rows[i].index_len, index, len) != 0 ||
	    !value_of(m, vb, r->rows[i].data, agent))
		return SNMP_NOSUCHINSTANCE;
	return 0;
}

static int found(netsnmp_variable_list *vb, const oid *base, size_t base_len, const oid *index,
		 size_t index_len)
{
	oid name[MAX_OID_LEN];

	if (base_len + index_len > MAX_OID_LEN)
		return SNMP_ENDOFMIBVIEW;
	memcpy(name, base, base_len * sizeof(oid));
	memcpy(name + base_len, index, index_len * sizeof(oid));
	snmp_set_var_objid(vb, name, base_len + index_len);
	return 0;
}

/*
 * The first instance of object m with a value after vb's name; from (inclusive) the given index
 * when the name is inside m, from m's first instance otherwise (index NULL).
 */
static int next_in(const struct mt_object *m, const struct lw_agent *agent,
		   netsnmp_variable_list *vb, const oid *index, size_t len, bool inclusive)
{
	static const oid zero = 0;
	const struct lw_table_rows *r;

	if (m->g != NULL) {
		/* The one instance .0 is after the name when the name is m itself, or it. */
		if (index != NULL && !(len == 0 || (inclusive && len == 1 && index[0] == 0)))
			return SNMP_ENDOFMIBVIEW;
		if (!value_of(m, vb, NULL, agent))
			return SNMP_ENDOFMIBVIEW;
		return found(vb, m->name, m->len, &zero, 1);
	}
	r = &m->table->loaded;
	for (size_t i = index ? rows_from(r, index, len, inclusive) : 0; i < r->n; i++)
		if (value_of(m, vb, r->rows[i].data, agent))
			return found(vb, m->name, m->len, r->rows[i].index, r->rows[i].index_len);
	return SNMP_ENDOFMIBVIEW;
}

int lw_mibtree_getnext(const struct lw_mibtree *t, const struct lw_agent *agent,
		       netsnmp_variable_list *vb, bool inclusive)
{
	long i = floor_object(t, vb->name, vb->name_length);
	size_t from = 0;

	if (i >= 0) {
		const struct mt_object *m = &t->objects[i];

		from = (size_t)i + 1;
		if (snmp_oidtree_compare(m->name, m->len, vb->name, vb->name_length) == 0 &&
		    next_in(m, agent, vb, vb->name + m->len, vb->name_length - m->len,
			    inclusive) == 0)
			return 0;
	}
	/* Every later object's instances are after the name. */
	for (size_t k = from; k < t->n; k++)
		if (next_in(&t->objects[k], agent, vb, NULL, 0, false) == 0)
			return 0;
	return SNMP_ENDOFMIBVIEW;
}

/* RESERVE1 for one varbind: the object exists, is writable at this instance, takes this value. */
static int reserve1(const struct lw_mibtree *t, const netsnmp_variable_list *vb)
{
	const struct mt_object *m = object_of(t, vb->name, vb->name_length);

	/* What net-snmp's helpers answered: read-only or unknown is notWritable (RFC 3416 4.2.5). */
	if (m == NULL || m->o->access != LW_READ_WRITE || m->g == NULL || m->g->writable == NULL ||
	    m->o->check == NULL)
		return SNMP_ERR_NOTWRITABLE;
	/* A writable scalar's only instance is .0: any other cannot be created. */
	if (vb->name_length != m->len + 1 || vb->name[m->len] != 0)
		return SNMP_ERR_NOCREATION;
	return m->o->check(vb);
}

/* The varbinds of one writable group (after RESERVE1 they all name its objects' .0). */
static size_t group_vbs(const struct lw_mibtree *t, const struct lw_scalar_group *g,
			netsnmp_variable_list *const *vbs, size_t n, netsnmp_variable_list **out,
			size_t *first)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < LW_MIBTREE_MAX_SET; i++) {
		const struct mt_object *m = object_of(t, vbs[i]->name, vbs[i]->name_length);

		if (m != NULL && m->g == g) {
			if (k == 0)
				*first = i;
			out[k++] = vbs[i];
		}
	}
	return k;
}

int lw_mibtree_set(const struct lw_mibtree *t, struct lw_agent *agent, int mode,
		   netsnmp_variable_list *const *vbs, size_t n, size_t *failed)
{
	netsnmp_variable_list *sub[LW_MIBTREE_MAX_SET];

	*failed = 0;
	if (mode == MODE_SET_RESERVE1) {
		for (size_t i = 0; i < n; i++) {
			int rc = i < LW_MIBTREE_MAX_SET ? reserve1(t, vbs[i]) : SNMP_ERR_TOOBIG;

			if (rc != SNMP_ERR_NOERROR) {
				*failed = i;
				return rc;
			}
		}
		return SNMP_ERR_NOERROR;
	}
	for (size_t gi = 0; gi < t->ngroups; gi++) {
		const struct lw_writable_group *w = t->groups[gi]->writable;
		size_t first = 0, k = group_vbs(t, t->groups[gi], vbs, n, sub, &first);
		int rc = SNMP_ERR_NOERROR;

		if (k == 0)
			continue;
		switch (mode) {
		case MODE_SET_RESERVE2: rc = w->consistent(agent, sub, k); break;
		case MODE_SET_ACTION: rc = w->persist(agent, sub, k); break;
		case MODE_SET_COMMIT: w->apply(agent, sub, k); break;
		case MODE_SET_UNDO: w->undo(agent, sub, k); break;
		default: break;  /* FREE: nothing was kept */
		}
		if (rc != SNMP_ERR_NOERROR) {
			*failed = first;
			return rc;
		}
	}
	return SNMP_ERR_NOERROR;
}

void lw_mibtree_each(const struct lw_mibtree *t,
		     void (*fn)(const oid *name, size_t len, const struct lw_object *o, void *ctx),
		     void *ctx)
{
	for (size_t i = 0; i < t->n; i++)
		fn(t->objects[i].name, t->objects[i].len, t->objects[i].o, ctx);
}

int lw_mibtree_add_all(struct lw_mibtree *t)
{
	return lw_mib_agent_add(t) || lw_mib_system_add(t) || lw_mib_proc_add(t) ||
			       lw_mib_tcp_add(t) || lw_mib_kernel_add(t) || lw_mib_mcast_add(t) ||
			       lw_mib_alarms_add(t)
		       ? -1
		       : 0;
}
