/* SPDX-License-Identifier: GPL-2.0 */
/* Proxy mode: tcphs completes the handshake; proxy.c tells how. */
#ifndef _TCPHS_PROXY_H
#define _TCPHS_PROXY_H

#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "cookie.h"
#include "table.h"

enum tcphs_px_phase {
	TCPHS_PX_SYNACK,	/* our SYN-ACK is out; the third ACK is owed */
	TCPHS_PX_CONNECTING,	/* the client proved real; our SYN is out */
	TCPHS_PX_OPEN,		/* the server answered: translate */
};

/* What a proxied flow keeps besides its handshake record. */
struct tcphs_proxy {
	struct sk_buff_head held;	/* client segments for the server */
	unsigned long syn_sent;		/* jiffies of our last SYN */
	u32 client_isn;
	u32 our_isn;		/* of our SYN-ACK to the client */
	u32 seq_delta;		/* server's ISN - ours */
	u32 our_tsval;		/* of our SYN-ACK */
	u32 ts_delta;		/* server's first TSval - ours */
	u32 client_tsval;	/* the client's latest */
	u32 held_bytes;
	int ifindex;		/* where the client's segments come in */
	u16 client_win;		/* the client's latest window field */
	u16 our_mss;		/* what our SYN-ACK announced */
	struct tcphs_synopts opts;	/* the client's SYN, as the server hears it */
	u8 phase;		/* enum tcphs_px_phase */
	bool ts;		/* timestamps on both sides */
	u8 our_wscale;		/* the shift our SYN-ACK announced */
	u8 syn_tries;
	/* Window shifts: what a sender applies, what its receiver assumes. */
	u8 client_shift;
	u8 server_view_shift;
	u8 server_shift;
	u8 client_view_shift;
};

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

/* A segment as the hook sees it. */
struct tcphs_pkt {
	struct sk_buff *skb;
	unsigned int thoff;		/* from the network header */
	const struct tcphs_tuple *tu;
	struct tcphs_seg *seg;
	const struct nf_hook_state *state;
};

/* tcphs_proxy_segment(): not the proxy's business, track as usual. */
#define TCPHS_PX_TRACK	(-1)

struct tcphs_net;

int tcphs_proxy_segment(struct tcphs_net *tn, struct tcphs_pkt *p,
			bool answer);
bool tcphs_proxy_own(const struct sk_buff *skb);
bool tcphs_proxy_gc(struct tcphs_flow *flow, struct tcphs_gc_result *res);
void tcphs_proxy_send(struct tcphs_net *tn, const struct tcphs_out *out,
		      unsigned int n);
void tcphs_proxy_free(struct tcphs_proxy *px);

static inline bool tcphs_proxy_halfopen(const struct tcphs_proxy *px)
{
	return px && px->phase == TCPHS_PX_SYNACK;
}

#endif /* _TCPHS_PROXY_H */
