/* test_lockfile.c: one holder per lock file, its pid readable by the next, the path removed last. */
/* SPDX-License-Identifier: ISC */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/lockfile.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/lw-lockfile-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/x.lock", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	rmdir(dir);
	return 0;
}

static void read_text(char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void second_taker_sees_the_holder(void **state)
{
	struct lw_lockfile a, b;
	struct lw_error err;
	char text[64], want[32];
	struct stat st;
	long holder = -1;

	(void)state;
	assert_int_equal(lw_lockfile_take(&a, path, 0600, &holder, &err), 0);
	assert_int_equal(holder, 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(lw_lockfile_write_pid(&a, &err), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	read_text(text, sizeof(text));
	assert_string_equal(text, want);
	/* Another open file description conflicts even in the same process. */
	assert_int_equal(lw_lockfile_take(&b, path, 0600, &holder, &err), -1);
	assert_int_equal(err.code, EWOULDBLOCK);
	assert_int_equal(holder, (long)getpid());
	assert_int_equal(b.fd, -1);
	assert_non_null(strstr(err.text, path));
	/* The refused taker changed nothing. */
	read_text(text, sizeof(text));
	assert_string_equal(text, want);
	lw_lockfile_release(&a, false);
	assert_int_equal(lw_lockfile_take(&b, path, 0600, &holder, &err), 0);
	lw_lockfile_release(&b, true);
	assert_int_equal(access(path, F_OK), -1);
}

static void shorter_pid_is_cut(void **state)
{
	struct lw_lockfile a;
	struct lw_error err;
	char text[64], want[32];
	FILE *f = fopen(path, "w");
	long holder;

	(void)state;
	assert_non_null(f);
	fputs("123456789012\n", f);
	fclose(f);
	assert_int_equal(lw_lockfile_take(&a, path, 0600, &holder, &err), 0);
	assert_int_equal(lw_lockfile_write_pid(&a, &err), 0);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	read_text(text, sizeof(text));
	assert_string_equal(text, want);
	lw_lockfile_release(&a, true);
}

/* The lock survives the fork a daemon makes after taking it, and holds while the child runs. */
static void held_across_fork(void **state)
{
	struct lw_lockfile a, b;
	struct lw_error err;
	int pipefd[2], status;
	long holder;
	pid_t child;
	char c;

	(void)state;
	assert_int_equal(lw_lockfile_take(&a, path, 0600, &holder, &err), 0);
	assert_int_equal(pipe(pipefd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		close(pipefd[1]);
		if (lw_lockfile_write_pid(&a, &err) != 0)
			_exit(1);
		(void)!read(pipefd[0], &c, 1);  /* until the parent has checked */
		_exit(0);
	}
	close(pipefd[0]);
	/* The parent's descriptor goes, as when netsnmp_daemonize's parent exits. */
	close(a.fd);
	for (int i = 0; i < 200; i++) {
		char text[32];

		read_text(text, sizeof(text));
		if (atol(text) == child)
			break;
		usleep(10000);
	}
	assert_int_equal(lw_lockfile_take(&b, path, 0600, &holder, &err), -1);
	assert_int_equal(holder, (long)child);
	assert_int_equal(write(pipefd[1], "x", 1), 1);
	close(pipefd[1]);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, 0);
	assert_int_equal(lw_lockfile_take(&b, path, 0600, &holder, &err), 0);
	lw_lockfile_release(&b, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(second_taker_sees_the_holder, setup, teardown),
		cmocka_unit_test_setup_teardown(shorter_pid_is_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(held_across_fork, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
