// SPDX-License-Identifier: GPL-2.0
/* KUnit: sequence-number arithmetic modulo 2^32 (module/seq.h). */
#include <kunit/test.h>

#include "seq.h"

#define HALF	0x80000000u	/* 2^31 */

struct seq_case {
	const char *name;
	u32 a;
	u32 b;
	bool before;	/* tcphs_seq_before(a, b) */
	bool after;	/* tcphs_seq_after(a, b) */
};

static const struct seq_case seq_cases[] = {
	{ "equal", 7, 7, false, false },
	{ "one apart", 7, 8, true, false },
	{ "one apart, reversed", 8, 7, false, true },
	{ "across the wrap", 0xffffffffu, 0, true, false },
	{ "across the wrap, reversed", 0, 0xffffffffu, false, true },
	{ "wide across the wrap", 0xfffffff0u, 0x10, true, false },
	{ "2^31 - 1 apart", 0, HALF - 1, true, false },
	{ "2^31 - 1 apart, reversed", HALF - 1, 0, false, true },
	/*
	 * RFC 1982 leaves exactly 2^31 undefined; here, as with the kernel's
	 * before(), each is then both before and after the other.
	 */
	{ "2^31 apart", 0, HALF, true, true },
	{ "2^31 apart, reversed", HALF, 0, true, true },
	{ "2^31 + 1 apart: the short way round is back", 0, HALF + 1,
	  false, true },
	{ "2^31 + 1 apart, reversed", HALF + 1, 0, true, false },
	{ "2^31 - 1 apart across the wrap", 0xfffffff0u,
	  0xfffffff0u + HALF - 1, true, false },
	{ "2^31 + 1 apart across the wrap", 0xfffffff0u,
	  0xfffffff0u + HALF + 1, false, true },
};

static void seq_case_desc(const struct seq_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seq_order, seq_cases, seq_case_desc);

static void seq_order_test(struct kunit *test)
{
	const struct seq_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcphs_seq_before(c->a, c->b), c->before);
	KUNIT_EXPECT_EQ(test, tcphs_seq_after(c->a, c->b), c->after);
}

struct window_case {
	const char *name;
	u32 x;
	u32 lo;
	u32 len;
	bool in;
};

static const struct window_case window_cases[] = {
	{ "at the left edge", 100, 100, 10, true },
	{ "inside", 105, 100, 10, true },
	{ "last inside", 109, 100, 10, true },
	{ "right edge is outside", 110, 100, 10, false },
	{ "left of the window", 99, 100, 10, false },
	{ "empty window holds nothing", 100, 100, 0, false },
	{ "window of one", 100, 100, 1, true },
	{ "window across the wrap, before it", 0xffffffffu, 0xfffffffeu, 10,
	  true },
	{ "window across the wrap, after it", 5, 0xfffffffeu, 10, true },
	{ "window across the wrap, past it", 8, 0xfffffffeu, 10, false },
	{ "largest window, far end", 0x7ffffffeu, 0, HALF - 1, true },
	{ "largest window, one past", 0x7fffffffu, 0, HALF - 1, false },
	{ "a whole half-circle away", HALF, 0, 0xffffffffu, true },
};

static void window_case_desc(const struct window_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seq_window, window_cases, window_case_desc);

static void seq_window_test(struct kunit *test)
{
	const struct window_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, tcphs_seq_in_window(c->x, c->lo, c->len), c->in);
}

static void seq_max_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, tcphs_seq_max(1, 2), 2u);
	KUNIT_EXPECT_EQ(test, tcphs_seq_max(2, 1), 2u);
	KUNIT_EXPECT_EQ(test, tcphs_seq_max(0xffffffffu, 3), 3u);
	KUNIT_EXPECT_EQ(test, tcphs_seq_max(3, 0xffffffffu), 3u);
	KUNIT_EXPECT_EQ(test, tcphs_seq_max(9, 9), 9u);
}

static struct kunit_case tcphs_seq_cases[] = {
	KUNIT_CASE_PARAM(seq_order_test, seq_order_gen_params),
	KUNIT_CASE_PARAM(seq_window_test, seq_window_gen_params),
	KUNIT_CASE(seq_max_test),
	{}
};

static struct kunit_suite tcphs_seq_suite = {
	.name = "tcphs_seq",
	.test_cases = tcphs_seq_cases,
};

kunit_test_suite(tcphs_seq_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs sequence arithmetic");
