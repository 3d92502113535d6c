// SPDX-License-Identifier: GPL-2.0
/*
 * The handshake state machine, as one table: state x event x direction gives
 * the state a segment leads to if it is what a correct peer sends, and the
 * check that decides whether it is. The checks are the RFC rules:
 *
 *   SYNACK     RFC 9293 3.10.7.3: a SYN-ACK must acknowledge ISN + 1
 *   THIRD_ACK  RFC 9293 3.10.7.4: the ACK that ends SYN-RECEIVED must
 *              acknowledge the responder's ISN + 1
 *   RST        RFC 9293 3.10.7.3 in SYN-SENT (the RST must acknowledge the
 *              SYN), RFC 5961 section 3.2 elsewhere (at RCV.NXT it ends
 *              the flow; elsewhere in the window it passes, for the
 *              endpoint's challenge ACK, and moves nothing)
 *   SYN_EST    RFC 5961 section 4: a SYN on a synchronized flow is answered
 *              by a challenge ACK, never taken as a new handshake, unless
 *              both sides have closed and the SYN is one a host in
 *              TIME-WAIT takes (RFC 6191)
 *
 * and then, for every other segment of a flow past SYN-SENT, the window
 * of each direction (window.c): a segment outside what its receiver could
 * accept moves nothing.
 *
 * In the table, S_CL is CLOSED (no entry: the hook only asks that row in the
 * ORIG direction, and the REPLY column mirrors it), S_SS SYN_SENT, S_SR
 * SYN_RCVD, S_ES ESTABLISHED.
 */
#include "fsm.h"
#include "seq.h"

enum tcphs_check {
	CK_NONE,	/* correct as it stands */
	CK_UNTRACKED,	/* no entry and none to make: nothing to record */
	CK_NEW,		/* a SYN with no entry: a new handshake */
	CK_NO_SYN,	/* SYN-ACK with no SYN before it */
	CK_BAD_FLAGS,	/* never correct */
	CK_SYN_AGAIN,	/* a SYN from a side that sent one already */
	CK_SIM_OPEN,	/* the responder's own SYN: simultaneous open */
	CK_SYNACK,	/* the answer to the SYN */
	CK_SYNACK_AGAIN, /* a SYN-ACK after the first one */
	CK_ACK_EARLY,	/* an ACK before any SYN-ACK */
	CK_THIRD_ACK,	/* the ACK of the responder's SYN */
	CK_RST,
	CK_SYN_EST,	/* a SYN once synchronized */
};

struct tcphs_cell {
	u8 next;	/* enum tcphs_state */
	u8 check;	/* enum tcphs_check */
};

/* Short names for the table, as nf_conntrack_proto_tcp.c has them. */
#define S_CL	TCPHS_CLOSED
#define S_SS	TCPHS_SYN_SENT
#define S_SR	TCPHS_SYN_RCVD
#define S_ES	TCPHS_ESTABLISHED
#define C(s, c)	{ s, CK_##c }

/* Each row: event = { ORIG direction, REPLY direction }. */
static const struct tcphs_cell
tcphs_fsm[TCPHS_NR_STATES][TCPHS_NR_EVENTS][TCPHS_NR_DIRS] = {
	[TCPHS_CLOSED] = {
		/* A SYN opens a flow; nothing else does (no pick-up). */
		[TCPHS_EV_SYN]		= { C(S_SS, NEW), C(S_SS, NEW) },
		[TCPHS_EV_SYNACK]	= { C(S_CL, NO_SYN), C(S_CL, NO_SYN) },
		[TCPHS_EV_ACK]		= { C(S_CL, UNTRACKED), C(S_CL, UNTRACKED) },
		[TCPHS_EV_FIN]		= { C(S_CL, UNTRACKED), C(S_CL, UNTRACKED) },
		[TCPHS_EV_RST]		= { C(S_CL, UNTRACKED), C(S_CL, UNTRACKED) },
		[TCPHS_EV_BAD]		= { C(S_CL, BAD_FLAGS), C(S_CL, BAD_FLAGS) },
	},
	[TCPHS_SYN_SENT] = {
		[TCPHS_EV_SYN]		= { C(S_SS, SYN_AGAIN), C(S_SR, SIM_OPEN) },
		[TCPHS_EV_SYNACK]	= { C(S_SS, NO_SYN), C(S_SR, SYNACK) },
		/* A REPLY ACK here is a challenge ACK from a stale peer. */
		[TCPHS_EV_ACK]		= { C(S_SS, ACK_EARLY), C(S_SS, NONE) },
		[TCPHS_EV_FIN]		= { C(S_SS, ACK_EARLY), C(S_SS, ACK_EARLY) },
		[TCPHS_EV_RST]		= { C(S_CL, RST), C(S_CL, RST) },
		[TCPHS_EV_BAD]		= { C(S_SS, BAD_FLAGS), C(S_SS, BAD_FLAGS) },
	},
	[TCPHS_SYN_RCVD] = {
		[TCPHS_EV_SYN]		= { C(S_SR, SYN_AGAIN), C(S_SR, SYN_AGAIN) },
		[TCPHS_EV_SYNACK]	= { C(S_SR, SYNACK_AGAIN), C(S_SR, SYNACK_AGAIN) },
		/* The third segment may carry data, and even a FIN. */
		[TCPHS_EV_ACK]		= { C(S_ES, THIRD_ACK), C(S_ES, THIRD_ACK) },
		[TCPHS_EV_FIN]		= { C(S_ES, THIRD_ACK), C(S_ES, THIRD_ACK) },
		[TCPHS_EV_RST]		= { C(S_CL, RST), C(S_CL, RST) },
		[TCPHS_EV_BAD]		= { C(S_SR, BAD_FLAGS), C(S_SR, BAD_FLAGS) },
	},
	[TCPHS_ESTABLISHED] = {
		[TCPHS_EV_SYN]		= { C(S_ES, SYN_EST), C(S_ES, SYN_EST) },
		/* Our third ACK went by, but the responder may not have it. */
		[TCPHS_EV_SYNACK]	= { C(S_ES, SYNACK_AGAIN), C(S_ES, SYNACK_AGAIN) },
		[TCPHS_EV_ACK]		= { C(S_ES, NONE), C(S_ES, NONE) },
		[TCPHS_EV_FIN]		= { C(S_ES, NONE), C(S_ES, NONE) },
		[TCPHS_EV_RST]		= { C(S_CL, RST), C(S_CL, RST) },
		[TCPHS_EV_BAD]		= { C(S_ES, BAD_FLAGS), C(S_ES, BAD_FLAGS) },
	},
};

const char *const tcphs_state_names[TCPHS_NR_STATES] = {
	[TCPHS_CLOSED]		= "CLOSED",
	[TCPHS_SYN_SENT]	= "SYN_SENT",
	[TCPHS_SYN_RCVD]	= "SYN_RCVD",
	[TCPHS_ESTABLISHED]	= "ESTABLISHED",
};

const char *const tcphs_reason_names[TCPHS_NR_REASONS] = {
	[TCPHS_R_OK]			= "ok",
	[TCPHS_R_BAD_FLAGS]		= "bad_flags",
	[TCPHS_R_SYNACK_NO_SYN]		= "synack_no_syn",
	[TCPHS_R_SYNACK_BAD_ACK]	= "synack_bad_ack",
	[TCPHS_R_ACK_BAD]		= "ack_bad",
	[TCPHS_R_RST_OUT_OF_WINDOW]	= "rst_out_of_window",
	[TCPHS_R_RST_SYNSENT_BAD_ACK]	= "rst_synsent_bad_ack",
	[TCPHS_R_SYN_ON_ESTABLISHED]	= "syn_on_established",
	[TCPHS_R_SEQ_OUT_OF_WINDOW]	= "seq_out_of_window",
	[TCPHS_R_ACK_OUT_OF_WINDOW]	= "ack_out_of_window",
	[TCPHS_R_MALFORMED]		= "malformed",
	[TCPHS_R_BAD_CHECKSUM]		= "bad_checksum",
};

enum tcphs_event tcphs_fsm_event(u8 flags)
{
	u8 f = flags & (TCPHS_SYN | TCPHS_ACK | TCPHS_FIN | TCPHS_RST);

	switch (f) {
	case TCPHS_SYN:
		return TCPHS_EV_SYN;
	case TCPHS_SYN | TCPHS_ACK:
		return TCPHS_EV_SYNACK;
	case TCPHS_ACK:
		return TCPHS_EV_ACK;
	case TCPHS_FIN | TCPHS_ACK:
		return TCPHS_EV_FIN;
	case TCPHS_RST:
	case TCPHS_RST | TCPHS_ACK:
		return TCPHS_EV_RST;
	default:	/* no flags, FIN alone, SYN+FIN, SYN+RST, RST+FIN ... */
		return TCPHS_EV_BAD;
	}
}

/*
 * Does this segment acknowledge the SYN the other side sent? Its ack is
 * ISN + 1, or, when that SYN carried data (Fast Open, RFC 7413 section 4.2),
 * may also cover any of that data.
 */
static bool tcphs_acks_syn(const struct tcphs_hs *hs,
			   const struct tcphs_seg *seg, enum tcphs_dir dir)
{
	const struct tcphs_peer *other = &hs->peer[tcphs_other(dir)];

	return (seg->flags & TCPHS_ACK) && (other->seen & TCPHS_SEEN_SYN) &&
	       seg->ack - (other->isn + 1) <= other->syn_data;
}

static bool tcphs_simultaneous(const struct tcphs_hs *hs)
{
	return hs->flags & TCPHS_HS_SIMULTANEOUS;
}

static u8 tcphs_check_syn_again(const struct tcphs_hs *hs,
				const struct tcphs_seg *seg,
				enum tcphs_dir dir, struct tcphs_step *st)
{
	if (seg->seq == hs->peer[dir].isn) {
		st->note |= TCPHS_NOTE_RETRANS;
		return TCPHS_R_OK;
	}
	if (dir == TCPHS_DIR_ORIG) {	/* the initiator gave up, tries anew */
		st->note |= TCPHS_NOTE_RESTART;
		st->next = TCPHS_SYN_SENT;
		return TCPHS_R_OK;
	}
	return TCPHS_R_SYN_ON_ESTABLISHED;
}

static u8 tcphs_check_synack_again(const struct tcphs_hs *hs,
				   const struct tcphs_seg *seg,
				   enum tcphs_dir dir, struct tcphs_step *st)
{
	if (tcphs_simultaneous(hs)) {
		if (!tcphs_acks_syn(hs, seg, dir))
			return TCPHS_R_SYNACK_BAD_ACK;
		st->next = TCPHS_ESTABLISHED;
		return TCPHS_R_OK;
	}
	if (dir == TCPHS_DIR_ORIG)
		return TCPHS_R_SYNACK_NO_SYN;
	if (!tcphs_acks_syn(hs, seg, dir))
		return TCPHS_R_SYNACK_BAD_ACK;
	st->note |= TCPHS_NOTE_RETRANS;
	return TCPHS_R_OK;
}

static u8 tcphs_check_third_ack(const struct tcphs_hs *hs,
				const struct tcphs_seg *seg,
				enum tcphs_dir dir, struct tcphs_step *st)
{
	/* The responder acks again (a challenge ACK, say): nothing moves. */
	if (dir == TCPHS_DIR_REPLY && !tcphs_simultaneous(hs)) {
		st->next = TCPHS_SYN_RCVD;
		return TCPHS_R_OK;
	}
	return tcphs_acks_syn(hs, seg, dir) ? TCPHS_R_OK : TCPHS_R_ACK_BAD;
}

/*
 * A RST. In SYN-SENT (RFC 9293 3.10.7.3) the responder's must acknowledge
 * the SYN, and the initiator's, which aborts its own SYN, sits at ISN + 1.
 * Once both sides have sent a SYN, RFC 5961 section 3.2 (window.c).
 */
static u8 tcphs_check_rst(const struct tcphs_hs *hs,
			  const struct tcphs_seg *seg, enum tcphs_dir dir,
			  struct tcphs_step *st)
{
	const struct tcphs_peer *snd = &hs->peer[dir];
	const struct tcphs_peer *rcv = &hs->peer[tcphs_other(dir)];

	if (!(snd->seen & rcv->seen & TCPHS_SEEN_SYN)) {
		if (dir == TCPHS_DIR_REPLY)
			return tcphs_acks_syn(hs, seg, dir) ?
			       TCPHS_R_OK : TCPHS_R_RST_SYNSENT_BAD_ACK;
		return seg->seq == snd->isn + 1 ?
		       TCPHS_R_OK : TCPHS_R_RST_OUT_OF_WINDOW;
	}
	switch (tcphs_window_rst(snd, rcv, seg)) {
	case TCPHS_RST_EXACT:
		return TCPHS_R_OK;
	case TCPHS_RST_IN_WINDOW:
		st->note |= TCPHS_NOTE_RST_IN_WINDOW;
		st->next = hs->state;
		st->commit = false;
		return TCPHS_R_OK;
	default:
		return TCPHS_R_RST_OUT_OF_WINDOW;
	}
}

static u8 tcphs_check_syn_est(const struct tcphs_hs *hs,
			      const struct tcphs_seg *seg, enum tcphs_dir dir,
			      struct tcphs_step *st)
{
	if (tcphs_fsm_reuses(hs, seg, dir)) {
		st->note |= TCPHS_NOTE_RESTART;
		st->next = TCPHS_SYN_SENT;
		return TCPHS_R_OK;
	}
	return TCPHS_R_SYN_ON_ESTABLISHED;
}

/* The window shift of @dir's segments: both SYNs asked for scaling. */
static u8 tcphs_shift(const struct tcphs_hs *hs, const struct tcphs_seg *seg,
		      enum tcphs_dir dir)
{
	const struct tcphs_peer *p = &hs->peer[dir];
	const struct tcphs_peer *o = &hs->peer[tcphs_other(dir)];

	/* RFC 7323 2.2: never scale the window of a SYN. */
	if ((seg->flags & TCPHS_SYN) ||
	    !(p->seen & o->seen & TCPHS_SEEN_WSCALE))
		return 0;
	return p->wscale;
}

/*
 * An ACK or FIN the table allows: does it fit the window? Before both
 * sides sent their SYN (no flow yet, or the responder's challenge ACK in
 * SYN-SENT), there are no numbers to check, and none the record could take.
 */
static u8 tcphs_check_window(const struct tcphs_hs *hs,
			     const struct tcphs_seg *seg, enum tcphs_dir dir,
			     struct tcphs_step *st)
{
	const struct tcphs_peer *snd = &hs->peer[dir];
	const struct tcphs_peer *rcv = &hs->peer[tcphs_other(dir)];

	if (!(snd->seen & rcv->seen & TCPHS_SEEN_SYN)) {
		st->commit = false;
		return TCPHS_R_OK;
	}
	switch (tcphs_window_fit(snd, rcv, seg)) {
	case TCPHS_FIT_OK:
		return TCPHS_R_OK;
	case TCPHS_FIT_SEQ:
		return TCPHS_R_SEQ_OUT_OF_WINDOW;
	default:
		return TCPHS_R_ACK_OUT_OF_WINDOW;
	}
}

static u8 tcphs_check(enum tcphs_check check, const struct tcphs_hs *hs,
		      const struct tcphs_seg *seg, enum tcphs_dir dir,
		      struct tcphs_step *st)
{
	switch (check) {
	case CK_NONE:
	case CK_NEW:
		return TCPHS_R_OK;
	case CK_UNTRACKED:
		st->commit = false;
		return TCPHS_R_OK;
	case CK_NO_SYN:
		return TCPHS_R_SYNACK_NO_SYN;
	case CK_BAD_FLAGS:
		return TCPHS_R_BAD_FLAGS;
	case CK_SYN_AGAIN:
		return tcphs_check_syn_again(hs, seg, dir, st);
	case CK_SIM_OPEN:
		st->note |= TCPHS_NOTE_SIMULTANEOUS;
		return TCPHS_R_OK;
	case CK_SYNACK:
		return tcphs_acks_syn(hs, seg, dir) ?
		       TCPHS_R_OK : TCPHS_R_SYNACK_BAD_ACK;
	case CK_SYNACK_AGAIN:
		return tcphs_check_synack_again(hs, seg, dir, st);
	case CK_ACK_EARLY:
		return TCPHS_R_ACK_BAD;
	case CK_THIRD_ACK:
		return tcphs_check_third_ack(hs, seg, dir, st);
	case CK_RST:
		return tcphs_check_rst(hs, seg, dir, st);
	case CK_SYN_EST:
		return tcphs_check_syn_est(hs, seg, dir, st);
	}
	return TCPHS_R_BAD_FLAGS;
}

/**
 * tcphs_fsm_step() - what a segment means for a flow
 * @hs: the flow's handshake record (state CLOSED for a lookup miss)
 * @seg: the parsed segment
 * @dir: which way it travels
 *
 * Return: the state it leads to, why it is wrong if it is, and whether the
 * record should take it in. Changes nothing: see tcphs_fsm_commit().
 */
struct tcphs_step tcphs_fsm_step(const struct tcphs_hs *hs,
				 const struct tcphs_seg *seg,
				 enum tcphs_dir dir)
{
	enum tcphs_event ev = tcphs_fsm_event(seg->flags);
	const struct tcphs_cell *cell;
	struct tcphs_step st = { .commit = true };
	u8 state = hs->state < TCPHS_NR_STATES ? hs->state : TCPHS_CLOSED;

	/*
	 * Most segments are this one: an ACK of an established flow, whose
	 * cell is { ESTABLISHED, NONE } both ways. Only its window to check.
	 */
	if (state == TCPHS_ESTABLISHED && ev == TCPHS_EV_ACK) {
		st.next = TCPHS_ESTABLISHED;
		st.reason = tcphs_check_window(hs, seg, dir, &st);
		st.commit = st.reason == TCPHS_R_OK;
		return st;
	}
	cell = &tcphs_fsm[state][ev][dir];
	st.next = cell->next;
	st.reason = tcphs_check(cell->check, hs, seg, dir, &st);
	if (st.reason == TCPHS_R_OK && (ev == TCPHS_EV_ACK || ev == TCPHS_EV_FIN))
		st.reason = tcphs_check_window(hs, seg, dir, &st);
	if (st.reason != TCPHS_R_OK) {
		st.next = state;
		st.commit = false;
		return st;
	}
	/* RFC 9293 3.10.7 queues data on any SYN: worth a count, no more. */
	if ((ev == TCPHS_EV_SYN || ev == TCPHS_EV_SYNACK) && seg->payload_len &&
	    !(seg->opt.present & TCPHS_OPT_FASTOPEN))
		st.note |= TCPHS_NOTE_SYN_DATA;
	return st;
}

/**
 * tcphs_fsm_commit() - take a segment that passed into the flow's record
 * @hs: the record, under the caller's lock
 * @seg: the segment
 * @dir: its direction
 * @st: what tcphs_fsm_step() said of it, with the record unchanged since
 */
void tcphs_fsm_commit(struct tcphs_hs *hs, const struct tcphs_seg *seg,
		      enum tcphs_dir dir, const struct tcphs_step *st)
{
	if (!st->commit)
		return;
	if (hs->state == TCPHS_CLOSED || (st->note & TCPHS_NOTE_RESTART))
		memset(hs, 0, sizeof(*hs));
	if (st->note & TCPHS_NOTE_SIMULTANEOUS)
		hs->flags |= TCPHS_HS_SIMULTANEOUS;
	tcphs_window_take(&hs->peer[dir], &hs->peer[tcphs_other(dir)], seg,
			  tcphs_shift(hs, seg, dir));
	hs->state = st->next;
}

/*
 * A SYN from the initiator on a flow whose both sides have closed: a new
 * connection on the old tuple, if a host in TIME-WAIT would take it.
 */
bool tcphs_fsm_reuses(const struct tcphs_hs *hs, const struct tcphs_seg *seg,
		      enum tcphs_dir dir)
{
	return dir == TCPHS_DIR_ORIG &&
	       tcphs_fsm_event(seg->flags) == TCPHS_EV_SYN &&
	       tcphs_fsm_closing(hs) &&
	       tcphs_window_reuses(&hs->peer[dir], seg);
}
