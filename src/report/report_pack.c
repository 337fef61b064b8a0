/* report_pack.c: SHA256SUMS of the report's files (libcrypto's EVP) and the tarball (libarchive, written to a temporary name then renamed). */
/* SPDX-License-Identifier: ISC */
#include "report/report_out.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Every file and directory under dir, relative, sorted (a tarball and a sums file that do not
 * depend on the directory's order). */
struct walk {
	char **rel;
	size_t n, cap;
	size_t root_len;
	bool dirs;
};

static struct walk *cur_walk;

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	struct walk *w = cur_walk;

	(void)sb;
	if (ftw->level == 0 || (type != FTW_F && !(w->dirs && type == FTW_D)))
		return 0;
	if (w->n == w->cap) {
		size_t nc = w->cap ? w->cap * 2 : 64;
		void *p = realloc(w->rel, nc * sizeof(*w->rel));

		if (p == NULL)
			return -1;
		w->rel = p;
		w->cap = nc;
	}
	if ((w->rel[w->n] = strdup(path + w->root_len + 1)) == NULL)
		return -1;
	w->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk_free(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->rel[i]);
	free(w->rel);
}

static int walk(const char *dir, bool dirs, struct walk *w, struct lw_error *err)
{
	memset(w, 0, sizeof(*w));
	w->root_len = strlen(dir);
	w->dirs = dirs;
	cur_walk = w;
	if (nftw(dir, collect, 16, FTW_PHYS) != 0) {
		cur_walk = NULL;
		walk_free(w);
		return lw_error_set(err, errno ? errno : ENOMEM, "cannot list %s: %s", dir,
				    strerror(errno ? errno : ENOMEM));
	}
	cur_walk = NULL;
	qsort(w->rel, w->n, sizeof(*w->rel), cmp_str);
	return 0;
}

static int sha256_file(const char *path, char hex[65])
{
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok = ctx != NULL && fd >= 0;
	ssize_t n = 0;

	ok = ok && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
	while (ok && (n = read(fd, buf, sizeof(buf))) > 0)
		ok = EVP_DigestUpdate(ctx, buf, (size_t)n) == 1;
	ok = ok && n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; ok && i < mdlen; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	return ok ? 0 : -1;
}

int lw_rsums_write(const char *dir, struct lw_error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], file[PATH_MAX * 2], hex[65];
	struct walk w;
	FILE *f;
	int rc = 0;

	if (walk(dir, false, &w, err) != 0)
		return -1;
	lw_rpath(path, sizeof(path), "%s/SHA256SUMS", dir);
	if ((f = lw_rfile_open(path, tmp, sizeof(tmp), err)) == NULL) {
		walk_free(&w);
		return -1;
	}
	for (size_t i = 0; i < w.n && rc == 0; i++) {
		if (strcmp(w.rel[i], "SHA256SUMS") == 0 || strcmp(w.rel[i], "SHA256SUMS.tmp") == 0)
			continue;
		lw_rpath(file, sizeof(file), "%s/%s", dir, w.rel[i]);
		if (sha256_file(file, hex) != 0)
			rc = lw_error_set(err, EIO, "cannot checksum %s", file);
		else
			fprintf(f, "%s  %s\n", hex, w.rel[i]);  /* sha256sum(1)'s format */
	}
	walk_free(&w);
	if (rc != 0) {
		fclose(f);
		unlink(tmp);
		return rc;
	}
	return lw_rfile_commit(f, tmp, path, err);
}

static int add_entry(struct archive *a, const char *dir, const char *top, const char *rel,
		     struct lw_error *err)
{
	char file[PATH_MAX * 2], name[PATH_MAX * 2], buf[65536];
	struct archive_entry *e;
	struct stat sb;
	ssize_t n;
	int fd = -1, rc = 0;

	lw_rpath(file, sizeof(file), "%s/%s", dir, rel);
	lw_rpath(name, sizeof(name), "%s/%s", top, rel);
	if (lstat(file, &sb) != 0)
		return lw_error_set(err, errno, "%s: %s", file, strerror(errno));
	if ((e = archive_entry_new()) == NULL)
		return lw_error_set(err, ENOMEM, "out of memory");
	archive_entry_copy_stat(e, &sb);
	archive_entry_set_pathname(e, name);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	if (S_ISREG(sb.st_mode) && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		rc = lw_error_set(err, errno, "%s: %s", file, strerror(errno));
	if (rc == 0 && archive_write_header(a, e) != ARCHIVE_OK)
		rc = lw_error_set(err, EIO, "tarball: %s", archive_error_string(a));
	while (rc == 0 && fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			rc = lw_error_set(err, EIO, "tarball: %s", archive_error_string(a));
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	return rc;
}

int lw_rtar_write(const char *dir, const char *top, const char *out, struct lw_error *err)
{
	char tmp[PATH_MAX + 8];
	struct archive *a;
	struct walk w;
	int rc = 0, fd = -1;

	if (walk(dir, true, &w, err) != 0)
		return -1;
	lw_rpath(tmp, sizeof(tmp), "%s.tmp", out);
	if ((a = archive_write_new()) == NULL) {
		walk_free(&w);
		return lw_error_set(err, ENOMEM, "out of memory");
	}
	/* gzip level 1: csv/ and history.db are most of a large host's report (700 MB over 48 h
	 * of 10,000 processes); on its csv/ level 6 (the default) took 2.7 times the CPU for 22 %
	 * less (docs/PERFORMANCE.md, "leakwatch report"). */
	if (archive_write_add_filter_gzip(a) != ARCHIVE_OK ||
	    archive_write_set_filter_option(a, "gzip", "compression-level", "1") != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
		rc = lw_error_set(err, EIO, "cannot write %s: %s", tmp, archive_error_string(a));
	else if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		rc = lw_error_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	else if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
		rc = lw_error_set(err, EIO, "cannot write %s: %s", tmp, archive_error_string(a));
	for (size_t i = 0; rc == 0 && i < w.n; i++)
		rc = add_entry(a, dir, top, w.rel[i], err);
	if (archive_write_close(a) != ARCHIVE_OK && rc == 0)
		rc = lw_error_set(err, EIO, "cannot write %s: %s", tmp, archive_error_string(a));
	archive_write_free(a);
	/* the tarball is what stays: on the disk before its name */
	if (fd >= 0 && rc == 0 && fsync(fd) != 0)
		rc = lw_error_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	if (fd >= 0 && close(fd) != 0 && rc == 0)
		rc = lw_error_set(err, errno, "cannot write %s: %s", tmp, strerror(errno));
	walk_free(&w);
	if (rc == 0 && rename(tmp, out) != 0)
		rc = lw_error_set(err, errno, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
	if (rc != 0)
		unlink(tmp);
	return rc;
}
