// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: TCP header and option parsing (module/parse.c), good headers with
 * every option tcphs reads, and each way a header can be malformed.
 */
#include <kunit/test.h>

#include "parse.c"

/*
 * Write the 20-byte header in front of a test's options (which start at
 * [20]): ports 1234 -> 80, seq 0x11223344, ack 0x55667788, window 0x7210.
 */
static void put_hdr(u8 *h, u8 doff, u8 flags)
{
	static const u8 base[20] = {
		0x04, 0xd2, 0x00, 0x50, 0x11, 0x22, 0x33, 0x44,
		0x55, 0x66, 0x77, 0x88, 0x00, 0x00, 0x72, 0x10,
	};

	memcpy(h, base, sizeof(base));
	h[12] = doff << 4;
	h[13] = flags;
}

static void parse_basic_test(struct kunit *test)
{
	u8 h[20];
	struct tcphs_seg seg;

	put_hdr(h, 5, TCPHS_SYN | TCPHS_ACK);

	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(h, sizeof(h), sizeof(h), &seg),
			TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.sport, 1234);
	KUNIT_EXPECT_EQ(test, seg.dport, 80);
	KUNIT_EXPECT_EQ(test, seg.seq, 0x11223344u);
	KUNIT_EXPECT_EQ(test, seg.ack, 0x55667788u);
	KUNIT_EXPECT_EQ(test, seg.flags, TCPHS_SYN | TCPHS_ACK);
	KUNIT_EXPECT_EQ(test, seg.window, 0x7210);
	KUNIT_EXPECT_EQ(test, seg.hdr_len, 20);
	KUNIT_EXPECT_EQ(test, seg.payload_len, 0u);
	KUNIT_EXPECT_EQ(test, seg.opt.present, 0);
}

/* A Linux-style SYN: MSS, SACK-permitted, timestamps, NOP, wscale 7. */
static void parse_syn_options_test(struct kunit *test)
{
	u8 h[] = {
		[20] = 0x02, 0x04, 0x05, 0xb4,			/* MSS 1460 */
		0x04, 0x02,					/* SACK_PERM */
		0x08, 0x0a, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1,	/* TS */
		0x01,						/* NOP */
		0x03, 0x03, 0x07,				/* wscale 7 */
	};
	struct tcphs_seg seg;

	put_hdr(h, 10, TCPHS_SYN);
	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(h, sizeof(h), sizeof(h), &seg),
			TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.opt.present, TCPHS_OPT_MSS |
			TCPHS_OPT_SACK_PERM | TCPHS_OPT_TS | TCPHS_OPT_WSCALE);
	KUNIT_EXPECT_EQ(test, seg.opt.mss, 1460);
	KUNIT_EXPECT_EQ(test, seg.opt.wscale, 7);
	KUNIT_EXPECT_EQ(test, seg.opt.tsval, 0xdeadbeefu);
	KUNIT_EXPECT_EQ(test, seg.opt.tsecr, 1u);
	KUNIT_EXPECT_EQ(test, seg.hdr_len, 40);
}

static void parse_sack_blocks_test(struct kunit *test)
{
	u8 h[] = {
		[20] = 0x01, 0x01,
		0x05, 0x22,					/* 4 blocks */
		0, 0, 0, 1, 0, 0, 0, 2,
		0, 0, 0, 3, 0, 0, 0, 4,
		0xff, 0xff, 0xff, 0xf0, 0, 0, 0, 0x10,		/* wraps */
		0, 0, 0, 7, 0, 0, 0, 8,
	};
	struct tcphs_seg seg;

	put_hdr(h, 14, TCPHS_ACK);
	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(h, sizeof(h), sizeof(h) + 100,
					      &seg), TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.opt.present, TCPHS_OPT_SACK);
	KUNIT_ASSERT_EQ(test, seg.opt.nr_sack, 4);
	KUNIT_EXPECT_EQ(test, seg.opt.sack[0].start, 1u);
	KUNIT_EXPECT_EQ(test, seg.opt.sack[1].end, 4u);
	KUNIT_EXPECT_EQ(test, seg.opt.sack[2].start, 0xfffffff0u);
	KUNIT_EXPECT_EQ(test, seg.opt.sack[2].end, 0x10u);
	KUNIT_EXPECT_EQ(test, seg.opt.sack[3].end, 8u);
	KUNIT_EXPECT_EQ(test, seg.payload_len, 100u);
}

static void parse_fastopen_test(struct kunit *test)
{
	u8 rfc[] = {
		[20] = 0x22, 0x0a, 1, 2, 3, 4, 5, 6, 7, 8,	/* kind 34 */
		0x01, 0x01,
	};
	u8 exp[] = {
		[20] = 0xfe, 0x06, 0xf9, 0x89, 0xaa, 0xbb,	/* 254, F989 */
		0x00, 0x00,
	};
	u8 other_exp[] = {
		[20] = 0xfe, 0x04, 0x12, 0x34,			/* 254, other */
	};
	struct tcphs_seg seg;

	put_hdr(rfc, 8, TCPHS_SYN);
	put_hdr(exp, 7, TCPHS_SYN);
	put_hdr(other_exp, 6, TCPHS_SYN);
	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(rfc, sizeof(rfc), sizeof(rfc),
					      &seg), TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.opt.present, TCPHS_OPT_FASTOPEN);
	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(exp, sizeof(exp), sizeof(exp),
					      &seg), TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.opt.present, TCPHS_OPT_FASTOPEN);
	KUNIT_ASSERT_EQ(test, tcphs_parse_tcp(other_exp, sizeof(other_exp),
					      sizeof(other_exp), &seg),
			TCPHS_PARSE_OK);
	KUNIT_EXPECT_EQ(test, seg.opt.present, 0);
}

struct opt_case {
	const char *name;
	u8 opts[8];		/* the header's 8 option bytes (doff 7) */
	enum tcphs_parse_err err;
	u8 present;
};

static const struct opt_case opt_cases[] = {
	{ "all NOPs", { 1, 1, 1, 1, 1, 1, 1, 1 }, TCPHS_PARSE_OK, 0 },
	{ "EOL ends the list", { 0, 0x02, 0x00 }, TCPHS_PARSE_OK, 0 },
	{ "EOL after MSS", { 2, 4, 5, 0xb4, 0, 0xff, 0xff, 0xff },
	  TCPHS_PARSE_OK, TCPHS_OPT_MSS },
	{ "unknown kind skipped by length", { 99, 4, 0, 0, 2, 4, 2, 0 },
	  TCPHS_PARSE_OK, TCPHS_OPT_MSS },
	{ "wscale above 14 is clamped", { 3, 3, 15, 1, 1, 1, 1, 1 },
	  TCPHS_PARSE_OK, TCPHS_OPT_WSCALE },
	{ "option length 0", { 2, 0, 5, 0xb4 }, TCPHS_PARSE_OPT_LEN, 0 },
	{ "option length 1", { 99, 1, 1, 1 }, TCPHS_PARSE_OPT_LEN, 0 },
	{ "kind on the last byte", { 1, 1, 1, 1, 1, 1, 1, 2 },
	  TCPHS_PARSE_OPT_TRUNC, 0 },
	{ "option past the header", { 1, 1, 1, 1, 8, 10, 0, 0 },
	  TCPHS_PARSE_OPT_TRUNC, 0 },
	{ "MSS of length 3", { 2, 3, 5, 1, 1, 1, 1, 1 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "wscale of length 4", { 3, 4, 7, 0, 1, 1, 1, 1 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "SACK_PERM of length 3", { 4, 3, 0, 1, 1, 1, 1, 1 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "timestamps of length 8", { 8, 8, 0, 0, 0, 0, 0, 0 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "SACK of length 4", { 5, 4, 0, 0, 1, 1, 1, 1 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "SACK of length 8", { 5, 8, 0, 0, 0, 1, 0, 2 },
	  TCPHS_PARSE_OPT_LEN, 0 },
	{ "good MSS then length 0", { 2, 4, 5, 0xb4, 99, 0, 0, 0 },
	  TCPHS_PARSE_OPT_LEN, TCPHS_OPT_MSS },
};

static void opt_case_desc(const struct opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse_opt, opt_cases, opt_case_desc);

static void parse_opt_test(struct kunit *test)
{
	const struct opt_case *c = test->param_value;
	u8 h[28];
	struct tcphs_seg seg;

	put_hdr(h, 7, TCPHS_SYN);
	memcpy(h + 20, c->opts, sizeof(c->opts));
	KUNIT_EXPECT_EQ(test, tcphs_parse_tcp(h, sizeof(h), sizeof(h), &seg),
			c->err);
	KUNIT_EXPECT_EQ(test, seg.opt.present, c->present);
	if (c->present & TCPHS_OPT_WSCALE)
		KUNIT_EXPECT_EQ(test, seg.opt.wscale, TCPHS_MAX_WSCALE);
}

struct hdr_case {
	const char *name;
	u8 doff;
	unsigned int avail;	/* bytes the caller hands in */
	unsigned int seg_len;	/* bytes the segment has */
	enum tcphs_parse_err err;
};

static const struct hdr_case hdr_cases[] = {
	{ "empty", 5, 0, 0, TCPHS_PARSE_SHORT },
	{ "19 bytes", 5, 19, 19, TCPHS_PARSE_SHORT },
	{ "20 bytes held, 19 in the segment", 5, 20, 19, TCPHS_PARSE_SHORT },
	{ "data offset 0", 0, 60, 60, TCPHS_PARSE_DOFF },
	{ "data offset 4", 4, 60, 60, TCPHS_PARSE_DOFF },
	{ "data offset 5", 5, 20, 20, TCPHS_PARSE_OK },
	{ "data offset 6 past a 20-byte segment", 6, 24, 20,
	  TCPHS_PARSE_DOFF },
	{ "data offset 15 in 60 bytes", 15, 60, 60, TCPHS_PARSE_OK },
	{ "data offset 15, 59 bytes held", 15, 59, 1000, TCPHS_PARSE_DOFF },
	{ "data offset 15, payload after", 15, 60, 1500, TCPHS_PARSE_OK },
};

static void hdr_case_desc(const struct hdr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse_hdr, hdr_cases, hdr_case_desc);

static void parse_hdr_test(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	u8 *h = kunit_kzalloc(test, TCPHS_TCP_MAX_HDR, GFP_KERNEL);
	struct tcphs_seg seg;

	KUNIT_ASSERT_NOT_NULL(test, h);
	memset(h + 20, TCPOPT_KIND_NOP, TCPHS_TCP_MAX_HDR - 20);
	h[12] = c->doff << 4;
	KUNIT_EXPECT_EQ(test, tcphs_parse_tcp(h, c->avail, c->seg_len, &seg),
			c->err);
	if (c->err == TCPHS_PARSE_OK)
		KUNIT_EXPECT_EQ(test, seg.payload_len, c->seg_len - c->doff * 4);
}

/* What parse_bounds_test writes after the 20-byte header. */
enum bounds_fill {
	FILL_MSS2,	/* every byte 2: MSS of length 2, malformed */
	FILL_NOP,	/* NOPs only: good */
	FILL_EXACT,	/* one unknown kind, as long as the options */
	FILL_OVER,	/* one unknown kind, a byte longer than the options */
	FILL_KIND_LAST,	/* NOPs, then a kind on the header's last byte */
	NR_FILLS
};

static const char *const fill_names[NR_FILLS] = {
	[FILL_MSS2] = "mss2", [FILL_NOP] = "nop", [FILL_EXACT] = "exact",
	[FILL_OVER] = "over", [FILL_KIND_LAST] = "kind_last",
};

/* RFC 9293 3.1 and parse.c's contract: what tcphs_parse_tcp() must say. */
static enum tcphs_parse_err bounds_want(unsigned int len, unsigned int doff,
					enum bounds_fill fill)
{
	unsigned int hdr_len = doff * 4;

	if (len < TCPHS_TCP_MIN_HDR)
		return TCPHS_PARSE_SHORT;
	if (hdr_len < TCPHS_TCP_MIN_HDR || hdr_len > len)
		return TCPHS_PARSE_DOFF;
	if (hdr_len == TCPHS_TCP_MIN_HDR)
		return TCPHS_PARSE_OK;	/* no options to be wrong */
	switch (fill) {
	case FILL_MSS2:
		return TCPHS_PARSE_OPT_LEN;
	case FILL_OVER:
	case FILL_KIND_LAST:
		return TCPHS_PARSE_OPT_TRUNC;
	default:
		return TCPHS_PARSE_OK;
	}
}

/* Builds the @len bytes of the segment's header into @buf. */
static void bounds_fill(u8 *buf, unsigned int len, unsigned int doff,
			enum bounds_fill fill)
{
	unsigned int hdr_len = doff * 4;

	memset(buf, fill == FILL_MSS2 ? 2 : TCPOPT_KIND_NOP, len);
	if (len > 12)
		buf[12] = doff << 4;
	if (hdr_len <= TCPHS_TCP_MIN_HDR || hdr_len > len)
		return;
	if (fill == FILL_EXACT || fill == FILL_OVER) {
		buf[20] = 99;
		buf[21] = hdr_len - TCPHS_TCP_MIN_HDR + (fill == FILL_OVER);
	} else if (fill == FILL_KIND_LAST) {
		buf[hdr_len - 1] = TCPOPT_KIND_MSS;
	}
}

/*
 * Parses the @len bytes bounds_fill() builds into @buf, in a segment of
 * @seg_len bytes. The parser must say what bounds_want() does and, where it
 * got as far as the data offset, give the header length and the payload
 * after it; a result that differs is counted in @bad, and the first few are
 * told.
 */
static void bounds_one(struct kunit *test, u8 *buf, unsigned int len,
		       unsigned int doff, enum bounds_fill fill,
		       unsigned int seg_len, unsigned int *bad)
{
	enum tcphs_parse_err err, want = bounds_want(len, doff, fill);
	unsigned int hdr_len = 0;
	struct tcphs_seg seg;

	bounds_fill(buf, len, doff, fill);
	err = tcphs_parse_tcp(buf, len, seg_len, &seg);
	if (want != TCPHS_PARSE_SHORT && want != TCPHS_PARSE_DOFF)
		hdr_len = doff * 4;
	if (err == want && seg.hdr_len == hdr_len &&
	    seg.payload_len == (hdr_len ? seg_len - hdr_len : 0))
		return;
	if ((*bad)++ < 8)
		kunit_err(test,
			  "len %u doff %u fill %s seg_len %u: err %d hdr_len %u payload_len %u, want err %d hdr_len %u\n",
			  len, doff, fill_names[fill], seg_len, err, seg.hdr_len,
			  seg.payload_len, want, hdr_len);
}

/*
 * Every length up to 60 bytes, every data offset and each fill, with the
 * segment ending where the bytes do and with 1000 bytes of payload after
 * them: the error class, the header length and the payload length. The
 * bytes are an exact-size KASAN-checked allocation, so the parser must also
 * never read past what it is handed.
 */
static void parse_bounds_test(struct kunit *test)
{
	unsigned int len, doff, fill, bad = 0;
	u8 *buf;

	for (len = 0; len <= TCPHS_TCP_MAX_HDR; len++) {
		buf = kmalloc(len ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		for (doff = 0; doff < 16; doff++) {
			for (fill = 0; fill < NR_FILLS; fill++) {
				bounds_one(test, buf, len, doff, fill, len,
					   &bad);
				bounds_one(test, buf, len, doff, fill,
					   len + 1000, &bad);
			}
		}
		kfree(buf);
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
}

static struct kunit_case tcphs_parse_cases[] = {
	KUNIT_CASE(parse_basic_test),
	KUNIT_CASE(parse_syn_options_test),
	KUNIT_CASE(parse_sack_blocks_test),
	KUNIT_CASE(parse_fastopen_test),
	KUNIT_CASE_PARAM(parse_opt_test, parse_opt_gen_params),
	KUNIT_CASE_PARAM(parse_hdr_test, parse_hdr_gen_params),
	KUNIT_CASE(parse_bounds_test),
	{}
};

static struct kunit_suite tcphs_parse_suite = {
	.name = "tcphs_parse",
	.test_cases = tcphs_parse_cases,
};

kunit_test_suite(tcphs_parse_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs TCP parsing");
