/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The segments tcphs sends on its own (proxy mode's SYN-ACKs, SYNs, ACKs
 * and resets), built from a description, and how they leave: towards a
 * server into the stack as if they came from the client (netif_rx() on the
 * client's interface), so routing, the firewall and forwarding treat them
 * as the client's own and the hooks translate them like any other; towards
 * a client out of this host (ip_local_out()), which the hooks let pass
 * (tcphs_out_own()). And the check that what answers them came the way
 * this host routes to its sender.
 */
#ifndef _TCPHS_OUT_H
#define _TCPHS_OUT_H

#include <linux/netfilter.h>
#include <linux/types.h>

#include "cookie.h"

struct net;
struct sk_buff;

/* One segment tcphs sends on its own, towards a client or a server. */
struct tcphs_out {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;
	u8 flags;		/* TCPHS_SYN ... */
	bool to_server;		/* into the stack on ifindex; else routed */
	bool ts;
	u32 seq;
	u32 ack;
	u32 tsval;
	u32 tsecr;
	u16 win;
	struct tcphs_synopts opts;	/* of a SYN or a SYN-ACK */
	int ifindex;
};

/* Returns how many of the @n could not be sent. */
unsigned int tcphs_out_send(struct net *net, const struct tcphs_out *out,
			    unsigned int n);
bool tcphs_out_inject(struct net *net, struct sk_buff *skb, int ifindex);
bool tcphs_out_own(const struct sk_buff *skb);
/*
 * Whether a segment from @saddr came the way this host's own route to
 * @saddr goes (a strict reverse-path check, RFC 3704 2.2): from this host
 * (LOCAL_OUT) if @saddr is one of its addresses, else in (PRE_ROUTING) by
 * the device that route leaves by. A router with both ends behind one
 * device cannot tell them apart by this.
 */
bool tcphs_out_came_back(const struct nf_hook_state *state, u8 family,
			 const union nf_inet_addr *saddr);

#endif /* _TCPHS_OUT_H */
