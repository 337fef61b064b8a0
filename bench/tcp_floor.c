/* tcp_floor.c: the least code that counts TCP sockets per state from the kernel: a floor. */
/* SPDX-License-Identifier: ISC */
#include "tcp_floor.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FLOOR_BUF 32768

int tcp_floor_open(struct tcp_floor *f)
{
	f->seq = 0;
	f->buf = malloc(FLOOR_BUF);
	f->nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (f->buf == NULL || f->nl < 0) {
		tcp_floor_close(f);
		return -1;
	}
	memset(f->buf, 0, FLOOR_BUF); /* touched now: the buffer is not what the rounds measure */
	return 0;
}

void tcp_floor_close(struct tcp_floor *f)
{
	if (f->nl >= 0)
		close(f->nl);
	free(f->buf);
	f->nl = -1;
	f->buf = NULL;
}

static int dump(struct tcp_floor *f, int family, uint32_t states,
		struct tcp_floor_counts *out)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = ++f->seq },
		.r = { .sdiag_family = (uint8_t)family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = states },
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

	if (sendto(f->nl, &req, sizeof(req), 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(f->nl, f->buf, FLOOR_BUF, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		out->recvs++;
		/* the kernel's own buffer: aligned, and it does not lie about lengths */
		for (size_t off = 0; off + sizeof(struct nlmsghdr) <= (size_t)n;) {
			const struct nlmsghdr *h = (const struct nlmsghdr *)(f->buf + off);

			if (h->nlmsg_len < sizeof(*h) || off + h->nlmsg_len > (size_t)n)
				break;
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				errno = EPROTO;
				return -1;
			}
			out->state[((const struct inet_diag_msg *)NLMSG_DATA(h))->idiag_state & 15]++;
			out->sockets++;
			off += NLMSG_ALIGN(h->nlmsg_len);
		}
	}
}

int tcp_floor_count(struct tcp_floor *f, uint32_t states, struct tcp_floor_counts *out)
{
	memset(out, 0, sizeof(*out));
	return dump(f, AF_INET, states, out) || dump(f, AF_INET6, states, out) ? -1 : 0;
}
