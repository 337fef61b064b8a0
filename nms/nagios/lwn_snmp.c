/* lwn_snmp.c: check_leakwatch's GETs and multi-column GETBULK table reads over libnetsnmp. */
/* SPDX-License-Identifier: ISC */
#include "lwn_snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "1.3.6.1..." to sub-identifiers; no MIB lookups, the plugin loads no MIB. */
static int parse_oid(const char *text, oid *out, size_t *len)
{
	const char *p = text;
	size_t n = 0;

	while (*p) {
		char *end;
		unsigned long v;

		if (n == MAX_OID_LEN || *p < '0' || *p > '9')
			return -1;
		v = strtoul(p, &end, 10);
		out[n++] = (oid)v;
		p = end;
		if (*p == '.')
			p++;
		else if (*p)
			return -1;
	}
	*len = n;
	return n ? 0 : -1;
}

static int rel_oid(lwn_ctx *ctx, const char *rel, oid *out, size_t *len)
{
	char full[512];

	snprintf(full, sizeof full, "%s.%s", LWN_BASE, rel);
	if (parse_oid(full, out, len) != 0) {
		snprintf(ctx->err, sizeof ctx->err, "internal error: bad OID %.200s", full);
		return -1;
	}
	return 0;
}

int lwn_open(lwn_ctx *ctx, netsnmp_session *parsed)
{
	ctx->peer = parsed->peername;
	ctx->ss = snmp_open(parsed);
	if (!ctx->ss) {
		int liberr = 0, syserr = 0;
		char *msg = NULL;

		snmp_error(parsed, &liberr, &syserr, &msg);
		snprintf(ctx->err, sizeof ctx->err, "cannot open a session to %s: %s",
			 parsed->peername ? parsed->peername : "(no agent)", msg ? msg : "unknown error");
		free(msg);
		return -1;
	}
	return 0;
}

void lwn_close(lwn_ctx *ctx)
{
	if (ctx->ss)
		snmp_close(ctx->ss);
	ctx->ss = NULL;
}

/* One request and its response; a timeout, a transport or security error and an error-status
 * all become one line in ctx->err. */
static int exchange(lwn_ctx *ctx, netsnmp_pdu *pdu, netsnmp_pdu **resp)
{
	int status;

	*resp = NULL;
	status = snmp_synch_response(ctx->ss, pdu, resp);
	if (status == STAT_TIMEOUT) {
		snprintf(ctx->err, sizeof ctx->err,
			 "no response from %s (agent down, wrong address or port, or it does not accept this community or user)",
			 ctx->peer);
		goto fail;
	}
	if (status != STAT_SUCCESS || !*resp) {
		int liberr = 0, syserr = 0;
		char *msg = NULL;

		snmp_error(ctx->ss, &liberr, &syserr, &msg);
		snprintf(ctx->err, sizeof ctx->err, "SNMP request to %s failed: %s", ctx->peer,
			 msg ? msg : "unknown error");
		free(msg);
		goto fail;
	}
	if ((*resp)->errstat != SNMP_ERR_NOERROR) {
		snprintf(ctx->err, sizeof ctx->err, "%s answered with error %s (index %ld)", ctx->peer,
			 snmp_errstring((int)(*resp)->errstat), (*resp)->errindex);
		goto fail;
	}
	return 0;
fail:
	if (*resp)
		snmp_free_pdu(*resp);
	*resp = NULL;
	return -1;
}

static void set_value(lwn_val *v, const netsnmp_variable_list *vb)
{
	memset(v, 0, sizeof *v);
	switch (vb->type) {
	case SNMP_NOSUCHOBJECT:
		v->why = "noSuchObject";
		return;
	case SNMP_NOSUCHINSTANCE:
		v->why = "noSuchInstance";
		return;
	case SNMP_ENDOFMIBVIEW:
		v->why = "endOfMibView";
		return;
	case ASN_INTEGER:
		v->kind = LWN_INT;
		v->i = *vb->val.integer;
		v->u = v->i < 0 ? 0 : (uint64_t)v->i;
		return;
	case ASN_COUNTER:
	case ASN_GAUGE:          /* also Unsigned32: the same tag */
	case ASN_TIMETICKS:
		v->kind = LWN_UINT;
		v->u = (uint32_t)*vb->val.integer;
		v->i = (int64_t)v->u;
		return;
	case ASN_COUNTER64:
		v->kind = LWN_UINT;
		v->u = ((uint64_t)vb->val.counter64->high << 32) | (uint32_t)vb->val.counter64->low;
		v->i = v->u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v->u;
		return;
	case ASN_OCTET_STR: {
		size_t n = vb->val_len < sizeof v->s - 1 ? vb->val_len : sizeof v->s - 1;
		size_t k;

		v->kind = LWN_STRING;
		memcpy(v->s, vb->val.string, n);
		v->s[n] = '\0';
		/* A status line is one line: control characters would break it. */
		for (k = 0; k < n; k++)
			if ((unsigned char)v->s[k] < 0x20 || v->s[k] == 0x7f)
				v->s[k] = '?';
		return;
	}
	case ASN_OBJECT_ID: {
		size_t k, len = 0;

		v->kind = LWN_STRING;
		for (k = 0; k < vb->val_len / sizeof(oid) && len < sizeof v->s; k++) {
			int w = snprintf(v->s + len, sizeof v->s - len, "%s%lu", k ? "." : "",
					 (unsigned long)vb->val.objid[k]);
			if (w < 0)
				break;
			len += (size_t)w;
		}
		return;
	}
	default:
		v->why = "an unexpected type";
		return;
	}
}

int lwn_get(lwn_ctx *ctx, const char *const *rel, size_t n, lwn_val *out)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET), *resp;
	netsnmp_variable_list *vb;
	size_t k;

	for (k = 0; k < n; k++) {
		oid o[MAX_OID_LEN];
		size_t len;

		if (rel_oid(ctx, rel[k], o, &len) != 0) {
			snmp_free_pdu(pdu);
			return -1;
		}
		snmp_add_null_var(pdu, o, len);
		memset(&out[k], 0, sizeof out[k]);
		out[k].why = "missing";
	}
	if (exchange(ctx, pdu, &resp) != 0)
		return -1;
	for (k = 0, vb = resp->variables; vb && k < n; vb = vb->next_variable, k++)
		set_value(&out[k], vb);
	snmp_free_pdu(resp);
	return 0;
}

/* The row of index idx, added in index order if new. */
static lwn_row *find_row(lwn_table *t, const oid *idx, size_t idxlen)
{
	size_t lo = 0, hi = t->nrows;
	lwn_row *r;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = snmp_oid_compare(t->rows[mid].idx, t->rows[mid].idxlen, idx, idxlen);

		if (c == 0)
			return &t->rows[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->nrows == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		lwn_row *rows = realloc(t->rows, cap * sizeof *rows);

		if (!rows)
			return NULL;
		t->rows = rows;
		t->cap = cap;
	}
	memmove(&t->rows[lo + 1], &t->rows[lo], (t->nrows - lo) * sizeof *t->rows);
	t->nrows++;
	r = &t->rows[lo];
	memcpy(r->idx, idx, idxlen * sizeof *idx);
	r->idxlen = idxlen;
	r->cells = calloc(t->ncols, sizeof *r->cells);
	if (!r->cells) {
		memmove(&t->rows[lo], &t->rows[lo + 1], (t->nrows - lo - 1) * sizeof *t->rows);
		t->nrows--;
		return NULL;
	}
	return r;
}

int lwn_walk(lwn_ctx *ctx, const char *entry_rel, const unsigned *cols, size_t ncols,
	     size_t rows_hint, lwn_table *t)
{
	oid entry[MAX_OID_LEN];
	size_t entrylen, j;
	oid (*cur)[MAX_OID_LEN] = NULL;
	size_t *curlen = NULL, *active = NULL;
	int *done = NULL, rc = -1;

	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	if (rel_oid(ctx, entry_rel, entry, &entrylen) != 0)
		return -1;
	cur = calloc(ncols, sizeof *cur);
	curlen = calloc(ncols, sizeof *curlen);
	active = calloc(ncols, sizeof *active);
	done = calloc(ncols, sizeof *done);
	if (!cur || !curlen || !active || !done) {
		snprintf(ctx->err, sizeof ctx->err, "out of memory");
		goto out;
	}
	for (j = 0; j < ncols; j++) {
		memcpy(cur[j], entry, entrylen * sizeof(oid));
		cur[j][entrylen] = cols[j];
		curlen[j] = entrylen + 1;
	}
	for (;;) {
		netsnmp_pdu *pdu, *resp;
		netsnmp_variable_list *vb;
		size_t nactive = 0, pos = 0;

		for (j = 0; j < ncols; j++)
			if (!done[j])
				active[nactive++] = j;
		if (nactive == 0)
			break;
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		/* --max-repetitions if given; else every expected row and one more (the end of
		 * the column) in one response, or about 50 varbinds a response without a hint. */
		if (ctx->max_repetitions > 0)
			pdu->max_repetitions = ctx->max_repetitions;
		else if (rows_hint > 0) {
			size_t left = rows_hint >= t->nrows ? rows_hint - t->nrows + 1 : 1;

			pdu->max_repetitions = (long)(left < 100 ? left : 100);
		}
		else
			pdu->max_repetitions = (long)(nactive >= 5 ? 10 : 50 / nactive);
		for (j = 0; j < nactive; j++)
			snmp_add_null_var(pdu, cur[active[j]], curlen[active[j]]);
		if (exchange(ctx, pdu, &resp) != 0)
			goto out;
		if (!resp->variables) {
			snmp_free_pdu(resp);
			break;
		}
		for (vb = resp->variables; vb; vb = vb->next_variable, pos++) {
			size_t c = active[pos % nactive];
			lwn_row *row;

			if (done[c])
				continue;
			if (vb->type == SNMP_ENDOFMIBVIEW || vb->name_length <= entrylen + 1 ||
			    snmp_oid_compare(vb->name, entrylen + 1, cur[c], entrylen + 1) != 0) {
				done[c] = 1;
				continue;
			}
			/* A column must advance: an agent that repeats itself would loop forever. */
			if (snmp_oid_compare(vb->name, vb->name_length, cur[c], curlen[c]) <= 0) {
				snprintf(ctx->err, sizeof ctx->err,
					 "%s returned OIDs out of order in a GETBULK", ctx->peer);
				snmp_free_pdu(resp);
				goto out;
			}
			memcpy(cur[c], vb->name, vb->name_length * sizeof(oid));
			curlen[c] = vb->name_length;
			row = find_row(t, vb->name + entrylen + 1, vb->name_length - entrylen - 1);
			if (!row) {
				snprintf(ctx->err, sizeof ctx->err, "out of memory");
				snmp_free_pdu(resp);
				goto out;
			}
			set_value(&row->cells[c], vb);
		}
		snmp_free_pdu(resp);
	}
	rc = 0;
out:
	free(cur);
	free(curlen);
	free(active);
	free(done);
	return rc;
}

void lwn_table_free(lwn_table *t)
{
	size_t k;

	for (k = 0; k < t->nrows; k++)
		free(t->rows[k].cells);
	free(t->rows);
	memset(t, 0, sizeof *t);
}

void lwn_index_text(const lwn_row *r, char *out, size_t outlen)
{
	size_t k, len = 0;

	out[0] = '\0';
	for (k = 0; k < r->idxlen && len < outlen; k++) {
		int w = snprintf(out + len, outlen - len, "%s%lu", k ? "." : "",
				 (unsigned long)r->idx[k]);
		if (w < 0)
			break;
		len += (size_t)w;
	}
}

int lwn_is_num(const lwn_val *v)
{
	return v->kind == LWN_UINT || v->kind == LWN_INT;
}

uint64_t lwn_u(const lwn_val *v)
{
	return lwn_is_num(v) ? v->u : 0;
}

int64_t lwn_i(const lwn_val *v)
{
	return lwn_is_num(v) ? v->i : 0;
}
