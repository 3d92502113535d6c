/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rewrite engine of proxy mode (pure: no skb, no locks): a proxied
 * flow's two halves number their bytes from different ISNs and stamp
 * different clocks, so each segment's sequence and acknowledgment numbers,
 * SACK blocks and timestamps move by a fixed amount, and its window from
 * its sender's shift to the one its receiver assumes. The TCP checksum is
 * mended word by word (RFC 1624, eqn. 3), as the kernel's
 * inet_proto_csum_replace2() does.
 */
#ifndef _TCPHS_REWRITE_H
#define _TCPHS_REWRITE_H

#include "compat.h"

/* What to add to each field of one direction's segments. */
struct tcphs_xlate {
	u32 seq_add;
	u32 ack_add;		/* if ACK is set */
	u32 sack_add;		/* each edge of each SACK block */
	u32 tsval_add;
	u32 tsecr_add;
	u8 win_from;		/* window field << win_from >> win_to, */
	u8 win_to;		/* but not on a SYN (RFC 7323 2.2) */
};

/* The TCP header at @th, @len bytes of it there: false if malformed. */
bool tcphs_rewrite(u8 *th, unsigned int len, const struct tcphs_xlate *x,
		   bool fix_check);
u16 tcphs_rescale(u16 win, u8 from, u8 to);

#ifdef __KERNEL__
struct sk_buff;

bool tcphs_rewrite_skb(struct sk_buff *skb, unsigned int thoff,
		       unsigned int hdr_len, const struct tcphs_xlate *x);
#endif

#endif /* _TCPHS_REWRITE_H */
