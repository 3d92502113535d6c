// SPDX-License-Identifier: GPL-2.0
/* The segments tcphs sends on its own; see out.h. */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "out.h"
#include "parse.h"

/*
 * The segment this CPU is sending (tcphs_out_own()). The segment, not
 * its namespace: on PREEMPT_RT local_bh_disable() lets another task of
 * the namespace run here and send through the same hooks meanwhile.
 */
static DEFINE_PER_CPU(const struct sk_buff *, tcphs_xmit_skb);

bool tcphs_out_own(const struct sk_buff *skb)
{
	return this_cpu_read(tcphs_xmit_skb) == skb;
}

static unsigned int tcphs_out_options(const struct tcphs_out *o, u8 *p)
{
	bool syn = o->flags & TCPHS_SYN;
	u8 *start = p;

	if (syn) {
		*p++ = TCPOPT_MSS;
		*p++ = TCPOLEN_MSS;
		put_unaligned_be16(o->opts.mss, p);
		p += 2;
	}
	if (o->ts) {
		*p++ = syn && o->opts.sack ? TCPOPT_SACK_PERM : TCPOPT_NOP;
		*p++ = syn && o->opts.sack ? TCPOLEN_SACK_PERM : TCPOPT_NOP;
		*p++ = TCPOPT_TIMESTAMP;
		*p++ = TCPOLEN_TIMESTAMP;
		put_unaligned_be32(o->tsval, p);
		put_unaligned_be32(o->tsecr, p + 4);
		p += 8;
	} else if (syn && o->opts.sack) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_SACK_PERM;
		*p++ = TCPOLEN_SACK_PERM;
	}
	if (syn && o->opts.wscale != TCPHS_NO_WSCALE) {
		*p++ = TCPOPT_NOP;
		*p++ = TCPOPT_WINDOW;
		*p++ = TCPOLEN_WINDOW;
		*p++ = o->opts.wscale;
	}
	return p - start;
}

static void tcphs_out_ipv4(struct net *net, struct sk_buff *skb,
			   const struct tcphs_out *o, struct tcphdr *th,
			   unsigned int tcplen)
{
	struct iphdr *iph = ip_hdr(skb);

	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->tot_len = htons(skb->len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = READ_ONCE(net->ipv4.sysctl_ip_default_ttl);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = o->saddr.ip;
	iph->daddr = o->daddr.ip;
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	th->check = tcp_v4_check(tcplen, iph->saddr, iph->daddr,
				 csum_partial(th, tcplen, 0));
}

static void tcphs_out_ipv6(struct net *net, struct sk_buff *skb,
			   const struct tcphs_out *o, struct tcphdr *th,
			   unsigned int tcplen)
{
	struct ipv6hdr *ip6h = ipv6_hdr(skb);

	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->payload_len = htons(tcplen);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = READ_ONCE(net->ipv6.devconf_all->hop_limit);
	ip6h->saddr = o->saddr.in6;
	ip6h->daddr = o->daddr.in6;
	skb->protocol = htons(ETH_P_IPV6);
	th->check = tcp_v6_check(tcplen, &ip6h->saddr, &ip6h->daddr,
				 csum_partial(th, tcplen, 0));
}

static struct sk_buff *tcphs_out_skb(struct net *net,
				     const struct tcphs_out *o)
{
	unsigned int nhlen = o->family == NFPROTO_IPV4 ?
			     sizeof(struct iphdr) : sizeof(struct ipv6hdr);
	u8 opts[TCPHS_TCP_MAX_HDR - TCPHS_TCP_MIN_HDR];
	unsigned int optlen = tcphs_out_options(o, opts);
	unsigned int tcplen = sizeof(struct tcphdr) + optlen;
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(LL_MAX_HEADER + nhlen + tcplen, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_MAX_HEADER);
	skb_reset_network_header(skb);
	skb_put_zero(skb, nhlen);
	skb_set_transport_header(skb, nhlen);
	th = skb_put_zero(skb, tcplen);
	th->source = o->sport;
	th->dest = o->dport;
	th->seq = htonl(o->seq);
	th->ack_seq = htonl(o->ack);
	th->doff = tcplen / 4;
	tcp_flag_byte(th) = o->flags;
	th->window = htons(o->win);
	memcpy(th + 1, opts, optlen);
	if (o->family == NFPROTO_IPV4)
		tcphs_out_ipv4(net, skb, o, th, tcplen);
	else
		tcphs_out_ipv6(net, skb, o, th, tcplen);
	skb->ip_summed = CHECKSUM_NONE;
	return skb;
}

/* Into the stack as if it had come in on @ifindex (from the client). */
bool tcphs_out_inject(struct net *net, struct sk_buff *skb, int ifindex)
{
	struct net_device *dev;

	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, ifindex);
	if (!dev) {
		rcu_read_unlock();
		kfree_skb(skb);
		return false;
	}
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb_reset_mac_header(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	netif_rx(skb);
	rcu_read_unlock();
	return true;
}

static int tcphs_route(struct net *net, struct sk_buff *skb,
		       const struct tcphs_out *o)
{
	struct dst_entry *dst;

	if (o->family == NFPROTO_IPV4) {
		/* The source is the server's: not this host's, if forwarded. */
		struct flowi4 fl4 = {
			.daddr = o->daddr.ip,
			.saddr = o->saddr.ip,
			.flowi4_proto = IPPROTO_TCP,
			.flowi4_flags = FLOWI_FLAG_ANYSRC,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		if (IS_ERR(rt))
			return PTR_ERR(rt);
		dst = &rt->dst;
	} else {
		struct flowi6 fl6 = {
			.daddr = o->daddr.in6,
			.saddr = o->saddr.in6,
			.flowi6_proto = IPPROTO_TCP,
		};
		int err;

		dst = ip6_route_output(net, NULL, &fl6);
		err = dst->error;
		if (err) {
			dst_release(dst);
			return err;
		}
	}
	skb_dst_set(skb, dst);
	return 0;
}

/*
 * How this host reaches @addr: one of its own addresses (*@local), or out
 * of the device *@ifindex. A link-local address is looked up on the link
 * it came from (@in_ifindex), as ip6t_rpfilter does: it is on no other.
 */
static bool tcphs_route_to4(struct net *net, __be32 addr, int *ifindex,
			    bool *local)
{
	struct flowi4 fl4 = {
		.daddr = addr,
		.flowi4_proto = IPPROTO_TCP,
	};
	struct rtable *rt = ip_route_output_key(net, &fl4);

	if (IS_ERR(rt))
		return false;
	*local = rt->rt_type == RTN_LOCAL;
	*ifindex = rt->dst.dev->ifindex;
	ip_rt_put(rt);
	return true;
}

static bool tcphs_route_to6(struct net *net, const struct in6_addr *addr,
			    int in_ifindex, int *ifindex, bool *local)
{
	struct flowi6 fl6 = {
		.daddr = *addr,
		.flowi6_proto = IPPROTO_TCP,
	};
	struct dst_entry *dst;
	bool found;

	if (ipv6_addr_type(addr) & IPV6_ADDR_LINKLOCAL)
		fl6.flowi6_oif = in_ifindex;
	dst = ip6_route_output(net, NULL, &fl6);
	found = !dst->error;
	if (found) {
		*local = dst_rt6_info(dst)->rt6i_flags & RTF_LOCAL;
		*ifindex = dst->dev->ifindex;
	}
	dst_release(dst);
	return found;
}

bool tcphs_out_came_back(const struct nf_hook_state *state, u8 family,
			 const union nf_inet_addr *saddr)
{
	int in = state->in ? state->in->ifindex : 0;
	bool found, local;
	int out;

	if (family == NFPROTO_IPV4)
		found = tcphs_route_to4(state->net, saddr->ip, &out, &local);
	else
		found = tcphs_route_to6(state->net, &saddr->in6, in, &out,
					&local);
	if (!found)
		return false;
	if (local)
		return state->hook == NF_INET_LOCAL_OUT;
	return state->hook == NF_INET_PRE_ROUTING && out == in;
}

/* Out of this host, towards the client; our own hooks let it pass. */
static bool tcphs_xmit(struct net *net, struct sk_buff *skb,
		       const struct tcphs_out *o)
{
	if (tcphs_route(net, skb, o)) {
		kfree_skb(skb);
		return false;
	}
	local_bh_disable();
	this_cpu_write(tcphs_xmit_skb, skb);
	if (o->family == NFPROTO_IPV4)
		ip_local_out(net, NULL, skb);
	else
		ip6_local_out(net, NULL, skb);
	this_cpu_write(tcphs_xmit_skb, NULL);
	local_bh_enable();
	return true;
}

unsigned int tcphs_out_send(struct net *net, const struct tcphs_out *out,
			    unsigned int n)
{
	unsigned int failed = 0;
	struct sk_buff *skb;
	bool sent;

	for (; n; n--, out++) {
		skb = tcphs_out_skb(net, out);
		if (!skb)
			sent = false;
		else if (out->to_server)
			sent = tcphs_out_inject(net, skb, out->ifindex);
		else
			sent = tcphs_xmit(net, skb, out);
		failed += !sent;
	}
	return failed;
}
