/* fixture.c: fixture lookup and reading shared by the unit tests. */
/* SPDX-License-Identifier: ISC */
#include "fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/readfile.h"

const char *const lw_fixture_kernels[LW_FIXTURE_NKERNELS] = {
	LW_FIXTURE_KERNEL,  /* 6.18.44: st_size of /proc/PID/fd is the count */
	"linux-4.x",        /* 4.13-4.18 captures: no Percpu, per-zone allocstall_*, fd size 0 */
	"linux-5.x",        /* 5.5-5.14 captures: two NUMA nodes, fd size 0 */
};

const char *lw_fixture_path(const char *name, char *buf, size_t cap)
{
	const char *base = getenv("LW_FIXTURES");

	snprintf(buf, cap, "%s/%s", base ? base : "tests/fixtures", name);
	return buf;
}

int lw_fixture_root(const char *name)
{
	char path[4096];
	struct lw_error err;
	int fd;

	if (lw_root_open(lw_fixture_path(name, path, sizeof(path)), &fd, &err)) {
		fprintf(stderr, "fixture: %s\n", err.text);
		abort();
	}
	return fd;
}

size_t lw_fixture_read(const char *tree, const char *rel, char *buf, size_t cap)
{
	struct lw_error err;
	size_t len = 0;
	int root = lw_fixture_root(tree);

	assert_int_equal(lw_read_file_at(root, rel, buf, cap, &len, &err), 0);
	close(root);
	return len;
}
