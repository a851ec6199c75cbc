// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* --metrics ADDR:PORT (see metrics_listen.h). */
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/types.h>

#include "metrics_listen.h"
#include "parse_num.h"

int metrics_listen_parse(const char *text, struct metrics_listen *out)
{
	char host[64];
	const char *colon, *port_text;
	size_t host_len;
	__u32 port;

	memset(out, 0, sizeof(*out));
	if (text[0] == '[') {
		const char *end = strchr(text, ']');

		if (!end || end[1] != ':')
			return -EINVAL;
		host_len = (size_t)(end - text - 1);
		if (host_len >= sizeof(host))
			return -EINVAL;
		memcpy(host, text + 1, host_len);
		port_text = end + 2;
	} else {
		colon = strrchr(text, ':');
		if (!colon || strchr(text, ':') != colon)
			return -EINVAL;
		host_len = (size_t)(colon - text);
		if (host_len >= sizeof(host))
			return -EINVAL;
		memcpy(host, text, host_len);
		port_text = colon + 1;
	}
	host[host_len] = '\0';
	if (parse_u32(port_text, 1, 65535, &port))
		return -EINVAL;
	if (text[0] == '[') {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&out->addr;

		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -EINVAL;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		out->len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&out->addr;

		if (!strcmp(host, "localhost"))
			strcpy(host, "127.0.0.1");
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -EINVAL;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		out->len = sizeof(*a);
	}
	return 0;
}
