// SPDX-License-Identifier: GPL-2.0
/*
 * skb -> parsed segment -> state machine -> verdict.
 *
 * Two hooks per family see every TCP segment of a namespace exactly once:
 * PRE_ROUTING takes what arrives (for this host, or to be forwarded),
 * LOCAL_OUT what this host sends. Loopback traffic, which passes both,
 * is taken at LOCAL_OUT only.
 *
 * Their priority puts them after defragmentation (which tcphs turns on,
 * netns.c) and the raw table, and before conntrack
 * (NF_IP_PRI_CONNTRACK = -200), so a segment enforce mode drops never costs
 * a conntrack entry.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "hook.h"
#include "netns.h"
#include "out.h"
#include "parse.h"
#include "proxy.h"
#include "report.h"
#include "stats.h"
#include "table.h"

#define TCPHS_HOOK_PRIORITY	(NF_IP_PRI_RAW + 10)

/* The reasons enforce mode lets through, and only counts. */
static bool tcphs_reason_drops(u8 reason)
{
	return reason != TCPHS_R_OK && reason != TCPHS_R_SYN_ON_ESTABLISHED;
}

static bool tcphs_passes(const struct tcphs_net *tn, u8 reason)
{
	return READ_ONCE(tn->cfg.mode) < TCPHS_MODE_ENFORCE ||
	       !tcphs_reason_drops(reason);
}

/*
 * A SYN tcphs had no room (or memory) to track leaves its flow unknown:
 * the SYN-ACK would find no flow and be dropped as synack_no_syn, and the
 * handshake, which a correct peer made, would fail in enforce mode. So for
 * timeout_syn_sent after such a SYN, a SYN-ACK of no flow passes (counted
 * under its reason and untracked_passed): a full table costs the
 * synack_no_syn filter for a while, never a connection. Nothing else of
 * an untracked flow is dropped: CLOSED passes ACKs, FINs and RSTs.
 */
static void tcphs_untracked_now(struct tcphs_net *tn)
{
	unsigned long until = jiffies +
			      READ_ONCE(tn->cfg.timeout_syn_sent) * HZ;

	if (READ_ONCE(tn->untracked_until) != until)
		WRITE_ONCE(tn->untracked_until, until);
}

static bool tcphs_untracked_lately(struct tcphs_net *tn, u8 reason)
{
	if (reason != TCPHS_R_SYNACK_NO_SYN ||
	    !time_before(jiffies, READ_ONCE(tn->untracked_until)))
		return false;
	tcphs_stat_inc(tn->stats, TCPHS_STAT_UNTRACKED_PASSED);
	return true;
}

static void tcphs_count_step(struct tcphs_net *tn, const struct tcphs_seg *seg,
			     const struct tcphs_step *st, u8 old_state)
{
	if (st->note & TCPHS_NOTE_RETRANS) {
		if (seg->flags & TCPHS_ACK)
			tcphs_stat_inc(tn->stats, TCPHS_STAT_SYNACK_RETRANS);
		else
			tcphs_stat_inc(tn->stats, TCPHS_STAT_SYN_RETRANS);
	}
	if (st->note & TCPHS_NOTE_RESTART)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_RESTARTS);
	if (st->note & TCPHS_NOTE_SIMULTANEOUS)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SIMULTANEOUS);
	if (st->note & TCPHS_NOTE_SYN_DATA)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SYN_DATA);
	if (st->note & TCPHS_NOTE_RST_IN_WINDOW)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_RST_IN_WINDOW);
	if (!st->commit)
		return;
	if (st->next == TCPHS_ESTABLISHED && old_state != TCPHS_ESTABLISHED)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_ESTABLISHED);
	if (st->next == TCPHS_CLOSED && old_state != TCPHS_CLOSED)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_RESET);
}

/* Link @flow unless a twin got in first (*twin) or the table is full. */
static bool tcphs_track_link(struct tcphs_net *tn,
			     const struct tcphs_tuple *tu, u32 hash,
			     struct tcphs_flow *flow, struct tcphs_flow **twin)
{
	struct tcphs_table *t = &tn->table;
	spinlock_t *lock = tcphs_table_lock(t, hash);
	enum tcphs_dir dir;
	bool linked;

	spin_lock_bh(lock);
	*twin = tcphs_table_find(t, hash, tu, &dir);
	linked = !*twin && tcphs_table_insert(t, hash, flow,
					      READ_ONCE(tn->cfg.max_flows));
	spin_unlock_bh(lock);
	return linked;
}

/*
 * A SYN with no flow: make one, unless a twin got in first; in a full
 * table, in the place of the oldest handshake nothing answered.
 */
/* A flow, charged to the namespace's memory cgroup (netns.h). */
static struct tcphs_flow *tcphs_track_alloc(struct tcphs_net *tn,
					    const struct tcphs_tuple *tu)
{
	struct mem_cgroup *old = tcphs_charge_begin(tn);
	struct tcphs_flow *flow = tcphs_flow_alloc(tu);

	set_active_memcg(old);
	return flow;
}

static u8 tcphs_track_new(struct tcphs_net *tn, const struct tcphs_tuple *tu,
			  u32 hash, const struct tcphs_seg *seg)
{
	static const struct tcphs_hs closed;
	struct tcphs_table *t = &tn->table;
	struct tcphs_step st = tcphs_fsm_step(&closed, seg, TCPHS_DIR_ORIG);
	struct tcphs_flow *flow, *twin;
	bool linked;

	if (!st.commit || !tcphs_passes(tn, st.reason)) {
		if (!st.commit && st.reason == TCPHS_R_OK)
			tcphs_stat_inc(tn->stats, TCPHS_STAT_UNTRACKED);
		return st.reason;
	}
	flow = tcphs_track_alloc(tn, tu);
	if (!flow) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_ALLOC_FAILED);
		tcphs_untracked_now(tn);
		return st.reason;
	}
	tcphs_fsm_commit(&flow->hs, seg, TCPHS_DIR_ORIG, &st);
	tcphs_flow_rtt(tn->stats, flow, TCPHS_CLOSED, seg);

	linked = tcphs_track_link(tn, tu, hash, flow, &twin);
	if (!linked && !twin && tcphs_table_evict(t, hash)) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_EVICTED);
		linked = tcphs_track_link(tn, tu, hash, flow, &twin);
	}
	if (linked) {
		tcphs_flow_born(tn->net, flow, seg);
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_NEW);
		if (st.note & TCPHS_NOTE_SYN_DATA)
			tcphs_stat_inc(tn->stats, TCPHS_STAT_SYN_DATA);
		return st.reason;
	}
	tcphs_flow_free(flow);
	if (!twin) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_TABLE_FULL);
		tcphs_untracked_now(tn);
	}
	return st.reason;
}

static u8 tcphs_track(struct tcphs_net *tn, const struct tcphs_tuple *tu,
		      const struct tcphs_seg *seg)
{
	struct tcphs_table *t = &tn->table;
	u32 hash = tcphs_table_hash(t, tu);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	struct tcphs_flow *flow;
	struct tcphs_step st;
	enum tcphs_dir dir;
	u8 old_state;
	bool pass;

	/* Hooks run under rcu_read_lock(): a miss costs no lock. */
	flow = tcphs_table_find(t, hash, tu, &dir);
	if (!flow)
		return tcphs_track_new(tn, tu, hash, seg);
	spin_lock_bh(lock);
	if (!tcphs_flow_linked(flow)) {	/* a RST or the GC took it */
		spin_unlock_bh(lock);
		return tcphs_track_new(tn, tu, hash, seg);
	}
	old_state = flow->hs.state;
	st = tcphs_fsm_step(&flow->hs, seg, dir);
	pass = tcphs_passes(tn, st.reason);
	/* Only what the record takes keeps the flow from its idle timeout. */
	if (pass && st.commit) {
		tcphs_flow_commit(tn->net, flow, seg, dir, &st);
		tcphs_flow_rtt(tn->stats, flow, old_state, seg);
		WRITE_ONCE(flow->last, (u32)jiffies);
		if (flow->hs.state == TCPHS_CLOSED)
			tcphs_table_unlink(t, flow);
	}
	spin_unlock_bh(lock);

	if (pass)
		tcphs_count_step(tn, seg, &st, old_state);
	return st.reason;
}

static void tcphs_count_flags(struct tcphs_net *tn, u8 flags)
{
	tcphs_stat_inc(tn->stats, TCPHS_STAT_SEGMENTS);
	switch (tcphs_fsm_event(flags)) {
	case TCPHS_EV_SYN:
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SYN);
		break;
	case TCPHS_EV_SYNACK:
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SYNACK);
		break;
	case TCPHS_EV_FIN:
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FIN);
		break;
	case TCPHS_EV_RST:
		tcphs_stat_inc(tn->stats, TCPHS_STAT_RST);
		break;
	default:
		break;
	}
}

/* Proxy mode's part, for a segment that parsed. */
static enum tcphs_px_outcome tcphs_proxy_step(struct tcphs_net *tn,
					      struct sk_buff *skb,
					      unsigned int thoff,
					      const struct tcphs_tuple *tu,
					      struct tcphs_seg *seg,
					      const struct nf_hook_state *state,
					      unsigned int *verdict)
{
	struct tcphs_pkt p = {
		.skb = skb,
		.thoff = thoff,
		.tu = tu,
		.seg = seg,
		.state = state,
	};

	bool answer = READ_ONCE(tn->cfg.mode) == TCPHS_MODE_PROXY;

	/* Flows proxied before a change of mode are still translated. */
	if (!answer && !READ_ONCE(tn->px.proxied))
		return TCPHS_PX_TRACK;
	return tcphs_proxy_segment(tn, &p, answer, verdict);
}

/*
 * RFC 9293 3.1: a segment whose checksum fails is discarded by its
 * receiver, so it must move nothing here either (as conntrack's
 * tcp_error()). What arrives with the checksum already checked by the
 * device (CHECKSUM_UNNECESSARY) or summed (CHECKSUM_COMPLETE) costs no pass
 * over the data; this host's own segments (LOCAL_OUT) are not checked.
 */
static bool tcphs_checksum_bad(struct sk_buff *skb, unsigned int thoff,
			       const struct nf_hook_state *state)
{
	return state->hook == NF_INET_PRE_ROUTING &&
	       nf_checksum(skb, state->hook, skb_network_offset(skb) + thoff,
			   IPPROTO_TCP, state->pf);
}

/* Everything after the network header: shared by both families. */
static unsigned int tcphs_segment(struct sk_buff *skb, unsigned int thoff,
				  struct tcphs_tuple *tu,
				  const struct nf_hook_state *state)
{
	struct tcphs_net *tn = tcphs_pernet(state->net);
	unsigned int seg_len = skb->len - thoff;
	unsigned int avail = min_t(unsigned int, seg_len, TCPHS_TCP_MAX_HDR);
	u8 buf[TCPHS_TCP_MAX_HDR];
	struct tcphs_seg seg;
	unsigned int verdict;
	const u8 *th;
	u8 reason;

	if (READ_ONCE(tn->cfg.mode) == TCPHS_MODE_OFF ||
	    tcphs_out_own(skb))
		return NF_ACCEPT;

	th = thoff <= skb->len ? skb_header_pointer(skb, thoff, avail, buf) :
				 NULL;
	if (!th || tcphs_parse_tcp(th, avail, seg_len, &seg) != TCPHS_PARSE_OK) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SEGMENTS);
		reason = TCPHS_R_MALFORMED;
	} else if (tcphs_checksum_bad(skb, thoff, state)) {
		tcphs_stat_inc(tn->stats, TCPHS_STAT_SEGMENTS);
		reason = TCPHS_R_BAD_CHECKSUM;
	} else {
		tcphs_count_flags(tn, seg.flags);
		tu->sport = htons(seg.sport);
		tu->dport = htons(seg.dport);
		if (tcphs_proxy_step(tn, skb, thoff, tu, &seg, state,
				     &verdict) == TCPHS_PX_DECIDED)
			return tcphs_verdict(state->net, skb, tu, verdict);
		reason = tcphs_track(tn, tu, &seg);
	}
	if (reason == TCPHS_R_OK)
		return NF_ACCEPT;
	tcphs_stat_inc(tn->stats, tcphs_stat_reason(reason));
	if (tcphs_passes(tn, reason) || tcphs_untracked_lately(tn, reason))
		return NF_ACCEPT;
	tcphs_stat_inc(tn->stats, TCPHS_STAT_DROPPED);
	return tcphs_drop(state->net, skb, tu, tcphs_stat_reason(reason));
}

static bool tcphs_from_loopback(const struct nf_hook_state *state)
{
	return state->in && (state->in->flags & IFF_LOOPBACK);
}

static unsigned int tcphs_ipv4(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct tcphs_tuple tu;

	if (iph->protocol == IPPROTO_ICMP && !ip_is_fragment(iph) &&
	    !tcphs_from_loopback(state))
		return tcphs_proxy_icmp(skb, ip_hdrlen(skb), NFPROTO_IPV4,
					state);
	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph) ||
	    tcphs_from_loopback(state))
		return NF_ACCEPT;

	memset(&tu, 0, sizeof(tu));
	tu.family = NFPROTO_IPV4;
	tu.saddr.ip = iph->saddr;
	tu.daddr.ip = iph->daddr;
	return tcphs_segment(skb, ip_hdrlen(skb), &tu, state);
}

static unsigned int tcphs_ipv6(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	u8 nexthdr = ip6h->nexthdr;
	struct tcphs_tuple tu;
	__be16 frag_off;
	int thoff;

	if (tcphs_from_loopback(state))
		return NF_ACCEPT;
	thoff = ipv6_skip_exthdr(skb, sizeof(*ip6h), &nexthdr, &frag_off);
	if (thoff >= 0 && nexthdr == IPPROTO_ICMPV6 && !frag_off)
		return tcphs_proxy_icmp(skb, thoff, NFPROTO_IPV6, state);
	if (thoff < 0 || nexthdr != IPPROTO_TCP || frag_off)
		return NF_ACCEPT;

	memset(&tu, 0, sizeof(tu));
	tu.family = NFPROTO_IPV6;
	tu.saddr.in6 = ip6h->saddr;
	tu.daddr.in6 = ip6h->daddr;
	return tcphs_segment(skb, thoff, &tu, state);
}

static const struct nf_hook_ops tcphs_hook_ops[] = {
	{
		.hook		= tcphs_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= TCPHS_HOOK_PRIORITY,
	},
	{
		.hook		= tcphs_ipv4,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= TCPHS_HOOK_PRIORITY,
	},
	{
		.hook		= tcphs_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_PRE_ROUTING,
		.priority	= TCPHS_HOOK_PRIORITY,
	},
	{
		.hook		= tcphs_ipv6,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_LOCAL_OUT,
		.priority	= TCPHS_HOOK_PRIORITY,
	},
};

int tcphs_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, tcphs_hook_ops,
				     ARRAY_SIZE(tcphs_hook_ops));
}

void tcphs_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, tcphs_hook_ops, ARRAY_SIZE(tcphs_hook_ops));
}
