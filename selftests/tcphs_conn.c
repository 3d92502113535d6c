// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs_conn: real TCP handshakes for the tcphs selftests.
 *
 *   tcphs_conn listen ADDR PORT
 *	accept forever; read each connection to EOF, then close it
 *   tcphs_conn record ADDR PORT
 *	as listen, and print one line per connection before closing it: what
 *	it carried ("-" if nothing; its first 255 bytes), after a "!" if it
 *	ended in an error rather than EOF
 *   tcphs_conn connect ADDR PORT COUNT
 *	COUNT sequential connections: connect, send a byte, shut down,
 *	read to EOF, close; exit 0 only if all COUNT completed
 *   tcphs_conn hold ADDR PORT COUNT
 *	open COUNT connections, print "held COUNT", keep them until
 *	stdin reaches EOF; then send connection I its number I (0 to
 *	COUNT - 1) in decimal, shut it down and wait up to 20 s for the
 *	server's close; print "dead I" for each that was closed or reset
 *	before or failed after, exit 0 only if none did. Only the server
 *	can tell what arrived: see record.
 *   tcphs_conn fastopen ADDR PORT COUNT
 *	as connect, but the byte goes out with the SYN (MSG_FASTOPEN) once
 *	the kernel holds a Fast Open cookie for the server
 *   tcphs_conn stream ADDR PORT MS
 *	one connection that carries 1 KiB each way every MS milliseconds
 *	(0: nothing, an idle one), until it ends; print "up" once it is
 *	open, then how it ended: "reset" (ECONNRESET, or EPIPE after one),
 *	"eof", "error TEXT", or "timeout" after 120 s; exit 0 only on reset
 *   tcphs_conn streamed ADDR PORT MS
 *	the server of one stream: listen, accept one connection, then as
 *	stream
 *   tcphs_conn trickle ADDR PORT MS
 *	one connection that sends 1 KiB every MS milliseconds until it fails
 *	or is killed: traffic that the sender paces, so it queues nowhere
 *   tcphs_conn syns ADDR PORT [US]
 *	a SYN every US microseconds (default 1000) until killed, each from
 *	a new socket that connects without waiting and closes at once: to
 *	a silent address, half-open flows on the way that nothing answers
 *
 * The listener accepts Fast Open (TCP_FASTOPEN); whether a connection used
 * it is the kernel's choice (net.ipv4.tcp_fastopen).
 * ADDR is an IPv4 or IPv6 literal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
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

/* Read @c to EOF; with @record, print what came, as the header says. */
static void serve_one(int c, bool record)
{
	char seen[256], buf[4096], line[sizeof(seen) + 3];
	size_t got = 0, k;
	ssize_t n;
	int len;

	while ((n = read(c, buf, sizeof(buf))) > 0) {
		k = sizeof(seen) - 1 - got;
		k = (size_t)n < k ? (size_t)n : k;
		memcpy(seen + got, buf, k);
		got += k;
	}
	if (!record)
		return;
	seen[got] = '\0';
	len = snprintf(line, sizeof(line), "%s%s\n", n < 0 ? "!" : "",
		       got ? seen : "-");
	/* One write per line: the children share stdout. */
	if (write(STDOUT_FILENO, line, len) != len)
		perror("tcphs_conn: record");
}

static int do_listen(const struct sockaddr_storage *ss, socklen_t len,
		     bool record)
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
			serve_one(c, record);
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

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Whether the peer closed @fd (read returned 0) before @deadline. */
static bool peer_closed(int fd, long long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];
	long long left;
	ssize_t n;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0 || poll(&pfd, 1, (int)left) != 1)
			return false;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return n == 0;
	}
}

/*
 * Send connection @i its number, then shut it down: false if it fails, or
 * if it was over already (the server sends nothing, so anything to read is
 * its close or an error).
 */
static bool send_number(int fd, int i)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char msg[16];
	int n = snprintf(msg, sizeof(msg), "%d", i);

	if (poll(&pfd, 1, 0) != 0)
		return false;
	return send(fd, msg, n, MSG_NOSIGNAL) == n && !shutdown(fd, SHUT_WR);
}

#define HOLD_WAIT_MS	20000

static int do_hold(const struct sockaddr_storage *ss, socklen_t len, int count)
{
	int *fds = calloc(count, sizeof(*fds));
	bool *dead = calloc(count, sizeof(*dead));
	int i, bad = 0;
	long long deadline;

	if (!fds || !dead)
		return 1;
	for (i = 0; i < count; i++) {
		fds[i] = connect_one(ss, len);
		if (fds[i] < 0)
			return 1;
	}
	printf("held %d\n", count);
	fflush(stdout);
	drain(STDIN_FILENO);
	for (i = 0; i < count; i++)
		dead[i] = !send_number(fds[i], i);
	deadline = now_ms() + HOLD_WAIT_MS;
	for (i = 0; i < count; i++) {
		if (!dead[i])
			dead[i] = !peer_closed(fds[i], deadline);
		if (dead[i]) {
			printf("dead %d\n", i);
			bad++;
		}
		close(fds[i]);
	}
	free(dead);
	free(fds);
	return bad ? 1 : 0;
}

#define STREAM_WAIT_MS	120000

/* Send a chunk if @fd takes one; false once it is over. */
static bool stream_send(int fd, int *err)
{
	static const char chunk[1024];
	ssize_t n = send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n >= 0 || errno == EAGAIN)
		return true;
	*err = errno;
	return false;
}

/* Read what came; false once it is over (*err 0: EOF). */
static bool stream_read(int fd, int *err)
{
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n > 0 || (n < 0 && errno == EAGAIN))
		return true;
	*err = n < 0 ? errno : 0;
	return false;
}

static int stream(int fd, int ms)
{
	long long deadline = now_ms() + STREAM_WAIT_MS, next = now_ms();
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int err = -1, wait;
	bool going = true;

	printf("up\n");
	fflush(stdout);
	while (going && now_ms() < deadline) {
		if (ms && now_ms() >= next) {
			going = stream_send(fd, &err);
			next = now_ms() + ms;
		}
		wait = ms ? (int)(next - now_ms()) : 1000;
		if (going && poll(&pfd, 1, wait > 0 ? wait : 0) == 1)
			going = stream_read(fd, &err);
	}
	if (going)
		printf("timeout\n");
	else if (err == ECONNRESET || err == EPIPE)
		printf("reset\n");
	else if (!err)
		printf("eof\n");
	else
		printf("error %s\n", strerror(err));
	return going || (err != ECONNRESET && err != EPIPE);
}

static int do_streamed(const struct sockaddr_storage *ss, socklen_t len,
		       int ms)
{
	int one = 1, fd, c;

	fd = socket(ss->ss_family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (const struct sockaddr *)ss, len) || listen(fd, 1)) {
		perror("tcphs_conn: listen");
		return 1;
	}
	c = accept(fd, NULL, NULL);
	if (c < 0) {
		perror("tcphs_conn: accept");
		return 1;
	}
	close(fd);
	return stream(c, ms);
}

static int do_trickle(const struct sockaddr_storage *ss, socklen_t len,
		      int ms)
{
	static const char chunk[1024];
	const struct timespec pace = {
		.tv_sec = ms / 1000,
		.tv_nsec = ms % 1000 * 1000000L,
	};
	int fd = connect_one(ss, len);

	if (fd < 0)
		return 1;
	while (send(fd, chunk, sizeof(chunk), MSG_NOSIGNAL) == sizeof(chunk))
		nanosleep(&pace, NULL);
	perror("tcphs_conn: trickle");
	return 1;
}

static int do_syns(const struct sockaddr_storage *ss, socklen_t len, int us)
{
	const struct timespec pace = {
		.tv_sec = us / 1000000,
		.tv_nsec = us % 1000000 * 1000L,
	};
	int fd;

	for (;;) {
		fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd < 0) {
			perror("tcphs_conn: socket");
			return 1;
		}
		/* EINPROGRESS: the SYN is out; an error (no route) is paced too. */
		connect(fd, (const struct sockaddr *)ss, len);
		close(fd);
		nanosleep(&pace, NULL);
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int count = argc > 4 ? atoi(argv[4]) : 1;

	if (argc < 4 || addr_parse(argv[2], argv[3], &ss, &len)) {
		fprintf(stderr, "usage: %s %s|%s ADDR PORT [COUNT]\n", argv[0],
			"listen|record|connect|fastopen|hold|stream|streamed",
			"trickle|syns");
		return 2;
	}
	if (!strcmp(argv[1], "listen"))
		return do_listen(&ss, len, false);
	if (!strcmp(argv[1], "record"))
		return do_listen(&ss, len, true);
	if (!strcmp(argv[1], "connect"))
		return do_connect(&ss, len, count, false);
	if (!strcmp(argv[1], "fastopen"))
		return do_connect(&ss, len, count, true);
	if (!strcmp(argv[1], "hold"))
		return do_hold(&ss, len, count);
	if (!strcmp(argv[1], "stream")) {
		int fd = connect_one(&ss, len);

		return fd < 0 ? 1 : stream(fd, count);
	}
	if (!strcmp(argv[1], "streamed"))
		return do_streamed(&ss, len, count);
	if (!strcmp(argv[1], "trickle"))
		return do_trickle(&ss, len, count);
	if (!strcmp(argv[1], "syns"))
		return do_syns(&ss, len, argc > 4 ? count : 1000);
	fprintf(stderr, "tcphs_conn: unknown command %s\n", argv[1]);
	return 2;
}
