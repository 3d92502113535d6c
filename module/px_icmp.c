// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6 errors about proxied flows. An error quotes the segment
 * that caused it as it was when it met the trouble: past tcphs, so in the
 * numbers tcphs translated it into, which are not those of the endpoint the
 * error goes back to. Linux's tcp_v4_err() and tcp_v6_err() ignore an
 * error whose quoted sequence number is not in flight (RFC 5927 4.1), so
 * untranslated, a server never hears "fragmentation needed" or "packet too
 * big" (RFC 1191, RFC 8201) for a path through the proxy and its large
 * segments black-hole.
 *
 * Translated back, for an open flow:
 *   a server's segment (REPLY), in the client's numbers: seq + seq_delta
 *   a client's segment (ORIG), its ack in the server's:  ack - seq_delta
 * Both hooks see them: PRE_ROUTING an error from a router beyond, LOCAL_OUT
 * one this host sends as it forwards. Errors that cannot be translated
 * (too short, malformed) pass as they are.
 */
#include <linux/netfilter.h>
#include <linux/skbuff.h>

#include "netns.h"
#include "px.h"
#include "quote.h"
#include "stats.h"

/*
 * What the quoted segment's numbers need, from its flow's record: false
 * if it is of no open proxied flow.
 */
static bool tcphs_icmp_xlate_of(struct tcphs_net *tn,
				const struct tcphs_tuple *tu,
				struct tcphs_quote_xlate *x)
{
	struct tcphs_table *t = &tn->table;
	u32 hash = tcphs_table_hash(t, tu);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_flow *flow;
	struct tcphs_proxy *px;
	enum tcphs_dir dir;
	u32 delta = 0;
	bool open;

	/* Hooks run under rcu_read_lock(): the flow outlives this call. */
	flow = tcphs_table_find(t, hash, tu, &dir);
	if (!flow || !tcphs_proxy_owns(flow))
		return false;
	px = tcphs_px(flow);
	spin_lock_bh(lock);
	open = tcphs_flow_linked(flow) && px->phase == TCPHS_PX_OPEN;
	if (open)
		delta = px->seq_delta;
	spin_unlock_bh(lock);
	if (!open)
		return false;

	memset(x, 0, sizeof(*x));
	if (dir == TCPHS_DIR_REPLY)
		x->seq_add = delta;
	else
		x->ack_add = -delta;
	return true;
}

/*
 * The ICMP or ICMPv6 message @icmpoff past the network header (@family
 * NFPROTO_IPV4 or NFPROTO_IPV6): an error about an open proxied flow has
 * its quote translated. It always passes.
 */
unsigned int tcphs_proxy_icmp(struct sk_buff *skb, unsigned int icmpoff,
			      u8 family, const struct nf_hook_state *state)
{
	struct tcphs_net *tn = tcphs_pernet(state->net);
	unsigned int off = skb_network_offset(skb) + icmpoff;
	struct tcphs_quote_xlate x;
	u8 buf[TCPHS_QUOTE_MAX];
	struct tcphs_quote q;
	const u8 *icmp;
	unsigned int len;

	if (READ_ONCE(tn->cfg.mode) == TCPHS_MODE_OFF ||
	    !READ_ONCE(tn->px.proxied) || off >= skb->len)
		return NF_ACCEPT;
	len = min_t(unsigned int, skb->len - off, sizeof(buf));
	icmp = skb_header_pointer(skb, off, len, buf);
	if (!icmp || !tcphs_quote_parse(icmp, len, family, &q) ||
	    !tcphs_icmp_xlate_of(tn, &q.tu, &x))
		return NF_ACCEPT;
	/* It may be a clone; a writer that fails leaves it whole. */
	if (skb_ensure_writable(skb, off + tcphs_quote_end(&q)))
		return NF_ACCEPT;
	if (tcphs_quote_xlate(skb->data + off, &q, &x,
			      skb->ip_summed != CHECKSUM_PARTIAL))
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_ICMP);
	return NF_ACCEPT;
}
