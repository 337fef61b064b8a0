/* ifdrops.c: sysfs interface drop counters summed the way libpcap sums them, and their totals. */
/* SPDX-License-Identifier: ISC */
#include "mcast/ifdrops.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "base/readfile.h"
#include "base/scan.h"

/* One counter file: a decimal number and a newline. 0 when the file does not exist. */
static int read_counter(int rootfd, const char *ifname, const char *name, uint64_t *out,
			struct lw_error *err)
{
	char path[128], buf[64];
	size_t len;
	struct lw_scan s;

	snprintf(path, sizeof(path), "sys/class/net/%s/statistics/%s", ifname, name);
	if (lw_read_file_at(rootfd, path, buf, sizeof(buf), &len, err)) {
		if (err->code != ENOENT)
			return -1;
		/* The statistics directory exists without this file: the driver does not keep it. */
		snprintf(path, sizeof(path), "sys/class/net/%s/statistics", ifname);
		if (faccessat(rootfd, path, F_OK, 0) != 0)
			return lw_error_set(err, errno, "%s: %s", path, strerror(errno));
		*out = 0;
		return 0;
	}
	lw_scan_init(&s, buf, len);
	if (!lw_scan_u64(&s, out) || !(lw_scan_eof(&s) || *s.p == '\n'))
		return lw_error_set(err, EINVAL, "%s: '%.*s' is not a counter", path, (int)len, buf);
	return 0;
}

int lw_if_drops_read(int rootfd, const char *ifname, uint64_t *out, struct lw_error *err)
{
	uint64_t missed, fifo;

	/* Names come from the configuration, which refuses '/', "." and "..". */
	if (read_counter(rootfd, ifname, "rx_missed_errors", &missed, err) ||
	    read_counter(rootfd, ifname, "rx_fifo_errors", &fifo, err))
		return -1;
	*out = missed + fifo;
	return 0;
}

void lw_counter_total_start(struct lw_counter_total *c, uint64_t reading)
{
	c->last = reading;
	c->total = 0;
}

void lw_counter_total_add(struct lw_counter_total *c, uint64_t reading)
{
	c->total += reading >= c->last ? reading - c->last : reading;
	c->last = reading;
}
