// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: proxy mode's rewrite engine (module/rewrite.c), on bare headers
 * and on skbs: sequence and acknowledgment numbers, SACK blocks and
 * timestamps in every option layout the proxy meets and in malformed ones,
 * the window's rescaling, and the mended checksum.
 *
 * Each rewrite is held against a model of its own (model_rewrite()): the
 * fields a case names moved by their amounts, everything else as it was,
 * and the check field as a full recompute by the kernel's csum_partial()
 * and csum_tcpudp_magic() or csum_ipv6_magic() gives it. The comparison is
 * exact, 0x0000 and 0xffff included, because it can be:
 *
 * - A full recompute never gives 0xffff: it is ~fold(S), with S the one's
 *   complement sum of the pseudo-header and segment, and a one's
 *   complement (end-around carry) sum of words not all zero is never +0;
 *   the pseudo-header's protocol word is 6.
 * - RFC 1624 eqn. 3 mends HC to ~fold(~HC + ~m + m'), congruent to the
 *   recompute modulo 0xffff. From an HC other than 0xffff, ~HC is at
 *   least 1, the sum is not 0, its fold is in [1, 0xffff], and HC' is in
 *   [0, 0xfffe] again.
 * - In [0, 0xfffe] each residue modulo 0xffff has one representative, so
 *   the mended field and the recompute are the same 16 bits.
 *
 * Only a check field that came in as 0xffff (the other zero, which no
 * sender computes) may stay so; rewrite_check_ffff_test shows that.
 */
#include <kunit/test.h>
#include <kunit/skbuff.h>
#include <linux/gfp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/prandom.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>

#include "rewrite.c"

/* The flag bits as RFC 9293 3.1 numbers them, not rewrite.c's names. */
#define T_FIN		0x01
#define T_SYN		0x02
#define T_RST		0x04
#define T_PSH		0x08
#define T_ACK		0x10

#define SEG_TAIL	7	/* payload after a case's header: odd length */
#define SKB_HEADROOM	32

/* One 32-bit field the rewrite must move, by the amount of its kind. */
enum field_kind { F_TSVAL, F_TSECR, F_SACK };

struct field {
	u8 at;			/* offset in the TCP header */
	u8 kind;		/* enum field_kind */
};

/* The addresses a checksum's pseudo-header holds. */
struct pseudo {
	bool v6;
	__be32 saddr;
	__be32 daddr;
	struct in6_addr saddr6;
	struct in6_addr daddr6;
};

static const struct pseudo ph4 = {
	.saddr = cpu_to_be32(0xc0000201),	/* 192.0.2.1 */
	.daddr = cpu_to_be32(0xc6336402),	/* 198.51.100.2 */
};

static const struct pseudo ph6 = {
	.v6 = true,
	.saddr6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 } },
	.daddr6 = { .s6_addr = { 0x20, 0x01, 0x0d, 0xb8, [14] = 0xff,
				 [15] = 2 } },
};

/* ---- checksums and the model -------------------------------------------- */

static u16 check_of(const u8 *seg)
{
	return get_unaligned_be16(seg + 16);
}

/* The TCP checksum over @len bytes at @seg, check field as it is: 0 if good. */
static u16 seg_csum(const struct pseudo *ph, const u8 *seg, unsigned int len)
{
	__wsum sum = csum_partial(seg, len, 0);
	__sum16 c;

	if (ph->v6)
		c = csum_ipv6_magic(&ph->saddr6, &ph->daddr6, len, IPPROTO_TCP,
				    sum);
	else
		c = csum_tcpudp_magic(ph->saddr, ph->daddr, len, IPPROTO_TCP,
				      sum);
	return get_unaligned_be16(&c);
}

/* The check field a full recompute gives the segment at @seg. */
static u16 full_check(const struct pseudo *ph, u8 *seg, unsigned int len)
{
	u16 saved = check_of(seg);
	u16 c;

	put_unaligned_be16(0, seg + 16);
	c = seg_csum(ph, seg, len);
	put_unaligned_be16(saved, seg + 16);
	return c;
}

/* What CHECKSUM_PARTIAL leaves in the check field: the pseudo-header sum. */
static u16 pseudo_field(const struct pseudo *ph, unsigned int len)
{
	__sum16 c;

	if (ph->v6)
		c = csum_ipv6_magic(&ph->saddr6, &ph->daddr6, len, IPPROTO_TCP,
				    0);
	else
		c = csum_tcpudp_magic(ph->saddr, ph->daddr, len, IPPROTO_TCP,
				      0);
	return (u16)~get_unaligned_be16(&c);
}

/* What a device completing a CHECKSUM_PARTIAL segment puts in its field. */
static u16 completed_check(const u8 *seg, unsigned int len)
{
	__sum16 c = csum_fold(csum_partial(seg, len, 0));

	return get_unaligned_be16(&c);
}

static u32 field_add(const struct tcphs_xlate *x, u8 kind)
{
	switch (kind) {
	case F_TSVAL:
		return x->tsval_add;
	case F_TSECR:
		return x->tsecr_add;
	default:
		return x->sack_add;
	}
}

/* RFC 7323 2.3 in bytes, rounded up to the new scale, at most 65535. */
static u16 model_rescale(u16 win, u8 from, u8 to)
{
	u32 bytes = (u32)win << from;

	return min_t(u32, DIV_ROUND_UP(bytes, 1U << to), U16_MAX);
}

/*
 * What the rewrite must make of the @len-byte segment at @seg, in place:
 * seq moved, ack too if ACK is set, the window rescaled unless SYN is, the
 * @nr option fields @f moved, and with @fix_check the check field a full
 * recompute gives. Nothing else changes.
 */
static void model_rewrite(const struct pseudo *ph, u8 *seg, unsigned int len,
			  const struct field *f, unsigned int nr,
			  const struct tcphs_xlate *x, bool fix_check)
{
	u8 flags = seg[13];
	unsigned int i;

	put_unaligned_be32(get_unaligned_be32(seg + 4) + x->seq_add, seg + 4);
	if (flags & T_ACK)
		put_unaligned_be32(get_unaligned_be32(seg + 8) + x->ack_add,
				   seg + 8);
	if (!(flags & T_SYN))
		put_unaligned_be16(model_rescale(get_unaligned_be16(seg + 14),
						 x->win_from, x->win_to),
				   seg + 14);
	for (i = 0; i < nr; i++)
		put_unaligned_be32(get_unaligned_be32(seg + f[i].at) +
				   field_add(x, f[i].kind), seg + f[i].at);
	if (fix_check)
		put_unaligned_be16(full_check(ph, seg, len), seg + 16);
}

/* The amounts that undo @x; the window only where rescaling is exact. */
static struct tcphs_xlate xlate_inverse(const struct tcphs_xlate *x)
{
	return (struct tcphs_xlate){
		.seq_add = -x->seq_add,
		.ack_add = -x->ack_add,
		.sack_add = -x->sack_add,
		.tsval_add = -x->tsval_add,
		.tsecr_add = -x->tsecr_add,
		.win_from = x->win_to,
		.win_to = x->win_from,
	};
}

/* One's complement addition of two 16-bit words. */
static u16 ones_add(u16 a, u16 b)
{
	u32 s = (u32)a + b;

	return (s & 0xffff) + (s >> 16);
}

/* ---- option layouts ----------------------------------------------------- */

struct opt_case {
	const char *name;
	u8 flags;
	u8 doff;
	u8 opts[40];		/* from [20]; the fields filled by the test */
	u8 tail[4];		/* the first payload bytes */
	u8 ts;			/* TSval's offset (TSecr's is 4 on), or 0 */
	u8 nr_sack;
	u8 sack[8];		/* the SACK edges' offsets */
};

static const struct opt_case opt_cases[] = {
	{ "no options", T_ACK, 5 },
	{ "SYN: MSS, SACK_PERM, TS, NOP, WS", T_SYN, 10,
	  { 2, 4, 5, 0xb4, 4, 2, 8, 10, [16] = 1, 3, 3, 7 },
	  {}, 28 },
	{ "SYN-ACK: MSS, SACK_PERM, TS, NOP, WS", T_SYN | T_ACK, 10,
	  { 2, 4, 5, 0xb4, 4, 2, 8, 10, [16] = 1, 3, 3, 7 },
	  {}, 28 },
	{ "SYN without TS: MSS, NOP, WS, NOP, NOP, SACK_PERM", T_SYN, 8,
	  { 2, 4, 5, 0xb4, 1, 3, 3, 7, 1, 1, 4, 2 } },
	{ "NOP, NOP, TS", T_ACK, 8, { 1, 1, 8, 10 }, {}, 24 },
	{ "TS, SACK of 1 block", T_ACK, 11,
	  { 1, 1, 8, 10, [12] = 1, 1, 5, 10 },
	  {}, 24, 2, { 36, 40 } },
	{ "TS, SACK of 2 blocks", T_ACK | T_PSH, 13,
	  { 1, 1, 8, 10, [12] = 1, 1, 5, 18 },
	  {}, 24, 4, { 36, 40, 44, 48 } },
	{ "TS, SACK of 3 blocks", T_ACK, 15,
	  { 1, 1, 8, 10, [12] = 1, 1, 5, 26 },
	  {}, 24, 6, { 36, 40, 44, 48, 52, 56 } },
	/* 10 + 34 bytes are more than 40: the SACK runs past the header. */
	{ "TS, then a 4-block SACK the header cannot hold", T_ACK, 15,
	  { 1, 1, 8, 10, [12] = 1, 1, 5, 34 },
	  {}, 24 },
	{ "SACK of 1 block, no TS", T_ACK, 8, { 1, 1, 5, 10 },
	  {}, 0, 2, { 24, 28 } },
	{ "SACK of 4 blocks, no TS", T_ACK, 14, { 1, 1, 5, 34 },
	  {}, 0, 8, { 24, 28, 32, 36, 40, 44, 48, 52 } },
	/* From here fields straddle 16-bit words: three words each. */
	{ "NOP, TS at an odd offset", T_ACK, 8, { 1, 8, 10, [11] = 1 },
	  {}, 23 },
	{ "NOP, TS, SACK of 2 blocks, all odd", T_ACK, 13,
	  { 1, 8, 10, [11] = 5, 18, [29] = 1, 1, 1 },
	  {}, 23, 4, { 33, 37, 41, 45 } },
	{ "3 NOPs, SACK of 1 block at an odd offset", T_ACK, 9,
	  { 1, 1, 1, 5, 10, [13] = 1, 1, 1 },
	  {}, 0, 2, { 25, 29 } },
	{ "unknown 3-byte option, TS at an odd offset", T_ACK, 9,
	  { 30, 3, 0x55, 8, 10, [13] = 1, 1, 1 },
	  {}, 25 },
	{ "MD5 signature, TS", T_ACK, 12, { 19, 18, [18] = 8, 10 },
	  {}, 40 },
	{ "SACK with no block, TS", T_ACK, 8, { 5, 2, 8, 10 },
	  {}, 24 },
	{ "TS of length 6 skipped, SACK after it", T_ACK, 10,
	  { 8, 6, [6] = 5, 10, [16] = 1, 1, 1, 1 },
	  {}, 0, 2, { 28, 32 } },
	{ "all NOPs", T_ACK, 15, { [0 ... 39] = 1 } },
	/* The walk ends early: what follows, even a TS, stays. */
	{ "EOL before TS", T_ACK, 8, { 0, 0, 8, 10 } },
	{ "TS, EOL, then a SACK that is no option", T_ACK, 11,
	  { 1, 1, 8, 10, [12] = 0, 5, 10, [23] = 1 },
	  {}, 24 },
	{ "length 0 ends the walk before TS", T_ACK, 9,
	  { 30, 0, 1, 1, 8, 10, [14] = 1, 1 } },
	{ "length 1 ends the walk before TS", T_ACK, 9,
	  { 30, 1, 1, 1, 8, 10, [14] = 1, 1 } },
	{ "SACK of length 0 ends the walk before TS", T_ACK, 9,
	  { 5, 0, 1, 1, 8, 10, [14] = 1, 1 } },
	{ "TS longer than the header", T_ACK, 7, { 1, 1, 1, 1, 8, 10 } },
	{ "SACK longer than the header", T_ACK, 8, { 1, 1, 5, 18 } },
	{ "kind on the header's last byte", T_ACK, 6, { 1, 1, 1, 8 },
	  { 10 } },
};

static void opt_case_desc(const struct opt_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rewrite_opt, opt_cases, opt_case_desc);

/* Nonzero amounts that carry and wrap; one rescales, one does not. */
static const struct tcphs_xlate opt_xlates[] = {
	{ .seq_add = 0x20, .ack_add = 0x80000010, .sack_add = 0x7fffff01,
	  .tsval_add = 0x10, .tsecr_add = 0xfffffff0, .win_from = 2,
	  .win_to = 7 },
	{ .seq_add = 0xfedcba98, .ack_add = 1, .sack_add = 0x01234567,
	  .tsval_add = 0x89abcdef, .tsecr_add = 1, .win_from = 7,
	  .win_to = 7 },
};

/* The fields @c names, as the model takes them: how many into @f[10]. */
static unsigned int opt_fields(const struct opt_case *c, struct field *f)
{
	unsigned int nr = 0, i;

	if (c->ts) {
		f[nr++] = (struct field){ c->ts, F_TSVAL };
		f[nr++] = (struct field){ c->ts + 4, F_TSECR };
	}
	for (i = 0; i < c->nr_sack; i++)
		f[nr++] = (struct field){ c->sack[i], F_SACK };
	return nr;
}

static unsigned int opt_seg_len(const struct opt_case *c)
{
	return c->doff * 4 + SEG_TAIL;
}

/*
 * The segment of @c into @seg (opt_seg_len() bytes): ports 1234 -> 80,
 * seq 0xfffffff0, ack 0x7ffffff8, window 0x1234, the options, each field a
 * value near 2^32, a payload, and the check field for @ph.
 */
static void opt_seg(const struct opt_case *c, const struct pseudo *ph,
		    u8 *seg)
{
	static const u8 base[20] = {
		0x04, 0xd2, 0x00, 0x50, 0xff, 0xff, 0xff, 0xf0,
		0x7f, 0xff, 0xff, 0xf8, 0x00, 0x00, 0x12, 0x34,
		0x00, 0x00, 0x00, 0x00,
	};
	unsigned int hdr_len = c->doff * 4, nr, i;
	struct field f[10];

	memcpy(seg, base, sizeof(base));
	seg[12] = c->doff << 4;
	seg[13] = c->flags;
	memcpy(seg + 20, c->opts, hdr_len - 20);
	nr = opt_fields(c, f);
	for (i = 0; i < nr; i++)
		put_unaligned_be32(0xfffffff8 - 0x01010101 * i, seg + f[i].at);
	for (i = 0; i < SEG_TAIL; i++)
		seg[hdr_len + i] = i < sizeof(c->tail) ? c->tail[i] : 0xa0 + i;
	put_unaligned_be16(full_check(ph, seg, opt_seg_len(c)), seg + 16);
}

/*
 * Each layout with each set of amounts, check mended or not: the segment
 * as the model has it, and with the check mended, a segment that verifies.
 * Twice: with the payload after the header, which must stay as it is, and
 * with the header alone in an allocation of its size, so that KASAN sees
 * any access past its end.
 */
static void rewrite_opt_test(struct kunit *test)
{
	const struct opt_case *c = test->param_value;
	unsigned int len = opt_seg_len(c), hdr_len = c->doff * 4, i, fix, nr;
	const struct tcphs_xlate *x;
	u8 *orig, *seg, *want, *hdr;
	struct field f[10];

	orig = kunit_kmalloc(test, len, GFP_KERNEL);
	seg = kunit_kmalloc(test, len, GFP_KERNEL);
	want = kunit_kmalloc(test, len, GFP_KERNEL);
	hdr = kunit_kmalloc(test, hdr_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, orig);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, hdr);
	opt_seg(c, &ph4, orig);
	nr = opt_fields(c, f);
	KUNIT_ASSERT_EQ(test, seg_csum(&ph4, orig, len), 0);

	for (i = 0; i < ARRAY_SIZE(opt_xlates); i++) {
		x = &opt_xlates[i];
		for (fix = 0; fix < 2; fix++) {
			memcpy(want, orig, len);
			model_rewrite(&ph4, want, len, f, nr, x, fix);

			memcpy(seg, orig, len);
			KUNIT_EXPECT_TRUE(test, tcphs_rewrite(seg, len, x, fix));
			KUNIT_EXPECT_MEMEQ_MSG(test, seg, want, len,
					       "amounts %u, fix_check %u", i,
					       fix);
			if (fix)
				KUNIT_EXPECT_EQ_MSG(test,
						    seg_csum(&ph4, seg, len), 0,
						    "amounts %u", i);
			else
				KUNIT_EXPECT_EQ(test, check_of(seg),
						check_of(orig));

			memcpy(hdr, orig, hdr_len);
			KUNIT_EXPECT_TRUE(test,
					  tcphs_rewrite(hdr, hdr_len, x, fix));
			KUNIT_EXPECT_MEMEQ_MSG(test, hdr, want, hdr_len,
					       "header alone, amounts %u, fix_check %u",
					       i, fix);
		}
	}
}

/* ---- the fixed header: seq, ack, window --------------------------------- */

struct hdr_case {
	const char *name;
	u8 flags;
	u32 seq, ack;
	u16 win;
	struct tcphs_xlate x;
	u32 want_seq, want_ack;
	u16 want_win;
};

static const struct hdr_case hdr_cases[] = {
	{ "seq wraps past 2^32", T_ACK, 0xfffffff0, 5, 100,
	  { .seq_add = 0x20, .ack_add = 0xfffffffb },
	  0x10, 0, 100 },
	{ "ack wraps past 2^32", T_ACK, 7, 0xffffffff, 100,
	  { .seq_add = 1, .ack_add = 1 },
	  8, 0, 100 },
	{ "adding 2^32 - 100 takes 100 away", T_ACK | T_PSH, 100, 1000, 100,
	  { .seq_add = -100u, .ack_add = -1000u },
	  0, 0, 100 },
	{ "SYN: no ACK, ack untouched", T_SYN, 1, 0x12345678, 64240,
	  { .seq_add = 0x1000, .ack_add = 0x1000 },
	  0x1001, 0x12345678, 64240 },
	{ "RST without ACK: ack untouched", T_RST, 1, 0x12345678, 0,
	  { .seq_add = 0x1000, .ack_add = 0x1000 },
	  0x1001, 0x12345678, 0 },
	{ "no flags: ack untouched", 0, 0xffffffff, 0xffffffff, 10,
	  { .seq_add = 2, .ack_add = 2 },
	  1, 0xffffffff, 10 },
	{ "SYN-ACK: ack moves, window does not rescale", T_SYN | T_ACK,
	  5, 6, 65535, { .seq_add = 1, .ack_add = 1, .win_to = 7 },
	  6, 7, 65535 },
	{ "SYN: window does not rescale", T_SYN, 5, 0, 1000,
	  { .seq_add = 1, .win_to = 7 },
	  6, 0, 1000 },
	{ "ACK: window rounds up", T_ACK, 5, 6, 1000,
	  { .win_from = 0, .win_to = 7 },
	  5, 6, 8 },
	{ "ACK: one byte of window is not 0", T_ACK | T_FIN, 5, 6, 1,
	  { .win_from = 0, .win_to = 14 },
	  5, 6, 1 },
	{ "ACK: window clamped at 65535", T_ACK, 5, 6, 600,
	  { .win_from = 7, .win_to = 0 },
	  5, 6, 65535 },
	{ "ACK: equal shifts leave the window", T_ACK, 5, 6, 1000,
	  { .seq_add = 3, .win_from = 7, .win_to = 7 },
	  8, 6, 1000 },
	{ "zero amounts leave the header", T_ACK, 5, 6, 1000, {},
	  5, 6, 1000 },
};

static void hdr_case_desc(const struct hdr_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rewrite_hdr, hdr_cases, hdr_case_desc);

/* Numbers checked against the case, the rest against the model (IPv6). */
static void rewrite_hdr_test(struct kunit *test)
{
	const struct hdr_case *c = test->param_value;
	u8 seg[20 + SEG_TAIL], want[sizeof(seg)];
	unsigned int i;

	for (i = 0; i < sizeof(seg); i++)
		seg[i] = 0x11 * i;
	put_unaligned_be32(c->seq, seg + 4);
	put_unaligned_be32(c->ack, seg + 8);
	seg[12] = 5 << 4;
	seg[13] = c->flags;
	put_unaligned_be16(c->win, seg + 14);
	put_unaligned_be16(full_check(&ph6, seg, sizeof(seg)), seg + 16);
	memcpy(want, seg, sizeof(seg));
	model_rewrite(&ph6, want, sizeof(want), NULL, 0, &c->x, true);

	KUNIT_ASSERT_TRUE(test, tcphs_rewrite(seg, sizeof(seg), &c->x, true));
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(seg + 4), c->want_seq);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(seg + 8), c->want_ack);
	KUNIT_EXPECT_EQ(test, get_unaligned_be16(seg + 14), c->want_win);
	KUNIT_EXPECT_MEMEQ(test, seg, want, sizeof(seg));
	KUNIT_EXPECT_EQ(test, seg_csum(&ph6, seg, sizeof(seg)), 0);
}

/* ---- tcphs_rescale() ---------------------------------------------------- */

struct rescale_case {
	u16 win;
	u8 from, to;
	u16 want;
};

static const struct rescale_case rescale_cases[] = {
	{ 1000, 0, 7, 8 },		/* 7.8 rounds up */
	{ 128, 0, 7, 1 },		/* exact */
	{ 129, 0, 7, 2 },
	{ 1, 0, 7, 1 },			/* never 0 from a window */
	{ 0, 0, 7, 0 },
	{ 100, 7, 2, 3200 },
	{ 511, 7, 0, 65408 },
	{ 512, 7, 0, 65535 },		/* 65536 clamped */
	{ 600, 7, 0, 65535 },
	{ 3, 14, 0, 49152 },
	{ 4, 14, 0, 65535 },
	{ 65535, 14, 0, 65535 },
	{ 65535, 0, 14, 4 },		/* 3.99994 */
	{ 65535, 3, 5, 16384 },		/* 16383.75 */
	{ 65535, 14, 14, 65535 },
	{ 5, 2, 2, 5 },
};

static void rescale_case_desc(const struct rescale_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u from %u to %u", c->win,
		 c->from, c->to);
}

KUNIT_ARRAY_PARAM(rewrite_rescale, rescale_cases, rescale_case_desc);

static void rewrite_rescale_test(struct kunit *test)
{
	const struct rescale_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcphs_rescale(c->win, c->from, c->to), c->want);
}

/* ---- the check field's two zeros ---------------------------------------- */

/* NOP NOP TS, the TS fields 0: the header the next two tests start from. */
static void zero_seg(const struct pseudo *ph, u8 *seg, unsigned int len)
{
	static const u8 h[24] = {
		0x9c, 0x40, 0x01, 0xbb, 0x00, 0x00, 0x10, 0x00,
		0x00, 0x00, 0x20, 0x00, 0x80, T_ACK, 0x01, 0x00,
		0x00, 0x00, 0x00, 0x00, 1, 1, 8, 10,
	};

	memset(seg, 0, len);
	memcpy(seg, h, sizeof(h));
	put_unaligned_be16(full_check(ph, seg, len), seg + 16);
}

/*
 * Move the checksum to 0 (a recompute's zero) by the urgent pointer, the
 * one word of the header nothing rewrites: adding its check field C to it
 * makes the sum ~C + C, all ones.
 */
static void zero_by_urg(const struct pseudo *ph, u8 *seg, unsigned int len,
			u16 c)
{
	put_unaligned_be16(ones_add(get_unaligned_be16(seg + 18), c), seg + 18);
	put_unaligned_be16(full_check(ph, seg, len), seg + 16);
}

static const struct tcphs_xlate zero_x = {
	.seq_add = 0x12345, .ack_add = 0xfff00000, .tsval_add = 0xabcdef,
	.tsecr_add = 0x77, .win_from = 0, .win_to = 3,
};

static const struct field zero_f[] = { { 24, F_TSVAL }, { 28, F_TSECR } };

/*
 * A segment whose check is 0 before the rewrite, and one whose check is 0
 * after it: the mend gives 0 there too, not 0xffff.
 */
static void rewrite_check_zero_test(struct kunit *test)
{
	u8 seg[32 + 3], want[sizeof(seg)];

	zero_seg(&ph4, seg, sizeof(seg));
	zero_by_urg(&ph4, seg, sizeof(seg), check_of(seg));
	KUNIT_ASSERT_EQ(test, check_of(seg), 0);
	memcpy(want, seg, sizeof(seg));
	model_rewrite(&ph4, want, sizeof(want), zero_f, 2, &zero_x, true);
	KUNIT_ASSERT_TRUE(test, tcphs_rewrite(seg, sizeof(seg), &zero_x, true));
	KUNIT_EXPECT_MEMEQ(test, seg, want, sizeof(seg));

	/* Now the urgent pointer that makes the rewritten check 0. */
	zero_seg(&ph4, seg, sizeof(seg));
	memcpy(want, seg, sizeof(seg));
	model_rewrite(&ph4, want, sizeof(want), zero_f, 2, &zero_x, true);
	zero_by_urg(&ph4, seg, sizeof(seg), check_of(want));
	memcpy(want, seg, sizeof(seg));
	model_rewrite(&ph4, want, sizeof(want), zero_f, 2, &zero_x, true);
	KUNIT_ASSERT_EQ(test, check_of(want), 0);
	KUNIT_ASSERT_NE(test, check_of(seg), 0);
	KUNIT_ASSERT_TRUE(test, tcphs_rewrite(seg, sizeof(seg), &zero_x, true));
	KUNIT_EXPECT_EQ(test, check_of(seg), 0);
	KUNIT_EXPECT_MEMEQ(test, seg, want, sizeof(seg));
}

/*
 * A check field of 0xffff where the recompute gives 0: the same one's
 * complement zero, so the segment verifies either way (adding 0xffff to a
 * nonzero sum changes nothing). Mended, the field leaves 0xffff as soon as
 * one mend's sum ~HC + ~m + m' is not 0, which any changed word but 0xffff
 * -> 0x0000 gives (here seq's first word, 0x0000 -> 0x0001): from there on it is
 * the recompute, bit for bit.
 */
static void rewrite_check_ffff_test(struct kunit *test)
{
	u8 seg[32 + 3], want[sizeof(seg)];

	zero_seg(&ph6, seg, sizeof(seg));
	zero_by_urg(&ph6, seg, sizeof(seg), check_of(seg));
	KUNIT_ASSERT_EQ(test, check_of(seg), 0);
	put_unaligned_be16(0xffff, seg + 16);
	KUNIT_EXPECT_EQ(test, seg_csum(&ph6, seg, sizeof(seg)), 0);
	memcpy(want, seg, sizeof(seg));
	model_rewrite(&ph6, want, sizeof(want), zero_f, 2, &zero_x, true);
	KUNIT_ASSERT_TRUE(test, tcphs_rewrite(seg, sizeof(seg), &zero_x, true));
	KUNIT_EXPECT_EQ(test, seg_csum(&ph6, seg, sizeof(seg)), 0);
	KUNIT_EXPECT_MEMEQ(test, seg, want, sizeof(seg));
}

/* ---- what tcphs_rewrite() refuses --------------------------------------- */

enum bounds_fill {
	FILL_NOP,	/* NOPs: a walk to the end */
	FILL_SACK5,	/* kind 5 length 5: SACKs with no block */
	FILL_TS,	/* TS after TS, the last cut short by the header */
	FILL_FF,	/* kind 255 length 255: longer than any header */
	FILL_RANDOM,
	NR_BOUNDS_FILLS
};

static void bounds_fill(u8 *buf, unsigned int len, unsigned int doff,
			enum bounds_fill fill, struct rnd_state *rnd)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		switch (fill) {
		case FILL_NOP:
			buf[i] = 1;
			break;
		case FILL_SACK5:
			buf[i] = 5;
			break;
		case FILL_TS:
			buf[i] = i < 20 || (i - 20) % 10 > 1 ? 0x5a :
				 (i - 20) % 10 ? 10 : 8;
			break;
		case FILL_FF:
			buf[i] = 0xff;
			break;
		default:
			buf[i] = prandom_u32_state(rnd);
		}
	}
	if (len > 12)
		buf[12] = doff << 4 | (buf[12] & 0xf);
}

/*
 * Every length up to 60 bytes, every data offset: false iff the header
 * does not fit (len < 20, doff * 4 < 20 or > len), and then not a byte
 * changed; true, not a byte past doff * 4 changed, and with fix_check the
 * one's complement sum of the bytes as it was. The bytes are an exact-size
 * allocation: KASAN sees an access past them.
 */
static void rewrite_bounds_test(struct kunit *test)
{
	static const struct tcphs_xlate x = {
		.seq_add = 0x01020304, .ack_add = 0x05060708,
		.sack_add = 0x090a0b0c, .tsval_add = 0x0d0e0f10,
		.tsecr_add = 0x11121314, .win_from = 1, .win_to = 5,
	};
	unsigned int len, doff, fill, fix, hdr_len, bad = 0;
	struct rnd_state rnd;
	u8 *buf, orig[60];
	bool ok, want;

	prandom_seed_state(&rnd, 0x626f756e6473ULL);
	for (len = 0; len <= sizeof(orig); len++) {
		buf = kmalloc(len ?: 1, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, buf);
		for (doff = 0; doff < 16; doff++) {
			hdr_len = doff * 4;
			want = len >= 20 && hdr_len >= 20 && hdr_len <= len;
			for (fill = 0; fill < NR_BOUNDS_FILLS; fill++) {
				for (fix = 0; fix < 2; fix++) {
					bounds_fill(orig, len, doff, fill, &rnd);
					memcpy(buf, orig, len);
					ok = tcphs_rewrite(buf, len, &x, fix);
					if (ok == want &&
					    !memcmp(buf + (ok ? hdr_len : 0),
						    orig + (ok ? hdr_len : 0),
						    len - (ok ? hdr_len : 0)) &&
					    (!fix ||
					     seg_csum(&ph4, buf, len) ==
					     seg_csum(&ph4, orig, len)))
						continue;
					if (bad++ < 8)
						kunit_err(test,
							  "len %u doff %u fill %u fix %u: %d, want %d\n",
							  len, doff, fill, fix, ok,
							  want);
				}
			}
		}
		kfree(buf);
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
}

/* ---- skbs --------------------------------------------------------------- */

struct skb_case {
	const char *name;
	bool v6;
	u8 l2_len;		/* bytes before the network header */
	u8 ext_len;		/* IPv4 options or an IPv6 hop-by-hop header */
	u8 ip_summed;
	u8 linear_tcp;		/* TCP bytes in the linear part; 0: all */
	bool clone;		/* rewrite a clone: the original must stay */
};

static const struct skb_case skb_cases[] = {
	{ "IPv4", false, 0, 0, CHECKSUM_NONE },
	{ "IPv4 with 4 bytes of IP options", false, 0, 4, CHECKSUM_NONE },
	{ "IPv4 behind 14 bytes of Ethernet", false, 14, 0, CHECKSUM_NONE },
	{ "IPv4 CHECKSUM_PARTIAL", false, 0, 0, CHECKSUM_PARTIAL },
	{ "IPv4 CHECKSUM_COMPLETE", false, 14, 0, CHECKSUM_COMPLETE },
	{ "IPv4 CHECKSUM_UNNECESSARY", false, 0, 0, CHECKSUM_UNNECESSARY },
	{ "IPv4, TCP header in a page fragment", false, 0, 0, CHECKSUM_NONE,
	  7 },
	{ "IPv4 clone", false, 0, 0, CHECKSUM_NONE, 0, true },
	{ "IPv4 clone, CHECKSUM_PARTIAL, in a fragment", false, 0, 0,
	  CHECKSUM_PARTIAL, 1, true },
	{ "IPv6", true, 0, 0, CHECKSUM_NONE },
	{ "IPv6 with a hop-by-hop header", true, 0, 8, CHECKSUM_NONE },
	{ "IPv6 CHECKSUM_PARTIAL", true, 14, 0, CHECKSUM_PARTIAL },
	{ "IPv6 CHECKSUM_COMPLETE", true, 0, 8, CHECKSUM_COMPLETE },
	{ "IPv6, TCP header in a page fragment", true, 0, 0, CHECKSUM_NONE,
	  20 },
	{ "IPv6 clone", true, 14, 0, CHECKSUM_NONE, 0, true },
};

static void skb_case_desc(const struct skb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rewrite_skb, skb_cases, skb_case_desc);

static unsigned int nh_len(const struct skb_case *sc)
{
	return (sc->v6 ? sizeof(struct ipv6hdr) : sizeof(struct iphdr)) +
	       sc->ext_len;
}

/*
 * The frame of @sc around the @seg_len-byte segment @seg into @frame: L2
 * filler, the IP header (and its options or extension header), and the
 * segment with the check field its ip_summed calls for.
 */
static void build_frame(const struct skb_case *sc, const u8 *seg,
			unsigned int seg_len, u8 *frame)
{
	const struct pseudo *ph = sc->v6 ? &ph6 : &ph4;
	u8 *nh = frame + sc->l2_len, *th = nh + nh_len(sc);

	memset(frame, 0xee, sc->l2_len);
	memset(nh, 0, nh_len(sc));
	if (sc->v6) {
		struct ipv6hdr *ip6h = (struct ipv6hdr *)nh;

		ip6h->version = 6;
		ip6h->payload_len = htons(sc->ext_len + seg_len);
		ip6h->nexthdr = sc->ext_len ? NEXTHDR_HOP : IPPROTO_TCP;
		ip6h->hop_limit = 64;
		ip6h->saddr = ph->saddr6;
		ip6h->daddr = ph->daddr6;
		if (sc->ext_len) {	/* next TCP, PadN of 4 */
			nh[40] = IPPROTO_TCP;
			nh[42] = 1;
			nh[43] = 4;
		}
	} else {
		struct iphdr *iph = (struct iphdr *)nh;

		iph->version = 4;
		iph->ihl = nh_len(sc) / 4;
		iph->tot_len = htons(nh_len(sc) + seg_len);
		iph->ttl = 64;
		iph->protocol = IPPROTO_TCP;
		iph->saddr = ph->saddr;
		iph->daddr = ph->daddr;
		memset(nh + 20, 1, sc->ext_len - !!sc->ext_len);	/* NOPs, EOL */
		iph->check = ip_fast_csum(iph, iph->ihl);
	}
	memcpy(th, seg, seg_len);
	if (sc->ip_summed == CHECKSUM_PARTIAL)
		put_unaligned_be16(pseudo_field(ph, seg_len), th + 16);
	else
		put_unaligned_be16(full_check(ph, th, seg_len), th + 16);
}

/*
 * An skb of the @len-byte @frame, freed when the test ends: linear but for
 * what comes after the first linear_tcp bytes of TCP, which go to a page.
 */
static struct sk_buff *frame_skb(struct kunit *test,
				 const struct skb_case *sc, const u8 *frame,
				 unsigned int len)
{
	unsigned int tcp_off = sc->l2_len + nh_len(sc);
	unsigned int lin = sc->linear_tcp ? tcp_off + sc->linear_tcp : len;
	struct sk_buff *skb = alloc_skb(SKB_HEADROOM + lin, GFP_KERNEL);
	struct page *page;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							kunit_action_kfree_skb,
							skb), 0);
	skb_reserve(skb, SKB_HEADROOM);
	skb_put_data(skb, frame, lin);
	if (lin < len) {
		page = alloc_page(GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, page);
		memcpy(page_address(page), frame + lin, len - lin);
		skb_add_rx_frag(skb, 0, page, 0, len - lin, PAGE_SIZE);
	}
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, sc->l2_len);
	skb_set_transport_header(skb, tcp_off);
	skb->protocol = htons(sc->v6 ? ETH_P_IPV6 : ETH_P_IP);
	skb->ip_summed = sc->ip_summed;
	if (sc->ip_summed == CHECKSUM_PARTIAL) {
		skb->csum_start = skb_headroom(skb) + tcp_off;
		skb->csum_offset = 16;
	} else if (sc->ip_summed == CHECKSUM_COMPLETE) {
		skb->csum = skb_checksum(skb, sc->l2_len, len - sc->l2_len, 0);
	}
	return skb;
}

/*
 * One layout in one skb: the frame after tcphs_rewrite_skb() is the model's
 * (the check mended, or with CHECKSUM_PARTIAL left to the device), the TCP
 * header now linear, and the segment verifies: as it is, or once completed.
 * With CHECKSUM_COMPLETE, skb->csum stays the packet's sum: the mend keeps
 * the segment's. A clone is rewritten in a copy of its own.
 */
static void skb_one(struct kunit *test, const struct skb_case *sc,
		    const struct opt_case *c)
{
	const struct pseudo *ph = sc->v6 ? &ph6 : &ph4;
	const struct tcphs_xlate *x = &opt_xlates[0];
	unsigned int seg_len = opt_seg_len(c), hdr_len = c->doff * 4;
	unsigned int tcp_off = sc->l2_len + nh_len(sc);
	unsigned int len = tcp_off + seg_len;
	bool partial = sc->ip_summed == CHECKSUM_PARTIAL;
	u8 *seg, *frame, *want, *out;
	struct sk_buff *skb, *target;
	struct field f[10];

	seg = kunit_kmalloc(test, seg_len, GFP_KERNEL);
	frame = kunit_kmalloc(test, len, GFP_KERNEL);
	want = kunit_kmalloc(test, len, GFP_KERNEL);
	out = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, want);
	KUNIT_ASSERT_NOT_NULL(test, out);
	opt_seg(c, ph, seg);
	build_frame(sc, seg, seg_len, frame);
	memcpy(want, frame, len);
	model_rewrite(ph, want + tcp_off, seg_len, f, opt_fields(c, f), x,
		      !partial);

	skb = frame_skb(test, sc, frame, len);
	target = skb;
	if (sc->clone) {
		target = skb_clone(skb, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, target);
		KUNIT_ASSERT_EQ(test,
				kunit_add_action_or_reset(test,
							  kunit_action_kfree_skb,
							  target), 0);
	}
	KUNIT_EXPECT_TRUE_MSG(test, tcphs_rewrite_skb(target, nh_len(sc),
						      hdr_len, x),
			      "%s", c->name);
	KUNIT_ASSERT_EQ(test, target->len, len);
	KUNIT_EXPECT_GE_MSG(test, skb_headlen(target), tcp_off + hdr_len,
			    "%s", c->name);
	KUNIT_ASSERT_EQ(test, skb_copy_bits(target, 0, out, len), 0);
	KUNIT_EXPECT_MEMEQ_MSG(test, out, want, len, "%s", c->name);
	if (partial) {
		KUNIT_EXPECT_EQ_MSG(test, check_of(out + tcp_off),
				    pseudo_field(ph, seg_len), "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, completed_check(out + tcp_off,
							  seg_len),
				    full_check(ph, out + tcp_off, seg_len),
				    "%s", c->name);
	} else {
		KUNIT_EXPECT_EQ_MSG(test, seg_csum(ph, out + tcp_off, seg_len),
				    0, "%s", c->name);
	}
	if (sc->ip_summed == CHECKSUM_COMPLETE)
		KUNIT_EXPECT_EQ_MSG(test,
				    csum_fold(skb_checksum(target, sc->l2_len,
							   len - sc->l2_len,
							   0)),
				    csum_fold(target->csum), "%s", c->name);
	if (sc->clone) {
		KUNIT_EXPECT_PTR_NE(test, target->head, skb->head);
		KUNIT_ASSERT_EQ(test, skb_copy_bits(skb, 0, out, len), 0);
		KUNIT_EXPECT_MEMEQ_MSG(test, out, frame, len,
				       "original of %s", c->name);
		kunit_kfree_skb(test, target);
	}
	kunit_kfree_skb(test, skb);
	kunit_kfree(test, out);
	kunit_kfree(test, want);
	kunit_kfree(test, frame);
	kunit_kfree(test, seg);
}

/* Every option layout in each kind of skb. */
static void rewrite_skb_test(struct kunit *test)
{
	const struct skb_case *sc = test->param_value;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(opt_cases); i++)
		skb_one(test, sc, &opt_cases[i]);
}

/* A header the skb does not hold in full: refused, the bytes as they were. */
static void rewrite_skb_short_test(struct kunit *test)
{
	static const struct skb_case sc = { "short", false };
	const struct opt_case *c = &opt_cases[5];	/* TS, 1 SACK block */
	unsigned int seg_len = opt_seg_len(c), len = 20 + seg_len;
	u8 *seg, *frame, *out;
	struct sk_buff *skb;

	seg = kunit_kmalloc(test, seg_len, GFP_KERNEL);
	frame = kunit_kmalloc(test, len, GFP_KERNEL);
	out = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_ASSERT_NOT_NULL(test, out);
	opt_seg(c, &ph4, seg);
	build_frame(&sc, seg, seg_len, frame);
	skb = frame_skb(test, &sc, frame, len - seg_len + 30);
	KUNIT_EXPECT_FALSE(test, tcphs_rewrite_skb(skb, 20, c->doff * 4,
						   &opt_xlates[0]));
	KUNIT_ASSERT_EQ(test, skb->len, len - seg_len + 30);
	KUNIT_EXPECT_MEMEQ(test, skb->data, frame, skb->len);
	/* A header length that does not fit the data offset. */
	skb = frame_skb(test, &sc, frame, len);
	KUNIT_EXPECT_FALSE(test, tcphs_rewrite_skb(skb, 20, 40,
						   &opt_xlates[0]));
	KUNIT_EXPECT_MEMEQ(test, skb->data, frame, len);
}

/* ---- random headers ----------------------------------------------------- */

#define RANDOM_SEGS	3000
#define RANDOM_MAX_FIELDS 16

struct rnd_seg {
	u8 buf[60 + 40];
	unsigned int len;
	unsigned int nr;
	struct field f[RANDOM_MAX_FIELDS];
	struct pseudo ph;
};

static u32 rnd32(struct rnd_state *rnd)
{
	return prandom_u32_state(rnd);
}

static void rnd_field(struct rnd_seg *s, unsigned int at, u8 kind)
{
	if (!WARN_ON_ONCE(s->nr >= RANDOM_MAX_FIELDS))
		s->f[s->nr++] = (struct field){ at, kind };
}

/*
 * Options from @h[20] to @h[hdr_len]: NOPs, TS, SACKs of 1 to 4 blocks,
 * MSS, WS, SACK_PERM, unknown kinds of any length that fits, and perhaps
 * EOL with anything after it. Each TS and SACK field goes to @s->f.
 */
static void rnd_options(struct rnd_seg *s, unsigned int hdr_len,
			struct rnd_state *rnd)
{
	unsigned int off = 20, room, n, i;
	u8 *h = s->buf;

	while (off < hdr_len) {
		room = hdr_len - off;
		switch (rnd32(rnd) % 8) {
		case 1:
			if (room < 10)
				break;
			h[off] = 8;
			h[off + 1] = 10;
			rnd_field(s, off + 2, F_TSVAL);
			rnd_field(s, off + 6, F_TSECR);
			off += 10;
			continue;
		case 2:
			for (n = 1 + rnd32(rnd) % 4; n && 2 + 8 * n > room; n--)
				;
			if (!n)
				break;
			h[off] = 5;
			h[off + 1] = 2 + 8 * n;
			for (i = 0; i < 2 * n; i++)
				rnd_field(s, off + 2 + 4 * i, F_SACK);
			off += 2 + 8 * n;
			continue;
		case 3:
			if (room < 4)
				break;
			h[off] = 2;
			h[off + 1] = 4;
			off += 4;
			continue;
		case 4:
			if (room < 3)
				break;
			h[off] = 3;
			h[off + 1] = 3;
			h[off + 2] %= 15;
			off += 3;
			continue;
		case 5:
			if (room < 2)
				break;
			h[off] = 4;
			h[off + 1] = 2;
			off += 2;
			continue;
		case 6:
			if (room < 2)
				break;
			if (h[off] <= 1 || h[off] == 5 || h[off] == 8)
				h[off] = 254;
			h[off + 1] = 2 + rnd32(rnd) % (room - 1);
			off += h[off + 1];
			continue;
		case 7:
			if (rnd32(rnd) % 4)
				break;
			h[off] = 0;	/* EOL; the rest stays random */
			return;
		}
		h[off++] = 1;
	}
}

/* A random header with random options, a payload and its check field. */
static void rnd_seg(struct rnd_seg *s, struct rnd_state *rnd)
{
	unsigned int doff = 5 + rnd32(rnd) % 11;

	prandom_bytes_state(rnd, s->buf, sizeof(s->buf));
	s->len = doff * 4 + rnd32(rnd) % 41;
	s->nr = 0;
	s->buf[12] = doff << 4 | (s->buf[12] & 0xf);
	rnd_options(s, doff * 4, rnd);
	s->ph.v6 = rnd32(rnd) & 1;
	prandom_bytes_state(rnd, &s->ph.saddr6, sizeof(s->ph.saddr6));
	prandom_bytes_state(rnd, &s->ph.daddr6, sizeof(s->ph.daddr6));
	s->ph.saddr = s->ph.saddr6.s6_addr32[0];
	s->ph.daddr = s->ph.daddr6.s6_addr32[1];
	put_unaligned_be16(full_check(&s->ph, s->buf, s->len), s->buf + 16);
}

static u32 rnd_add(struct rnd_state *rnd)
{
	return rnd32(rnd) % 4 ? rnd32(rnd) : 0;
}

/*
 * Random headers, options and amounts: the model's bytes after the
 * rewrite, a segment that verifies, and after the rewrite by the negated
 * amounts and swapped shifts the very bytes of the start, where the window
 * comes back (a SYN's, equal shifts, no rounding nor clamping); where it
 * does not, the model's bytes again.
 */
static void rewrite_random_test(struct kunit *test)
{
	struct rnd_seg *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned int i, bad = 0, restored = 0, fix;
	struct tcphs_xlate x, inv;
	struct rnd_state rnd;
	u8 *seg, *want;
	u16 win;

	KUNIT_ASSERT_NOT_NULL(test, s);
	prandom_seed_state(&rnd, 0x7463706873ULL);
	for (i = 0; i < RANDOM_SEGS; i++) {
		rnd_seg(s, &rnd);
		x = (struct tcphs_xlate){
			.seq_add = rnd_add(&rnd), .ack_add = rnd_add(&rnd),
			.sack_add = rnd_add(&rnd), .tsval_add = rnd_add(&rnd),
			.tsecr_add = rnd_add(&rnd),
			.win_from = rnd32(&rnd) % 15,
		};
		x.win_to = rnd32(&rnd) % 3 ? rnd32(&rnd) % 15 : x.win_from;
		inv = xlate_inverse(&x);
		fix = rnd32(&rnd) % 4 != 0;
		seg = kmalloc(s->len, GFP_KERNEL);
		want = kmalloc(s->len, GFP_KERNEL);
		if (!seg || !want) {
			kfree(seg);
			kfree(want);
			KUNIT_FAIL(test, "no memory");
			return;
		}

		memcpy(seg, s->buf, s->len);
		memcpy(want, s->buf, s->len);
		model_rewrite(&s->ph, want, s->len, s->f, s->nr, &x, fix);
		if (!tcphs_rewrite(seg, s->len, &x, fix) ||
		    memcmp(seg, want, s->len) ||
		    (fix && seg_csum(&s->ph, seg, s->len))) {
			if (bad++ < 8)
				kunit_err(test, "segment %u: rewrite\n", i);
		}

		win = get_unaligned_be16(s->buf + 14);
		model_rewrite(&s->ph, want, s->len, s->f, s->nr, &inv, fix);
		if (!tcphs_rewrite(seg, s->len, &inv, fix) ||
		    memcmp(seg, want, s->len)) {
			if (bad++ < 8)
				kunit_err(test, "segment %u: undo\n", i);
		}
		if ((s->buf[13] & T_SYN) ||
		    model_rescale(model_rescale(win, x.win_from, x.win_to),
				  x.win_to, x.win_from) == win) {
			if (memcmp(seg, s->buf, s->len)) {
				if (bad++ < 8)
					kunit_err(test,
						  "segment %u: not restored\n",
						  i);
			}
			restored++;
		}
		kfree(want);
		kfree(seg);
	}
	KUNIT_EXPECT_EQ(test, bad, 0u);
	/* The run is fixed by its seed: most of the segments come back. */
	KUNIT_EXPECT_GT(test, restored, RANDOM_SEGS / 2);
	kunit_info(test, "%u segments, %u restored to the byte\n", RANDOM_SEGS,
		   restored);
}

static struct kunit_case tcphs_rewrite_cases[] = {
	KUNIT_CASE_PARAM(rewrite_opt_test, rewrite_opt_gen_params),
	KUNIT_CASE_PARAM(rewrite_hdr_test, rewrite_hdr_gen_params),
	KUNIT_CASE_PARAM(rewrite_rescale_test, rewrite_rescale_gen_params),
	KUNIT_CASE(rewrite_check_zero_test),
	KUNIT_CASE(rewrite_check_ffff_test),
	KUNIT_CASE(rewrite_bounds_test),
	KUNIT_CASE_PARAM(rewrite_skb_test, rewrite_skb_gen_params),
	KUNIT_CASE(rewrite_skb_short_test),
	KUNIT_CASE(rewrite_random_test),
	{}
};

static struct kunit_suite tcphs_rewrite_suite = {
	.name = "tcphs_rewrite",
	.test_cases = tcphs_rewrite_cases,
};

kunit_test_suite(tcphs_rewrite_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs proxy mode's rewrite engine");
