/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each server announced in its SYN-ACK, remembered per destination
 * (pure: no skb, no locks; the caller hands in the clock), so that proxy
 * mode answers the next clients with the server's own MSS, window scale,
 * SACK and timestamps instead of a guess, and has no window to rewrite on
 * their flows. Nothing is configured: the first client of a destination
 * gets the defaults below, and its flow teaches the rest.
 *
 * A slot is one u64, read and written whole (READ_ONCE()/WRITE_ONCE()), so
 * the table takes no lock: a reader sees the old entry or the new one,
 * never half of each. Bits, high to low:
 *
 *   63..32  tag: the high half of the destination's hash (0: empty slot)
 *   31..16  the server's MSS
 *   15..12  its window shift, or 15: it does not scale
 *       11  SACK permitted
 *       10  timestamps
 *    9..0   when it was learned, in ticks of 64 s (wraps every 18 h)
 *
 * An entry is believed for TCPHS_DEST_TTL ticks from when it was learned
 * (a sighting that says nothing new does not renew it). What a server
 * refused (SACK, say) is only learned when our SYN offered it, and our SYN
 * offers only what the client was told, so an expiry is what lets a server
 * that changed its mind be asked again. After 1024 ticks the clock wraps:
 * an entry left untouched for 18 h may be believed again, which costs no
 * more than a stale answer; the next server SYN-ACK corrects it.
 */
#ifndef _TCPHS_DEST_H
#define _TCPHS_DEST_H

#include "cookie.h"

#define TCPHS_DEST_SLOTS	512	/* per namespace: 4 KiB */
#define TCPHS_DEST_TTL		10	/* ticks: 9.6 to 10.7 minutes */
#define TCPHS_DEST_WSCALE	7	/* announced before a server is known */

/* What one end announced in its SYN or SYN-ACK, learned or assumed. */
struct tcphs_hsopts {
	struct tcphs_synopts syn;	/* MSS, window scale, SACK */
	bool ts;
};

u32 tcphs_dest_tick(u64 now_ns);
void tcphs_dest_default(bool ipv6, struct tcphs_hsopts *srv);
u64 tcphs_dest_pack(u32 tag, u32 tick, const struct tcphs_hsopts *srv);
bool tcphs_dest_unpack(u64 slot, u32 tag, u32 tick,
		       struct tcphs_hsopts *srv);
bool tcphs_dest_learn(struct tcphs_hsopts *known,
		      const struct tcphs_hsopts *asked,
		      const struct tcphs_hsopts *answer);
void tcphs_dest_announce(const struct tcphs_hsopts *client,
			 const struct tcphs_hsopts *srv,
			 struct tcphs_hsopts *ours);

#endif /* _TCPHS_DEST_H */
