/* collect_report.c: leakwatch collect's last step, the report (src/report/, libreport.la). */
#include "collect_report.h"

#include <errno.h>

#include "report/report.h"

/*
 * TEMPORARY, until report-data's branch (src/report/) is merged into this one: the report's
 * functions are declared weak, so that this command links and collects while libreport.la is
 * still empty, and says so instead of writing a report. The first merge of src/report/ removes
 * these three lines and the test of lw_report_build below.
 */
#pragma weak lw_report_build
#pragma weak lw_report_write
#pragma weak lw_report_free

int collect_write_report(const char *db, const char *out, const char *config_path,
			 size_t *cycles, size_t *suspects, struct lw_error *err)
{
	struct lw_report_opts o = {
		.db_path = db, .out = out, .config_path = config_path,
	};
	struct lw_report *r = NULL;
	int rc;

	if (lw_report_build == NULL)
		return lw_error_set(err, ENOSYS, "the report is not built in this version");
	if (lw_report_build(&r, &o, err))
		return -1;
	*cycles = r->cycles;
	*suspects = r->nsuspects;
	rc = lw_report_write(r, &o, err);
	lw_report_free(r);
	return rc;
}
