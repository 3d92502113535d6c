// SPDX-License-Identifier: GPL-2.0
/* KUnit: what servers announced, per destination (module/dest.c). */
#include <kunit/test.h>

#include "dest.c"
#include "parse.h"

#define TAG	0x5eed1234u
#define TICK	1000u

static const struct tcphs_hsopts linux_srv = {
	.syn = { .mss = 1460, .wscale = 7, .sack = true }, .ts = true,
};

static void expect_same(struct kunit *test, const struct tcphs_hsopts *a,
			const struct tcphs_hsopts *b)
{
	KUNIT_EXPECT_EQ(test, a->syn.mss, b->syn.mss);
	KUNIT_EXPECT_EQ(test, a->syn.wscale, b->syn.wscale);
	KUNIT_EXPECT_EQ(test, a->syn.sack, b->syn.sack);
	KUNIT_EXPECT_EQ(test, a->ts, b->ts);
}

/* Every shift (and none), SACK, timestamps and MSS come back whole. */
static void dest_round_trip_test(struct kunit *test)
{
	static const u16 mss[] = { 1, 536, 1220, 1460, 8940, 65535 };
	unsigned int m, w, bits;

	for (m = 0; m < ARRAY_SIZE(mss); m++)
		for (w = 0; w <= TCPHS_MAX_WSCALE + 1; w++)
			for (bits = 0; bits < 4; bits++) {
				struct tcphs_hsopts in = {
					.syn = {
						.mss = mss[m],
						.wscale = w > TCPHS_MAX_WSCALE ?
							  TCPHS_NO_WSCALE : w,
						.sack = bits & 1,
					},
					.ts = bits & 2,
				}, out = {};
				u64 slot = tcphs_dest_pack(TAG, TICK, &in);

				KUNIT_ASSERT_TRUE(test,
						  tcphs_dest_unpack(slot, TAG,
								    TICK, &out));
				expect_same(test, &in, &out);
			}
}

/* Another destination's entry, and an empty slot, are not believed. */
static void dest_tag_test(struct kunit *test)
{
	u64 slot = tcphs_dest_pack(TAG, TICK, &linux_srv);
	struct tcphs_hsopts out;

	KUNIT_EXPECT_FALSE(test, tcphs_dest_unpack(slot, TAG ^ 1, TICK, &out));
	KUNIT_EXPECT_FALSE(test, tcphs_dest_unpack(0, TAG, TICK, &out));
	/* Tag 0 is stored as 1 so that it differs from an empty slot. */
	KUNIT_EXPECT_FALSE(test, tcphs_dest_unpack(0, 0, TICK, &out));
	slot = tcphs_dest_pack(0, TICK, &linux_srv);
	KUNIT_EXPECT_NE(test, slot, 0ULL);
	KUNIT_EXPECT_TRUE(test, tcphs_dest_unpack(slot, 0, TICK, &out));
}

/* Believed for TCPHS_DEST_TTL ticks, across the wrap of the 10-bit clock. */
static void dest_expiry_test(struct kunit *test)
{
	static const u32 born[] = { 0, 500, 1020, 1023, 5000 };
	struct tcphs_hsopts out;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(born); i++) {
		u64 slot = tcphs_dest_pack(TAG, born[i], &linux_srv);
		u32 last = born[i] + TCPHS_DEST_TTL - 1;

		KUNIT_EXPECT_TRUE(test, tcphs_dest_unpack(slot, TAG, born[i],
							  &out));
		KUNIT_EXPECT_TRUE(test, tcphs_dest_unpack(slot, TAG, last,
							  &out));
		KUNIT_EXPECT_FALSE(test, tcphs_dest_unpack(slot, TAG, last + 1,
							   &out));
	}
	KUNIT_EXPECT_EQ(test, tcphs_dest_tick(64ULL * 1000000000ULL), 1u);
	KUNIT_EXPECT_EQ(test, tcphs_dest_tick(63ULL * 1000000000ULL), 0u);
}

struct learn_case {
	const char *name;
	struct tcphs_hsopts asked;
	struct tcphs_hsopts answer;
	struct tcphs_hsopts known;	/* from linux_srv */
};

static const struct learn_case learn_cases[] = {
	{ "all asked, all answered",
	  { { 1460, 7, true }, true }, { { 1400, 14, true }, true },
	  { { 1400, 14, true }, true } },
	{ "all asked, none answered",
	  { { 1460, 7, true }, true }, { { 536, TCPHS_NO_WSCALE, false }, false },
	  { { 536, TCPHS_NO_WSCALE, false }, false } },
	{ "nothing asked: only the MSS is news",
	  { { 1460, TCPHS_NO_WSCALE, false }, false },
	  { { 1200, TCPHS_NO_WSCALE, false }, false },
	  { { 1200, 7, true }, true } },
	{ "shift 0 is an answer, not a refusal",
	  { { 1460, 7, false }, false }, { { 1460, 0, false }, false },
	  { { 1460, 0, true }, true } },
};

struct mss_case {
	u16 announced;
	bool believed;
	u16 known;		/* from linux_srv's 1460 */
};

static const struct mss_case mss_cases[] = {
	{ 0, false, 1460 },
	{ 1, false, 1460 },
	{ 87, false, 1460 },
	{ 88, true, 88 },		/* Linux's TCP_MIN_MSS */
	{ 536, true, 536 },
	{ 65495, true, 65495 },		/* 65535 - 40 */
	{ 65496, true, 65495 },
	{ 65535, true, 65495 },
};

static void mss_case_desc(const struct mss_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "MSS %u", c->announced);
}

KUNIT_ARRAY_PARAM(dest_mss, mss_cases, mss_case_desc);

/*
 * Below 88 the MSS is not learned (the one known before stays), above
 * 65495 it is learned as 65495; the other options are learned either way.
 */
static void dest_mss_test(struct kunit *test)
{
	const struct mss_case *c = test->param_value;
	struct tcphs_hsopts asked = linux_srv, known = linux_srv;
	struct tcphs_hsopts answer = {
		.syn = { .mss = c->announced, .wscale = 3, .sack = false },
		.ts = false,
	};

	KUNIT_EXPECT_EQ(test, tcphs_dest_learn(&known, &asked, &answer),
			c->believed);
	KUNIT_EXPECT_EQ(test, known.syn.mss, c->known);
	KUNIT_EXPECT_EQ(test, known.syn.wscale, 3);
	KUNIT_EXPECT_FALSE(test, known.syn.sack);
	KUNIT_EXPECT_FALSE(test, known.ts);
}

static void learn_case_desc(const struct learn_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dest_learn, learn_cases, learn_case_desc);

/* A missing option is a "no" only when our SYN offered it. */
static void dest_learn_test(struct kunit *test)
{
	const struct learn_case *c = test->param_value;
	struct tcphs_hsopts known = linux_srv;

	KUNIT_EXPECT_TRUE(test, tcphs_dest_learn(&known, &c->asked,
						 &c->answer));
	expect_same(test, &known, &c->known);
}

struct announce_case {
	const char *name;
	struct tcphs_hsopts client;
	struct tcphs_hsopts srv;
	struct tcphs_hsopts ours;
};

static const struct announce_case announce_cases[] = {
	{ "both offer everything: the server's values",
	  { { 1460, 9, true }, true }, { { 1400, 14, true }, true },
	  { { 1400, 14, true }, true } },
	{ "client without options: none announced",
	  { { 536, TCPHS_NO_WSCALE, false }, false }, { { 1460, 7, true }, true },
	  { { 1460, TCPHS_NO_WSCALE, false }, false } },
	{ "server without options: none announced",
	  { { 1460, 7, true }, true }, { { 1460, TCPHS_NO_WSCALE, false }, false },
	  { { 1460, TCPHS_NO_WSCALE, false }, false } },
	{ "server shift 0 still scales",
	  { { 1460, 7, true }, true }, { { 8940, 0, true }, false },
	  { { 8940, 0, true }, false } },
};

static void announce_case_desc(const struct announce_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(dest_announce, announce_cases, announce_case_desc);

/* Each option only if both ends will use it; the MSS is the server's. */
static void dest_announce_test(struct kunit *test)
{
	const struct announce_case *c = test->param_value;
	struct tcphs_hsopts ours;

	tcphs_dest_announce(&c->client, &c->srv, &ours);
	expect_same(test, &ours, &c->ours);
}

/* Before a server is known: Ethernet's MSS per family, shift 7, SACK, TS. */
static void dest_default_test(struct kunit *test)
{
	struct tcphs_hsopts v4, v6;

	tcphs_dest_default(false, &v4);
	tcphs_dest_default(true, &v6);
	expect_same(test, &v4, &linux_srv);
	KUNIT_EXPECT_EQ(test, v6.syn.mss, 1440);
}

static struct kunit_case tcphs_dest_cases[] = {
	KUNIT_CASE(dest_round_trip_test),
	KUNIT_CASE(dest_tag_test),
	KUNIT_CASE(dest_expiry_test),
	KUNIT_CASE_PARAM(dest_learn_test, dest_learn_gen_params),
	KUNIT_CASE_PARAM(dest_mss_test, dest_mss_gen_params),
	KUNIT_CASE_PARAM(dest_announce_test, dest_announce_gen_params),
	KUNIT_CASE(dest_default_test),
	{}
};

static struct kunit_suite tcphs_dest_suite = {
	.name = "tcphs_dest",
	.test_cases = tcphs_dest_cases,
};

kunit_test_suite(tcphs_dest_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's memory of servers' options");
