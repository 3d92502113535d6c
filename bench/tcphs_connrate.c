// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs_connrate: how many whole TCP connections per second a path carries.
 *
 *   tcphs_connrate server [-j THREADS] ADDR PORT
 *   tcphs_connrate client [-c CLIENTS] [-t SECONDS] [-w TIMEOUT_MS] ADDR PORT
 *
 * One connection is the whole life of one: connect(), the server's
 * accept(), one byte from the server, its close (FIN), the client's read of
 * that byte and of the end of stream, the client's close. So the handshake,
 * the first data and the teardown all cross whatever sits on the path (a
 * proxy that answered the SYN itself has to have opened the server side for
 * the byte to arrive). The server closes first, so that TIME-WAIT stays on
 * the server and a client's port is free again at once.
 *
 * The client runs CLIENTS threads, each one connection at a time, for
 * SECONDS, and prints one line:
 *
 *   connections N failed F connect_failed C seconds S rate R
 *
 * where R = N / S. A connection fails when a step errs or takes longer than
 * TIMEOUT_MS (connect, or the wait for the byte and the end of stream); C
 * of the F failed in connect().
 * Threads with blocking sockets rather than epoll: the client is meant to
 * be read, and at the rates a TCG guest reaches the threads cost nothing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS	1024

static struct sockaddr_storage dest;
static socklen_t dest_len;
static double deadline;
static struct timeval step_timeout;

struct client {
	pthread_t tid;
	unsigned long done;
	unsigned long failed;
	unsigned long connect_failed;
};

enum outcome { DONE, CONNECT_FAILED, EXCHANGE_FAILED };

static void bad_usage(void)
{
	fputs("usage: tcphs_connrate server [-j THREADS] ADDR PORT\n", stderr);
	fputs("       tcphs_connrate client [-c CLIENTS] [-t SECONDS] [-w TIMEOUT_MS] ADDR PORT\n",
	      stderr);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		bad_usage();
	return v;
}

static void resolve(const char *addr, const char *port)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE,
	};
	struct addrinfo *res;
	int err;

	err = getaddrinfo(addr, port, &hints, &res);
	if (err) {
		fprintf(stderr, "%s %s: %s\n", addr, port, gai_strerror(err));
		exit(1);
	}
	memcpy(&dest, res->ai_addr, res->ai_addrlen);
	dest_len = res->ai_addrlen;
	freeaddrinfo(res);
}

/* ---- server ---- */

static void *serve(void *arg)
{
	int lfd = *(int *)arg, fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;	/* ECONNABORTED and the like */
		if (write(fd, "x", 1) != 1)
			perror("write");
		close(fd);
	}
	return NULL;
}

static int server(int threads)
{
	pthread_t tid[MAX_THREADS];
	int lfd, one = 1, i;

	lfd = socket(dest.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 ||
	    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(lfd, (struct sockaddr *)&dest, dest_len) ||
	    listen(lfd, 4096)) {
		perror("server");
		return 1;
	}
	for (i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, serve, &lfd);
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	return 0;
}

/* ---- client ---- */

/* One whole connection, and which step failed or timed out if one did. */
static enum outcome one_connection(void)
{
	char buf[16];
	bool got_byte = false;
	ssize_t n;
	int fd;

	fd = socket(dest.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return CONNECT_FAILED;
	/* SO_SNDTIMEO bounds a blocking connect(), SO_RCVTIMEO each read. */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &step_timeout,
		       sizeof(step_timeout)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &step_timeout,
		       sizeof(step_timeout)) ||
	    connect(fd, (struct sockaddr *)&dest, dest_len)) {
		close(fd);
		return CONNECT_FAILED;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got_byte = true;
	close(fd);
	return n == 0 && got_byte ? DONE : EXCHANGE_FAILED;
}

static void *client_thread(void *arg)
{
	struct client *c = arg;
	const struct timespec pause = { .tv_nsec = 10 * 1000 * 1000 };
	enum outcome r;
	double start;

	while ((start = now()) < deadline) {
		r = one_connection();
		if (r == DONE) {
			c->done++;
			continue;
		}
		c->failed++;
		c->connect_failed += r == CONNECT_FAILED;
		/* A failure at once (refused, no route) must not spin. */
		if (now() - start < 0.01)
			nanosleep(&pause, NULL);
	}
	return NULL;
}

static int client(int clients, int seconds)
{
	static struct client c[MAX_THREADS];
	unsigned long done = 0, failed = 0, connect_failed = 0;
	double start = now(), elapsed;
	int i;

	deadline = start + seconds;
	for (i = 0; i < clients; i++)
		if (pthread_create(&c[i].tid, NULL, client_thread, &c[i])) {
			perror("pthread_create");
			return 1;
		}
	for (i = 0; i < clients; i++) {
		pthread_join(c[i].tid, NULL);
		done += c[i].done;
		failed += c[i].failed;
		connect_failed += c[i].connect_failed;
	}
	elapsed = now() - start;
	printf("connections %lu failed %lu connect_failed %lu seconds %.3f rate %.1f\n",
	       done, failed, connect_failed, elapsed, done / elapsed);
	return 0;
}

int main(int argc, char **argv)
{
	int clients = 8, seconds = 10, threads = 2, opt;
	long timeout_ms = 3000;
	bool is_server;

	if (argc < 2)
		bad_usage();
	is_server = !strcmp(argv[1], "server");
	if (!is_server && strcmp(argv[1], "client"))
		bad_usage();
	argv++;
	argc--;
	while ((opt = getopt(argc, argv, "c:t:w:j:")) != -1) {
		switch (opt) {
		case 'c':
			clients = number(optarg, 1, MAX_THREADS);
			break;
		case 't':
			seconds = number(optarg, 1, 86400);
			break;
		case 'w':
			timeout_ms = number(optarg, 1, 600000);
			break;
		case 'j':
			threads = number(optarg, 1, MAX_THREADS);
			break;
		default:
			bad_usage();
		}
	}
	if (argc - optind != 2)
		bad_usage();
	resolve(argv[optind], argv[optind + 1]);
	step_timeout.tv_sec = timeout_ms / 1000;
	step_timeout.tv_usec = timeout_ms % 1000 * 1000;
	return is_server ? server(threads) : client(clients, seconds);
}
