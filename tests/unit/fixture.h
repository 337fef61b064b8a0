/* fixture.h: locating and reading the fixture trees captured from real kernels (LW_FIXTURES). */
/* SPDX-License-Identifier: ISC */
#ifndef LW_TEST_FIXTURE_H
#define LW_TEST_FIXTURE_H

#include <stddef.h>

/* The captured tree every unit test uses unless it builds its own. */
#define LW_FIXTURE_KERNEL "linux-6.18.44"

/*
 * Every kernel-generation root (tests/fixtures/README.md), LW_FIXTURE_KERNEL first. Tests that
 * assert a capture's numbers keep one table row per root, in this order, and loop over them.
 */
#define LW_FIXTURE_NKERNELS 3
extern const char *const lw_fixture_kernels[LW_FIXTURE_NKERNELS];

/* Writes "$LW_FIXTURES/<name>" (default tests/fixtures relative to the cwd) into buf. */
const char *lw_fixture_path(const char *name, char *buf, size_t cap);

/* Opens a fixture tree as a collector root fd; aborts the test run when missing. */
int lw_fixture_root(const char *name);

/*
 * Reads <tree>/<rel> into buf and returns its length; a read error fails the running cmocka
 * test, since every caller feeds the bytes straight to a parser under test.
 */
size_t lw_fixture_read(const char *tree, const char *rel, char *buf, size_t cap);

/* Calls a parser fn(text, len, out, err) on a C string. */
#define PARSE_STR(fn, s, out, err) fn((s), strlen(s), (out), (err))
/* The same for literals with embedded NUL bytes, which strlen would cut short. */
#define PARSE_LIT(fn, lit, out, err) fn((lit), sizeof(lit) - 1, (out), (err))

#endif
