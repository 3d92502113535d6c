// SPDX-License-Identifier: GPL-2.0
/* What servers announced, per destination; the layout is in dest.h. */
#include "dest.h"

#define TCPHS_DEST_TICK_SHIFT	6	/* seconds to ticks */
#define TCPHS_DEST_TICK_MASK	0x3ff
#define TCPHS_DEST_SACK		0x800
#define TCPHS_DEST_TS		0x400
#define TCPHS_DEST_NO_SHIFT	15

u32 tcphs_dest_tick(u64 now_ns)
{
	return (u32)(div_u64(now_ns, 1000000000) >> TCPHS_DEST_TICK_SHIFT);
}

/*
 * Before a server has answered: Ethernet's MSS (RFC 9293 3.7.1 counts it
 * from the MTU), Linux's default shift with its 6 MiB tcp_rmem, SACK and
 * timestamps, which every stack of this century offers.
 */
void tcphs_dest_default(bool ipv6, struct tcphs_hsopts *srv)
{
	srv->syn.mss = ipv6 ? 1440 : 1460;
	srv->syn.wscale = TCPHS_DEST_WSCALE;
	srv->syn.sack = true;
	srv->ts = true;
}

u64 tcphs_dest_pack(u32 tag, u32 tick, const struct tcphs_hsopts *srv)
{
	u32 shift = srv->syn.wscale == TCPHS_NO_WSCALE ? TCPHS_DEST_NO_SHIFT :
		    srv->syn.wscale;

	return (u64)(tag ? tag : 1) << 32 | (u32)srv->syn.mss << 16 |
	       shift << 12 | (srv->syn.sack ? TCPHS_DEST_SACK : 0) |
	       (srv->ts ? TCPHS_DEST_TS : 0) | (tick & TCPHS_DEST_TICK_MASK);
}

/* False if @slot holds another destination, or an entry gone stale. */
bool tcphs_dest_unpack(u64 slot, u32 tag, u32 tick,
		       struct tcphs_hsopts *srv)
{
	u32 low = (u32)slot, shift = low >> 12 & 0xf;

	if ((u32)(slot >> 32) != (tag ? tag : 1) ||
	    ((tick - low) & TCPHS_DEST_TICK_MASK) >= TCPHS_DEST_TTL)
		return false;
	srv->syn.mss = low >> 16;
	srv->syn.wscale = shift == TCPHS_DEST_NO_SHIFT ? TCPHS_NO_WSCALE : shift;
	srv->syn.sack = low & TCPHS_DEST_SACK;
	srv->ts = low & TCPHS_DEST_TS;
	return true;
}

/*
 * What an MSS the next clients are told may be: one a server announced
 * below Linux's TCP_MIN_MSS is no MSS a working stack sends, and would
 * have every later client of the server cut its data into segments of a
 * byte or two; one above what an IP packet of 65535 bytes can carry past
 * 20 bytes of IPv4 and 20 of TCP (RFC 6691 2: the MSS counts the data
 * alone) is told as that largest one, as Linux clamps its own.
 */
#define TCPHS_DEST_MSS_MIN	88
#define TCPHS_DEST_MSS_MAX	(65535 - 40)

/*
 * The server's SYN-ACK (@answer) to our SYN (@asked): its MSS is its own
 * to choose (within the range above), but a missing option says no only
 * if our SYN offered it (RFC 7323 1.3, 2.2; RFC 2018 section 2: each is
 * sent in a SYN-ACK only in answer to a SYN that carried it). False if
 * the MSS was too small to believe: @known keeps the one it had.
 */
bool tcphs_dest_learn(struct tcphs_hsopts *known,
		      const struct tcphs_hsopts *asked,
		      const struct tcphs_hsopts *answer)
{
	bool mss_sane = answer->syn.mss >= TCPHS_DEST_MSS_MIN;

	if (mss_sane)
		known->syn.mss = answer->syn.mss > TCPHS_DEST_MSS_MAX ?
				 TCPHS_DEST_MSS_MAX : answer->syn.mss;
	if (asked->syn.wscale != TCPHS_NO_WSCALE)
		known->syn.wscale = answer->syn.wscale;
	if (asked->syn.sack)
		known->syn.sack = answer->syn.sack;
	if (asked->ts)
		known->ts = answer->ts;
	return mss_sane;
}

/*
 * Our SYN-ACK to a client: the server's MSS and shift, and each option
 * only if both ends will use it, as the server's own SYN-ACK would have.
 */
void tcphs_dest_announce(const struct tcphs_hsopts *client,
			 const struct tcphs_hsopts *srv,
			 struct tcphs_hsopts *ours)
{
	bool scale = client->syn.wscale != TCPHS_NO_WSCALE &&
		     srv->syn.wscale != TCPHS_NO_WSCALE;

	ours->syn.mss = srv->syn.mss;
	ours->syn.wscale = scale ? srv->syn.wscale : TCPHS_NO_WSCALE;
	ours->syn.sack = client->syn.sack && srv->syn.sack;
	ours->ts = client->ts && srv->ts;
}
