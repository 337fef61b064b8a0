/* config_redact.c: leakwatchd.conf's text with the secrets' arguments left out, for the history. */
/* SPDX-License-Identifier: ISC */
#include "config/config_redact.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The directives whose arguments are secrets (leakwatchd.conf(5)). */
static const char *const secret_directives[] = { "rocommunity", "trap2sink", "createUser" };
/* rouser and rwuser carry no secret, but name a user whose createUser is commented out, which
 * the parser refuses (src/config/v3users.c): kept whole, as a comment. */
static const char *const user_directives[] = { "rouser", "rwuser" };

static bool starts_with_one_of(const char *line, size_t skip, const char *const *names,
			       size_t n, size_t *word)
{
	*word = strcspn(line + skip, " \t\r\n#");
	for (size_t i = 0; i < n; i++)
		if (*word == strlen(names[i]) && strncmp(line + skip, names[i], *word) == 0)
			return true;
	return false;
}

int lw_config_redact(FILE *in, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	bool newline = true;

	while ((n = getline(&line, &cap, in)) > 0) {
		size_t skip = strspn(line, " \t"), word;

		if (starts_with_one_of(line, skip, secret_directives, COUNT(secret_directives),
				       &word)) {
			fprintf(out, "# %.*s (arguments not stored)\n", (int)word, line + skip);
			newline = true;
		} else if (starts_with_one_of(line, skip, user_directives,
					      COUNT(user_directives), &word)) {
			fprintf(out, "# %s", line + skip);
			newline = line[n - 1] == '\n';
		} else {
			fputs(line, out);
			newline = line[n - 1] == '\n';
		}
	}
	free(line);
	if (!newline)
		fputc('\n', out);
	return ferror(out) ? -1 : 0;
}
