/* test_config_example.c: the installed example leakwatchd.conf lists every directive with the daemon's own default. */
/* SPDX-License-Identifier: ISC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/lw_config.h"
#include "config/thresholds.h"

/* The example as make builds it (etc/leakwatchd.conf from etc/leakwatchd.conf.in: state_dir
 * substituted), so its state_dir is compared with the LW_DEFAULT_STATE_DIR of the same build. */
static char *read_example(size_t *len)
{
	const char *dir = getenv("abs_top_builddir");
	char path[4096];
	char *buf;
	FILE *f;
	long n;

	assert_non_null(dir);  /* set by make check (AM_TESTS_ENVIRONMENT) */
	snprintf(path, sizeof(path), "%s/etc/leakwatchd.conf", dir);
	f = fopen(path, "r");
	if (f == NULL)
		fail_msg("%s: cannot open (make builds it)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* "#name ..." lines (no blank after '#'): the commented directives. Is word name one of them? */
static bool commented(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; p != NULL; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (p[0] == '#' && strncmp(p + 1, name, n) == 0 && (p[1 + n] == ' '))
			return true;
	}
	return false;
}

static void every_directive_is_listed(void **state)
{
	size_t len, missing = 0;
	char *text = read_example(&len);
	const char *name;

	(void)state;
	for (size_t i = 0; (name = lw_config_directive_name(i)) != NULL; i++)
		if (!commented(text, name)) {
			print_error("leakwatchd.conf example: no '#%s ...' line\n", name);
			missing++;
		}
	for (int id = 0; id < LW_TH_COUNT; id++) {
		name = lw_threshold_def((enum lw_threshold_id)id)->directive;
		if (!commented(text, name)) {
			print_error("leakwatchd.conf example: no '#%s ...' line\n", name);
			missing++;
		}
	}
	free(text);
	assert_int_equal(missing, 0);
}

/* A known directive's name, or false: only those lines are parsed. */
static bool is_directive(const char *word)
{
	const char *name;

	for (size_t i = 0; (name = lw_config_directive_name(i)) != NULL; i++)
		if (strcmp(word, name) == 0)
			return true;
	return lw_threshold_by_directive(word) >= 0;
}

/*
 * Each "#name value" line that is not marked "# example", uncommented on its own, must parse
 * and leave the configuration exactly at the compiled-in defaults: the value shown is the one
 * in force without the line. Example lines must parse too (their syntax is right).
 */
static void every_default_is_the_compiled_one(void **state)
{
	size_t len, checked = 0, wrong = 0;
	char *text = read_example(&len);
	struct lw_config *def = malloc(sizeof(*def)), *got = malloc(sizeof(*got));
	/* The example lines so far: a rouser line needs the createUser line above it. */
	char *examples = calloc(1, len + 1);
	unsigned no = 0;

	(void)state;
	assert_non_null(def);
	assert_non_null(got);
	assert_non_null(examples);
	for (char *line = text, *next; line != NULL && *line != '\0'; line = next) {
		char word[64];
		struct lw_error err;
		bool example;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		no++;
		if (line[0] != '#' || sscanf(line + 1, "%63s", word) != 1 || line[1] == ' ' ||
		    !is_directive(word))
			continue;
		example = strstr(line, "   # example") != NULL;
		memset(def, 0, sizeof(*def));
		memset(got, 0, sizeof(*got));
		lw_config_defaults(def);
		lw_config_defaults(got);
		if (example) {
			*strstr(line, "   # example") = '\0';
			strcat(examples, line + 1);
			strcat(examples, "\n");
			if (lw_config_parse("example", examples, strlen(examples), got, &err) != 0) {
				print_error("example line %u '%s': %s\n", no, line + 1, err.text);
				wrong++;
			}
			continue;
		}
		if (lw_config_parse("example", line + 1, strlen(line + 1), got, &err) != 0) {
			print_error("example line %u '%s': %s\n", no, line + 1, err.text);
			wrong++;
			continue;
		}
		/* Where a threshold or the interval was set is bookkeeping for messages, not a value. */
		memset(got->threshold_line, 0, sizeof(got->threshold_line));
		got->interval_line = 0;
		if (memcmp(def, got, sizeof(*def)) != 0) {
			print_error("example line %u '%s' is not the compiled-in default\n", no,
				    line + 1);
			wrong++;
		}
		checked++;
	}
	free(examples);
	free(def);
	free(got);
	free(text);
	assert_int_equal(wrong, 0);
	/* 41 directives, 9 of them without a default (multi-valued or net-snmp's). */
	assert_true(checked >= 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_directive_is_listed),
		cmocka_unit_test(every_default_is_the_compiled_one),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
