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
	u32 tsval;	/* the last TSval it sent (RFC 7323) */
	u8 wscale;	/* the shift it asked for in its SYN */
	u8 seen;	/* TCPHS_SEEN_* */
	u16 syn_data;	/* payload its SYN carried (Fast Open) */
};

#define TCPHS_SEEN_SYN		0x01	/* isn and end are valid */
#define TCPHS_SEEN_ACK		0x02	/* ack is valid */
#define TCPHS_SEEN_FIN		0x04
#define TCPHS_SEEN_WSCALE	0x08	/* its SYN carried window scale */
#define TCPHS_SEEN_BOUND	0x10	/* maxend is valid */
#define TCPHS_SEEN_TS		0x20	/* tsval is valid */

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

u32 tcphs_seg_end(const struct tcphs_seg *seg);
enum tcphs_fit tcphs_window_fit(const struct tcphs_peer *snd,
				const struct tcphs_peer *rcv,
				const struct tcphs_seg *seg);
enum tcphs_rst_fit tcphs_window_rst(const struct tcphs_peer *snd,
				    const struct tcphs_peer *rcv,
				    const struct tcphs_seg *seg);
void tcphs_window_take(struct tcphs_peer *snd, struct tcphs_peer *rcv,
		       const struct tcphs_seg *seg, u8 shift);
bool tcphs_window_reuses(const struct tcphs_peer *snd,
			 const struct tcphs_seg *syn);

#endif /* _TCPHS_WINDOW_H */
