/* collect_report.c: leakwatch collect's last step, the report (src/report/, libreport.la). */
/* SPDX-License-Identifier: ISC */
#include "collect_report.h"

#include "report/report.h"

int collect_write_report(const char *db, const char *out, size_t *cycles, size_t *suspects,
			 struct lw_error *err)
{
	struct lw_report_opts o = { .db_path = db, .out = out };
	struct lw_report *r = NULL;
	int rc;

	if (lw_report_build(&r, &o, err))
		return -1;
	*cycles = r->cycles;
	*suspects = r->nsuspects;
	rc = lw_report_write(r, &o, err);
	lw_report_free(r);
	return rc;
}
