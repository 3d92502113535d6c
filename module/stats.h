/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU counters of one namespace, shown in /proc/net/stat/tcphs.
 */
#ifndef _TCPHS_STATS_H
#define _TCPHS_STATS_H

#include <linux/percpu.h>

#include "fsm.h"
#include "rtt.h"

/* The counters, in the column order of /proc/net/stat/tcphs. */
enum tcphs_stat {
	TCPHS_STAT_SEGMENTS,		/* TCP segments that reached tcphs */
	TCPHS_STAT_SYN,			/* bare SYNs, retransmissions too */
	TCPHS_STAT_SYNACK,
	TCPHS_STAT_FIN,
	TCPHS_STAT_RST,
	TCPHS_STAT_UNTRACKED,		/* no flow, and not a SYN */
	TCPHS_STAT_FLOWS_NEW,		/* handshakes begun */
	TCPHS_STAT_FLOWS_ESTABLISHED,	/* handshakes completed */
	TCPHS_STAT_FLOWS_RESET,		/* ended by an accepted RST */
	TCPHS_STAT_FLOWS_CLOSED,	/* ended by both FINs and a timeout */
	TCPHS_STAT_FLOWS_EXPIRED,	/* ended by an idle timeout */
	TCPHS_STAT_TABLE_FULL,		/* SYNs untracked: max_flows reached */
	TCPHS_STAT_EVICTED,		/* unanswered SYNs evicted for room */
	TCPHS_STAT_UNTRACKED_PASSED,	/* flowless SYN-ACKs passed: see hook.c */
	TCPHS_STAT_ALLOC_FAILED,	/* SYNs untracked: no memory */
	TCPHS_STAT_SYN_RETRANS,
	TCPHS_STAT_SYNACK_RETRANS,
	TCPHS_STAT_RESTARTS,		/* a new SYN replaced a handshake */
	TCPHS_STAT_SIMULTANEOUS,	/* simultaneous opens */
	TCPHS_STAT_SYN_DATA,		/* SYNs with data, no Fast Open option */
	TCPHS_STAT_RST_IN_WINDOW,	/* passed for a challenge ACK, kept */
	TCPHS_STAT_DROPPED,		/* segments dropped (enforce mode) */
	TCPHS_STAT_PROXY_SYNACK,	/* SYN-ACKs of a kept half-open flow */
	TCPHS_STAT_PROXY_COOKIE,	/* SYN-ACKs that kept only a cookie */
	TCPHS_STAT_PROXY_ACK_BAD,	/* third ACKs refused: wrong ack */
	TCPHS_STAT_PROXY_COOKIE_BAD,	/* third ACKs refused: bad cookie */
	TCPHS_STAT_PROXY_CONNECT,	/* SYNs to a server (proven clients) */
	TCPHS_STAT_PROXY_SYN_RETRANS,	/* SYNs to a server, again */
	TCPHS_STAT_PROXY_OPEN,		/* server sides up: translating */
	TCPHS_STAT_PROXY_HELD,		/* client segments held for a server */
	TCPHS_STAT_PROXY_HOLD_FULL,	/* ... dropped: the hold was full */
	TCPHS_STAT_PROXY_REFUSED,	/* server answered RST: client reset */
	TCPHS_STAT_PROXY_TIMEOUT,	/* server silent: client reset */
	TCPHS_STAT_PROXY_XMIT_FAILED,	/* no route or no memory for ours */
	TCPHS_STAT_PROXY_LEARNED,	/* a server's options, new to tcphs */
	TCPHS_STAT_PROXY_RESCALED,	/* flows whose windows are rewritten */
	TCPHS_STAT_PROXY_ICMP,		/* ICMP errors about them, translated */
	TCPHS_STAT_PROXY_STRAY,		/* segments that fit no step: dropped */
	TCPHS_STAT_PROXY_SYNACK_FORGED,	/* server SYN-ACKs off its route: dropped */
	TCPHS_STAT_PROXY_MSS_REFUSED,	/* server MSS out of range: not learned */
	TCPHS_STAT_PROXY_MARTIAN,	/* SYNs from or to no host: dropped */
	TCPHS_STAT_PROXY_SYN_DATA,	/* SYNs with data: answered, data left */
	TCPHS_STAT_PROXY_ABSORBED,	/* bare client ACKs while connecting */
	TCPHS_STAT_PROXY_FULL_RESET,	/* proven clients reset: no room */
	TCPHS_STAT_PROXY_COOKIE_UNSENT,	/* flowless ACKs, no cookie sent lately */
	TCPHS_STAT_PROXY_ENDED,		/* flows tcphs ended: both ends reset */
	TCPHS_STAT_PROXY_HELD_CAPPED,	/* not held: proxy_held_max, or all */
	TCPHS_STAT_PROXY_PAUSED,	/* floods: pauses of cookies only */
	TCPHS_STAT_PROXY_RESUMED,	/* pauses over: flows kept again */
	TCPHS_STAT_EVENTS_LOST,		/* netlink events no one could take */
	/* Then one per enum tcphs_reason but TCPHS_R_OK, in its order. */
	TCPHS_STAT_REASON_BASE,
	TCPHS_NR_STATS = TCPHS_STAT_REASON_BASE + TCPHS_NR_REASONS - 1
};

struct tcphs_stats {
	unsigned int cnt[TCPHS_NR_STATS];
	/* Handshake legs: [IPv4, IPv6][leg][log2 bucket] (rtt.h). */
	unsigned int rtt[2][TCPHS_NR_LEGS][TCPHS_RTT_BUCKETS];
};

static inline void tcphs_rtt_count(struct tcphs_stats __percpu *stats,
				   u8 family, enum tcphs_leg leg, u32 us)
{
	this_cpu_inc(stats->rtt[family != NFPROTO_IPV4][leg]
			       [tcphs_rtt_bucket(us)]);
}

static inline void tcphs_stat_add(struct tcphs_stats __percpu *stats,
				  enum tcphs_stat s, unsigned int n)
{
	this_cpu_add(stats->cnt[s], n);
}

static inline void tcphs_stat_inc(struct tcphs_stats __percpu *stats,
				  enum tcphs_stat s)
{
	this_cpu_inc(stats->cnt[s]);
}

static inline enum tcphs_stat tcphs_stat_reason(enum tcphs_reason r)
{
	return TCPHS_STAT_REASON_BASE + r - 1;
}

/* A counter's name, as /proc/net/stat/tcphs heads its column. */
const char *tcphs_stat_name(unsigned int i);

struct tcphs_net;
unsigned int tcphs_rtt_sum(const struct tcphs_net *tn, unsigned int fam,
			   unsigned int leg, unsigned int bucket);

struct net;
int tcphs_stats_proc_init(struct net *net);
void tcphs_stats_proc_exit(struct net *net);

#endif /* _TCPHS_STATS_H */
