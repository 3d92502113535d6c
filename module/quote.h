/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP segment an ICMP or ICMPv6 error quotes (pure: no skb, no locks):
 * where its header sits in the error, whose flow it is, and its sequence
 * and acknowledgment numbers moved, with the error's checksum and the
 * quoted segment's own mended word by word (RFC 1624, eqn. 3).
 *
 * An error quotes the packet that caused it from its IP header on: at
 * least the first 8 bytes of its payload, the TCP ports and sequence
 * number (RFC 792); ICMPv6 as much as fits in 1280 bytes (RFC 4443 2.4),
 * and Linux's ICMP up to 576 bytes in all.
 */
#ifndef _TCPHS_QUOTE_H
#define _TCPHS_QUOTE_H

#include "compat.h"
#include "tuple.h"

/*
 * What tcphs reads of an error: the ICMP header, an IPv6 header, 64 bytes
 * of its extension headers, a TCP header without options.
 */
#define TCPHS_QUOTE_MAX		(8 + 40 + 64 + 20)

/* The quoted segment. */
struct tcphs_quote {
	struct tcphs_tuple tu;	/* its addresses and ports, as it was sent */
	u16 thoff;		/* its TCP header, from the ICMP header */
	u16 tcp_len;		/* the bytes of that header quoted, up to 20 */
};

/* What to add to the quoted numbers. */
struct tcphs_quote_xlate {
	u32 seq_add;
	u32 ack_add;		/* if quoted, and ACK is set or not quoted */
};

bool tcphs_quote_parse(const u8 *icmp, unsigned int len, u8 family,
		       struct tcphs_quote *q);
unsigned int tcphs_quote_end(const struct tcphs_quote *q);
bool tcphs_quote_xlate(u8 *icmp, const struct tcphs_quote *q,
		       const struct tcphs_quote_xlate *x, bool fix_check);

#endif /* _TCPHS_QUOTE_H */
