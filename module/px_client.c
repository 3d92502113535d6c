// SPDX-License-Identifier: GPL-2.0
/*
 * Proxy mode's handshake with the client: a SYN to a proxied port is
 * answered by tcphs, from a kept half-open flow or, past
 * proxy_halfopen_max, from a cookie alone; the third ACK proves the client
 * real, and tcphs sends the server its SYN and holds what the client sends
 * meanwhile.
 */
#include <linux/netfilter.h>
#include <linux/random.h>
#include <linux/ktime.h>
#include <net/ipv6.h>

#include "cookie.h"
#include "isn.h"
#include "netns.h"
#include "px.h"
#include "report.h"
#include "stats.h"

/* What a flow may hold for its server: one SYN-ACK window of payload. */
#define TCPHS_PX_HOLD_BYTES	TCPHS_PX_WINDOW
#define TCPHS_PX_HOLD_SEGS	64

bool tcphs_px_port(const struct tcphs_net *tn, u16 port)
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

/*
 * Our SYN-ACK to a client: what the server of this destination announced
 * (or the defaults), and the client's options as the server will hear
 * them: only those the client was told it may use.
 */
void tcphs_px_offer(struct tcphs_net *tn, const struct tcphs_pkt *p,
		    struct tcphs_hsopts *ours, struct tcphs_hsopts *to_server)
{
	struct tcphs_hsopts srv;

	tcphs_hsopts_of(p->seg, p->tu->family, to_server);
	tcphs_destcache_known(&tn->px.dests, p->tu, &srv);
	tcphs_dest_announce(to_server, &srv, ours);
	if (ours->syn.wscale == TCPHS_NO_WSCALE)
		to_server->syn.wscale = TCPHS_NO_WSCALE;
	to_server->syn.sack = ours->syn.sack;
	to_server->ts = ours->ts;
}

/* A port's slot in cookie_sent: ports of one list share few slots. */
static u32 *tcphs_px_cookie_slot(struct tcphs_net *tn, u16 port)
{
	return &tn->px.cookie_sent[port & (TCPHS_PX_COOKIE_SLOTS - 1)];
}

/* A cookie goes out for @port in @period: its ACKs may come back. */
static void tcphs_px_cookie_sent(struct tcphs_net *tn, u16 port, u32 period)
{
	u32 *slot = tcphs_px_cookie_slot(tn, port);

	if (READ_ONCE(*slot) != period + 1)
		WRITE_ONCE(*slot, period + 1);
}

/*
 * A flowless ACK can bring back a cookie only if tcphs sent cookies for
 * its port in this period or the last, those a cookie is good in (as
 * Linux's tcp_synq_no_recent_overflow() and FreeBSD's syncache_expand()
 * ask): otherwise no MAC is even computed, and guessing one is not a way
 * in at all while tcphs keeps state for every SYN.
 */
static bool tcphs_px_cookies_lately(struct tcphs_net *tn, u16 port,
				    u32 period)
{
	u32 sent = READ_ONCE(*tcphs_px_cookie_slot(tn, port));

	return sent && period - (sent - 1) <= 1;
}

/* Random, but for the low bits: the shift we announce, for a cookie. */
static u32 tcphs_px_tsval(u8 our_wscale)
{
	return (get_random_u32() & ~TCPHS_PX_TSVAL_SHIFT) |
	       (our_wscale == TCPHS_NO_WSCALE ? TCPHS_PX_TSVAL_SHIFT :
		our_wscale);
}

static u32 tcphs_px_isn(struct tcphs_net *tn, const struct tcphs_tuple *tu,
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
void tcphs_px_take_syn(struct tcphs_net *tn, struct tcphs_proxy *px,
		       u32 client_isn, const struct tcphs_hsopts *ours,
		       const struct tcphs_hsopts *to_server)
{
	px->client_isn = client_isn;
	px->opts = to_server->syn;
	px->ts = to_server->ts;
	px->our_mss = ours->syn.mss;
	px->our_wscale = ours->syn.wscale;
	px->our_tsval = tcphs_px_tsval(ours->syn.wscale);
	px->our_isn = tcphs_px_isn(tn, &px->flow.tuple, &px->opts, client_isn,
				   false);
}

/*
 * Keep a half-open flow, unless proxy_halfopen_max of them are kept or
 * there is no room: 0, with our ISN and TSval for the SYN-ACK; -EEXIST if a
 * twin of the SYN made its flow first (its SYN-ACK answers both); else
 * another error, and a cookie answers.
 */
static int tcphs_px_keep(struct tcphs_net *tn, const struct tcphs_pkt *p,
			 u32 hash, const struct tcphs_hsopts *ours,
			 const struct tcphs_hsopts *to_server,
			 u32 *isn, u32 *tsval)
{
	struct tcphs_table *t = &tn->table;
	unsigned int max_flows = READ_ONCE(tn->cfg.max_flows);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_flow *twin;
	struct tcphs_proxy *px;
	enum tcphs_dir dir;
	bool linked;

	if (atomic_read(&tn->px.halfopen) >=
	    READ_ONCE(tn->cfg.proxy_halfopen_max))
		return -ENOSPC;
	px = tcphs_px_new(tn, p->tu);
	if (!px) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_ALLOC_FAILED);
		return -ENOMEM;
	}
	px->phase = TCPHS_PX_SYNACK;
	px->flow.rtt.stamp_us = tcphs_now_us();	/* our SYN-ACK goes now */
	tcphs_px_take_syn(tn, px, p->seg->seq, ours, to_server);
	px->flow.hs.state = TCPHS_SYN_RCVD;
	/* Read while the flow is ours alone: once linked, a new SYN on
	 * another CPU may change them.
	 */
	*isn = px->our_isn;
	*tsval = px->our_tsval;

	spin_lock_bh(lock);
	twin = tcphs_table_find(t, hash, p->tu, &dir);
	linked = !twin && tcphs_table_insert(t, hash, &px->flow, max_flows);
	if (linked)
		atomic_inc(&tn->px.halfopen);
	spin_unlock_bh(lock);
	if (linked) {
		WRITE_ONCE(tn->px.proxied, true);
		tcphs_flow_born(tn->net, &px->flow, p->seg);
		trace_tcphs_proxy_phase(&px->flow.tuple, -1, TCPHS_PX_SYNACK);
		return 0;
	}
	if (!twin)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_TABLE_FULL);
	tcphs_px_free(px);
	return twin ? -EEXIST : -ENOSPC;
}

/*
 * No host has it, or more than one: RFC 1122 3.2.1.3, RFC 6890. All of
 * 0.0.0.0/8, "this network": ipv4_is_zeronet() now takes 0.0.0.0 alone.
 */
static bool tcphs_martian4(__be32 addr)
{
	return (addr & htonl(IN_CLASSA_NET)) == 0 || ipv4_is_loopback(addr) ||
	       ipv4_is_multicast(addr) || ipv4_is_lbcast(addr);
}

/* RFC 4291 2.5.2, 2.5.3, 2.7; a v4-mapped address is on no wire (2.5.5.2). */
static bool tcphs_martian6(const struct in6_addr *addr)
{
	int type = ipv6_addr_type(addr);

	return type == IPV6_ADDR_ANY ||
	       (type & (IPV6_ADDR_LOOPBACK | IPV6_ADDR_MULTICAST |
			IPV6_ADDR_MAPPED));
}

/*
 * A SYN from or to no single host: our SYN-ACK would go to a group, to
 * this host itself or nowhere (and a forged source makes tcphs reflect at
 * it). The stack drops such packets at routing, after PRE_ROUTING, where
 * tcphs answers; there every loopback address came from outside (the
 * hooks leave the loopback device's traffic alone).
 */
static bool tcphs_px_martian(const struct tcphs_pkt *p)
{
	const struct tcphs_tuple *tu = p->tu;

	if (p->skb->pkt_type == PACKET_BROADCAST ||
	    p->skb->pkt_type == PACKET_MULTICAST)
		return true;
	if (tu->family == NFPROTO_IPV4)
		return tcphs_martian4(tu->saddr.ip) ||
		       tcphs_martian4(tu->daddr.ip);
	return tcphs_martian6(&tu->saddr.in6) || tcphs_martian6(&tu->daddr.in6);
}

/*
 * Whether SYNs get cookies alone now: a pause is on (pause.h). The first
 * SYN past a pause's end ends it, once.
 */
static bool tcphs_px_paused(struct tcphs_net *tn, u32 now)
{
	struct tcphs_proxy_net *pn = &tn->px;
	bool left;

	if (!tcphs_pause_on(&pn->pause))
		return false;
	if (tcphs_pause_cookies_only(&pn->pause, now))
		return true;
	spin_lock_bh(&pn->pause_lock);
	left = tcphs_pause_leave(&pn->pause, now);
	spin_unlock_bh(&pn->pause_lock);
	if (left) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_RESUMED);
		net_info_ratelimited("netns %u: SYN flood over: half-open flows kept again\n",
				     tn->net->ns.inum);
	}
	return false;
}

/* SYNs outran the half-open flows that can be kept: a pause, maybe. */
static void tcphs_px_overflow(struct tcphs_net *tn, u32 now)
{
	struct tcphs_proxy_net *pn = &tn->px;
	u32 len;

	spin_lock_bh(&pn->pause_lock);
	len = tcphs_pause_enter(&pn->pause, now);
	spin_unlock_bh(&pn->pause_lock);
	if (!len)
		return;
	tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_PAUSED);
	net_info_ratelimited("netns %u: SYN flood on proxied ports: cookies only for %u s\n",
			     tn->net->ns.inum, len / HZ);
}

/* Count a drop under @why, the counter that names it (report.h). */
unsigned int tcphs_px_drop(struct tcphs_net *tn, enum tcphs_stat why)
{
	tcphs_stat_inc(tn->stats, why);
	return tcphs_drop_verdict(why);
}

/* A SYN to a proxied port, with no flow: answer it ourselves. */
unsigned int tcphs_px_syn(struct tcphs_net *tn, const struct tcphs_pkt *p,
			  u32 hash)
{
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_hsopts ours, to_server;
	u32 isn, tsval, now = (u32)jiffies;
	struct tcphs_out out;
	int err = -EBUSY;

	if (tcphs_px_martian(p))
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_MARTIAN);
	/*
	 * Any SYN may carry data (RFC 9293 3.10.7.2), Fast Open's or not
	 * (RFC 7413; Linux's tcp_fastopen=5 sends it with no option). It is
	 * not taken, as a server that declines it does: nothing is held for
	 * a client not yet proven, the SYN-ACK acknowledges the SYN alone,
	 * and the client sends the data again after the handshake (RFC 7413
	 * 4.2.2, RFC 9293 3.8.1).
	 */
	if (seg->payload_len)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_SYN_DATA);
	tcphs_px_offer(tn, p, &ours, &to_server);
	if (!tcphs_px_paused(tn, now))
		err = tcphs_px_keep(tn, p, hash, &ours, &to_server, &isn,
				    &tsval);
	if (err == -ENOSPC || err == -ENOMEM)
		tcphs_px_overflow(tn, now);
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
		isn = tcphs_px_isn(tn, p->tu, &to_server.syn, seg->seq, true);
		tsval = tcphs_px_tsval(ours.syn.wscale);
		tcphs_px_cookie_sent(tn, seg->dport,
				     tcphs_cookie_period(ktime_get_ns()));
		trace_tcphs_cookie(p->tu, TCPHS_COOKIE_SENT);
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_COOKIE);
	}
	tcphs_px_out_synack(p->tu, &ours, isn, seg->seq, tsval, seg->opt.tsval,
			    &out);
	tcphs_px_send(tn, &out, 1);
	consume_skb(p->skb);
	return NF_STOLEN;
}

/*
 * The client is real: remember how to reach the server for it. @old_phase
 * is -1 for a flow that was only a cookie.
 */
void tcphs_px_accept(struct tcphs_proxy *px, const struct tcphs_pkt *p,
		     int old_phase, struct tcphs_out *syn)
{
	struct tcphs_flow *flow = &px->flow;
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_seg synseg = {};
	u8 old_state = flow->hs.state;
	struct tcphs_step st;

	px->phase = TCPHS_PX_CONNECTING;
	trace_tcphs_proxy_phase(&flow->tuple, old_phase, px->phase);
	px->ifindex = p->state->in->ifindex;
	px->client_tsval = seg->opt.tsval;
	px->client_win = seg->window;
	/* opts.wscale is the client's only if ours was announced. */
	px->client_shift = px->opts.wscale == TCPHS_NO_WSCALE ? 0 :
			   px->opts.wscale;
	px->client_view_shift = px->opts.wscale == TCPHS_NO_WSCALE ? 0 :
				px->our_wscale;
	px->syn_sent = (u32)jiffies;
	flow->rtt.stamp_us = tcphs_now_us();	/* the server leg begins */
	tcphs_px_out_syn(px, syn);

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
	trace_tcphs_transition(&flow->tuple, old_state, flow->hs.state,
			       TCPHS_EV_SYN, TCPHS_DIR_ORIG);
}

/* Hold a client segment for the server, or let the client send it again. */
unsigned int tcphs_px_hold(struct tcphs_net *tn, struct tcphs_proxy *px,
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
	    skb_queue_len(&px->held) >= TCPHS_PX_HOLD_SEGS)
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_HOLD_FULL);
	/* The client sends it again, as it would after a loss. */
	if (!tcphs_px_held_charge(tn, px, p->skb->truesize))
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_HELD_CAPPED);
	px->held_bytes += seg->payload_len;
	__skb_queue_tail(&px->held, p->skb);
	tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_HELD);
	return NF_STOLEN;
}

/* The shift a cookie's SYN-ACK announced (see tcphs_px_syn()). */
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
unsigned int tcphs_px_cookie_ack(struct tcphs_net *tn,
				 const struct tcphs_pkt *p, u32 hash)
{
	const struct tcphs_secrets *sec = rcu_dereference(tn->cfg.secrets);
	unsigned int max_flows = READ_ONCE(tn->cfg.max_flows);
	u32 period = tcphs_cookie_period(ktime_get_ns());
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_table *t = &tn->table;
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_synopts opts;
	struct tcphs_ends ends;
	struct tcphs_flow *twin;
	struct tcphs_proxy *px;
	struct tcphs_out syn, rst;
	unsigned int verdict;
	enum tcphs_dir dir;

	if (!tcphs_px_cookies_lately(tn, seg->dport, period)) {
		trace_tcphs_cookie(p->tu, TCPHS_COOKIE_UNSENT);
		tcphs_px_out_rst_stray(p, &rst);
		tcphs_px_send(tn, &rst, 1);
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_COOKIE_UNSENT);
	}
	tcphs_ends_of(p->tu, &ends);
	if (!tcphs_cookie_check(&sec->cookie, &ends, seg->seq - 1,
				seg->ack - 1, period, &opts)) {
		trace_tcphs_cookie(p->tu, TCPHS_COOKIE_REFUSED);
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_COOKIE_BAD);
	}
	trace_tcphs_cookie(p->tu, TCPHS_COOKIE_ACCEPTED);
	px = tcphs_px_new(tn, p->tu);
	if (!px)
		return tcphs_px_drop(tn, TCPHS_STAT_ALLOC_FAILED);
	px->client_isn = seg->seq - 1;
	px->our_isn = seg->ack - 1;
	px->opts = opts;
	px->ts = seg->opt.present & TCPHS_OPT_TS;
	px->our_tsval = seg->opt.tsecr;
	px->our_wscale = tcphs_cookie_wscale_of(px);

	/* A full table makes room first, as a SYN's flow does (hook.c). */
	if (atomic_read(&t->count) >= max_flows && tcphs_table_evict(t, hash))
		tcphs_stat_inc(tn->stats, TCPHS_STAT_EVICTED);
	spin_lock_bh(lock);
	twin = tcphs_table_find(t, hash, p->tu, &dir);
	if (!twin && !tcphs_table_insert(t, hash, &px->flow, max_flows)) {
		/* A proven client: told at once, never left hanging. */
		spin_unlock_bh(lock);
		tcphs_px_out_rst_client(px, &rst);
		tcphs_px_free(px);
		tcphs_stat_inc(tn->stats, TCPHS_STAT_TABLE_FULL);
		tcphs_px_send(tn, &rst, 1);
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_FULL_RESET);
	}
	if (twin) {
		spin_unlock_bh(lock);
		tcphs_px_free(px);
		return tcphs_px_drop(tn, TCPHS_STAT_PROXY_ACK_BAD);
	}
	tcphs_px_accept(px, p, -1, &syn);
	verdict = tcphs_px_hold(tn, px, p);
	spin_unlock_bh(lock);
	WRITE_ONCE(tn->px.proxied, true);

	tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_NEW);
	tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_CONNECT);
	tcphs_px_send(tn, &syn, 1);
	return verdict;
}

