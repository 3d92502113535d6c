// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the TCP segment an ICMP or ICMPv6 error quotes (module/quote.c):
 * found behind an IPv4 header with options and behind IPv6 extension
 * headers, its numbers moved with both checksums still right (checked by
 * the kernel's csum_partial() and csum_tcpudp_magic() or csum_ipv6_magic()
 * over the whole message and the whole quoted segment), quotes of every
 * length from none to whole, and each way an error can fail to quote TCP.
 */
#include <kunit/test.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/in.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "quote.c"

#define T_ACK		0x10
#define SEQ		0x11223344u
#define ACK		0x55667788u
#define SEG_TAIL	7	/* quoted payload: an odd length */

static const __be32 in4_src = cpu_to_be32(0x0a000202);	/* 10.0.2.2 */
static const __be32 in4_dst = cpu_to_be32(0x0a000102);	/* 10.0.1.2 */
static const struct in6_addr in6_src = {
	.s6_addr = { 0xfd, 0, 0, 2, [15] = 2 } };
static const struct in6_addr in6_dst = {
	.s6_addr = { 0xfd, 0, 0, 1, [15] = 2 } };
/* The error's own addresses (ICMPv6's pseudo-header): router to server. */
static const struct in6_addr out6_src = {
	.s6_addr = { 0xfd, 0, 0, 2, [15] = 1 } };

/* One error as a case builds it: where its parts are. */
struct msg {
	u8 b[160];
	unsigned int len;
	unsigned int thoff;
	bool v6;
};

static void put32(u8 *p, u32 v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static u32 get32(const u8 *p)
{
	return get_unaligned_be32(p);
}

static u16 seg_csum(const struct msg *m)
{
	unsigned int len = m->len - m->thoff;
	__wsum sum = csum_partial(m->b + m->thoff, len, 0);

	if (m->v6)
		return (__force u16)csum_ipv6_magic(&in6_src, &in6_dst, len,
						    IPPROTO_TCP, sum);
	return (__force u16)csum_tcpudp_magic(in4_src, in4_dst, len,
					      IPPROTO_TCP, sum);
}

static u16 msg_csum(const struct msg *m, unsigned int len)
{
	__wsum sum = csum_partial(m->b, len, 0);

	if (m->v6)
		return (__force u16)csum_ipv6_magic(&out6_src, &in6_src, len,
						    IPPROTO_ICMPV6, sum);
	return (__force u16)csum_fold(sum);
}

/* The error's checksum over its first @len bytes. */
static void seal(struct msg *m, unsigned int len)
{
	u16 c;

	memset(m->b + 2, 0, 2);
	c = msg_csum(m, len);
	memcpy(m->b + 2, &c, 2);
}

/* The quoted segment: a TCP header, then SEG_TAIL bytes; both checksums. */
static void put_tcp(struct msg *m, u8 flags)
{
	u8 *th = m->b + m->thoff;
	unsigned int i;
	u16 c;

	th[0] = 8000 >> 8;
	th[1] = 8000 & 0xff;
	th[2] = 40000 >> 8;
	th[3] = 40000 & 0xff;
	put32(th + 4, SEQ);
	put32(th + 8, ACK);
	th[12] = 5 << 4;
	th[13] = flags;
	th[14] = 0x72;
	th[15] = 0x10;
	for (i = 0; i < SEG_TAIL; i++)
		th[20 + i] = 0xa0 + i;
	m->len = m->thoff + 20 + SEG_TAIL;
	c = seg_csum(m);
	memcpy(th + 16, &c, 2);
	seal(m, m->len);
}

/* Fragmentation needed: an IPv4 header with @opt bytes of options. */
static void build_v4(struct msg *m, unsigned int opt, u8 flags)
{
	u8 *ip = m->b + 8;

	memset(m, 0, sizeof(*m));
	m->b[0] = ICMP_DEST_UNREACH;
	m->b[1] = ICMP_FRAG_NEEDED;
	m->b[6] = 1280 >> 8;
	ip[0] = 0x40 | (20 + opt) / 4;
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	memcpy(ip + 12, &in4_src, 4);
	memcpy(ip + 16, &in4_dst, 4);
	memset(ip + 20, 1, opt);		/* NOPs */
	m->thoff = 8 + 20 + opt;
	put_tcp(m, flags);
}

/* Packet too big: an IPv6 header and @dstopts 8-byte destination options. */
static void build_v6(struct msg *m, unsigned int dstopts, u8 flags)
{
	u8 *ip = m->b + 8;
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->v6 = true;
	m->b[0] = ICMPV6_PKT_TOOBIG;
	m->b[6] = 1280 >> 8;
	ip[0] = 0x60;
	ip[6] = dstopts ? NEXTHDR_DEST : NEXTHDR_TCP;
	ip[7] = 64;
	memcpy(ip + 8, &in6_src, 16);
	memcpy(ip + 24, &in6_dst, 16);
	for (i = 0; i < dstopts; i++) {
		u8 *h = ip + 40 + 8 * i;

		h[0] = i + 1 < dstopts ? NEXTHDR_DEST : NEXTHDR_TCP;
		h[2] = 1;			/* PadN, 4 bytes of it */
		h[3] = 4;
	}
	m->thoff = 8 + 40 + 8 * dstopts;
	put_tcp(m, flags);
}

static void expect_tuple(struct kunit *test, const struct msg *m,
			 const struct tcphs_quote *q)
{
	KUNIT_EXPECT_EQ(test, q->tu.family, m->v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	if (m->v6) {
		KUNIT_EXPECT_TRUE(test, !memcmp(q->tu.saddr.ip6, &in6_src, 16));
		KUNIT_EXPECT_TRUE(test, !memcmp(q->tu.daddr.ip6, &in6_dst, 16));
	} else {
		KUNIT_EXPECT_EQ(test, q->tu.saddr.ip, in4_src);
		KUNIT_EXPECT_EQ(test, q->tu.daddr.ip, in4_dst);
	}
	KUNIT_EXPECT_EQ(test, q->tu.sport, htons(8000));
	KUNIT_EXPECT_EQ(test, q->tu.dport, htons(40000));
	KUNIT_EXPECT_EQ(test, q->thoff, m->thoff);
	KUNIT_EXPECT_EQ(test, q->tcp_len, 20);
}

/* Move by @x; only the numbers it names change, both checksums hold. */
static void xlate_whole(struct kunit *test, struct msg *m,
			const struct tcphs_quote_xlate *x, bool acked)
{
	u8 *th = m->b + m->thoff;
	struct tcphs_quote q;
	struct msg orig = *m;
	unsigned int i;

	KUNIT_ASSERT_TRUE(test, tcphs_quote_parse(m->b, m->len,
						  m->v6 ? NFPROTO_IPV6 :
							  NFPROTO_IPV4, &q));
	expect_tuple(test, m, &q);
	KUNIT_EXPECT_EQ(test, tcphs_quote_end(&q), m->thoff + 18);
	KUNIT_EXPECT_TRUE(test, tcphs_quote_xlate(m->b, &q, x, true));
	KUNIT_EXPECT_EQ(test, get32(th + 4), SEQ + x->seq_add);
	KUNIT_EXPECT_EQ(test, get32(th + 8), acked ? ACK + x->ack_add : ACK);
	KUNIT_EXPECT_EQ(test, seg_csum(m), 0);
	KUNIT_EXPECT_EQ(test, msg_csum(m, m->len), 0);
	for (i = 0; i < m->len; i++) {
		if (i == 2 || i == 3 ||
		    (i >= m->thoff + 4 && i < m->thoff + 12) ||
		    i == m->thoff + 16 || i == m->thoff + 17)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, m->b[i], orig.b[i], "byte %u", i);
	}
}

static void quote_v4_reply_test(struct kunit *test)
{
	struct tcphs_quote_xlate x = { .seq_add = 0x9abcdef0 };
	struct msg m;

	build_v4(&m, 0, T_ACK);
	xlate_whole(test, &m, &x, true);
	build_v4(&m, 12, T_ACK);		/* IPv4 options */
	xlate_whole(test, &m, &x, true);
}

static void quote_v4_orig_test(struct kunit *test)
{
	struct tcphs_quote_xlate x = { .ack_add = -0x12345u };
	struct tcphs_quote q;
	struct msg m;

	build_v4(&m, 4, T_ACK);
	xlate_whole(test, &m, &x, true);
	/* No ACK flag: its field is not a number, and nothing moves. */
	build_v4(&m, 4, 0);
	KUNIT_ASSERT_TRUE(test, tcphs_quote_parse(m.b, m.len, NFPROTO_IPV4,
						  &q));
	KUNIT_EXPECT_FALSE(test, tcphs_quote_xlate(m.b, &q, &x, true));
	KUNIT_EXPECT_EQ(test, get32(m.b + m.thoff + 8), ACK);
}

static void quote_v6_test(struct kunit *test)
{
	struct tcphs_quote_xlate reply = { .seq_add = 0xfffffff0 };
	struct tcphs_quote_xlate orig = { .ack_add = 0x80000000 };
	struct msg m;

	build_v6(&m, 0, T_ACK);
	xlate_whole(test, &m, &reply, true);
	build_v6(&m, 2, T_ACK);			/* two extension headers */
	xlate_whole(test, &m, &orig, true);
	build_v6(&m, 1, T_ACK);
	m.b[0] = ICMPV6_TIME_EXCEED;
	seal(&m, m.len);
	xlate_whole(test, &m, &reply, true);
}

/*
 * A quote cut anywhere: found once it holds the ports and the sequence
 * number (RFC 792's 8 bytes), each number moved only if whole in it, and
 * the error's checksum right over what it holds. The buffer is the cut's
 * size, so a read past it is KASAN's to see.
 */
static void quote_cut_one(struct kunit *test, const struct msg *whole,
			  unsigned int len)
{
	struct tcphs_quote_xlate x = { .seq_add = 0x01000001,
				       .ack_add = 0x02000002 };
	unsigned int tcp = len > whole->thoff ? len - whole->thoff : 0;
	struct tcphs_quote q;
	struct msg m = *whole;
	bool found;
	u8 *buf;

	/* The error as its sender cut it: checksummed over what it holds. */
	seal(&m, len);
	buf = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memcpy(buf, m.b, len);

	found = tcphs_quote_parse(buf, len, m.v6 ? NFPROTO_IPV6 : NFPROTO_IPV4,
				  &q);
	KUNIT_EXPECT_EQ_MSG(test, found, tcp >= 8, "len %u", len);
	if (!found)
		return;
	KUNIT_EXPECT_LE(test, tcphs_quote_end(&q), len);
	KUNIT_EXPECT_TRUE(test, tcphs_quote_xlate(buf, &q, &x, true));
	memcpy(m.b, buf, len);
	KUNIT_EXPECT_EQ_MSG(test, msg_csum(&m, len), 0, "len %u", len);
	KUNIT_EXPECT_EQ(test, get32(buf + m.thoff + 4), SEQ + x.seq_add);
	if (tcp >= 12)
		KUNIT_EXPECT_EQ(test, get32(buf + m.thoff + 8),
				ACK + x.ack_add);
	if (tcp >= 18 && len == whole->len)
		KUNIT_EXPECT_EQ(test, seg_csum(&m), 0);
}

static void quote_cut_test(struct kunit *test)
{
	struct msg v4, v6;
	unsigned int len;

	build_v4(&v4, 8, T_ACK);
	build_v6(&v6, 1, T_ACK);
	for (len = 0; len <= v4.len; len++)
		quote_cut_one(test, &v4, len);
	for (len = 0; len <= v6.len; len++)
		quote_cut_one(test, &v6, len);
}

/* What is no error about TCP, or quotes none of its header. */
struct bad_case {
	const char *name;
	bool v6;
	unsigned int at;	/* offset in the message */
	u8 val;
	u8 mask;		/* bits of the byte replaced; 0: 0xff */
};

static const struct bad_case bad_cases[] = {
	{ "echo reply, not an error", false, 0, ICMP_ECHOREPLY },
	{ "redirect", false, 0, ICMP_REDIRECT },
	{ "ICMPv6 echo request", true, 0, ICMPV6_ECHO_REQUEST },
	{ "ICMPv6 type 5", true, 0, 5 },
	{ "quoted IPv4 version 6", false, 8, 0x65 },
	{ "quoted IPv4 ihl 4", false, 8, 0x44 },
	{ "quoted IPv4 ihl past the quote", false, 8, 0x4f },
	{ "quoted UDP", false, 8 + 9, IPPROTO_UDP },
	{ "quoted IPv4 fragment, offset 8", false, 8 + 7, 1 },
	{ "quoted IPv4 fragment, high offset bits", false, 8 + 6, 0x1f, 0x1f },
	{ "quoted IPv6 version 4", true, 8, 0x40 },
	{ "quoted IPv6 no next header", true, 8 + 6, NEXTHDR_NONE },
	{ "quoted IPv6 ICMPv6", true, 8 + 6, NEXTHDR_ICMP },
	{ "quoted IPv6 extension header past the quote", true, 8 + 41, 200 },
};

static void bad_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(quote_bad, bad_cases, bad_desc);

static void quote_bad_test(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	u8 mask = c->mask ? c->mask : 0xff;
	struct tcphs_quote q;
	struct msg m;

	if (c->v6)
		build_v6(&m, 1, T_ACK);
	else
		build_v4(&m, 0, T_ACK);
	m.b[c->at] = (m.b[c->at] & ~mask) | (c->val & mask);
	KUNIT_EXPECT_FALSE(test, tcphs_quote_parse(m.b, m.len,
						   c->v6 ? NFPROTO_IPV6 :
							   NFPROTO_IPV4, &q));
}

/* A fragment header: the first fragment quotes TCP, a later one does not. */
static void quote_v6_fragment_test(struct kunit *test)
{
	struct tcphs_quote q;
	struct msg m;

	build_v6(&m, 1, T_ACK);
	m.b[8 + 6] = NEXTHDR_FRAGMENT;
	m.b[8 + 40 + 1] = 0;
	m.b[8 + 40 + 2] = 0;
	m.b[8 + 40 + 3] = 1;			/* M: more to come */
	KUNIT_EXPECT_TRUE(test, tcphs_quote_parse(m.b, m.len, NFPROTO_IPV6,
						  &q));
	m.b[8 + 40 + 3] = 8 | 1;		/* offset 1 */
	KUNIT_EXPECT_FALSE(test, tcphs_quote_parse(m.b, m.len, NFPROTO_IPV6,
						   &q));
}

static struct kunit_case tcphs_quote_cases[] = {
	KUNIT_CASE(quote_v4_reply_test),
	KUNIT_CASE(quote_v4_orig_test),
	KUNIT_CASE(quote_v6_test),
	KUNIT_CASE(quote_cut_test),
	KUNIT_CASE_PARAM(quote_bad_test, quote_bad_gen_params),
	KUNIT_CASE(quote_v6_fragment_test),
	{}
};

static struct kunit_suite tcphs_quote_suite = {
	.name = "tcphs_quote",
	.test_cases = tcphs_quote_cases,
};

kunit_test_suite(tcphs_quote_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's ICMP quote translation");
