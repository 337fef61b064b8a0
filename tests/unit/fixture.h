/* fixture.h: locating the fixture trees captured from real kernels (LW_FIXTURES). */
#ifndef LW_TEST_FIXTURE_H
#define LW_TEST_FIXTURE_H

#include <stddef.h>

/* The captured tree every unit test uses unless it builds its own. */
#define LW_FIXTURE_KERNEL "linux-6.18.44"

/* Writes "$LW_FIXTURES/<name>" (default tests/fixtures relative to the cwd) into buf. */
const char *lw_fixture_path(const char *name, char *buf, size_t cap);

/* Opens a fixture tree as a collector root fd; aborts the test run when missing. */
int lw_fixture_root(const char *name);

#endif
