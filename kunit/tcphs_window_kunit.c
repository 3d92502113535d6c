// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: window tracking per direction (module/window.c). Each bound is
 * met exactly at its edge and missed one past it, with the numbers placed
 * so that the window wraps through 2^32; windows of shift 0 and 14; SACK
 * blocks at their edges and D-SACK blocks below the acknowledgment.
 */
#include <kunit/test.h>

#include "window.c"

#define END	0xfffffff0u	/* what the sender sent up to: near the wrap */
#define REND	0x00000010u	/* what the receiver sent up to: wrapped */

/* A sender and a receiver in the middle of a connection. */
static void peers(struct tcphs_peer *snd, struct tcphs_peer *rcv)
{
	memset(snd, 0, sizeof(*snd));
	memset(rcv, 0, sizeof(*rcv));
	snd->seen = TCPHS_SEEN_SYN | TCPHS_SEEN_ACK | TCPHS_SEEN_BOUND;
	snd->isn = END - 5000;
	snd->end = END;
	snd->maxend = END + 0x200;	/* wraps to 0x1f0 */
	snd->maxwin = 1000;
	snd->ack = REND - 100;
	rcv->seen = TCPHS_SEEN_SYN | TCPHS_SEEN_ACK | TCPHS_SEEN_BOUND;
	rcv->isn = REND - 7000;
	rcv->end = REND;
	rcv->maxend = REND - 100 + 1000;
	rcv->maxwin = 0x200;
	rcv->ack = END - 0x100;
}

static struct tcphs_seg ack_seg(u32 seq, u32 ack, u32 len)
{
	struct tcphs_seg seg = {
		.seq = seq, .ack = ack, .flags = TCPHS_ACK,
		.payload_len = len, .window = 100,
	};

	return seg;
}

static void window_seg_end_test(struct kunit *test)
{
	struct tcphs_seg seg = ack_seg(0xffffffffu, 0, 0);

	KUNIT_EXPECT_EQ(test, tcphs_seg_end(&seg), 0xffffffffu);
	seg.flags |= TCPHS_FIN;
	KUNIT_EXPECT_EQ(test, tcphs_seg_end(&seg), 0u);
	seg.flags = TCPHS_SYN | TCPHS_FIN;
	seg.payload_len = 10;
	KUNIT_EXPECT_EQ(test, tcphs_seg_end(&seg), 11u);
}

/* seq <= maxend, end >= snd.end - max(rcv.maxwin, 65535), across 2^32. */
static void window_seq_bounds_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg;

	peers(&snd, &rcv);
	seg = ack_seg(snd.maxend, REND, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.payload_len = 1;	/* a zero-window probe starts at the edge */
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.seq = snd.maxend + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_SEQ);
	seg.seq = snd.maxend + (1u << 30);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_SEQ);

	/* rcv.maxwin is below the floor: 65535 counts. */
	seg = ack_seg(END - TCPHS_ACK_WINDOW_MIN - 10, REND, 10);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.payload_len = 9;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_SEQ);
	/* A larger window of rcv's lets older retransmissions through. */
	rcv.maxwin = 1u << 20;
	seg = ack_seg(END - (1u << 20), REND, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.seq--;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_SEQ);
}

/* RFC 5961 5.2: snd.ack - max(snd.maxwin, 65535) <= ack <= rcv.end. */
static void window_ack_bounds_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg;

	peers(&snd, &rcv);
	seg = ack_seg(END, REND, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.ack = REND + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);
	seg.ack = snd.ack - TCPHS_ACK_WINDOW_MIN;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.ack--;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);
	/* A segment without ACK has no acknowledgment to check. */
	seg.flags = TCPHS_FIN;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
}

/* A bound whose ends are not known yet is not applied; the others are. */
static void window_unknown_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg;

	peers(&snd, &rcv);
	snd.seen &= ~TCPHS_SEEN_BOUND;	/* rcv has announced no window */
	seg = ack_seg(snd.maxend + 1000, REND, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.ack = REND + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);

	peers(&snd, &rcv);
	snd.seen &= ~TCPHS_SEEN_ACK;	/* its first ACK: no lower bound */
	seg = ack_seg(END, REND - (1u << 30), 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
}

/* Windows of shift 0 and 14 (RFC 7323 2.3's largest), taken and applied. */
static void window_scale_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg;
	u32 big = 0xffffu << TCPHS_MAX_WSCALE;

	peers(&snd, &rcv);
	seg = ack_seg(END, REND, 0);
	seg.window = 1000;
	tcphs_window_take(&snd, &rcv, &seg, 0);
	KUNIT_EXPECT_EQ(test, rcv.maxend, REND + 1000);
	KUNIT_EXPECT_EQ(test, snd.maxwin, 1000u);

	seg.window = 0xffff;
	tcphs_window_take(&snd, &rcv, &seg, TCPHS_MAX_WSCALE);
	KUNIT_EXPECT_EQ(test, snd.maxwin, big);
	KUNIT_EXPECT_EQ(test, rcv.maxend, REND + big);
	/* rcv may now send a gigabyte, and acks may lag as far. */
	seg = ack_seg(REND + big, END, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&rcv, &snd, &seg), TCPHS_FIT_OK);
	seg.seq++;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&rcv, &snd, &seg),
			TCPHS_FIT_SEQ);
	seg = ack_seg(END, snd.ack - big, 0);
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.ack--;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);
}

/* RFC 2018, RFC 2883: SACK edges within what was sent, D-SACK below ack. */
static void window_sack_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg;

	peers(&snd, &rcv);
	seg = ack_seg(END, REND - 50, 0);
	seg.opt.present = TCPHS_OPT_SACK;
	seg.opt.nr_sack = 2;
	seg.opt.sack[0].start = REND - 40;
	seg.opt.sack[0].end = REND;
	seg.opt.sack[1].start = REND - 3000;	/* D-SACK, below ack */
	seg.opt.sack[1].end = REND - 2000;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
	seg.opt.sack[0].end = REND + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);
	seg.opt.sack[0].end = REND;
	seg.opt.sack[1].start = snd.ack - TCPHS_ACK_WINDOW_MIN - 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg),
			TCPHS_FIT_ACK);
	/* Blocks the parser did not flag are not read. */
	seg.opt.present = 0;
	KUNIT_EXPECT_EQ(test, tcphs_window_fit(&snd, &rcv, &seg), TCPHS_FIT_OK);
}

/* RFC 5961 3.2: exact at either end's RCV.NXT; the window; outside. */
static void window_rst_test(struct kunit *test)
{
	struct tcphs_peer snd, rcv;
	struct tcphs_seg seg = { .flags = TCPHS_RST };

	peers(&snd, &rcv);
	seg.seq = END;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_EXACT);
	seg.seq = rcv.ack;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_EXACT);
	seg.seq = rcv.ack + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_IN_WINDOW);
	seg.seq = snd.maxend - 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_IN_WINDOW);
	seg.seq = snd.maxend;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_OUTSIDE);
	seg.seq = rcv.ack - 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_OUTSIDE);
	/* A zero window holds RCV.NXT alone. */
	snd.maxend = rcv.ack;
	seg.seq = rcv.ack + 1;
	KUNIT_EXPECT_EQ(test, tcphs_window_rst(&snd, &rcv, &seg),
			TCPHS_RST_OUTSIDE);
}

/* What a segment leaves in the records: ends and bounds only move on. */
static void window_take_test(struct kunit *test)
{
	struct tcphs_peer snd = {}, rcv = {};
	struct tcphs_seg syn = { .seq = END, .flags = TCPHS_SYN,
				 .window = 3000, .payload_len = 20 };
	struct tcphs_seg seg;

	tcphs_window_take(&snd, &rcv, &syn, 0);
	KUNIT_EXPECT_EQ(test, snd.end, END + 21);
	KUNIT_EXPECT_EQ(test, snd.syn_data, 20);
	KUNIT_EXPECT_FALSE(test, snd.seen & TCPHS_SEEN_BOUND);

	/* The answer: its SYN window bounds the initiator's ... */
	seg = (struct tcphs_seg){ .seq = REND, .ack = END + 1,
				  .flags = TCPHS_SYN | TCPHS_ACK,
				  .window = 500 };
	tcphs_window_take(&rcv, &snd, &seg, 0);
	KUNIT_EXPECT_EQ(test, snd.maxend, END + 1 + 500);
	/* ... and the initiator's SYN window bounds the responder. */
	KUNIT_EXPECT_EQ(test, rcv.maxend, REND + 1 + 3000);
	KUNIT_EXPECT_EQ(test, rcv.ack, END + 1);

	/* Data beyond, then an older segment: nothing moves back. */
	seg = ack_seg(END + 21, REND + 1, 100);
	tcphs_window_take(&snd, &rcv, &seg, 0);
	KUNIT_EXPECT_EQ(test, snd.end, END + 121);
	seg = ack_seg(END + 1, REND, 0);
	seg.window = 1;
	tcphs_window_take(&snd, &rcv, &seg, 0);
	KUNIT_EXPECT_EQ(test, snd.end, END + 121);
	KUNIT_EXPECT_EQ(test, snd.ack, REND + 1);
	KUNIT_EXPECT_EQ(test, rcv.maxend, REND + 1 + 3000);
	/* The SYN again: no end moves back. */
	tcphs_window_take(&snd, &rcv, &syn, 0);
	KUNIT_EXPECT_EQ(test, snd.end, END + 121);
	KUNIT_EXPECT_EQ(test, snd.isn, END);
	/* FIN and TSval are taken. */
	seg = ack_seg(END + 121, REND + 1, 0);
	seg.flags |= TCPHS_FIN;
	seg.opt.present = TCPHS_OPT_TS;
	seg.opt.tsval = 77;
	tcphs_window_take(&snd, &rcv, &seg, 0);
	KUNIT_EXPECT_EQ(test, snd.end, END + 122);
	KUNIT_EXPECT_TRUE(test, snd.seen & TCPHS_SEEN_FIN);
	KUNIT_EXPECT_EQ(test, snd.tsval, 77u);
}

/* RFC 6191 and TIME-WAIT: beyond the old end, or a newer TSval. */
static void window_reuse_test(struct kunit *test)
{
	struct tcphs_peer old = { .end = END, .seen = TCPHS_SEEN_SYN };
	struct tcphs_seg syn = { .seq = END + 1, .flags = TCPHS_SYN };

	KUNIT_EXPECT_TRUE(test, tcphs_window_reuses(&old, &syn));
	syn.seq = END;
	KUNIT_EXPECT_FALSE(test, tcphs_window_reuses(&old, &syn));
	syn.seq = END - 1000;
	syn.opt.present = TCPHS_OPT_TS;
	syn.opt.tsval = 5;
	KUNIT_EXPECT_FALSE(test, tcphs_window_reuses(&old, &syn));	/* no TS */
	old.seen |= TCPHS_SEEN_TS;
	old.tsval = 0xfffffffeu;
	KUNIT_EXPECT_TRUE(test, tcphs_window_reuses(&old, &syn));	/* wraps */
	syn.opt.tsval = 0xfffffffeu;
	KUNIT_EXPECT_FALSE(test, tcphs_window_reuses(&old, &syn));
	syn.opt.tsval = 0xfffffff0u;
	KUNIT_EXPECT_FALSE(test, tcphs_window_reuses(&old, &syn));
}

static struct kunit_case tcphs_window_cases[] = {
	KUNIT_CASE(window_seg_end_test),
	KUNIT_CASE(window_seq_bounds_test),
	KUNIT_CASE(window_ack_bounds_test),
	KUNIT_CASE(window_unknown_test),
	KUNIT_CASE(window_scale_test),
	KUNIT_CASE(window_sack_test),
	KUNIT_CASE(window_rst_test),
	KUNIT_CASE(window_take_test),
	KUNIT_CASE(window_reuse_test),
	{}
};

static struct kunit_suite tcphs_window_suite = {
	.name = "tcphs_window",
	.test_cases = tcphs_window_cases,
};

kunit_test_suite(tcphs_window_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's window tracking");
