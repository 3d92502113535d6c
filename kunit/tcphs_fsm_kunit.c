// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the handshake state machine (module/fsm.c).
 *
 * fsm_cell_test has one case per cell of the table, state x event x
 * direction, each with the segment a correct peer would send there, and
 * asserts the next state, the reason, the notes and whether the record takes
 * the segment; fsm_cells_complete_test walks fsm.c's own table, proves no
 * cell of it is left out or lacks a case, and steps a wrong segment through
 * each cell. The remaining tests drive each RFC check with segments that
 * fail it.
 *
 * The ISNs sit on the edge of the sequence space so that ISN + 1 wraps.
 */
#include <kunit/test.h>

#include "fsm.c"
#include "window.c"

#define ISN_C	0xffffffffu	/* the initiator's: ISN_C + 1 == 0 */
#define ISN_S	0x7fffffffu	/* the responder's */
#define WIN	0xffffu

#define O	TCPHS_DIR_ORIG
#define R	TCPHS_DIR_REPLY

/* A record in @state, as a correct handshake leaves it. */
static struct tcphs_hs hs_in(enum tcphs_state state, bool simultaneous)
{
	struct tcphs_hs hs = { .state = state };
	struct tcphs_peer *c = &hs.peer[O], *s = &hs.peer[R];

	if (state < TCPHS_SYN_SENT)
		return hs;
	c->isn = ISN_C;
	c->end = ISN_C + 1;
	c->maxwin = WIN;
	c->seen = TCPHS_SEEN_SYN;
	if (state == TCPHS_SYN_SENT)
		return hs;
	s->isn = ISN_S;
	s->end = ISN_S + 1;
	s->maxwin = WIN;
	/* What the initiator's SYN window lets the responder send. */
	s->maxend = ISN_S + 1 + WIN;
	s->seen = TCPHS_SEEN_SYN | TCPHS_SEEN_BOUND;
	if (simultaneous) {
		hs.flags = TCPHS_HS_SIMULTANEOUS;
	} else {
		s->seen |= TCPHS_SEEN_ACK;
		s->ack = ISN_C + 1;
		c->maxend = ISN_C + 1 + WIN;
		c->seen |= TCPHS_SEEN_BOUND;
	}
	if (state == TCPHS_SYN_RCVD)
		return hs;
	c->seen |= TCPHS_SEEN_ACK;
	c->ack = ISN_S + 1;
	return hs;
}

/* The segment a correct peer sends for @ev in direction @dir. */
static struct tcphs_seg seg_for(enum tcphs_event ev, enum tcphs_dir dir)
{
	u32 isn = dir == O ? ISN_C : ISN_S, other = dir == O ? ISN_S : ISN_C;
	struct tcphs_seg seg = { .window = WIN, .seq = isn + 1,
				 .ack = other + 1 };

	switch (ev) {
	case TCPHS_EV_SYN:
		seg.flags = TCPHS_SYN;
		seg.seq = isn;
		seg.ack = 0;
		break;
	case TCPHS_EV_SYNACK:
		seg.flags = TCPHS_SYN | TCPHS_ACK;
		seg.seq = isn;
		break;
	case TCPHS_EV_ACK:
		seg.flags = TCPHS_ACK;
		break;
	case TCPHS_EV_FIN:
		seg.flags = TCPHS_FIN | TCPHS_ACK;
		break;
	case TCPHS_EV_RST:
		seg.flags = TCPHS_RST | TCPHS_ACK;
		break;
	default:
		seg.flags = TCPHS_SYN | TCPHS_FIN;
		break;
	}
	return seg;
}

struct cell_case {
	u8 state;
	u8 event;
	u8 dir;
	u8 next;
	u8 reason;
	u8 note;
	bool commit;
};

#define CL	TCPHS_CLOSED
#define SS	TCPHS_SYN_SENT
#define SR	TCPHS_SYN_RCVD
#define ES	TCPHS_ESTABLISHED
#define SYN	TCPHS_EV_SYN
#define SYNACK	TCPHS_EV_SYNACK
#define ACK	TCPHS_EV_ACK
#define FIN	TCPHS_EV_FIN
#define RST	TCPHS_EV_RST
#define BAD	TCPHS_EV_BAD
#define OK		TCPHS_R_OK
#define NO_SYN		TCPHS_R_SYNACK_NO_SYN
#define ACK_BAD		TCPHS_R_ACK_BAD
#define FLAGS		TCPHS_R_BAD_FLAGS
#define SYN_EST		TCPHS_R_SYN_ON_ESTABLISHED
#define SA_ACK		TCPHS_R_SYNACK_BAD_ACK
#define OOW		TCPHS_R_RST_OUT_OF_WINDOW
#define RS_ACK		TCPHS_R_RST_SYNSENT_BAD_ACK
#define SEQ_OOW		TCPHS_R_SEQ_OUT_OF_WINDOW
#define ACK_OOW		TCPHS_R_ACK_OUT_OF_WINDOW
#define RETRANS		TCPHS_NOTE_RETRANS
#define SIM		TCPHS_NOTE_SIMULTANEOUS

/* state, event, dir -> next, reason, note, record takes it */
static const struct cell_case cell_cases[] = {
	/* CLOSED: no entry. Only a SYN makes one. */
	{ CL, SYN, O,		SS, OK, 0, true },
	{ CL, SYN, R,		SS, OK, 0, true },
	{ CL, SYNACK, O,	CL, NO_SYN, 0, false },
	{ CL, SYNACK, R,	CL, NO_SYN, 0, false },
	{ CL, ACK, O,		CL, OK, 0, false },
	{ CL, ACK, R,		CL, OK, 0, false },
	{ CL, FIN, O,		CL, OK, 0, false },
	{ CL, FIN, R,		CL, OK, 0, false },
	{ CL, RST, O,		CL, OK, 0, false },
	{ CL, RST, R,		CL, OK, 0, false },
	{ CL, BAD, O,		CL, FLAGS, 0, false },
	{ CL, BAD, R,		CL, FLAGS, 0, false },
	/* SYN_SENT */
	{ SS, SYN, O,		SS, OK, RETRANS, true },
	{ SS, SYN, R,		SR, OK, SIM, true },
	{ SS, SYNACK, O,	SS, NO_SYN, 0, false },
	{ SS, SYNACK, R,	SR, OK, 0, true },
	{ SS, ACK, O,		SS, ACK_BAD, 0, false },
	/* Nothing to take: the responder has sent no SYN. */
	{ SS, ACK, R,		SS, OK, 0, false },
	{ SS, FIN, O,		SS, ACK_BAD, 0, false },
	{ SS, FIN, R,		SS, ACK_BAD, 0, false },
	{ SS, RST, O,		CL, OK, 0, true },
	{ SS, RST, R,		CL, OK, 0, true },
	{ SS, BAD, O,		SS, FLAGS, 0, false },
	{ SS, BAD, R,		SS, FLAGS, 0, false },
	/* SYN_RCVD */
	{ SR, SYN, O,		SR, OK, RETRANS, true },
	{ SR, SYN, R,		SR, OK, RETRANS, true },
	{ SR, SYNACK, O,	SR, NO_SYN, 0, false },
	{ SR, SYNACK, R,	SR, OK, RETRANS, true },
	{ SR, ACK, O,		ES, OK, 0, true },
	{ SR, ACK, R,		SR, OK, 0, true },
	{ SR, FIN, O,		ES, OK, 0, true },
	{ SR, FIN, R,		SR, OK, 0, true },
	{ SR, RST, O,		CL, OK, 0, true },
	{ SR, RST, R,		CL, OK, 0, true },
	{ SR, BAD, O,		SR, FLAGS, 0, false },
	{ SR, BAD, R,		SR, FLAGS, 0, false },
	/* ESTABLISHED */
	{ ES, SYN, O,		ES, SYN_EST, 0, false },
	{ ES, SYN, R,		ES, SYN_EST, 0, false },
	{ ES, SYNACK, O,	ES, NO_SYN, 0, false },
	{ ES, SYNACK, R,	ES, OK, RETRANS, true },
	{ ES, ACK, O,		ES, OK, 0, true },
	{ ES, ACK, R,		ES, OK, 0, true },
	{ ES, FIN, O,		ES, OK, 0, true },
	{ ES, FIN, R,		ES, OK, 0, true },
	{ ES, RST, O,		CL, OK, 0, true },
	{ ES, RST, R,		CL, OK, 0, true },
	{ ES, BAD, O,		ES, FLAGS, 0, false },
	{ ES, BAD, R,		ES, FLAGS, 0, false },
};

/*
 * The reason fsm.c gives, cell by cell, for a segment no correct peer sends
 * there: seg_for()'s, with its sequence number 2^30 away and, if it carries
 * an ACK, its acknowledgment one past. A cell whose check is wrong or missing
 * in fsm.c can still pass the correct segment of its case; this is where it
 * shows. Each row: event = { ORIG, REPLY }.
 */
static const u8
wrong_reason[TCPHS_NR_STATES][TCPHS_NR_EVENTS][TCPHS_NR_DIRS] = {
	[CL] = {
		[SYN] = { OK, OK }, [SYNACK] = { NO_SYN, NO_SYN },
		[ACK] = { OK, OK }, [FIN] = { OK, OK },
		[RST] = { OK, OK }, [BAD] = { FLAGS, FLAGS },
	},
	[SS] = {
		[SYN] = { OK, OK }, [SYNACK] = { NO_SYN, SA_ACK },
		[ACK] = { ACK_BAD, OK }, [FIN] = { ACK_BAD, ACK_BAD },
		[RST] = { OOW, RS_ACK }, [BAD] = { FLAGS, FLAGS },
	},
	[SR] = {
		[SYN] = { OK, SYN_EST }, [SYNACK] = { NO_SYN, SA_ACK },
		[ACK] = { ACK_BAD, SEQ_OOW }, [FIN] = { ACK_BAD, SEQ_OOW },
		[RST] = { OOW, OOW }, [BAD] = { FLAGS, FLAGS },
	},
	[ES] = {
		[SYN] = { SYN_EST, SYN_EST }, [SYNACK] = { NO_SYN, SA_ACK },
		[ACK] = { SEQ_OOW, SEQ_OOW }, [FIN] = { SEQ_OOW, SEQ_OOW },
		[RST] = { OOW, OOW }, [BAD] = { FLAGS, FLAGS },
	},
};

static const char *const event_names[TCPHS_NR_EVENTS] = {
	"SYN", "SYNACK", "ACK", "FIN", "RST", "BAD"
};

static void cell_case_desc(const struct cell_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s %s %s",
		 tcphs_state_names[c->state], event_names[c->event],
		 c->dir == O ? "ORIG" : "REPLY");
}

KUNIT_ARRAY_PARAM(fsm_cell, cell_cases, cell_case_desc);

static void fsm_cell_test(struct kunit *test)
{
	const struct cell_case *c = test->param_value;
	struct tcphs_hs hs = hs_in(c->state, false);
	struct tcphs_seg seg = seg_for(c->event, c->dir);
	struct tcphs_step st = tcphs_fsm_step(&hs, &seg, c->dir);

	KUNIT_EXPECT_EQ(test, st.next, c->next);
	KUNIT_EXPECT_EQ(test, st.reason, c->reason);
	KUNIT_EXPECT_EQ(test, st.note, c->note);
	KUNIT_EXPECT_EQ(test, st.commit, c->commit);

	tcphs_fsm_commit(&hs, &seg, c->dir, &st);
	KUNIT_EXPECT_EQ(test, hs.state, c->commit ? c->next : c->state);
}

/*
 * fsm.c's own cell at @s, @e, @d: written out, and stepping the segment of
 * its case @c as @c says, and a wrong segment as wrong_reason[] says.
 */
static void expect_cell(struct kunit *test, enum tcphs_state s,
			enum tcphs_event e, enum tcphs_dir d,
			const struct cell_case *c)
{
	const struct tcphs_cell *cell = &tcphs_fsm[s][e][d];
	struct tcphs_hs hs = hs_in(s, false);
	struct tcphs_seg seg = seg_for(e, d);
	char at[KUNIT_PARAM_DESC_SIZE];
	struct tcphs_step st;

	snprintf(at, sizeof(at), "%s %s %s", tcphs_state_names[s],
		 event_names[e], d == O ? "ORIG" : "REPLY");
	KUNIT_EXPECT_LT_MSG(test, cell->next, TCPHS_NR_STATES, "%s", at);
	KUNIT_EXPECT_LE_MSG(test, cell->check, CK_SYN_EST, "%s", at);
	KUNIT_EXPECT_FALSE_MSG(test,
			       cell->next == S_CL && cell->check == CK_NONE,
			       "%s: left out of fsm.c's table", at);
	if (!c) {
		KUNIT_FAIL(test, "%s: no case", at);
		return;
	}
	st = tcphs_fsm_step(&hs, &seg, d);
	KUNIT_EXPECT_EQ_MSG(test, st.next, c->next, "%s", at);
	KUNIT_EXPECT_EQ_MSG(test, st.reason, c->reason, "%s", at);
	KUNIT_EXPECT_EQ_MSG(test, st.note, c->note, "%s", at);
	KUNIT_EXPECT_EQ_MSG(test, st.commit, c->commit, "%s", at);

	seg.seq += 1u << 30;
	if (seg.flags & TCPHS_ACK)
		seg.ack++;
	st = tcphs_fsm_step(&hs, &seg, d);
	KUNIT_EXPECT_EQ_MSG(test, st.reason, wrong_reason[s][e][d],
			    "%s: wrong segment", at);
}

/*
 * Walks fsm.c's table itself: every cell is written out there, has exactly
 * one case above, and steps both its case's segment and a wrong one as
 * expected. A cell left out of the table's initialiser reads as { CLOSED,
 * CK_NONE }, which no cell is meant to be: it passes any segment and tears
 * the flow down. fsm_cell_test alone cannot see that where the correct
 * segment's step is the same (a RST in window leads to CLOSED either way),
 * nor a cell whose check is wrong but lets the correct segment through.
 */
static void fsm_cells_complete_test(struct kunit *test)
{
	const struct cell_case *by_cell[TCPHS_NR_STATES][TCPHS_NR_EVENTS]
				       [TCPHS_NR_DIRS] = {};
	const struct cell_case *c;
	unsigned int i, s, e, d;

	for (i = 0; i < ARRAY_SIZE(cell_cases); i++) {
		c = &cell_cases[i];
		KUNIT_ASSERT_LT(test, c->state, TCPHS_NR_STATES);
		KUNIT_ASSERT_LT(test, c->event, TCPHS_NR_EVENTS);
		KUNIT_ASSERT_LT(test, c->dir, TCPHS_NR_DIRS);
		KUNIT_EXPECT_NULL_MSG(test, by_cell[c->state][c->event][c->dir],
				      "case %u repeats a cell", i);
		by_cell[c->state][c->event][c->dir] = c;
	}
	for (s = 0; s < TCPHS_NR_STATES; s++) {
		for (e = 0; e < TCPHS_NR_EVENTS; e++) {
			for (d = 0; d < TCPHS_NR_DIRS; d++)
				expect_cell(test, s, e, d, by_cell[s][e][d]);
		}
	}
}

static void fsm_event_test(struct kunit *test)
{
	static const struct { u8 flags; u8 ev; } map[] = {
		{ TCPHS_SYN, SYN },
		{ TCPHS_SYN | TCPHS_ECE | TCPHS_CWR, SYN },
		{ TCPHS_SYN | TCPHS_ACK, SYNACK },
		{ TCPHS_ACK, ACK },
		{ TCPHS_ACK | TCPHS_PSH | TCPHS_URG, ACK },
		{ TCPHS_FIN | TCPHS_ACK, FIN },
		{ TCPHS_FIN | TCPHS_ACK | TCPHS_PSH, FIN },
		{ TCPHS_RST, RST },
		{ TCPHS_RST | TCPHS_ACK, RST },
		{ 0, BAD },
		{ TCPHS_PSH, BAD },
		{ TCPHS_URG, BAD },
		{ TCPHS_FIN, BAD },
		{ TCPHS_SYN | TCPHS_FIN, BAD },
		{ TCPHS_SYN | TCPHS_RST, BAD },
		{ TCPHS_SYN | TCPHS_FIN | TCPHS_ACK, BAD },
		{ TCPHS_SYN | TCPHS_RST | TCPHS_ACK, BAD },
		{ TCPHS_RST | TCPHS_FIN, BAD },
		{ TCPHS_RST | TCPHS_FIN | TCPHS_ACK, BAD },
		{ 0xff, BAD },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test, tcphs_fsm_event(map[i].flags),
				    map[i].ev, "flags %#x", map[i].flags);
}

/* Steps @seg in @hs and checks what came out. */
static void expect_step(struct kunit *test, struct tcphs_hs hs,
			struct tcphs_seg seg, enum tcphs_dir dir,
			u8 next, u8 reason, u8 note)
{
	struct tcphs_step st = tcphs_fsm_step(&hs, &seg, dir);

	KUNIT_EXPECT_EQ(test, st.next, next);
	KUNIT_EXPECT_EQ(test, st.reason, reason);
	KUNIT_EXPECT_EQ(test, st.note, note);
}

static void fsm_synack_check_test(struct kunit *test)
{
	struct tcphs_seg seg = seg_for(SYNACK, R);

	seg.ack = ISN_C;		/* ISN, not ISN + 1 */
	expect_step(test, hs_in(SS, false), seg, R, SS,
		    TCPHS_R_SYNACK_BAD_ACK, 0);
	expect_step(test, hs_in(SR, false), seg, R, SR,
		    TCPHS_R_SYNACK_BAD_ACK, 0);
	expect_step(test, hs_in(ES, false), seg, R, ES,
		    TCPHS_R_SYNACK_BAD_ACK, 0);
	seg.ack = ISN_C + 2;
	expect_step(test, hs_in(SS, false), seg, R, SS,
		    TCPHS_R_SYNACK_BAD_ACK, 0);
	seg.flags = TCPHS_SYN | TCPHS_ACK;
	seg.ack = ISN_C + 1;
	expect_step(test, hs_in(SS, false), seg, R, SR, OK, 0);
}

static void fsm_third_ack_check_test(struct kunit *test)
{
	struct tcphs_seg seg = seg_for(ACK, O);

	seg.ack = ISN_S;
	expect_step(test, hs_in(SR, false), seg, O, SR, ACK_BAD, 0);
	seg.ack = ISN_S + 2;
	expect_step(test, hs_in(SR, false), seg, O, SR, ACK_BAD, 0);
	/* Data on the third ACK is correct. */
	seg.ack = ISN_S + 1;
	seg.payload_len = 1000;
	expect_step(test, hs_in(SR, false), seg, O, ES, OK, 0);
}

static void fsm_rst_check_test(struct kunit *test)
{
	struct tcphs_seg seg = seg_for(RST, R);

	/* SYN-SENT: a RST must acknowledge the SYN (RFC 9293 3.10.7.3). */
	seg.flags = TCPHS_RST;
	expect_step(test, hs_in(SS, false), seg, R, SS,
		    TCPHS_R_RST_SYNSENT_BAD_ACK, 0);
	seg.flags = TCPHS_RST | TCPHS_ACK;
	seg.ack = ISN_C;
	expect_step(test, hs_in(SS, false), seg, R, SS,
		    TCPHS_R_RST_SYNSENT_BAD_ACK, 0);

	/* The initiator aborting before any answer: exactly ISN + 1. */
	seg = seg_for(RST, O);
	seg.seq = ISN_C + 2;
	expect_step(test, hs_in(SS, false), seg, O, SS,
		    TCPHS_R_RST_OUT_OF_WINDOW, 0);

	/*
	 * RFC 5961 3.2: at RCV.NXT it ends the flow; elsewhere inside
	 * RCV.NXT .. RCV.NXT + RCV.WND - 1 it passes for a challenge ACK and
	 * the record stays; outside, it is wrong.
	 */
	seg = seg_for(RST, O);
	expect_step(test, hs_in(ES, false), seg, O, CL, OK, 0);
	seg.seq = ISN_C + 2;
	expect_step(test, hs_in(ES, false), seg, O, ES, OK,
		    TCPHS_NOTE_RST_IN_WINDOW);
	seg.seq = ISN_C + 1 + WIN - 1;
	expect_step(test, hs_in(ES, false), seg, O, ES, OK,
		    TCPHS_NOTE_RST_IN_WINDOW);
	seg.seq = ISN_C + 1 + WIN;
	expect_step(test, hs_in(ES, false), seg, O, ES,
		    TCPHS_R_RST_OUT_OF_WINDOW, 0);
	seg.seq = ISN_C;
	expect_step(test, hs_in(ES, false), seg, O, ES,
		    TCPHS_R_RST_OUT_OF_WINDOW, 0);
}

static void fsm_rst_zero_window_test(struct kunit *test)
{
	struct tcphs_hs hs = hs_in(ES, false);
	struct tcphs_seg seg = seg_for(RST, R);

	hs.peer[R].maxend = ISN_S + 1;	/* the initiator closed its window */
	expect_step(test, hs, seg, R, CL, OK, 0);
	seg.seq++;
	expect_step(test, hs, seg, R, ES, TCPHS_R_RST_OUT_OF_WINDOW, 0);
}

static void fsm_syn_again_test(struct kunit *test)
{
	struct tcphs_seg seg = seg_for(SYN, O);

	/* A new ISN from the initiator: a new attempt replaces the old. */
	seg.seq = 1234;
	expect_step(test, hs_in(SS, false), seg, O, SS, OK,
		    TCPHS_NOTE_RESTART);
	expect_step(test, hs_in(SR, false), seg, O, SS, OK,
		    TCPHS_NOTE_RESTART);
	/* A new ISN from the responder after its SYN-ACK is no handshake. */
	seg = seg_for(SYN, R);
	seg.seq = 1234;
	expect_step(test, hs_in(SR, false), seg, R, SR, SYN_EST, 0);
}

static void fsm_port_reuse_test(struct kunit *test)
{
	struct tcphs_hs hs = hs_in(ES, false);
	struct tcphs_seg seg = seg_for(SYN, O);

	seg.seq = ISN_C + 1000;		/* beyond all the old flow sent */
	hs.peer[O].seen |= TCPHS_SEEN_FIN;
	expect_step(test, hs, seg, O, ES, SYN_EST, 0);	/* one FIN only */
	hs.peer[R].seen |= TCPHS_SEEN_FIN;
	KUNIT_EXPECT_TRUE(test, tcphs_fsm_closing(&hs));
	expect_step(test, hs, seg, O, SS, OK, TCPHS_NOTE_RESTART);
	expect_step(test, hs, seg_for(SYN, R), R, ES, SYN_EST, 0);

	/* RFC 6191: not beyond the old sequence numbers, nor a newer TSval. */
	seg.seq = ISN_C;
	expect_step(test, hs, seg, O, ES, SYN_EST, 0);
	hs.peer[O].tsval = 5000;
	hs.peer[O].seen |= TCPHS_SEEN_TS;
	seg.opt.present = TCPHS_OPT_TS;
	seg.opt.tsval = 5000;
	expect_step(test, hs, seg, O, ES, SYN_EST, 0);
	seg.opt.tsval = 5001;
	expect_step(test, hs, seg, O, SS, OK, TCPHS_NOTE_RESTART);
	KUNIT_EXPECT_FALSE(test, tcphs_fsm_reuses(&hs, &seg, R));
}

static void fsm_simultaneous_test(struct kunit *test)
{
	struct tcphs_hs sim = hs_in(SR, true);
	struct tcphs_seg seg;

	/* Each side's SYN-ACK acknowledges the other's SYN. */
	expect_step(test, sim, seg_for(SYNACK, O), O, ES, OK, 0);
	expect_step(test, sim, seg_for(SYNACK, R), R, ES, OK, 0);
	seg = seg_for(SYNACK, O);
	seg.ack = ISN_S;
	expect_step(test, sim, seg, O, SR, TCPHS_R_SYNACK_BAD_ACK, 0);
	expect_step(test, sim, seg_for(ACK, R), R, ES, OK, 0);
	seg = seg_for(ACK, R);
	seg.ack = ISN_C;
	expect_step(test, sim, seg, R, SR, ACK_BAD, 0);
	/* Retransmitted SYNs of either side. */
	expect_step(test, sim, seg_for(SYN, R), R, SR, OK, RETRANS);
	expect_step(test, sim, seg_for(SYN, O), O, SR, OK, RETRANS);
}

static void fsm_syn_data_test(struct kunit *test)
{
	struct tcphs_hs closed = hs_in(CL, false);
	struct tcphs_seg seg = seg_for(SYN, O);
	struct tcphs_step st;

	/* RFC 9293 3.10.7: any SYN may carry data; only counted. */
	seg.payload_len = 5;
	st = tcphs_fsm_step(&closed, &seg, O);
	KUNIT_EXPECT_EQ(test, st.reason, OK);
	KUNIT_EXPECT_EQ(test, st.note, TCPHS_NOTE_SYN_DATA);
	KUNIT_EXPECT_EQ(test, st.next, SS);
	KUNIT_EXPECT_TRUE(test, st.commit);
	tcphs_fsm_commit(&closed, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, closed.peer[O].end, ISN_C + 1 + 5);

	/* A server that took 2 of the 5 bytes (RFC 7413 4.2), with data. */
	seg = seg_for(SYNACK, R);
	seg.ack = ISN_C + 1 + 2;
	seg.payload_len = 1;
	expect_step(test, closed, seg, R, SR, OK, TCPHS_NOTE_SYN_DATA);

	seg = seg_for(SYN, O);
	seg.payload_len = 5;
	seg.opt.present = TCPHS_OPT_FASTOPEN;
	expect_step(test, hs_in(CL, false), seg, O, SS, OK, 0);
}

/* RFC 7413 4.2: the SYN-ACK may acknowledge the data of a Fast Open SYN. */
static void fsm_fastopen_test(struct kunit *test)
{
	struct tcphs_hs hs = {};
	struct tcphs_seg seg = seg_for(SYN, O);
	struct tcphs_step st;

	seg.payload_len = 10;
	seg.opt.present = TCPHS_OPT_FASTOPEN;
	st = tcphs_fsm_step(&hs, &seg, O);
	KUNIT_EXPECT_EQ(test, st.reason, OK);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, hs.peer[O].syn_data, 10);

	seg = seg_for(SYNACK, R);
	seg.ack = ISN_C + 1 + 10;		/* all the data taken */
	expect_step(test, hs, seg, R, SR, OK, 0);
	seg.ack = ISN_C + 1;			/* none of it */
	expect_step(test, hs, seg, R, SR, OK, 0);
	seg.ack = ISN_C + 1 + 11;		/* more than was sent */
	expect_step(test, hs, seg, R, SS, TCPHS_R_SYNACK_BAD_ACK, 0);
	seg.ack = ISN_C;
	expect_step(test, hs, seg, R, SS, TCPHS_R_SYNACK_BAD_ACK, 0);
	seg = seg_for(RST, R);
	seg.ack = ISN_C + 1 + 10;		/* a RST may ack it too */
	expect_step(test, hs, seg, R, CL, OK, 0);
}

static void fsm_commit_test(struct kunit *test)
{
	struct tcphs_hs hs = {};
	struct tcphs_seg seg = seg_for(SYN, O);
	struct tcphs_step st;

	seg.opt.present = TCPHS_OPT_WSCALE;
	seg.opt.wscale = 7;
	st = tcphs_fsm_step(&hs, &seg, O);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, hs.state, SS);
	KUNIT_EXPECT_EQ(test, hs.peer[O].isn, ISN_C);
	KUNIT_EXPECT_EQ(test, hs.peer[O].wscale, 7);

	seg = seg_for(SYNACK, R);
	seg.window = 1000;
	seg.opt.present = TCPHS_OPT_WSCALE;
	seg.opt.wscale = 2;
	st = tcphs_fsm_step(&hs, &seg, R);
	tcphs_fsm_commit(&hs, &seg, R, &st);
	KUNIT_EXPECT_EQ(test, hs.state, SR);
	KUNIT_EXPECT_EQ(test, hs.peer[R].isn, ISN_S);
	KUNIT_EXPECT_EQ(test, hs.peer[R].ack, ISN_C + 1);
	KUNIT_EXPECT_EQ(test, hs.peer[R].maxwin, 1000u);	/* SYN: unscaled */
	KUNIT_EXPECT_EQ(test, hs.peer[O].maxend, ISN_C + 1 + 1000);

	seg = seg_for(ACK, O);
	seg.window = 1000;
	st = tcphs_fsm_step(&hs, &seg, O);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, hs.state, ES);
	KUNIT_EXPECT_EQ(test, hs.peer[O].maxwin, 1000u << 7);
	KUNIT_EXPECT_EQ(test, hs.peer[R].maxend, ISN_S + 1 + (1000u << 7));

	/* An older ACK does not move the acknowledgment back. */
	seg.ack = ISN_S - 10;
	st = tcphs_fsm_step(&hs, &seg, O);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, hs.peer[O].ack, ISN_S + 1);

	/* A dropped or wrong segment changes nothing. */
	seg = seg_for(SYN, R);
	st = tcphs_fsm_step(&hs, &seg, R);
	KUNIT_EXPECT_FALSE(test, st.commit);
	tcphs_fsm_commit(&hs, &seg, R, &st);
	KUNIT_EXPECT_EQ(test, hs.state, ES);
}

static void fsm_no_wscale_test(struct kunit *test)
{
	struct tcphs_hs hs = {};
	struct tcphs_seg seg = seg_for(SYN, O);
	struct tcphs_step st;

	/* Only the initiator asks for scaling: no side scales (RFC 7323). */
	seg.opt.present = TCPHS_OPT_WSCALE;
	seg.opt.wscale = 7;
	seg.window = 100;
	st = tcphs_fsm_step(&hs, &seg, O);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	seg = seg_for(SYNACK, R);
	st = tcphs_fsm_step(&hs, &seg, R);
	tcphs_fsm_commit(&hs, &seg, R, &st);
	seg = seg_for(ACK, O);
	seg.window = 1000;
	st = tcphs_fsm_step(&hs, &seg, O);
	tcphs_fsm_commit(&hs, &seg, O, &st);
	KUNIT_EXPECT_EQ(test, hs.peer[R].maxend, ISN_S + 1 + 1000);
}

static void fsm_names_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < TCPHS_NR_STATES; i++)
		KUNIT_EXPECT_NOT_NULL(test, tcphs_state_names[i]);
	for (i = 0; i < TCPHS_NR_REASONS; i++)
		KUNIT_EXPECT_NOT_NULL(test, tcphs_reason_names[i]);
}

static struct kunit_case tcphs_fsm_cases[] = {
	KUNIT_CASE_PARAM(fsm_cell_test, fsm_cell_gen_params),
	KUNIT_CASE(fsm_cells_complete_test),
	KUNIT_CASE(fsm_event_test),
	KUNIT_CASE(fsm_synack_check_test),
	KUNIT_CASE(fsm_third_ack_check_test),
	KUNIT_CASE(fsm_rst_check_test),
	KUNIT_CASE(fsm_rst_zero_window_test),
	KUNIT_CASE(fsm_syn_again_test),
	KUNIT_CASE(fsm_port_reuse_test),
	KUNIT_CASE(fsm_simultaneous_test),
	KUNIT_CASE(fsm_syn_data_test),
	KUNIT_CASE(fsm_fastopen_test),
	KUNIT_CASE(fsm_commit_test),
	KUNIT_CASE(fsm_no_wscale_test),
	KUNIT_CASE(fsm_names_test),
	{}
};

static struct kunit_suite tcphs_fsm_suite = {
	.name = "tcphs_fsm",
	.test_cases = tcphs_fsm_cases,
};

kunit_test_suite(tcphs_fsm_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of the tcphs handshake state machine");
