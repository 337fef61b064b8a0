/* report_write.c: lw_report_write: every output into a directory, or into a staging directory then FILE.tar.gz. */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_tarball(const char *out)
{
	size_t n = strlen(out);

	return n > 7 && strcmp(out + n - 7, ".tar.gz") == 0;
}

static int write_html(const struct lw_report *r, const struct lw_report_opts *o, const char *dir,
		      struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	lw_rpath(path, sizeof(path), "%s/index.html", dir);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL)
		return -1;
	if (lw_report_write_html(r, o, f, err) != 0) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	return lw_rfile_commit(f, tmp, path, err);
}

/* The database copy reads and writes files of its own, from a connection of its own: it is
 * made on a second thread while csv/ and report.json are written. */
struct dbcopy {
	const struct lw_report *r;
	char path[PATH_MAX];
	struct lw_error err;
	int rc;
};

static void *dbcopy_run(void *arg)
{
	struct dbcopy *c = arg;

	c->rc = lw_rdbcopy_write(c->r, c->path, &c->err);
	return NULL;
}

static int write_all(const struct lw_report *r, const struct lw_report_opts *o, const char *dir,
		     struct lw_error *err)
{
	char path[PATH_MAX];
	struct dbcopy c = { .r = r };
	pthread_t th;
	bool threaded;
	int rc;

	lw_rpath(c.path, sizeof(c.path), "%s/history.db", dir);
	threaded = pthread_create(&th, NULL, dbcopy_run, &c) == 0;
	lw_rpath(path, sizeof(path), "%s/report.json", dir);
	rc = lw_rcsv_write(r, dir, err) != 0 || lw_rjson_write(r, o, path, err) != 0 ||
	     lw_rsys_write(r, o, dir, err) != 0 ? -1 : 0;
	if (threaded)
		pthread_join(th, NULL);
	else
		dbcopy_run(&c);
	if (rc != 0)
		return -1;
	if (c.rc != 0) {
		*err = c.err;
		return -1;
	}
	/* last but the sums: the page a reader opens is there only when the rest is */
	if (write_html(r, o, dir, err) != 0)
		return -1;
	return lw_rsums_write(dir, err);
}

static int rm_one(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

int lw_report_write(const struct lw_report *r, const struct lw_report_opts *o,
		    struct lw_error *err)
{
	char stage[PATH_MAX], top[PATH_MAX];
	const char *base;
	int rc;

	if (!is_tarball(o->out)) {
		if (mkdir(o->out, 0755) != 0 && errno != EEXIST)
			return lw_error_set(err, errno, "cannot create %s: %s", o->out,
					    strerror(errno));
		return write_all(r, o, o->out, err);
	}
	/* Staged beside the tarball (same file system, so the rename is atomic), removed after. */
	if (lw_rpath(stage, sizeof(stage), "%s.staging-XXXXXX", o->out) != 0)
		return lw_error_set(err, ENAMETOOLONG, "%s: name too long", o->out);
	if (mkdtemp(stage) == NULL)
		return lw_error_set(err, errno, "cannot write %s: %s", o->out, strerror(errno));
	chmod(stage, 0755);
	base = strrchr(o->out, '/') ? strrchr(o->out, '/') + 1 : o->out;
	lw_rpath(top, sizeof(top), "%.*s", (int)(strlen(base) - 7), base);
	lw_rfile_durable(false);
	rc = write_all(r, o, stage, err);
	lw_rfile_durable(true);
	if (rc == 0)
		rc = lw_rtar_write(stage, top, o->out, err);
	nftw(stage, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
