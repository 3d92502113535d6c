/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Proxy mode, as the rest of tcphs sees it: for the ports in
 * net.tcphs.proxy_ports, tcphs answers the client's SYN itself and opens
 * the connection to the server only once the third ACK has proved the
 * client real; then it translates the flow for its life (px.h, the rest).
 */
#ifndef _TCPHS_PROXY_H
#define _TCPHS_PROXY_H

#include <linux/atomic.h>
#include <linux/netfilter.h>

#include "destcache.h"
#include "parse.h"
#include "pause.h"
#include "table.h"

struct sk_buff;
struct tcphs_net;

/* Ports' slots in tcphs_proxy_net.cookie_sent (a power of two). */
#define TCPHS_PX_COOKIE_SLOTS	64

/* A namespace's part of proxy mode. */
struct tcphs_proxy_net {
	atomic_t halfopen;		/* flows awaiting a third ACK */
	atomic_t held;			/* bytes held for servers (truesize) */
	bool proxied;			/* a flow was ever proxied here */
	struct tcphs_dest_cache dests;	/* what servers announced */
	/* By port slot: the cookie period of the last cookie sent, + 1 */
	u32 cookie_sent[TCPHS_PX_COOKIE_SLOTS];
	struct tcphs_pause pause;	/* cookies only, under a flood */
	spinlock_t pause_lock;		/* its changes */
};

/* A segment as the hook hands it over. */
struct tcphs_pkt {
	struct sk_buff *skb;
	unsigned int thoff;		/* from the network header */
	const struct tcphs_tuple *tu;
	struct tcphs_seg *seg;
	const struct nf_hook_state *state;
};

/* What proxy mode made of a segment. */
enum tcphs_px_outcome {
	/* Not the proxy's to decide: track it as usual (translated first,
	 * if it is of a proxied flow, so it is tracked in the server's
	 * numbers).
	 */
	TCPHS_PX_TRACK,
	/* Decided: *verdict is the netfilter verdict. */
	TCPHS_PX_DECIDED,
};

/*
 * @answer: proxy mode, where SYNs to proxy_ports are ours to answer. In
 * track and enforce modes the flows proxied before are still translated,
 * to their end, or their connections would break at the change of mode.
 */
enum tcphs_px_outcome tcphs_proxy_segment(struct tcphs_net *tn,
					  struct tcphs_pkt *p, bool answer,
					  unsigned int *verdict);
/* A flow of proxy mode's (whose record is the only copy of its numbers). */
bool tcphs_proxy_owns(const struct tcphs_flow *flow);
/*
 * An ICMP or ICMPv6 message, @icmpoff past the network header: an error
 * quoting a proxied flow's segment is translated (px_icmp.c). NF_ACCEPT.
 */
unsigned int tcphs_proxy_icmp(struct sk_buff *skb, unsigned int icmpoff,
			      u8 family, const struct nf_hook_state *state);

void tcphs_proxy_net_init(struct tcphs_proxy_net *pn);
/* Every proxied flow ends, both ends reset (px_flow.c). Process context. */
void tcphs_proxy_flush(struct tcphs_net *tn);
int tcphs_proxy_cache_init(void);
void tcphs_proxy_cache_exit(void);

#endif /* _TCPHS_PROXY_H */
