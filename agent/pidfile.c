/* pidfile.c: writes the pid atomically (temp file + rename) so readers never see a partial pid. */
#include "pidfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int lw_pidfile_write(const char *path, struct lw_error *err)
{
	char tmp[4096];
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return lw_error_set(err, ENAMETOOLONG, "pid file %s: name too long", path);
	f = fopen(tmp, "we");
	if (f == NULL)
		return lw_error_set(err, errno, "pid file %s: %s", tmp, strerror(errno));
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return lw_error_set(err, e, "pid file %s: %s", path, strerror(e));
	}
	return 0;
}
