// SPDX-License-Identifier: GPL-2.0
/*
 * The tracepoints' one instance (trace.h), and the reports the hooks make
 * through them and through the kernel's drop reasons (report.h).
 */
#include <linux/skbuff.h>
#include <net/dropreason.h>

#include "kcompat.h"
#include "report.h"

/* After report.h's own include: this one only instantiates them. */
#define CREATE_TRACE_POINTS
#include "trace.h"

/* The kernel's reason closest to each of the state machine's. */
static enum skb_drop_reason tcphs_reason_core(enum tcphs_reason r)
{
	switch (r) {
	case TCPHS_R_BAD_FLAGS:
		return SKB_DROP_REASON_TCP_FLAGS;
	case TCPHS_R_SYNACK_NO_SYN:
	case TCPHS_R_SYN_ON_ESTABLISHED:
		return SKB_DROP_REASON_TCP_INVALID_SYN;
	case TCPHS_R_SYNACK_BAD_ACK:
	case TCPHS_R_ACK_BAD:
	case TCPHS_R_ACK_OUT_OF_WINDOW:
		return TCPHS_DROP_REASON_BAD_ACK;
	case TCPHS_R_RST_OUT_OF_WINDOW:
	case TCPHS_R_RST_SYNSENT_BAD_ACK:
		return SKB_DROP_REASON_TCP_RESET;
	case TCPHS_R_SEQ_OUT_OF_WINDOW:
		return SKB_DROP_REASON_TCP_INVALID_SEQUENCE;
	case TCPHS_R_BAD_CHECKSUM:
		return SKB_DROP_REASON_TCP_CSUM;
	case TCPHS_R_OK:
	case TCPHS_R_MALFORMED:
	case TCPHS_NR_REASONS:
		break;
	}
	return SKB_DROP_REASON_NETFILTER_DROP;
}

/*
 * The same for the counter @why that names a drop; the rest are a
 * firewall's (NETFILTER_DROP), told apart by trace_tcphs_drop.
 */
static enum skb_drop_reason tcphs_core_reason(enum tcphs_stat why)
{
	if (why >= TCPHS_STAT_REASON_BASE)
		return tcphs_reason_core(why - TCPHS_STAT_REASON_BASE + 1);
	switch (why) {
	case TCPHS_STAT_PROXY_ACK_BAD:
	case TCPHS_STAT_PROXY_COOKIE_BAD:
	case TCPHS_STAT_PROXY_COOKIE_UNSENT:
		return TCPHS_DROP_REASON_BAD_ACK;
	case TCPHS_STAT_ALLOC_FAILED:
		return SKB_DROP_REASON_NOMEM;
	default:
		return SKB_DROP_REASON_NETFILTER_DROP;
	}
}

/* Drop @skb (ours from here), traced, told and with its kernel reason. */
unsigned int tcphs_drop(struct net *net, struct sk_buff *skb,
			const struct tcphs_tuple *tu, enum tcphs_stat why)
{
	trace_tcphs_drop(skb, tu, tcphs_stat_name(why));
	tcphs_nl_drop_event(net, tu, why);
	return NF_DROP_REASON(skb, tcphs_core_reason(why), EPERM);
}

/*
 * Proxy mode's verdict for netfilter: its drops as tcphs_drop()'s, under
 * the counter tcphs_drop_verdict() put in (none: a stray segment).
 */
unsigned int tcphs_verdict(struct net *net, struct sk_buff *skb,
			   const struct tcphs_tuple *tu, unsigned int verdict)
{
	unsigned int why = verdict >> NF_VERDICT_QBITS;

	if ((verdict & NF_VERDICT_MASK) != NF_DROP)
		return verdict;
	return tcphs_drop(net, skb, tu, why ?: TCPHS_STAT_PROXY_STRAY);
}
