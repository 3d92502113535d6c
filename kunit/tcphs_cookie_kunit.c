// SPDX-License-Identifier: GPL-2.0
/* KUnit: SYN cookies and ISN policies (module/cookie.c, module/isn.c). */
#include <kunit/test.h>

#include "cookie.c"
#include "isn.c"

#define PERIOD	1000u	/* any period; even */

static const siphash_key_t key_a = { { 0x0706050403020100ULL,
				       0x0f0e0d0c0b0a0908ULL } };
static const siphash_key_t key_b = { { 0x1111111111111111ULL,
				       0x2222222222222222ULL } };
static const siphash_key_t key_c = { { 0x3333333333333333ULL,
				       0x4444444444444444ULL } };

static const struct tcphs_ends ends_v4 = {
	.saddr = { cpu_to_be32(0x0a000102) },
	.daddr = { cpu_to_be32(0x0a000202) },
	.sport = cpu_to_be16(40000),
	.dport = cpu_to_be16(80),
};

static const struct tcphs_ends ends_v6 = {
	.saddr = { cpu_to_be32(0xfd000000), 0, 0, cpu_to_be32(0x102) },
	.daddr = { cpu_to_be32(0xfd000000), 0, 0, cpu_to_be32(0x202) },
	.sport = cpu_to_be16(40000),
	.dport = cpu_to_be16(80),
	.v6 = true,
};

static struct tcphs_cookie_keys keys_of(const siphash_key_t *k)
{
	struct tcphs_cookie_keys keys = { .cur = *k };

	return keys;
}

/* The reference vectors of SipHash-2-4 (key 00..0f, message 00..len-1). */
static void siphash_vectors_test(struct kunit *test)
{
	u8 msg[15];
	unsigned int i;

	for (i = 0; i < sizeof(msg); i++)
		msg[i] = i;
	KUNIT_EXPECT_EQ(test, siphash(msg, 0, &key_a), 0x726fdb47dd0e0e31ULL);
	KUNIT_EXPECT_EQ(test, siphash(msg, 15, &key_a), 0xa129ca6149be45e5ULL);
}

/* Every MSS, window scale and SACK value a cookie holds comes back. */
static void cookie_round_trip_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	unsigned int m, w, sack;

	for (m = 0; m < ARRAY_SIZE(tcphs_cookie_mss); m++)
		for (w = 0; w < ARRAY_SIZE(tcphs_cookie_wscale); w++)
			for (sack = 0; sack < 2; sack++) {
				struct tcphs_synopts in = {
					.mss = tcphs_cookie_mss[m],
					.wscale = tcphs_cookie_wscale[w],
					.sack = sack,
				}, out = {};
				u32 c = tcphs_cookie_make(&keys, &ends_v4,
							  12345, PERIOD, &in);
				bool good = tcphs_cookie_check(&keys, &ends_v4,
							       12345, c, PERIOD,
							       &out);

				KUNIT_ASSERT_TRUE(test, good);
				KUNIT_EXPECT_EQ(test, out.mss, in.mss);
				KUNIT_EXPECT_EQ(test, out.wscale, in.wscale);
				KUNIT_EXPECT_EQ(test, out.sack, in.sack);
			}
}

struct round_case {
	const char *name;
	struct tcphs_synopts in;
	struct tcphs_synopts out;
};

static const struct round_case round_cases[] = {
	{ "mss 1459 keeps 1440", { 1459, 7, true }, { 1440, 7, true } },
	{ "mss 65535 keeps 8940", { 65535, 7, true }, { 8940, 7, true } },
	{ "mss below 536 reads 536", { 100, 7, true }, { 536, 7, true } },
	{ "wscale 9 keeps 8", { 1460, 9, false }, { 1460, 8, false } },
	{ "wscale 1 keeps 0", { 1460, 1, false }, { 1460, 0, false } },
	{ "no wscale stays none", { 1460, TCPHS_NO_WSCALE, false },
	  { 1460, TCPHS_NO_WSCALE, false } },
};

static void round_case_desc(const struct round_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cookie_rounding, round_cases, round_case_desc);

/* What no table entry holds is rounded down, never up (but MSS 536). */
static void cookie_rounding_test(struct kunit *test)
{
	const struct round_case *c = test->param_value;
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	struct tcphs_synopts out = {};
	u32 cookie = tcphs_cookie_make(&keys, &ends_v4, 1, PERIOD, &c->in);

	KUNIT_ASSERT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 1, cookie,
						   PERIOD, &out));
	KUNIT_EXPECT_EQ(test, out.mss, c->out.mss);
	KUNIT_EXPECT_EQ(test, out.wscale, c->out.wscale);
	KUNIT_EXPECT_EQ(test, out.sack, c->out.sack);
}

static const struct tcphs_synopts opts_linux = { 1460, 7, true };

/* Good in its period and the next; not before, not two periods on. */
static void cookie_expiry_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	struct tcphs_synopts out;
	u32 p;

	for (p = PERIOD; p < PERIOD + 2; p++) {
		u32 c = tcphs_cookie_make(&keys, &ends_v4, 7, p, &opts_linux);

		KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7,
							    c, p - 1, &out));
		KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7,
							   c, p, &out));
		KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7,
							   c, p + 1, &out));
		KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7,
							    c, p + 2, &out));
		KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7,
							    c, p + 3, &out));
	}
}

/* Whether cookie @c checks for @e and client ISN 7 in PERIOD. */
static bool good_for(const struct tcphs_cookie_keys *keys,
		     const struct tcphs_ends *e, u32 c)
{
	struct tcphs_synopts out;

	return tcphs_cookie_check(keys, e, 7, c, PERIOD, &out);
}

/* Any one bit flipped, another tuple or another client ISN: refused. */
static void cookie_tamper_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	u32 c = tcphs_cookie_make(&keys, &ends_v4, 7, PERIOD, &opts_linux);
	struct tcphs_ends other = ends_v4;
	struct tcphs_synopts out;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++)
		KUNIT_EXPECT_FALSE_MSG(test, good_for(&keys, &ends_v4,
						      c ^ BIT(bit)),
				       "bit %u", bit);
	KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 8, c,
						    PERIOD, &out));
	other.sport = cpu_to_be16(40001);
	KUNIT_EXPECT_FALSE(test, good_for(&keys, &other, c));
	other = ends_v4;
	other.daddr[0] = cpu_to_be32(0x0a000203);
	KUNIT_EXPECT_FALSE(test, good_for(&keys, &other, c));
	/* The same words as an IPv6 tuple: another message length. */
	other = ends_v4;
	other.v6 = true;
	KUNIT_EXPECT_FALSE(test, good_for(&keys, &other, c));
	/* IPv4 has one address word: what lies past it is not the tuple. */
	other = ends_v4;
	other.daddr[3] = cpu_to_be32(1);
	KUNIT_EXPECT_TRUE(test, good_for(&keys, &other, c));
	keys.cur = key_b;
	KUNIT_EXPECT_FALSE(test, good_for(&keys, &ends_v4, c));
}

/* After a rotation the old key is good for one more period, then not. */
static void cookie_rotation_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	u32 old = tcphs_cookie_make(&keys, &ends_v4, 7, PERIOD, &opts_linux);
	struct tcphs_synopts out;
	u32 fresh;

	tcphs_cookie_rotate(&keys, &key_b, PERIOD);
	fresh = tcphs_cookie_make(&keys, &ends_v4, 7, PERIOD, &opts_linux);
	KUNIT_EXPECT_NE(test, old, fresh);
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7, old,
						   PERIOD, &out));
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7, old,
						   PERIOD + 1, &out));
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7, fresh,
						   PERIOD + 1, &out));

	/* A second rotation retires key_a altogether. */
	tcphs_cookie_rotate(&keys, &key_c, PERIOD + 1);
	KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7, old,
						    PERIOD + 1, &out));
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7, fresh,
						   PERIOD + 1, &out));
	KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7, fresh,
						    PERIOD + 3, &out));
}

/* A rotation two periods back leaves no previous key to try. */
static void cookie_rotation_ages_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	u32 old = tcphs_cookie_make(&keys, &ends_v4, 7, PERIOD + 1,
				    &opts_linux);
	struct tcphs_synopts out;

	tcphs_cookie_rotate(&keys, &key_b, PERIOD);
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 7, old,
						   PERIOD + 1, &out));
	KUNIT_EXPECT_FALSE(test, tcphs_cookie_check(&keys, &ends_v4, 7, old,
						    PERIOD + 2, &out));
}

/* IPv6: every word of both addresses is vouched for. */
static void cookie_ipv6_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	u32 c = tcphs_cookie_make(&keys, &ends_v6, 7, PERIOD, &opts_linux);
	struct tcphs_ends other;
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, good_for(&keys, &ends_v6, c));
	for (i = 0; i < 4; i++) {
		other = ends_v6;
		other.saddr[i] ^= cpu_to_be32(1);
		KUNIT_EXPECT_FALSE_MSG(test, good_for(&keys, &other, c),
				       "saddr word %u", i);
		other = ends_v6;
		other.daddr[i] ^= cpu_to_be32(1);
		KUNIT_EXPECT_FALSE_MSG(test, good_for(&keys, &other, c),
				       "daddr word %u", i);
	}
}

static void isn_rfc6528_test(struct kunit *test)
{
	struct tcphs_ends other = ends_v4;
	u32 a = tcphs_isn_rfc6528(&key_a, &ends_v4, 1000000);

	/* M ticks every 4 us. */
	KUNIT_EXPECT_EQ(test, tcphs_isn_rfc6528(&key_a, &ends_v4, 1003999), a);
	KUNIT_EXPECT_EQ(test, tcphs_isn_rfc6528(&key_a, &ends_v4, 1004000),
			a + 1);
	KUNIT_EXPECT_EQ(test, tcphs_isn_rfc6528(&key_a, &ends_v4,
						1000000 + 4000000), a + 1000);
	/* F depends on the tuple and on the key. */
	other.sport = cpu_to_be16(40001);
	KUNIT_EXPECT_NE(test, tcphs_isn_rfc6528(&key_a, &other, 1000000), a);
	KUNIT_EXPECT_NE(test, tcphs_isn_rfc6528(&key_b, &ends_v4, 1000000), a);
}

static void isn_policy_test(struct kunit *test)
{
	struct tcphs_cookie_keys keys = keys_of(&key_a);
	struct tcphs_isn_in in = {
		.ends = &ends_v4, .isn_key = &key_b, .cookie_keys = &keys,
		.opts = &opts_linux, .client_isn = 99,
		.now_ns = 5000ULL * 1000000000ULL, .random = 0xdeadbeef,
	};
	struct tcphs_synopts out;
	u32 isn;

	KUNIT_EXPECT_EQ(test, tcphs_isn(TCPHS_ISN_RANDOM, &in), 0xdeadbeefu);
	KUNIT_EXPECT_EQ(test, tcphs_isn(TCPHS_ISN_FIXED, &in),
			TCPHS_ISN_FIXED_VALUE);
	KUNIT_EXPECT_EQ(test, tcphs_isn(TCPHS_ISN_RFC6528, &in),
			tcphs_isn_rfc6528(&key_b, &ends_v4, in.now_ns));
	isn = tcphs_isn(TCPHS_ISN_COOKIE, &in);
	KUNIT_EXPECT_EQ(test, tcphs_cookie_period(in.now_ns), 5000u >> 6);
	KUNIT_EXPECT_TRUE(test, tcphs_cookie_check(&keys, &ends_v4, 99, isn,
						   tcphs_cookie_period(in.now_ns),
						   &out));
	KUNIT_EXPECT_EQ(test, out.mss, 1460);
}

static struct kunit_case tcphs_cookie_cases[] = {
	KUNIT_CASE(siphash_vectors_test),
	KUNIT_CASE(cookie_round_trip_test),
	KUNIT_CASE_PARAM(cookie_rounding_test, cookie_rounding_gen_params),
	KUNIT_CASE(cookie_expiry_test),
	KUNIT_CASE(cookie_tamper_test),
	KUNIT_CASE(cookie_rotation_test),
	KUNIT_CASE(cookie_rotation_ages_test),
	KUNIT_CASE(cookie_ipv6_test),
	KUNIT_CASE(isn_rfc6528_test),
	KUNIT_CASE(isn_policy_test),
	{}
};

static struct kunit_suite tcphs_cookie_suite = {
	.name = "tcphs_cookie",
	.test_cases = tcphs_cookie_cases,
};

kunit_test_suite(tcphs_cookie_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs SYN cookies and ISN policies");
