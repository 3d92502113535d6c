// SPDX-License-Identifier: GPL-2.0
/* KUnit: a handshake's two legs and their histogram buckets (rtt.h). */
#include <kunit/test.h>

#include "rtt.h"

#define NONE	TCPHS_NR_LEGS

/* A step of the record at @now, and the leg it ends (or NONE). */
static enum tcphs_leg step(struct tcphs_rtt *r, u8 old, u8 new, u8 ev,
			   u32 now)
{
	return tcphs_rtt_take(r, old, new, ev, now);
}

static void rtt_handshake_test(struct kunit *test)
{
	struct tcphs_rtt r = {};

	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_CLOSED, TCPHS_SYN_SENT,
				   TCPHS_EV_SYN, 1000), NONE);
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_SYN_SENT, TCPHS_SYN_RCVD,
				   TCPHS_EV_SYNACK, 11000), TCPHS_LEG_SERVER);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 10000);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 0);
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_SYN_RCVD, TCPHS_ESTABLISHED,
				   TCPHS_EV_ACK, 51000), TCPHS_LEG_CLIENT);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 40000);
	/* Later segments measure nothing. */
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_ESTABLISHED, TCPHS_ESTABLISHED,
				   TCPHS_EV_ACK, 90000), NONE);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 10000);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 40000);
}

/* A retransmitted SYN or SYN-ACK starts its leg again (the last one). */
static void rtt_retransmit_test(struct kunit *test)
{
	struct tcphs_rtt r = {};

	step(&r, TCPHS_CLOSED, TCPHS_SYN_SENT, TCPHS_EV_SYN, 0);
	step(&r, TCPHS_SYN_SENT, TCPHS_SYN_SENT, TCPHS_EV_SYN, 1000000);
	step(&r, TCPHS_SYN_SENT, TCPHS_SYN_RCVD, TCPHS_EV_SYNACK, 1000500);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 500);
	step(&r, TCPHS_SYN_RCVD, TCPHS_SYN_RCVD, TCPHS_EV_SYNACK, 2000500);
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_SYN_RCVD, TCPHS_ESTABLISHED,
				   TCPHS_EV_ACK, 2000800), TCPHS_LEG_CLIENT);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 300);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 500);
}

/* SYN answered by SYN: no leg is what rtt.h means by one. */
static void rtt_simultaneous_test(struct kunit *test)
{
	struct tcphs_rtt r = {};

	step(&r, TCPHS_CLOSED, TCPHS_SYN_SENT, TCPHS_EV_SYN, 0);
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_SYN_SENT, TCPHS_SYN_RCVD,
				   TCPHS_EV_SYN, 100), NONE);
	step(&r, TCPHS_SYN_RCVD, TCPHS_SYN_RCVD, TCPHS_EV_SYNACK, 200);
	KUNIT_EXPECT_EQ(test, step(&r, TCPHS_SYN_RCVD, TCPHS_ESTABLISHED,
				   TCPHS_EV_SYNACK, 300), NONE);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 0);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 0);
}

/* The clock's low 32 bits wrap (71 minutes); a leg is at least 1 us. */
static void rtt_wrap_test(struct kunit *test)
{
	struct tcphs_rtt r = {};

	step(&r, TCPHS_CLOSED, TCPHS_SYN_SENT, TCPHS_EV_SYN, 0xfffffff0);
	step(&r, TCPHS_SYN_SENT, TCPHS_SYN_RCVD, TCPHS_EV_SYNACK, 0x10);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_SERVER], 0x20);
	step(&r, TCPHS_SYN_RCVD, TCPHS_ESTABLISHED, TCPHS_EV_ACK, 0x10);
	KUNIT_EXPECT_EQ(test, r.us[TCPHS_LEG_CLIENT], 1);
}

/* What needs the clock: SYNs, SYN-ACKs and the third ACK, nothing else. */
static void rtt_wants_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, tcphs_rtt_wants(TCPHS_CLOSED, TCPHS_SYN_SENT,
						TCPHS_EV_SYN));
	KUNIT_EXPECT_TRUE(test, tcphs_rtt_wants(TCPHS_SYN_SENT,
						TCPHS_SYN_RCVD,
						TCPHS_EV_SYNACK));
	KUNIT_EXPECT_TRUE(test, tcphs_rtt_wants(TCPHS_SYN_RCVD,
						TCPHS_ESTABLISHED,
						TCPHS_EV_ACK));
	KUNIT_EXPECT_FALSE(test, tcphs_rtt_wants(TCPHS_ESTABLISHED,
						 TCPHS_ESTABLISHED,
						 TCPHS_EV_ACK));
	KUNIT_EXPECT_FALSE(test, tcphs_rtt_wants(TCPHS_ESTABLISHED,
						 TCPHS_ESTABLISHED,
						 TCPHS_EV_FIN));
}

/* Buckets: [0,1), [1,2), [2,4), ..., the last open-ended. */
static void rtt_bucket_test(struct kunit *test)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(0), 0);
	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(1), 1);
	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(3), 2);
	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(10000), 14);	/* 8192.. */
	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(40000), 16);	/* 32768.. */
	KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(U32_MAX), TCPHS_RTT_BUCKETS - 1);
	for (i = 1; i < TCPHS_RTT_BUCKETS; i++) {
		KUNIT_EXPECT_EQ(test, tcphs_rtt_bucket(tcphs_rtt_bucket_low(i)),
				i);
		KUNIT_EXPECT_EQ(test,
				tcphs_rtt_bucket(tcphs_rtt_bucket_low(i) - 1),
				i - 1);
	}
}

static struct kunit_case tcphs_rtt_cases[] = {
	KUNIT_CASE(rtt_handshake_test),
	KUNIT_CASE(rtt_retransmit_test),
	KUNIT_CASE(rtt_simultaneous_test),
	KUNIT_CASE(rtt_wrap_test),
	KUNIT_CASE(rtt_wants_test),
	KUNIT_CASE(rtt_bucket_test),
	{}
};

static struct kunit_suite tcphs_rtt_suite = {
	.name = "tcphs_rtt",
	.test_cases = tcphs_rtt_cases,
};

kunit_test_suite(tcphs_rtt_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's handshake round trips");
