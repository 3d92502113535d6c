// SPDX-License-Identifier: GPL-2.0
/*
 * tcphs_microbench: the pure core of tcphs, timed natively in userspace and
 * built from the module's own source files (module/parse.c, fsm.c,
 * cookie.c, isn.c, tuple.c), as the fuzzer is.
 *
 * Per segment, what the hook does for each TCP segment (hook.c,
 * tcphs_track()): parse the header, hash the tuple, walk the bucket, step
 * the state machine and commit. The table is a model, not module/table.c,
 * which needs RCU and spinlocks: the table's own hash and tuple compare
 * (module/tuple.c, built in), over a power-of-two array of singly linked
 * buckets. It leaves out the lock a hit takes, the atomic count
 * and the allocation of a new entry (a free list here), so it is a floor for
 * the kernel's cost, not its measure.
 *
 * The segments are those of FLOWS short connections as Linux makes them
 * (a 40-byte SYN and SYN-ACK with MSS, SACK-permitted, timestamps and
 * window scale; 32-byte segments with timestamps after that, a SACK block
 * in every fourth flow): handshake, a request, its ACK, a response, FIN,
 * FIN, last ACK. The flows are interleaved, every flow in the table at
 * once (FLOWS entries over as many buckets), and each flow leaves the
 * table at its last ACK, so its SYN misses and inserts the next time.
 *
 * Per cookie round trip: tcphs_cookie_make() for a SYN, then
 * tcphs_cookie_check() of the third ACK's acknowledgment, each one SipHash
 * over 20 bytes (IPv4). SipHash alone, over the table key (12 bytes) and
 * over a cookie's message (20 bytes), is timed for comparison.
 *
 * Each figure is the median, over REPS runs, of the mean ns per operation
 * of a run of at least 20 ms. Output: CSV rows for bench/run.sh:
 *   micro,NAME,,ns_per_op,VALUE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "parse.c"
#include "fsm.c"
#include "window.c"
#include "cookie.c"
#include "isn.c"
#include "tuple.c"

#define FLOWS		4096
#define BUCKETS		4096	/* a power of two */
#define SEGS_PER_FLOW	10
#define REPS		15
#define MIN_RUN_NS	20000000.0

/* As struct tcphs_flow; one pointer where the kernel has an hlist_node. */
struct flow {
	struct flow *next;
	struct flow **pprev;
	struct tcphs_tuple tuple;
	struct tcphs_hs hs;
	const void *ops;
	unsigned long born;
	unsigned long last;
	void *rcu[2];
};

/* One segment of the trace, as the hook has it after the IP header. */
struct trace_seg {
	u8 hdr[TCPHS_TCP_MAX_HDR];
	u8 hdr_len;
	u16 seg_len;
	u16 flow;
	bool from_client;
};

static struct flow *buckets[BUCKETS];
static struct flow pool[FLOWS];
static struct trace_seg trace[FLOWS * SEGS_PER_FLOW];
static hsiphash_key_t table_key = { { 0x0706050403020100ULL,
				     0x0f0e0d0c0b0a0908ULL } };

/* Use a result so that the compiler cannot drop the work behind it. */
static inline void keep(u64 v)
{
	__asm__ __volatile__("" : : "r"(v));
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ---- the table model ---- */

static struct flow *table_find(u32 hash, const struct tcphs_tuple *tu,
			       enum tcphs_dir *dir)
{
	struct flow *f;

	for (f = buckets[hash & (BUCKETS - 1)]; f; f = f->next)
		if (tcphs_tuple_match(&f->tuple, tu, dir))
			return f;
	return NULL;
}

static void table_insert(u32 hash, struct flow *f)
{
	struct flow **head = &buckets[hash & (BUCKETS - 1)];

	f->next = *head;
	if (f->next)
		f->next->pprev = &f->next;
	f->pprev = head;
	*head = f;
}

static void table_unlink(struct flow *f)
{
	*f->pprev = f->next;
	if (f->next)
		f->next->pprev = f->pprev;
}

/* ---- the trace ---- */

static void put16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

/* Linux's options: a SYN's 20 bytes, or NOP NOP TS [NOP NOP SACK]. */
static unsigned int put_opts(u8 *p, bool syn, bool sack, u32 tsval,
			     u32 sack_at)
{
	static const u8 syn_opts[20] = {
		2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 0, 0, 0, 0, 0,
		1, 3, 3, 7,
	};
	unsigned int len = syn ? 20 : 12;

	if (syn) {
		memcpy(p, syn_opts, sizeof(syn_opts));
		put32(p + 8, tsval);
		return len;
	}
	p[0] = 1;
	p[1] = 1;
	p[2] = 8;
	p[3] = 10;
	put32(p + 4, tsval);
	put32(p + 8, tsval - 7);
	if (sack) {
		p[12] = 1;
		p[13] = 1;
		p[14] = 5;
		p[15] = 10;
		put32(p + 16, sack_at);
		put32(p + 20, sack_at + 1000);
		len += 12;
	}
	return len;
}

struct seg_spec {
	bool from_client;
	u8 flags;
	u16 payload;
};

/* One short connection: what each side sends, in order. */
static const struct seg_spec conn[SEGS_PER_FLOW] = {
	{ true, TCPHS_SYN, 0 },
	{ false, TCPHS_SYN | TCPHS_ACK, 0 },
	{ true, TCPHS_ACK, 0 },
	{ true, TCPHS_ACK | TCPHS_PSH, 120 },
	{ false, TCPHS_ACK, 0 },
	{ false, TCPHS_ACK | TCPHS_PSH, 1400 },
	{ true, TCPHS_ACK | TCPHS_FIN, 0 },
	{ false, TCPHS_ACK | TCPHS_FIN, 0 },
	{ true, TCPHS_ACK, 0 },
	{ true, TCPHS_ACK, 0 },	/* a late duplicate ACK, after both FINs */
};

/* Fill one segment of flow f, with sequence numbers that add up. */
static void make_seg(struct trace_seg *t, unsigned int f, unsigned int i)
{
	const u32 cisn = 0x10000000u * (f & 7) + f * 7919u;
	const u32 sisn = 0xc0000000u - f * 104729u;
	const struct seg_spec *s = &conn[i];
	u32 cnext = cisn + 1, snext = sisn + 1;
	unsigned int k;
	u8 *h = t->hdr;

	/* What each side has sent before segment i. */
	for (k = 1; k < i; k++) {
		if (conn[k].from_client)
			cnext += conn[k].payload + !!(conn[k].flags & TCPHS_FIN);
		else if (k > 1)
			snext += conn[k].payload + !!(conn[k].flags & TCPHS_FIN);
	}
	memset(t, 0, sizeof(*t));
	t->flow = f;
	t->from_client = s->from_client;
	put16(h, s->from_client ? 40000 + f : 443);
	put16(h + 2, s->from_client ? 443 : 40000 + f);
	put32(h + 4, s->flags & TCPHS_SYN ? (s->from_client ? cisn : sisn) :
		     (s->from_client ? cnext : snext));
	put32(h + 8, !(s->flags & TCPHS_ACK) ? 0 :
		     s->from_client ? snext : cnext);
	h[13] = s->flags;
	put16(h + 14, 502);
	/* The SACK block: a D-SACK of the response's first 1000 bytes. */
	t->hdr_len = 20 + put_opts(h + 20, s->flags & TCPHS_SYN,
				   !(f & 3) && i == 8, 1000 + i, sisn + 1);
	h[12] = t->hdr_len / 4 << 4;
	t->seg_len = t->hdr_len + s->payload;
}

static void make_trace(void)
{
	static unsigned int order[FLOWS];
	unsigned int f, i, j, n = 0;

	for (f = 0; f < FLOWS; f++) {
		order[f] = f;
		pool[f].tuple.family = NFPROTO_IPV4;
		pool[f].tuple.saddr.ip = htonl(0x0a000000u | (f * 40503u >> 8));
		pool[f].tuple.daddr.ip = htonl(0xc0000201u);
		pool[f].tuple.sport = htons(40000 + f);
		pool[f].tuple.dport = htons(443);
	}
	srand(1);
	for (f = FLOWS - 1; f; f--) {
		j = rand() % (f + 1);
		i = order[f];
		order[f] = order[j];
		order[j] = i;
	}
	/* Every flow's first segment, then every flow's second, and so on. */
	for (i = 0; i < SEGS_PER_FLOW; i++)
		for (f = 0; f < FLOWS; f++)
			make_seg(&trace[n++], order[f], i);
}

/* ---- per segment: the hook's work ---- */

/* The tuple as the hook builds it: addresses from IP, ports from TCP. */
static void seg_tuple(const struct trace_seg *t, const struct tcphs_seg *seg,
		      struct tcphs_tuple *tu)
{
	const struct tcphs_tuple *ft = &pool[t->flow].tuple;

	memset(tu, 0, sizeof(*tu));
	tu->family = ft->family;
	tu->saddr = t->from_client ? ft->saddr : ft->daddr;
	tu->daddr = t->from_client ? ft->daddr : ft->saddr;
	tu->sport = htons(seg->sport);
	tu->dport = htons(seg->dport);
}

static u8 one_segment(const struct trace_seg *t)
{
	static const struct tcphs_hs closed;
	struct tcphs_seg seg;
	struct tcphs_step st;
	struct tcphs_tuple tu;
	enum tcphs_dir dir = TCPHS_DIR_ORIG;
	struct flow *f;
	u32 hash;

	if (tcphs_parse_tcp(t->hdr, t->hdr_len, t->seg_len, &seg))
		return TCPHS_R_MALFORMED;
	seg_tuple(t, &seg, &tu);
	hash = tcphs_tuple_hash(&table_key, &tu);
	f = table_find(hash, &tu, &dir);
	if (!f) {
		st = tcphs_fsm_step(&closed, &seg, TCPHS_DIR_ORIG);
		if (!st.commit)
			return st.reason;
		f = &pool[t->flow];	/* the allocation, as a free list */
		memset(&f->hs, 0, sizeof(f->hs));
		tcphs_fsm_commit(&f->hs, &seg, TCPHS_DIR_ORIG, &st);
		table_insert(hash, f);
		return st.reason;
	}
	st = tcphs_fsm_step(&f->hs, &seg, dir);
	tcphs_fsm_commit(&f->hs, &seg, dir, &st);
	f->last++;
	/* The last ACK: the flow goes, as the GC would take it later. */
	if (t >= &trace[ARRAY_SIZE(trace) - FLOWS])
		table_unlink(f);
	return st.reason;
}

/* One pass over the trace; the count of segments that were not OK. */
static unsigned int trace_pass(void)
{
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(trace); i++)
		bad += one_segment(&trace[i]) != TCPHS_R_OK;
	return bad;
}

/* ---- the timed operations: each does n of its kind ---- */

static void op_segment(unsigned long n)
{
	unsigned long done;

	for (done = 0; done < n; done += ARRAY_SIZE(trace))
		keep(trace_pass());
}

static void op_parse(unsigned long n)
{
	struct tcphs_seg seg;
	unsigned long i;
	const struct trace_seg *t;

	for (i = 0; i < n; i++) {
		t = &trace[i % ARRAY_SIZE(trace)];
		keep(tcphs_parse_tcp(t->hdr, t->hdr_len, t->seg_len, &seg));
		keep(seg.opt.tsval);
	}
}

static void op_table_hash(unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		keep(tcphs_tuple_hash(&table_key, &pool[i % FLOWS].tuple));
}

static struct tcphs_cookie_keys cookie_keys = {
	.cur = { { 0x1122334455667788ULL, 0x99aabbccddeeff00ULL } },
};

static const siphash_key_t linux_keys[2] = {
	{ { 0x0123456789abcdefULL, 0xfedcba9876543210ULL } },
	{ { 0x0f1e2d3c4b5a6978ULL, 0x8796a5b4c3d2e1f0ULL } },
};

static void flow_ends(unsigned int f, struct tcphs_ends *e)
{
	memset(e, 0, sizeof(*e));
	e->saddr[0] = pool[f].tuple.saddr.ip;
	e->daddr[0] = pool[f].tuple.daddr.ip;
	e->sport = pool[f].tuple.sport;
	e->dport = pool[f].tuple.dport;
}

static void op_cookie(unsigned long n)
{
	const struct tcphs_synopts want = { .mss = 1460, .wscale = 7,
					    .sack = true };
	struct tcphs_synopts got;
	struct tcphs_ends e;
	unsigned long i;
	u32 cookie, isn;

	for (i = 0; i < n; i++) {
		flow_ends(i % FLOWS, &e);
		isn = (u32)i * 2654435761u;
		cookie = tcphs_cookie_make(&cookie_keys, &e, isn, 1000, &want);
		if (!tcphs_cookie_check(&cookie_keys, &e, isn, cookie, 1000,
					&got)) {
			fprintf(stderr, "cookie %#x refused\n", cookie);
			exit(1);
		}
		keep(got.mss);
	}
}

/* One cookie MAC: the IPv4 ends and two words, 20 bytes. */
static void op_cookie_mac(unsigned long n)
{
	struct tcphs_ends e;
	unsigned long i;
	u32 extra[2] = { 0, 1000 << 8 };

	flow_ends(0, &e);
	for (i = 0; i < n; i++) {
		extra[0] = (u32)i;
		keep(tcphs_ends_siphash(&cookie_keys.cur, &e, extra, 2));
	}
}

/*
 * The anchor: Linux's own cookie (net/ipv4/syncookies.c, 6.12) on the
 * same SipHash. It keeps the MSS in the ISN and nothing else (window
 * scale and SACK need the timestamp option), and takes two SipHashes of
 * 16 bytes to make a cookie and two to check one: a hash without the
 * time, added to the client's ISN, and a hash with the minute counter
 * whose low 24 bits carry the MSS index.
 */
static u32 linux_cookie_hash(const struct tcphs_ends *e, u32 count, int c)
{
	u32 msg[4] = {
		e->saddr[0], e->daddr[0],
		(u32)e->sport << 16 | e->dport, count
	};

	return (u32)siphash(msg, sizeof(msg), &linux_keys[c]);
}

static u32 linux_cookie_make(const struct tcphs_ends *e, u32 isn, u32 count,
			     u32 mss_index)
{
	return linux_cookie_hash(e, 0, 0) + isn + (count << 24) +
	       ((linux_cookie_hash(e, count, 1) + mss_index) & 0xffffff);
}

/* The MSS index, or -1 if the cookie is older than 2 minutes or forged. */
static int linux_cookie_check(const struct tcphs_ends *e, u32 isn,
			      u32 cookie, u32 count)
{
	u32 diff, data;

	cookie -= linux_cookie_hash(e, 0, 0) + isn;
	diff = (count - (cookie >> 24)) & 0xff;
	if (diff >= 2)
		return -1;
	data = (cookie - linux_cookie_hash(e, count - diff, 1)) & 0xffffff;
	return data < 4 ? (int)data : -1;
}

static void op_linux_cookie(unsigned long n)
{
	struct tcphs_ends e;
	unsigned long i;
	u32 cookie, isn;

	for (i = 0; i < n; i++) {
		flow_ends(i % FLOWS, &e);
		isn = (u32)i * 2654435761u;
		cookie = linux_cookie_make(&e, isn, 1000, 3);
		if (linux_cookie_check(&e, isn, cookie, 1000) != 3) {
			fprintf(stderr, "Linux cookie %#x refused\n", cookie);
			exit(1);
		}
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median over REPS runs of ns per operation; each run >= MIN_RUN_NS. */
static double time_op(void (*op)(unsigned long))
{
	unsigned long n = ARRAY_SIZE(trace);
	double t, runs[REPS];
	int r;

	for (;;) {	/* find n, and warm up */
		t = now_ns();
		op(n);
		t = now_ns() - t;
		if (t >= MIN_RUN_NS)
			break;
		n *= 2;
	}
	for (r = 0; r < REPS; r++) {
		t = now_ns();
		op(n);
		runs[r] = (now_ns() - t) / n;
	}
	qsort(runs, REPS, sizeof(runs[0]), cmp_double);
	return runs[REPS / 2];
}

static void report(const char *name, double ns)
{
	printf("micro,%s,,ns_per_op,%.2f\n", name, ns);
	fflush(stdout);
}

int main(void)
{
	unsigned int bad;

	make_trace();
	/* The trace is of correct connections: every segment must be OK. */
	bad = trace_pass() + trace_pass();
	if (bad) {
		fprintf(stderr, "%u segments of the trace were refused\n", bad);
		return 1;
	}
	report("segment", time_op(op_segment));
	report("parse", time_op(op_parse));
	report("table_hash", time_op(op_table_hash));
	report("cookie_roundtrip", time_op(op_cookie));
	report("cookie_mac", time_op(op_cookie_mac));
	report("linux_cookie_roundtrip", time_op(op_linux_cookie));
	return 0;
}
