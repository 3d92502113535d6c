// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs_conn: real TCP handshakes for the tcphs selftests.
 *
 *   tcphs_conn listen ADDR PORT
 *	accept forever; read each connection to EOF, then close it
 *   tcphs_conn connect ADDR PORT COUNT
 *	COUNT sequential connections: connect, send a byte, shut down,
 *	read to EOF, close; exit 0 only if all COUNT completed
 *   tcphs_conn hold ADDR PORT COUNT
 *	open COUNT connections, print "held COUNT", keep them until
 *	stdin reaches EOF, then check each still carries a byte
 *   tcphs_conn fastopen ADDR PORT COUNT
 *	as connect, but the byte goes out with the SYN (MSG_FASTOPEN) once
 *	the kernel holds a Fast Open cookie for the server
 *
 * The listener accepts Fast Open (TCP_FASTOPEN); whether a connection used
 * it is the kernel's choice (net.ipv4.tcp_fastopen).
 * ADDR is an IPv4 or IPv6 literal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int addr_parse(const char *host, const char *port,
		      struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	int p = atoi(port);

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(p);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p);
		*len = sizeof(*sin6);
		return 0;
	}
	fprintf(stderr, "tcphs_conn: bad address %s\n", host);
	return -1;
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0)
		;
}

static int do_listen(const struct sockaddr_storage *ss, socklen_t len)
{
	int one = 1, qlen = 64, fd, c;

	fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &qlen, sizeof(qlen)) ||
	    bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 1024)) {
		perror("tcphs_conn: listen");
		return 1;
	}
	signal(SIGCHLD, SIG_IGN);
	for (;;) {
		c = accept(fd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("tcphs_conn: accept");
			return 1;
		}
		if (fork() == 0) {
			close(fd);
			drain(c);
			close(c);
			_exit(0);
		}
		close(c);
	}
}

static int connect_one(const struct sockaddr_storage *ss, socklen_t len)
{
	int fd = socket(ss->ss_family, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (const struct sockaddr *)ss, len)) {
		perror("tcphs_conn: connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Connect and send one byte, with the SYN if @fastopen and a cookie. */
static int open_and_send(const struct sockaddr_storage *ss, socklen_t len,
			 bool fastopen)
{
	int fd;

	if (!fastopen) {
		fd = connect_one(ss, len);
		if (fd < 0 || write(fd, "x", 1) != 1)
			return -1;
		return fd;
	}
	fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0 || sendto(fd, "x", 1, MSG_FASTOPEN,
			     (const struct sockaddr *)ss, len) != 1) {
		perror("tcphs_conn: sendto(MSG_FASTOPEN)");
		return -1;
	}
	return fd;
}

static int do_connect(const struct sockaddr_storage *ss, socklen_t len,
		      int count, bool fastopen)
{
	int i, fd;

	for (i = 0; i < count; i++) {
		fd = open_and_send(ss, len, fastopen);
		if (fd < 0 || shutdown(fd, SHUT_WR)) {
			perror("tcphs_conn: connect");
			return 1;
		}
		drain(fd);
		close(fd);
	}
	return 0;
}

static int do_hold(const struct sockaddr_storage *ss, socklen_t len, int count)
{
	int *fds = calloc(count, sizeof(*fds));
	int i, bad = 0;

	if (!fds)
		return 1;
	for (i = 0; i < count; i++) {
		fds[i] = connect_one(ss, len);
		if (fds[i] < 0)
			return 1;
	}
	printf("held %d\n", count);
	fflush(stdout);
	drain(STDIN_FILENO);
	for (i = 0; i < count; i++) {
		if (write(fds[i], "x", 1) != 1)
			bad++;
		close(fds[i]);
	}
	free(fds);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int count = argc > 4 ? atoi(argv[4]) : 1;

	if (argc < 4 || addr_parse(argv[2], argv[3], &ss, &len)) {
		fprintf(stderr, "usage: %s listen|connect|fastopen|hold ADDR PORT [COUNT]\n",
			argv[0]);
		return 2;
	}
	if (!strcmp(argv[1], "listen"))
		return do_listen(&ss, len);
	if (!strcmp(argv[1], "connect"))
		return do_connect(&ss, len, count, false);
	if (!strcmp(argv[1], "fastopen"))
		return do_connect(&ss, len, count, true);
	if (!strcmp(argv[1], "hold"))
		return do_hold(&ss, len, count);
	fprintf(stderr, "tcphs_conn: unknown command %s\n", argv[1]);
	return 2;
}
