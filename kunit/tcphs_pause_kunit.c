// SPDX-License-Identifier: GPL-2.0
/* KUnit: proxy mode's back-off under a SYN flood (module/pause.c). */
#include <kunit/test.h>

#include "pause.c"

#define B	TCPHS_PAUSE_BASE

/* A pause of @len from @now: cookies only until its last jiffy, then off. */
static void expect_pause(struct kunit *test, struct tcphs_pause *pz, u32 now,
			 u32 len)
{
	KUNIT_EXPECT_EQ(test, tcphs_pause_enter(pz, now), len);
	KUNIT_EXPECT_TRUE(test, tcphs_pause_cookies_only(pz, now));
	KUNIT_EXPECT_TRUE(test, tcphs_pause_cookies_only(pz, now + len - 1));
	KUNIT_EXPECT_FALSE(test, tcphs_pause_cookies_only(pz, now + len));
	/* One on at a time: an overflow during it starts none. */
	KUNIT_EXPECT_EQ(test, tcphs_pause_enter(pz, now + len - 1), 0);
	KUNIT_EXPECT_FALSE(test, tcphs_pause_leave(pz, now + len - 1));
	KUNIT_EXPECT_TRUE(test, tcphs_pause_on(pz));
	KUNIT_EXPECT_TRUE(test, tcphs_pause_leave(pz, now + len));
	KUNIT_EXPECT_FALSE(test, tcphs_pause_leave(pz, now + len));
	KUNIT_EXPECT_FALSE(test, tcphs_pause_on(pz));
}

/* No pause at first; the first lasts 1 s. */
static void pause_first_test(struct kunit *test)
{
	struct tcphs_pause pz = {};

	KUNIT_EXPECT_FALSE(test, tcphs_pause_cookies_only(&pz, 0));
	KUNIT_EXPECT_FALSE(test, tcphs_pause_leave(&pz, 0));
	expect_pause(test, &pz, 1000, B);
}

/*
 * A flood that overflows again within as long as the last pause lasted
 * doubles the next, up to 64 s; at its very end the window is closed.
 */
static void pause_backoff_test(struct kunit *test)
{
	struct tcphs_pause pz = {};
	u32 now = 5000, len = B;
	unsigned int i;

	for (i = 0; i <= TCPHS_PAUSE_MAX_BACKOFF + 2; i++) {
		expect_pause(test, &pz, now, len);
		now += len + len - 1;	/* the last jiffy of the window */
		if (len < B << TCPHS_PAUSE_MAX_BACKOFF)
			len <<= 1;
	}
	KUNIT_EXPECT_EQ(test, len, B << TCPHS_PAUSE_MAX_BACKOFF);
	/* A quiet spell as long as the last pause: 1 s again, then 2 s. */
	now += 1;
	expect_pause(test, &pz, now, B);
	expect_pause(test, &pz, now + B + B - 1, 2 * B);
}

/* The same across the wrap of the 32-bit jiffies. */
static void pause_wrap_test(struct kunit *test)
{
	struct tcphs_pause pz = {};
	u32 now = U32_MAX - B / 2;

	expect_pause(test, &pz, now, B);
	expect_pause(test, &pz, now + B + 1, 2 * B);
	KUNIT_EXPECT_EQ(test, pz.until, now + B + 1 + 2 * B);
}

static struct kunit_case tcphs_pause_cases[] = {
	KUNIT_CASE(pause_first_test),
	KUNIT_CASE(pause_backoff_test),
	KUNIT_CASE(pause_wrap_test),
	{}
};

static struct kunit_suite tcphs_pause_suite = {
	.name = "tcphs_pause",
	.test_cases = tcphs_pause_cases,
};

kunit_test_suite(tcphs_pause_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's back-off under a SYN flood");
