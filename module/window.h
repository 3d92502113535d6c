/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each side of a flow has sent and may send, and whether a segment
 * fits what its receiver could accept (pure: no skb, no locks). The state
 * machine (fsm.c) asks it of every segment of a synchronized flow, so a
 * segment a blind sender forged moves nothing.
 */
#ifndef _TCPHS_WINDOW_H
#define _TCPHS_WINDOW_H

#include "compat.h"
#include "parse.h"
#include "seq.h"

/*
 * One side, as the segments it sent tell (all modulo 2^32). Where RFC 9293
 * names a variable, it is that side's own.
 */
struct tcphs_peer {
	u32 isn;	/* its initial sequence number */
	u32 end;	/* one past the last octet it sent: SND.NXT */
	u32 maxend;	/* one past the last octet the other side let it
			 * send: the largest ack + window announced to it
			 */
	u32 maxwin;	/* the largest window it announced, scaled */
	u32 ack;	/* the largest acknowledgment it sent: RCV.NXT */
	u32 tsval;	/* the TSval of its FIN (RFC 7323) */
	u8 wscale;	/* the shift it asked for in its SYN */
	u8 seen;	/* TCPHS_SEEN_* */
	u16 syn_data;	/* payload its SYN carried (Fast Open) */
};

#define TCPHS_SEEN_SYN		0x01	/* isn and end are valid */
#define TCPHS_SEEN_ACK		0x02	/* ack is valid */
#define TCPHS_SEEN_FIN		0x04
#define TCPHS_SEEN_WSCALE	0x08	/* its SYN carried window scale */
#define TCPHS_SEEN_BOUND	0x10	/* maxend is valid */
#define TCPHS_SEEN_TS		0x20	/* tsval is valid: its FIN had one */

/*
 * The lowest acknowledgment a side may send is its last one less the
 * largest window it announced (RFC 5961 5.2: SND.UNA - MAX.SND.WND). Before
 * it announced a large one, the largest unscaled window stands in.
 */
#define TCPHS_ACK_WINDOW_MIN	65535

/* Why a segment does not fit; TCPHS_FIT_OK if it does. */
enum tcphs_fit {
	TCPHS_FIT_OK,
	TCPHS_FIT_SEQ,		/* its octets lie outside the window */
	TCPHS_FIT_ACK,		/* it acks, or SACKs, what was never sent */
};

/* Where a RST's sequence number falls (RFC 5961 3.2). */
enum tcphs_rst_fit {
	TCPHS_RST_EXACT,	/* at RCV.NXT: the connection ends */
	TCPHS_RST_IN_WINDOW,	/* in the window: a challenge ACK answers */
	TCPHS_RST_OUTSIDE,	/* anywhere else: ignored */
};

enum tcphs_rst_fit tcphs_window_rst(const struct tcphs_peer *snd,
				    const struct tcphs_peer *rcv,
				    const struct tcphs_seg *seg);
void tcphs_window_take_syn(struct tcphs_peer *snd,
			   const struct tcphs_peer *rcv,
			   const struct tcphs_seg *seg, u32 end);
bool tcphs_window_reuses(const struct tcphs_peer *snd,
			 const struct tcphs_seg *syn);

/*
 * The checks and the update of every segment, inline: they are on every
 * segment's path, through the state machine (fsm.c), their one caller.
 * The rules are in window.c's head comment.
 */

/* One past the last sequence number a segment occupies (SYN, FIN count). */
static inline u32 tcphs_seg_end(const struct tcphs_seg *seg)
{
	return seg->seq + seg->payload_len + !!(seg->flags & TCPHS_SYN) +
	       !!(seg->flags & TCPHS_FIN);
}

static inline u32 tcphs_window_of(const struct tcphs_peer *p)
{
	return p->maxwin > TCPHS_ACK_WINDOW_MIN ? p->maxwin :
	       TCPHS_ACK_WINDOW_MIN;
}

/* May snd acknowledge (or SACK) @ack of what rcv sent? */
static inline bool tcphs_window_acks(const struct tcphs_peer *snd,
				     const struct tcphs_peer *rcv, u32 ack)
{
	if (tcphs_seq_after(ack, rcv->end))
		return false;
	return !(snd->seen & TCPHS_SEEN_ACK) ||
	       !tcphs_seq_before(ack, snd->ack - tcphs_window_of(snd));
}

static inline bool tcphs_window_sack_fits(const struct tcphs_peer *snd,
					  const struct tcphs_peer *rcv,
					  const struct tcphs_opts *opt)
{
	unsigned int i;

	if (!(opt->present & TCPHS_OPT_SACK))
		return true;
	for (i = 0; i < opt->nr_sack; i++)
		if (!tcphs_window_acks(snd, rcv, opt->sack[i].start) ||
		    !tcphs_window_acks(snd, rcv, opt->sack[i].end))
			return false;
	return true;
}

/**
 * tcphs_window_fit() - could the receiver accept this segment?
 * @snd: the side that sent it
 * @rcv: the other side
 * @seg: the segment (not a SYN: the state machine checks those)
 *
 * Both sides must have sent their SYN: before, there are no numbers.
 *
 * Return: TCPHS_FIT_OK, or which of its numbers is outside.
 */
static inline enum tcphs_fit tcphs_window_fit(const struct tcphs_peer *snd,
					      const struct tcphs_peer *rcv,
					      const struct tcphs_seg *seg)
{
	u32 end = tcphs_seg_end(seg);

	if ((snd->seen & TCPHS_SEEN_BOUND) &&
	    tcphs_seq_after(seg->seq, snd->maxend))
		return TCPHS_FIT_SEQ;
	if (tcphs_seq_before(end, snd->end - tcphs_window_of(rcv)))
		return TCPHS_FIT_SEQ;
	if (!(seg->flags & TCPHS_ACK))
		return TCPHS_FIT_OK;
	if (!tcphs_window_acks(snd, rcv, seg->ack) ||
	    !tcphs_window_sack_fits(snd, rcv, &seg->opt))
		return TCPHS_FIT_ACK;
	return TCPHS_FIT_OK;
}

static inline void tcphs_window_take_ack(struct tcphs_peer *snd,
					 struct tcphs_peer *rcv,
					 const struct tcphs_seg *seg, u32 win)
{
	u32 bound = seg->ack + win;

	if (!(snd->seen & TCPHS_SEEN_ACK) ||
	    tcphs_seq_after(seg->ack, snd->ack))
		snd->ack = seg->ack;
	snd->seen |= TCPHS_SEEN_ACK;
	if (!(rcv->seen & TCPHS_SEEN_BOUND) ||
	    tcphs_seq_after(bound, rcv->maxend))
		rcv->maxend = bound;
	rcv->seen |= TCPHS_SEEN_BOUND;
}

/**
 * tcphs_window_take() - a segment that passed, into both sides' records
 * @snd: the side that sent it
 * @rcv: the other side
 * @seg: the segment
 * @shift: the window shift of @snd's segments (0 for a SYN)
 */
static inline void tcphs_window_take(struct tcphs_peer *snd,
				     struct tcphs_peer *rcv,
				     const struct tcphs_seg *seg, u8 shift)
{
	u32 end = tcphs_seg_end(seg);
	u32 win = (u32)seg->window << shift;

	if (seg->flags & TCPHS_SYN) {
		tcphs_window_take_syn(snd, rcv, seg, end);
	} else {
		if (tcphs_seq_after(end, snd->end))
			snd->end = end;
		if (win > snd->maxwin)
			snd->maxwin = win;
	}
	if (seg->flags & TCPHS_ACK)
		tcphs_window_take_ack(snd, rcv, seg, win);
	/* The TSval a new SYN on the tuple must beat (RFC 6191): its FIN's. */
	if (seg->flags & TCPHS_FIN) {
		snd->seen |= TCPHS_SEEN_FIN;
		if (seg->opt.present & TCPHS_OPT_TS) {
			snd->tsval = seg->opt.tsval;
			snd->seen |= TCPHS_SEEN_TS;
		}
	}
}

#endif /* _TCPHS_WINDOW_H */
