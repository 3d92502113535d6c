// SPDX-License-Identifier: GPL-2.0
/*
 * Proxy mode: for the ports in net.tcphs.proxy_ports, tcphs answers the
 * client's SYN itself and opens the connection to the server only once the
 * third ACK has proved the client real.
 *
 *   client                 tcphs                        server
 *   SYN ------------------> kept (or only a cookie)
 *       <------------------ SYN-ACK: ISN by isn_policy, a real window
 *   ACK (+ data) ---------> checked; data held
 *                           SYN: the client's ISN and options -->
 *                           <------------------------------ SYN-ACK
 *                           ACK, or the held segments -------->
 *   <== for good: server seq - delta, client ack + delta, SACK, TS ==>
 *
 * Segments for the server enter the stack as if they had just arrived from
 * the client (netif_rx() on the client's interface), so routing, the
 * firewall and forwarding treat them as the client's own, and the hooks see
 * them again and translate them like any other. Segments for the client
 * leave as this host's own (ip_local_out()); the hooks let those pass
 * (tcphs_proxy_own()).
 *
 * Every decision is taken under the flow's bucket lock; every segment is
 * sent after it is dropped.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/tcp.h>
#include <linux/timekeeping.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "proxy.h"
#include "seq.h"
#include "tcphs.h"

/* The window of our SYN-ACK: what a client may send before the server. */
#define TCPHS_PX_WINDOW		65535
/* The low bits of our TSval hold the shift we announced (a cookie's). */
#define TCPHS_PX_TSVAL_SHIFT	0xf
/* What a flow may hold for its server: one SYN-ACK window of payload. */
#define TCPHS_PX_HOLD_BYTES	TCPHS_PX_WINDOW
#define TCPHS_PX_HOLD_SEGS	64
/* tcphs_proxy_known(): the flow is gone, handle its SYN as a new one's. */
#define TCPHS_PX_REOPEN		(-2)
/* SYNs to a silent server: at 0, 1 and 3 s; the client is reset at 7 s. */
#define TCPHS_PX_SYN_RETRIES	2

/*
 * The segment this CPU is sending (tcphs_proxy_own()). The segment, not
 * its namespace: on PREEMPT_RT local_bh_disable() lets another task of
 * the namespace run here and send through the same hooks meanwhile.
 */
static DEFINE_PER_CPU(const struct sk_buff *, tcphs_xmit_skb);

bool tcphs_proxy_own(const struct sk_buff *skb)
{
	return this_cpu_read(tcphs_xmit_skb) == skb;
}

void tcphs_proxy_free(struct tcphs_proxy *px)
{
	if (!px)
		return;
	__skb_queue_purge(&px->held);
	tcphs_proxy_release(px);
}

static bool tcphs_proxy_port(const struct tcphs_net *tn, u16 port)
{
	const struct tcphs_ports *ports = rcu_dereference(tn->cfg.ports);
	unsigned int i;

	for (i = 0; ports && i < ports->nr; i++)
		if (port >= ports->range[i].lo && port <= ports->range[i].hi)
			return true;
	return false;
}

static void tcphs_ends_of(const struct tcphs_tuple *tu, struct tcphs_ends *e)
{
	memcpy(e->saddr, &tu->saddr, sizeof(e->saddr));
	memcpy(e->daddr, &tu->daddr, sizeof(e->daddr));
	e->sport = tu->sport;
	e->dport = tu->dport;
	e->v6 = tu->family == NFPROTO_IPV6;
}

/* What a SYN or SYN-ACK announced; RFC 9293 3.7.1 for a missing MSS. */
static void tcphs_hsopts_of(const struct tcphs_seg *seg, u8 family,
			    struct tcphs_hsopts *o)
{
	const struct tcphs_opts *opt = &seg->opt;

	o->syn.mss = opt->present & TCPHS_OPT_MSS ? opt->mss :
		     family == NFPROTO_IPV4 ? 536 : 1220;
	o->syn.wscale = opt->present & TCPHS_OPT_WSCALE ? opt->wscale :
			TCPHS_NO_WSCALE;
	o->syn.sack = opt->present & TCPHS_OPT_SACK_PERM;
	o->ts = opt->present & TCPHS_OPT_TS;
}

/* ---- What servers announced, per destination (dest.h) ---- */

static u64 *tcphs_dest_slot(struct tcphs_net *tn, const struct tcphs_tuple *tu,
			    u32 *tag)
{
	struct {
		union nf_inet_addr daddr;
		__be16 dport;
		u8 family;
	} __aligned(8) key = {
		.daddr = tu->daddr,
		.dport = tu->dport,
		.family = tu->family,
	};
	u64 hash = siphash(&key, sizeof(key), &tn->table.key);

	*tag = hash >> 32;
	return &tn->dests[hash & (TCPHS_DEST_SLOTS - 1)];
}

static void tcphs_dest_known(struct tcphs_net *tn,
			     const struct tcphs_tuple *tu,
			     struct tcphs_hsopts *srv)
{
	u32 tag, tick = tcphs_dest_tick(ktime_get_ns());
	u64 *slot = tcphs_dest_slot(tn, tu, &tag);

	if (!tcphs_dest_unpack(READ_ONCE(*slot), tag, tick, srv))
		tcphs_dest_default(tu->family == NFPROTO_IPV6, srv);
}

/* Learn from the server's SYN-ACK; true if it said something new. */
static bool tcphs_dest_heard(struct tcphs_net *tn,
			     const struct tcphs_tuple *tu,
			     const struct tcphs_hsopts *asked,
			     const struct tcphs_seg *synack)
{
	u32 tag, tick = tcphs_dest_tick(ktime_get_ns());
	u64 *slot = tcphs_dest_slot(tn, tu, &tag);
	struct tcphs_hsopts known, answer, before;
	bool had = tcphs_dest_unpack(READ_ONCE(*slot), tag, tick, &known);
	u64 fresh;

	if (!had)
		tcphs_dest_default(tu->family == NFPROTO_IPV6, &known);
	before = known;
	tcphs_hsopts_of(synack, tu->family, &answer);
	tcphs_dest_learn(&known, asked, &answer);
	fresh = tcphs_dest_pack(tag, tick, &known);
	/*
	 * Rewritten only when it says something new: an entry ages from when
	 * it was learned, however busy, so that a refusal is asked about
	 * again (and the cache line is spared).
	 */
	if (had && fresh == tcphs_dest_pack(tag, tick, &before))
		return false;
	WRITE_ONCE(*slot, fresh);
	return true;
}

/*
 * Our SYN-ACK to a client: what the server of this destination announced
 * (or the defaults), and the client's options as the server will hear
 * them: only those the client was told it may use.
 */
static void tcphs_proxy_offer(struct tcphs_net *tn, const struct tcphs_pkt *p,
			      struct tcphs_hsopts *ours,
			      struct tcphs_hsopts *to_server)
{
	struct tcphs_hsopts srv;

	tcphs_hsopts_of(p->seg, p->tu->family, to_server);
	tcphs_dest_known(tn, p->tu, &srv);
	tcphs_dest_announce(to_server, &srv, ours);
	if (ours->syn.wscale == TCPHS_NO_WSCALE)
		to_server->syn.wscale = TCPHS_NO_WSCALE;
	to_server->syn.sack = ours->syn.sack;
	to_server->ts = ours->ts;
}

/* Random, but for the low bits: the shift we announce, for a cookie. */
static u32 tcphs_proxy_tsval(u8 our_wscale)
{
	return (get_random_u32() & ~TCPHS_PX_TSVAL_SHIFT) |
	       (our_wscale == TCPHS_NO_WSCALE ? TCPHS_PX_TSVAL_SHIFT :
		our_wscale);
}

/* ---- Building and sending our own segments ---- */

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
static bool tcphs_inject(struct net *net, struct sk_buff *skb, int ifindex)
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

void tcphs_proxy_send(struct tcphs_net *tn, const struct tcphs_out *out,
		      unsigned int n)
{
	struct sk_buff *skb;
	bool sent;

	for (; n; n--, out++) {
		skb = tcphs_out_skb(tn->net, out);
		if (!skb)
			sent = false;
		else if (out->to_server)
			sent = tcphs_inject(tn->net, skb, out->ifindex);
		else
			sent = tcphs_xmit(tn->net, skb, out);
		if (!sent)
			tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_XMIT_FAILED);
	}
}

/* Send the held segments on, in order; the hooks translate them. */
static void tcphs_release_held(struct tcphs_net *tn, struct sk_buff_head *q,
			       int ifindex)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q)) != NULL)
		if (!tcphs_inject(tn->net, skb, ifindex))
			tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_XMIT_FAILED);
}

/* ---- The segments tcphs sends ---- */

/* From the server's address to the client's. */
static void tcphs_out_to_client(const struct tcphs_tuple *tu,
				struct tcphs_out *o)
{
	memset(o, 0, sizeof(*o));
	o->family = tu->family;
	o->saddr = tu->daddr;
	o->daddr = tu->saddr;
	o->sport = tu->dport;
	o->dport = tu->sport;
}

/* From the client's address to the server's, as the client would send. */
static void tcphs_out_to_server(const struct tcphs_tuple *tu,
				const struct tcphs_proxy *px,
				struct tcphs_out *o)
{
	memset(o, 0, sizeof(*o));
	o->family = tu->family;
	o->saddr = tu->saddr;
	o->daddr = tu->daddr;
	o->sport = tu->sport;
	o->dport = tu->dport;
	o->to_server = true;
	o->ifindex = px->ifindex;
	o->ts = px->ts;
	o->tsval = px->client_tsval;
}

static void tcphs_out_synack(const struct tcphs_tuple *tu,
			     const struct tcphs_hsopts *ours, u32 isn,
			     u32 client_isn, u32 tsval, u32 tsecr,
			     struct tcphs_out *o)
{
	tcphs_out_to_client(tu, o);
	o->flags = TCPHS_SYN | TCPHS_ACK;
	o->seq = isn;
	o->ack = client_isn + 1;
	o->win = TCPHS_PX_WINDOW;
	o->opts = ours->syn;
	o->ts = ours->ts;
	o->tsval = tsval;
	o->tsecr = tsecr;
}

/* Our SYN to the server: the client's ISN, options, and latest TSval. */
static void tcphs_out_syn(const struct tcphs_flow *flow, struct tcphs_out *o)
{
	const struct tcphs_proxy *px = flow->px;
	u8 shift = px->client_shift;

	tcphs_out_to_server(&flow->tuple, px, o);
	o->flags = TCPHS_SYN;
	o->seq = px->client_isn;
	o->win = min_t(u32, (u32)px->client_win << shift, U16_MAX);
	o->opts = px->opts;
}

static void tcphs_out_rst_client(const struct tcphs_flow *flow,
				 struct tcphs_out *o)
{
	tcphs_out_to_client(&flow->tuple, o);
	o->flags = TCPHS_RST | TCPHS_ACK;
	o->seq = flow->px->our_isn + 1;
	o->ack = flow->px->client_isn + 1;
}

/* ---- Translation of the segments of an open flow ---- */

struct tcphs_xlate {
	u32 seq_add;
	u32 ack_add;
	u32 sack_add;
	u32 tsval_add;
	u32 tsecr_add;
	u8 win_from;	/* window field << win_from >> win_to */
	u8 win_to;
};

/*
 * Write a 32-bit field at any offset, and fix the checksum one 16-bit word
 * at a time: an option need not sit on an even byte.
 */
static void tcphs_put32(struct sk_buff *skb, struct tcphdr *th, u8 *field,
			u32 val)
{
	unsigned int off = field - (u8 *)th;
	unsigned int first = off & ~1u, words = ((off + 5) & ~1u) - first;
	__be16 old[3], new[3];
	unsigned int i;

	words /= 2;
	memcpy(old, (u8 *)th + first, words * 2);
	put_unaligned_be32(val, field);
	memcpy(new, (u8 *)th + first, words * 2);
	for (i = 0; i < words; i++)
		inet_proto_csum_replace2(&th->check, skb, old[i], new[i],
					 false);
}

static void tcphs_add32(struct sk_buff *skb, struct tcphdr *th, u8 *field,
			u32 add)
{
	if (add)
		tcphs_put32(skb, th, field, get_unaligned_be32(field) + add);
}

static void tcphs_xlate_options(struct sk_buff *skb, struct tcphdr *th,
				const struct tcphs_xlate *x)
{
	u8 *opt = (u8 *)(th + 1), *end = (u8 *)th + th->doff * 4;
	unsigned int len, i;

	while (opt < end && *opt != TCPOPT_EOL) {
		if (*opt == TCPOPT_NOP) {
			opt++;
			continue;
		}
		if (end - opt < 2 || opt[1] < 2 || opt[1] > end - opt)
			return;
		len = opt[1];
		if (*opt == TCPOPT_TIMESTAMP && len == TCPOLEN_TIMESTAMP) {
			tcphs_add32(skb, th, opt + 2, x->tsval_add);
			tcphs_add32(skb, th, opt + 6, x->tsecr_add);
		} else if (*opt == TCPOPT_SACK && x->sack_add) {
			for (i = 2; i + 4 <= len; i += 4)
				tcphs_add32(skb, th, opt + i, x->sack_add);
		}
		opt += len;
	}
}

/*
 * A window field from one shift to another, rounded up: rounded down, a
 * window under 2^to bytes would read as zero and stall its sender. Linux
 * too aligns a window up to its scale (tcp_select_window()).
 */
static u16 tcphs_rescale(u16 win, u8 from, u8 to)
{
	return min_t(u32, DIV_ROUND_UP((u32)win << from, 1U << to), U16_MAX);
}

static bool tcphs_xlate(struct sk_buff *skb, unsigned int thoff,
			const struct tcphs_seg *seg,
			const struct tcphs_xlate *x)
{
	unsigned int off = skb_network_offset(skb) + thoff;
	struct tcphdr *th;
	__be16 win;

	if (skb_ensure_writable(skb, off + seg->hdr_len))
		return false;
	th = (struct tcphdr *)(skb->data + off);
	tcphs_add32(skb, th, (u8 *)&th->seq, x->seq_add);
	if (seg->flags & TCPHS_ACK)
		tcphs_add32(skb, th, (u8 *)&th->ack_seq, x->ack_add);
	if (!(seg->flags & TCPHS_SYN) && x->win_from != x->win_to) {
		win = htons(tcphs_rescale(ntohs(th->window), x->win_from,
					  x->win_to));
		inet_proto_csum_replace2(&th->check, skb, th->window, win,
					 false);
		th->window = win;
	}
	tcphs_xlate_options(skb, th, x);
	return true;
}

/*
 * Client to server: its acknowledgments and SACK blocks of the server's
 * data, and its timestamp echoes, are in the numbers we gave it.
 */
static void tcphs_xlate_orig(const struct tcphs_proxy *px,
			     struct tcphs_seg *seg, struct tcphs_xlate *x)
{
	unsigned int i;

	memset(x, 0, sizeof(*x));
	x->ack_add = px->seq_delta;
	x->sack_add = px->seq_delta;
	x->tsecr_add = px->ts_delta;
	x->win_from = px->client_shift;
	x->win_to = px->server_view_shift;
	/* The state machine follows the flow in the server's numbers. */
	seg->ack += px->seq_delta;
	seg->opt.tsecr += px->ts_delta;
	for (i = 0; i < seg->opt.nr_sack; i++) {
		seg->opt.sack[i].start += px->seq_delta;
		seg->opt.sack[i].end += px->seq_delta;
	}
	if (!(seg->flags & TCPHS_SYN))
		seg->window = tcphs_rescale(seg->window, x->win_from, x->win_to);
}

static void tcphs_xlate_reply(const struct tcphs_proxy *px,
			      struct tcphs_xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->seq_add = -px->seq_delta;
	x->tsval_add = -px->ts_delta;
	x->win_from = px->server_shift;
	x->win_to = px->client_view_shift;
}

/* ---- The handshake with the client ---- */

static struct tcphs_flow *tcphs_proxy_flow_new(const struct tcphs_tuple *tu)
{
	struct tcphs_flow *flow = tcphs_flow_alloc(tu);

	if (!flow)
		return NULL;
	flow->px = tcphs_proxy_alloc();
	if (!flow->px) {
		tcphs_flow_free(flow);
		return NULL;
	}
	__skb_queue_head_init(&flow->px->held);
	return flow;
}

static u32 tcphs_proxy_isn(struct tcphs_net *tn, const struct tcphs_tuple *tu,
			   const struct tcphs_synopts *opts, u32 client_isn,
			   bool cookie)
{
	const struct tcphs_secrets *sec = rcu_dereference(tn->cfg.secrets);
	struct tcphs_ends ends;
	struct tcphs_isn_in in = {
		.ends = &ends,
		.isn_key = &sec->isn,
		.cookie_keys = &sec->cookie,
		.opts = opts,
		.client_isn = client_isn,
		.now_ns = ktime_get_ns(),
	};
	enum tcphs_isn_policy policy = READ_ONCE(tn->cfg.isn_policy);

	if (cookie)
		policy = TCPHS_ISN_COOKIE;
	if (policy == TCPHS_ISN_RANDOM)
		in.random = get_random_u32();
	tcphs_ends_of(tu, &ends);
	return tcphs_isn(policy, &in);
}

/* A client's SYN, and what we answer it with, into its flow's record. */
static void tcphs_proxy_take_syn(struct tcphs_net *tn, struct tcphs_proxy *px,
				 const struct tcphs_tuple *tu, u32 client_isn,
				 const struct tcphs_hsopts *ours,
				 const struct tcphs_hsopts *to_server)
{
	px->client_isn = client_isn;
	px->opts = to_server->syn;
	px->ts = to_server->ts;
	px->our_mss = ours->syn.mss;
	px->our_wscale = ours->syn.wscale;
	px->our_tsval = tcphs_proxy_tsval(ours->syn.wscale);
	px->our_isn = tcphs_proxy_isn(tn, tu, &px->opts, client_isn, false);
}

/*
 * Keep a half-open flow, unless proxy_halfopen_max of them are kept or
 * there is no room: 0, with our ISN and TSval for the SYN-ACK; -EEXIST if a
 * twin of the SYN made its flow first (its SYN-ACK answers both); else
 * another error, and a cookie answers.
 */
static int tcphs_proxy_keep(struct tcphs_net *tn, const struct tcphs_pkt *p,
			    u32 hash, const struct tcphs_hsopts *ours,
			    const struct tcphs_hsopts *to_server,
			    u32 *isn, u32 *tsval)
{
	struct tcphs_table *t = &tn->table;
	unsigned int max_flows = READ_ONCE(tn->cfg.max_flows);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_flow *flow, *twin;
	struct tcphs_proxy *px;
	enum tcphs_dir dir;
	bool linked;

	if (atomic_read(&t->halfopen) >= READ_ONCE(tn->cfg.proxy_halfopen_max))
		return -ENOSPC;
	flow = tcphs_proxy_flow_new(p->tu);
	if (!flow) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_ALLOC_FAILED);
		return -ENOMEM;
	}
	px = flow->px;
	px->phase = TCPHS_PX_SYNACK;
	tcphs_proxy_take_syn(tn, px, p->tu, p->seg->seq, ours, to_server);
	flow->hs.state = TCPHS_SYN_RCVD;
	/* Read while the flow is ours alone: once linked, a new SYN on
	 * another CPU may change them.
	 */
	*isn = px->our_isn;
	*tsval = px->our_tsval;

	spin_lock_bh(lock);
	twin = tcphs_table_find(t, hash, p->tu, &dir);
	linked = !twin && tcphs_table_insert(t, hash, flow, max_flows);
	if (linked)
		atomic_inc(&t->halfopen);
	spin_unlock_bh(lock);
	if (linked) {
		WRITE_ONCE(tn->proxied, true);
		return 0;
	}
	if (!twin)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_TABLE_FULL);
	tcphs_flow_free(flow);
	return twin ? -EEXIST : -ENOSPC;
}

/* A SYN to a proxied port, with no flow: answer it ourselves. */
static int tcphs_proxy_syn(struct tcphs_net *tn, const struct tcphs_pkt *p,
			   u32 hash)
{
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_hsopts ours, to_server;
	struct tcphs_out out;
	u32 isn, tsval;
	int err;

	/* Fast Open data is not taken: the SYN-ACK acknowledges the SYN
	 * alone, and the client sends the data again (RFC 7413 4.2.2).
	 */
	tcphs_proxy_offer(tn, p, &ours, &to_server);
	err = tcphs_proxy_keep(tn, p, hash, &ours, &to_server, &isn, &tsval);
	if (err == -EEXIST) {
		/* A copy of a SYN that another CPU is answering. */
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SYN_RETRANS);
		consume_skb(p->skb);
		return NF_STOLEN;
	}
	if (!err) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_SYNACK);
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_NEW);
	} else {
		/* Without timestamps a cookie has no room for our shift:
		 * announce the one the third ACK will assume.
		 */
		if (!ours.ts && ours.syn.wscale != TCPHS_NO_WSCALE)
			ours.syn.wscale = TCPHS_DEST_WSCALE;
		isn = tcphs_proxy_isn(tn, p->tu, &to_server.syn, seg->seq,
				      true);
		tsval = tcphs_proxy_tsval(ours.syn.wscale);
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_COOKIE);
	}
	tcphs_out_synack(p->tu, &ours, isn, seg->seq, tsval, seg->opt.tsval,
			 &out);
	tcphs_proxy_send(tn, &out, 1);
	consume_skb(p->skb);
	return NF_STOLEN;
}

/* The client is real: remember how to reach the server for it. */
static void tcphs_proxy_accept(struct tcphs_flow *flow,
			       const struct tcphs_pkt *p, struct tcphs_out *syn)
{
	struct tcphs_proxy *px = flow->px;
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_seg synseg = {};
	struct tcphs_step st;

	px->phase = TCPHS_PX_CONNECTING;
	px->ifindex = p->state->in->ifindex;
	px->client_tsval = seg->opt.tsval;
	px->client_win = seg->window;
	/* opts.wscale is the client's only if ours was announced. */
	px->client_shift = px->opts.wscale == TCPHS_NO_WSCALE ? 0 :
			   px->opts.wscale;
	px->client_view_shift = px->opts.wscale == TCPHS_NO_WSCALE ? 0 :
				px->our_wscale;
	px->syn_sent = jiffies;
	tcphs_out_syn(flow, syn);

	/* From here the record follows the server side's handshake. */
	synseg.seq = syn->seq;
	synseg.sport = ntohs(syn->sport);
	synseg.dport = ntohs(syn->dport);
	synseg.window = syn->win;
	synseg.flags = TCPHS_SYN;
	synseg.opt.mss = syn->opts.mss;
	synseg.opt.wscale = syn->opts.wscale;
	synseg.opt.present = TCPHS_OPT_MSS |
		(syn->opts.wscale != TCPHS_NO_WSCALE ? TCPHS_OPT_WSCALE : 0);
	memset(&flow->hs, 0, sizeof(flow->hs));
	st = tcphs_fsm_step(&flow->hs, &synseg, TCPHS_DIR_ORIG);
	tcphs_fsm_commit(&flow->hs, &synseg, TCPHS_DIR_ORIG, &st);
}

/* Hold a client segment for the server, or let the client send it again. */
static int tcphs_proxy_hold(struct tcphs_net *tn, struct tcphs_proxy *px,
			    const struct tcphs_pkt *p)
{
	const struct tcphs_seg *seg = p->seg;

	if (seg->opt.present & TCPHS_OPT_TS)
		px->client_tsval = seg->opt.tsval;
	px->client_win = seg->window;
	if (!seg->payload_len && !(seg->flags & TCPHS_FIN)) {
		consume_skb(p->skb);
		return NF_STOLEN;
	}
	if (px->held_bytes + seg->payload_len > TCPHS_PX_HOLD_BYTES ||
	    skb_queue_len(&px->held) >= TCPHS_PX_HOLD_SEGS) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_HOLD_FULL);
		return NF_DROP;
	}
	px->held_bytes += seg->payload_len;
	__skb_queue_tail(&px->held, p->skb);
	tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_HELD);
	return NF_STOLEN;
}

/* The shift a cookie's SYN-ACK announced (see tcphs_proxy_syn()). */
static u8 tcphs_cookie_wscale_of(const struct tcphs_proxy *px)
{
	if (px->opts.wscale == TCPHS_NO_WSCALE)
		return TCPHS_NO_WSCALE;
	if (!px->ts)
		return TCPHS_DEST_WSCALE;
	/* The client's echo of our TSval: a lie only misleads itself. */
	return min_t(u8, px->our_tsval & TCPHS_PX_TSVAL_SHIFT,
		     TCPHS_MAX_WSCALE);
}

/* A third ACK with no flow: is it a cookie of ours? */
static int tcphs_proxy_cookie_ack(struct tcphs_net *tn,
				  const struct tcphs_pkt *p, u32 hash)
{
	const struct tcphs_secrets *sec = rcu_dereference(tn->cfg.secrets);
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_table *t = &tn->table;
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_flow *flow, *twin;
	struct tcphs_synopts opts;
	struct tcphs_ends ends;
	struct tcphs_proxy *px;
	struct tcphs_out syn;
	enum tcphs_dir dir;
	int verdict;

	tcphs_ends_of(p->tu, &ends);
	if (!tcphs_cookie_check(&sec->cookie, &ends, seg->seq - 1,
				seg->ack - 1, tcphs_cookie_period(ktime_get_ns()),
				&opts)) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_COOKIE_BAD);
		return NF_DROP;
	}
	flow = tcphs_proxy_flow_new(p->tu);
	if (!flow) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_ALLOC_FAILED);
		return NF_DROP;
	}
	px = flow->px;
	px->client_isn = seg->seq - 1;
	px->our_isn = seg->ack - 1;
	px->opts = opts;
	px->ts = seg->opt.present & TCPHS_OPT_TS;
	px->our_tsval = seg->opt.tsecr;
	px->our_wscale = tcphs_cookie_wscale_of(px);

	spin_lock_bh(lock);
	twin = tcphs_table_find(t, hash, p->tu, &dir);
	if (twin || !tcphs_table_insert(t, hash, flow,
					READ_ONCE(tn->cfg.max_flows))) {
		spin_unlock_bh(lock);
		tcphs_flow_free(flow);
		tcphs_stat_inc(tn->stats, twin ? TCPHS_STAT_PROXY_ACK_BAD :
				TCPHS_STAT_TABLE_FULL);
		return NF_DROP;
	}
	tcphs_proxy_accept(flow, p, &syn);
	verdict = tcphs_proxy_hold(tn, px, p);
	spin_unlock_bh(lock);
	WRITE_ONCE(tn->proxied, true);

	tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_NEW);
	tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_CONNECT);
	tcphs_proxy_send(tn, &syn, 1);
	return verdict;
}

/* ---- Segments of a flow the proxy keeps ---- */

/* What a known flow's segment turned into; sent after the lock. */
struct tcphs_px_result {
	int verdict;
	unsigned int nr_out;
	struct tcphs_out out[1];
	struct sk_buff_head release;	/* held segments, now for the server */
	int ifindex;
	enum tcphs_stat stat;		/* one counter to bump, if not 0 */
	bool learned;			/* and proxy_learned */
	bool rescaled;			/* and proxy_rescaled */
};

static void tcphs_px_synack_phase(struct tcphs_net *tn, struct tcphs_flow *flow,
				  const struct tcphs_pkt *p, enum tcphs_dir dir,
				  struct tcphs_px_result *r)
{
	struct tcphs_proxy *px = flow->px;
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_table *t = &tn->table;
	struct tcphs_hsopts ours, to_server;

	r->stat = TCPHS_STAT_PROXY_STRAY;	/* unless a step below fits */
	if (dir != TCPHS_DIR_ORIG)
		return;
	switch (tcphs_fsm_event(seg->flags)) {
	case TCPHS_EV_SYN:
		if (seg->seq == px->client_isn) {
			/* Ours was lost: the same answer again. */
			r->stat = TCPHS_STAT_SYNACK_RETRANS;
		} else {
			/* A new handshake on the same tuple. */
			tcphs_proxy_offer(tn, p, &ours, &to_server);
			tcphs_proxy_take_syn(tn, px, &flow->tuple, seg->seq,
					     &ours, &to_server);
			r->stat = TCPHS_STAT_RESTARTS;
		}
		/* What the first SYN-ACK said, again. */
		ours.syn.mss = px->our_mss;
		ours.syn.wscale = px->our_wscale;
		ours.syn.sack = px->opts.sack;
		ours.ts = px->ts;
		tcphs_out_synack(&flow->tuple, &ours, px->our_isn,
				 px->client_isn, px->our_tsval, seg->opt.tsval,
				 &r->out[r->nr_out++]);
		r->verdict = NF_STOLEN;
		consume_skb(p->skb);
		return;
	case TCPHS_EV_ACK:
	case TCPHS_EV_FIN:	/* the third ACK lost, its data and FIN not */
		if (seg->ack != px->our_isn + 1 ||
		    seg->seq != px->client_isn + 1) {
			r->stat = TCPHS_STAT_PROXY_ACK_BAD;
			return;
		}
		atomic_dec(&t->halfopen);
		tcphs_proxy_accept(flow, p, &r->out[r->nr_out++]);
		r->stat = TCPHS_STAT_PROXY_CONNECT;
		r->verdict = tcphs_proxy_hold(tn, px, p);
		return;
	case TCPHS_EV_RST:	/* RFC 5961 3.2: only at RCV.NXT exactly */
		if (seg->seq == px->client_isn + 1) {
			tcphs_table_unlink(t, flow);
			r->stat = TCPHS_STAT_FLOWS_RESET;
		}
		return;
	default:
		return;
	}
}

/* The server's SYN-ACK: take its numbers, and let the held segments go. */
static void tcphs_px_server_open(struct tcphs_net *tn, struct tcphs_flow *flow,
				 const struct tcphs_pkt *p,
				 struct tcphs_px_result *r)
{
	struct tcphs_proxy *px = flow->px;
	const struct tcphs_seg *seg = p->seg;
	bool scaled = (seg->opt.present & TCPHS_OPT_WSCALE) &&
		      px->opts.wscale != TCPHS_NO_WSCALE;
	struct tcphs_hsopts asked = { .syn = px->opts, .ts = px->ts };
	struct tcphs_seg ack = {};
	struct tcphs_step st;

	r->learned = tcphs_dest_heard(tn, &flow->tuple, &asked, seg);
	px->seq_delta = seg->seq - px->our_isn;
	px->ts = px->ts && (seg->opt.present & TCPHS_OPT_TS);
	px->ts_delta = px->ts ? seg->opt.tsval - px->our_tsval : 0;
	px->server_shift = scaled ? seg->opt.wscale : 0;
	px->server_view_shift = scaled ? px->opts.wscale : 0;
	px->phase = TCPHS_PX_OPEN;
	if (px->server_shift != px->client_view_shift ||
	    px->client_shift != px->server_view_shift)
		r->rescaled = true;

	st = tcphs_fsm_step(&flow->hs, seg, TCPHS_DIR_REPLY);
	tcphs_fsm_commit(&flow->hs, seg, TCPHS_DIR_REPLY, &st);

	/* The third ACK, in the server's numbers, as the record sees it. */
	ack.seq = px->client_isn + 1;
	ack.ack = seg->seq + 1;
	ack.sport = seg->dport;
	ack.dport = seg->sport;
	ack.flags = TCPHS_ACK;
	ack.window = tcphs_rescale(px->client_win, px->client_shift,
				   px->server_view_shift);
	st = tcphs_fsm_step(&flow->hs, &ack, TCPHS_DIR_ORIG);
	tcphs_fsm_commit(&flow->hs, &ack, TCPHS_DIR_ORIG, &st);

	/* Nothing held: a bare ACK, in the client's numbers; hooks translate. */
	if (skb_queue_empty(&px->held)) {
		struct tcphs_out *o = &r->out[r->nr_out++];

		tcphs_out_to_server(&flow->tuple, px, o);
		o->flags = TCPHS_ACK;
		o->seq = px->client_isn + 1;
		o->ack = px->our_isn + 1;
		o->win = px->client_win;
		o->tsecr = px->our_tsval;
	}
	skb_queue_splice_init(&px->held, &r->release);
	px->held_bytes = 0;
	r->ifindex = px->ifindex;
	r->stat = TCPHS_STAT_PROXY_OPEN;
	r->verdict = NF_STOLEN;
	consume_skb(p->skb);
}

static void tcphs_px_connecting_phase(struct tcphs_net *tn,
				      struct tcphs_flow *flow,
				      const struct tcphs_pkt *p,
				      enum tcphs_dir dir,
				      struct tcphs_px_result *r)
{
	struct tcphs_proxy *px = flow->px;
	const struct tcphs_seg *seg = p->seg;
	enum tcphs_event ev = tcphs_fsm_event(seg->flags);

	if (dir == TCPHS_DIR_ORIG) {
		if (ev == TCPHS_EV_SYN && seg->seq == px->client_isn) {
			r->verdict = NF_ACCEPT;	/* our SYN, on its way */
		} else if (ev == TCPHS_EV_RST) {
			/* RFC 5961 3.2: where what it sent ends (a FIN too). */
			if (seg->seq - (px->client_isn + 1) >
			    px->held_bytes + 1) {
				r->stat = TCPHS_STAT_PROXY_STRAY;
				return;
			}
			tcphs_table_unlink(&tn->table, flow);
			r->stat = TCPHS_STAT_FLOWS_RESET;
			r->verdict = NF_ACCEPT;	/* the server drops its half */
		} else {
			r->verdict = tcphs_proxy_hold(tn, px, p);
		}
		return;
	}
	if (ev == TCPHS_EV_SYNACK && seg->ack == px->client_isn + 1) {
		tcphs_px_server_open(tn, flow, p, r);
	} else if (ev == TCPHS_EV_RST && (seg->flags & TCPHS_ACK) &&
		   seg->ack == px->client_isn + 1) {
		/* RFC 9293 3.10.7.3: in SYN-SENT, only if it acks our SYN. */
		tcphs_out_rst_client(flow, &r->out[r->nr_out++]);
		tcphs_table_unlink(&tn->table, flow);
		r->stat = TCPHS_STAT_PROXY_REFUSED;
	} else {
		r->stat = TCPHS_STAT_PROXY_STRAY;
	}
}

/*
 * A client's new SYN once both sides have sent their FIN: a new connection
 * on the old tuple (as the state machine restarts a flow), which has to
 * prove itself like any other and must not inherit the old translation.
 */
static bool tcphs_px_reopens(const struct tcphs_flow *flow,
			     const struct tcphs_seg *seg, enum tcphs_dir dir)
{
	return dir == TCPHS_DIR_ORIG &&
	       tcphs_fsm_event(seg->flags) == TCPHS_EV_SYN &&
	       tcphs_fsm_closing(&flow->hs);
}

static int tcphs_proxy_known(struct tcphs_net *tn, struct tcphs_pkt *p,
			     struct tcphs_flow *flow, u32 hash,
			     enum tcphs_dir dir)
{
	spinlock_t *lock = tcphs_table_lock(&tn->table, hash);
	struct tcphs_px_result r = { .verdict = NF_DROP };
	struct tcphs_proxy *px = flow->px;
	struct tcphs_xlate x;

	/* A client's segments arrive: none of ours comes from this host. */
	if (dir == TCPHS_DIR_ORIG && p->state->hook != NF_INET_PRE_ROUTING) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_STRAY);
		return NF_DROP;
	}
	__skb_queue_head_init(&r.release);
	spin_lock_bh(lock);
	if (!tcphs_flow_linked(flow)) {
		spin_unlock_bh(lock);
		return TCPHS_PX_TRACK;
	}
	switch (px->phase) {
	case TCPHS_PX_SYNACK:
		tcphs_px_synack_phase(tn, flow, p, dir, &r);
		break;
	case TCPHS_PX_CONNECTING:
		tcphs_px_connecting_phase(tn, flow, p, dir, &r);
		break;
	default:
		if (tcphs_px_reopens(flow, p->seg, dir)) {
			tcphs_table_unlink(&tn->table, flow);
			r.stat = TCPHS_STAT_RESTARTS;
			r.verdict = TCPHS_PX_REOPEN;
			break;
		}
		/* Open: translate, then track in the server's numbers. */
		if (dir == TCPHS_DIR_ORIG)
			tcphs_xlate_orig(px, p->seg, &x);
		else
			tcphs_xlate_reply(px, &x);
		r.verdict = TCPHS_PX_TRACK;
		break;
	}
	spin_unlock_bh(lock);

	if (r.verdict == TCPHS_PX_TRACK &&
	    !tcphs_xlate(p->skb, p->thoff, p->seg, &x)) {
		r.verdict = NF_DROP;	/* not writable: no memory */
		r.stat = TCPHS_STAT_PROXY_STRAY;
	}
	if (r.stat)
		tcphs_stat_inc(tn->stats, r.stat);
	if (r.stat == TCPHS_STAT_PROXY_OPEN)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_ESTABLISHED);
	if (r.learned)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_LEARNED);
	if (r.rescaled)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_RESCALED);
	tcphs_proxy_send(tn, r.out, r.nr_out);
	tcphs_release_held(tn, &r.release, r.ifindex);
	return r.verdict;
}

/*
 * @answer: proxy mode, where SYNs to proxy_ports are ours to answer. In
 * track and enforce modes the flows proxied before are still translated,
 * to their end, or their connections would break at the change of mode.
 */
int tcphs_proxy_segment(struct tcphs_net *tn, struct tcphs_pkt *p,
			bool answer)
{
	struct tcphs_table *t = &tn->table;
	u32 hash = tcphs_table_hash(t, p->tu);
	struct tcphs_flow *flow;
	enum tcphs_dir dir;

	flow = tcphs_table_find(t, hash, p->tu, &dir);
	if (flow && flow->px) {
		int verdict = tcphs_proxy_known(tn, p, flow, hash, dir);

		if (verdict != TCPHS_PX_REOPEN)
			return verdict;
		flow = NULL;	/* the old connection's record is gone */
	}
	if (!answer || flow || p->state->hook != NF_INET_PRE_ROUTING ||
	    !tcphs_proxy_port(tn, p->seg->dport))
		return TCPHS_PX_TRACK;
	switch (tcphs_fsm_event(p->seg->flags)) {
	case TCPHS_EV_SYN:
		/* A SYN with data and no Fast Open: enforce's syn_data. */
		if (p->seg->payload_len &&
		    !(p->seg->opt.present & TCPHS_OPT_FASTOPEN))
			return TCPHS_PX_TRACK;
		return tcphs_proxy_syn(tn, p, hash);
	case TCPHS_EV_ACK:
	case TCPHS_EV_FIN:
		return tcphs_proxy_cookie_ack(tn, p, hash);
	default:
		return TCPHS_PX_TRACK;
	}
}

/*
 * GC, under the bucket lock: a server that has not answered our SYN gets
 * it again, with backoff; after the last try the client is reset and the
 * flow goes (true: the caller unlinks it).
 */
bool tcphs_proxy_gc(struct tcphs_flow *flow, struct tcphs_gc_result *res)
{
	struct tcphs_proxy *px = flow->px;

	if (px->phase != TCPHS_PX_CONNECTING ||
	    time_before(jiffies, px->syn_sent + (HZ << px->syn_tries)) ||
	    res->nr_out == res->max_out)
		return false;
	if (px->syn_tries == TCPHS_PX_SYN_RETRIES) {
		tcphs_out_rst_client(flow, &res->out[res->nr_out++]);
		res->proxy_timeout++;
		return true;
	}
	px->syn_tries++;
	px->syn_sent = jiffies;
	tcphs_out_syn(flow, &res->out[res->nr_out++]);
	res->proxy_retrans++;
	return false;
}
