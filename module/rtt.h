/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A handshake's two round trips as this host sees them (pure: no skb, no
 * locks, no clock; the caller passes the time in microseconds):
 *
 *   server leg  from the (last) SYN to the first SYN-ACK: here to the
 *               responder and back
 *   client leg  from the (last) SYN-ACK to the third ACK: here to the
 *               initiator and back
 *
 * In proxy mode the legs are tcphs's own: its SYN-ACK to the client's
 * third ACK, and its SYN to the server's SYN-ACK. No timestamps option is
 * needed. Each measured leg also goes into a log2 histogram per
 * namespace, family and leg (stats.h).
 */
#ifndef _TCPHS_RTT_H
#define _TCPHS_RTT_H

#include <linux/bitops.h>
#include <linux/minmax.h>

#include "fsm.h"

enum tcphs_leg {
	TCPHS_LEG_SERVER,
	TCPHS_LEG_CLIENT,
	TCPHS_NR_LEGS
};

/* Buckets: [0, 1) us, then [2^(i-1), 2^i) us, the last one open-ended. */
#define TCPHS_RTT_BUCKETS	24

struct tcphs_rtt {
	u32 stamp_us;		/* the last SYN, then the last SYN-ACK */
	u32 us[TCPHS_NR_LEGS];	/* 0: not measured; a leg is >= 1 us */
};

static inline unsigned int tcphs_rtt_bucket(u32 us)
{
	return min_t(unsigned int, fls(us), TCPHS_RTT_BUCKETS - 1);
}

/* The lower bound of bucket @i, in microseconds. */
static inline u32 tcphs_rtt_bucket_low(unsigned int i)
{
	return i ? 1U << (i - 1) : 0;
}

/* Whether a step from @old to @new on @event needs the time. */
static inline bool tcphs_rtt_wants(u8 old, u8 new, u8 event)
{
	return event == TCPHS_EV_SYN || event == TCPHS_EV_SYNACK ||
	       (new == TCPHS_ESTABLISHED && old == TCPHS_SYN_RCVD);
}

/* Close leg @leg at @now_us: it began at the stamp; the stamp moves on. */
static inline void tcphs_rtt_end(struct tcphs_rtt *r, enum tcphs_leg leg,
				 u32 now_us)
{
	WRITE_ONCE(r->us[leg], max_t(u32, now_us - r->stamp_us, 1));
	r->stamp_us = now_us;
}

/*
 * A record stepped from @old to @new on @event at @now_us: the leg that
 * ended, or TCPHS_NR_LEGS. A retransmitted SYN or SYN-ACK restarts its
 * leg; a simultaneous open (SYN answered by SYN) is not measured.
 */
static inline enum tcphs_leg tcphs_rtt_take(struct tcphs_rtt *r, u8 old,
					    u8 new, u8 event, u32 now_us)
{
	if (event == TCPHS_EV_SYN && new == TCPHS_SYN_SENT) {
		r->stamp_us = now_us;
	} else if (event == TCPHS_EV_SYNACK && new == TCPHS_SYN_RCVD) {
		if (old == TCPHS_SYN_SENT) {
			tcphs_rtt_end(r, TCPHS_LEG_SERVER, now_us);
			return TCPHS_LEG_SERVER;
		}
		if (r->us[TCPHS_LEG_SERVER])
			r->stamp_us = now_us;
	} else if (old == TCPHS_SYN_RCVD && new == TCPHS_ESTABLISHED &&
		   r->us[TCPHS_LEG_SERVER]) {
		tcphs_rtt_end(r, TCPHS_LEG_CLIENT, now_us);
		return TCPHS_LEG_CLIENT;
	}
	return TCPHS_NR_LEGS;
}

#endif /* _TCPHS_RTT_H */
