/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SYN cookies that live in the ISN alone (pure: no skb, no locks, no clock).
 *
 * What a client's SYN asked for is folded into the 32 bits of the ISN that
 * answers it, so a SYN-ACK can go out with no state kept, and the third ACK
 * (which acknowledges ISN + 1) brings it all back. Unlike Linux's cookies,
 * nothing rides in the timestamp option, so window scale and SACK survive
 * for clients that send no timestamps. The bits, high to low:
 *
 *   31..8  MAC: the top 24 bits of SipHash-2-4 over the tuple, the client's
 *          ISN, the period and bits 7..0 (20 bytes for IPv4, 44 for IPv6)
 *       7  the period's parity
 *    6..4  MSS index (tcphs_cookie_mss[]), rounded down
 *    3..1  window scale index (tcphs_cookie_wscale[]), rounded down
 *       0  SACK permitted
 *
 * A period is 64 s. A cookie is good in the period it was made and the
 * next one, so it lives 64 to 128 s. Keys are rotated by hand: after a
 * rotation, cookies of the previous key are still good for one period.
 */
#ifndef _TCPHS_COOKIE_H
#define _TCPHS_COOKIE_H

#include "compat.h"

#define TCPHS_COOKIE_PERIOD_SHIFT	6	/* seconds to periods */
#define TCPHS_COOKIE_MAC_BITS		24
#define TCPHS_NO_WSCALE			0xff	/* the SYN had no wscale */

/* The two endpoints of a flow, client first, in network byte order. */
struct tcphs_ends {
	__be32 saddr[4];	/* IPv4: saddr[0] only */
	__be32 daddr[4];
	__be16 sport;
	__be16 dport;
	bool v6;
};

/* At most this many words follow the ends in tcphs_ends_siphash(). */
#define TCPHS_ENDS_EXTRA_MAX	2

/* What a client's SYN asked for, as far as a cookie keeps it. */
struct tcphs_synopts {
	u16 mss;
	u8 wscale;		/* 0..14, or TCPHS_NO_WSCALE */
	bool sack;
};

struct tcphs_cookie_keys {
	siphash_key_t cur;
	siphash_key_t prev;
	u32 rotated;		/* the period in which cur replaced prev */
	bool has_prev;
};

u64 tcphs_ends_siphash(const siphash_key_t *key,
		       const struct tcphs_ends *ends, const u32 *extra,
		       unsigned int nr_extra);

/* MSS and window scale are rounded down to what the tables hold. */
u32 tcphs_cookie_make(const struct tcphs_cookie_keys *keys,
		      const struct tcphs_ends *ends, u32 client_isn,
		      u32 period, const struct tcphs_synopts *opts);
bool tcphs_cookie_check(const struct tcphs_cookie_keys *keys,
			const struct tcphs_ends *ends, u32 client_isn,
			u32 cookie, u32 now, struct tcphs_synopts *opts);
void tcphs_cookie_rotate(struct tcphs_cookie_keys *keys,
			 const siphash_key_t *fresh, u32 now);

extern const u16 tcphs_cookie_mss[8];
extern const u8 tcphs_cookie_wscale[8];

#endif /* _TCPHS_COOKIE_H */
