/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the hooks report beyond the counters: a record's state transitions,
 * proxy phases, cookies and each drop to the tracepoints (trace.h), and
 * each drop to the kernel with its closest drop reason (report.c), so that
 * kfree_skb's tracepoint, dropwatch and the like show what it meant.
 */
#ifndef _TCPHS_REPORT_H
#define _TCPHS_REPORT_H

#include <linux/ktime.h>
#include <linux/netfilter.h>

#include "nl.h"
#include "stats.h"
#include "table.h"
#include "trace.h"

struct sk_buff;

/*
 * A drop as proxy mode decides it: NF_DROP with the counter that names it
 * where netfilter keeps an errno. tcphs_verdict() turns it into a drop
 * with a reason before netfilter sees it.
 */
static inline unsigned int tcphs_drop_verdict(enum tcphs_stat why)
{
	return NF_DROP | (unsigned int)why << NF_VERDICT_QBITS;
}

unsigned int tcphs_drop(struct net *net, struct sk_buff *skb,
			const struct tcphs_tuple *tu, enum tcphs_stat why);
unsigned int tcphs_verdict(struct net *net, struct sk_buff *skb,
			   const struct tcphs_tuple *tu, unsigned int verdict);

/* A new flow of @net, linked: its first transition, out of CLOSED. */
static inline void tcphs_flow_born(struct net *net,
				   const struct tcphs_flow *flow,
				   const struct tcphs_seg *seg)
{
	trace_tcphs_transition(&flow->tuple, TCPHS_CLOSED, flow->hs.state,
			       tcphs_fsm_event(seg->flags), TCPHS_DIR_ORIG);
	tcphs_nl_flow_event(net, flow, TCPHS_CMD_FLOW_NEW_NTF, NULL);
}

/* Take @seg into @flow's record; a change of state is traced. */
static inline void tcphs_flow_commit(struct net *net, struct tcphs_flow *flow,
				     const struct tcphs_seg *seg,
				     enum tcphs_dir dir,
				     const struct tcphs_step *st)
{
	struct tcphs_nl_change change = {
		.old = flow->hs.state,
		.event = tcphs_fsm_event(seg->flags),
		.dir = dir,
	};

	tcphs_fsm_commit(&flow->hs, seg, dir, st);
	if (flow->hs.state == change.old)
		return;
	trace_tcphs_transition(&flow->tuple, change.old, flow->hs.state,
			       change.event, dir);
	tcphs_nl_flow_event(net, flow, TCPHS_CMD_FLOW_CHANGE_NTF, &change);
}

/* The handshake legs' clock (rtt.h): monotonic, in microseconds. */
static inline u32 tcphs_now_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* After @seg moved @flow's record from @old: time its legs (rtt.h). */
static inline void tcphs_flow_rtt(struct tcphs_stats __percpu *stats,
				  struct tcphs_flow *flow, u8 old,
				  const struct tcphs_seg *seg)
{
	u8 event = tcphs_fsm_event(seg->flags);
	enum tcphs_leg leg;

	if (!tcphs_rtt_wants(old, flow->hs.state, event))
		return;
	leg = tcphs_rtt_take(&flow->rtt, old, flow->hs.state, event,
			     tcphs_now_us());
	if (leg != TCPHS_NR_LEGS)
		tcphs_rtt_count(stats, flow->tuple.family, leg,
				flow->rtt.us[leg]);
}

/* Proxy mode closes its legs itself (px_server.c): leg @leg ends now. */
static inline void tcphs_flow_rtt_end(struct tcphs_stats __percpu *stats,
				      struct tcphs_flow *flow,
				      enum tcphs_leg leg)
{
	tcphs_rtt_end(&flow->rtt, leg, tcphs_now_us());
	tcphs_rtt_count(stats, flow->tuple.family, leg, flow->rtt.us[leg]);
}

#endif /* _TCPHS_REPORT_H */
