/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-namespace flow table: an RCU hash of handshake records, keyed by
 * the 4-tuple in either direction, bounded in size, expired by age.
 */
#ifndef _TCPHS_TABLE_H
#define _TCPHS_TABLE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/netfilter.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>

#include "fsm.h"

/* The addresses and ports of a flow, in the direction of its first SYN. */
struct tcphs_tuple {
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 family;		/* NFPROTO_IPV4 or NFPROTO_IPV6 */
};

struct tcphs_proxy;

struct tcphs_flow {
	struct hlist_node node;
	struct tcphs_tuple tuple;
	struct tcphs_hs hs;
	struct tcphs_proxy *px;	/* proxy mode's part, or NULL (proxy.c) */
	u32 born;		/* jiffies at the first SYN (low 32 bits) */
	u32 last;		/* jiffies at the last segment (low 32 bits) */
	struct rcu_head rcu;
};

/* Writers (insert, update, unlink) take one of these, chosen by bucket. */
#define TCPHS_TABLE_LOCKS	64
/* The most buckets a table takes (128 MiB of heads), as many as max_flows. */
#define TCPHS_TABLE_MAX_BUCKETS	BIT(24)

struct tcphs_table {
	struct hlist_head *buckets;
	unsigned int mask;		/* buckets - 1, a power of two less one */
	atomic_t count;
	atomic_t halfopen;		/* proxy flows awaiting a third ACK */
	siphash_key_t key;
	spinlock_t locks[TCPHS_TABLE_LOCKS];	/* writers, by bucket */
};

/* How long each state may sit idle, in jiffies (tcphs_table_gc()). */
struct tcphs_timeouts {
	unsigned long state[TCPHS_NR_STATES];
	unsigned long closing;		/* both FINs seen */
};

struct tcphs_out;

/* What a garbage-collection pass freed, and what it has to send. */
struct tcphs_gc_result {
	unsigned int expired;
	unsigned int closed;
	unsigned int proxy_retrans;	/* SYNs to a silent server, again */
	unsigned int proxy_timeout;	/* clients reset: the server is silent */
	unsigned int nr_out;
	unsigned int max_out;
	struct tcphs_out *out;		/* max_out segments to send */
};

int tcphs_table_init(struct tcphs_table *t, unsigned int nbuckets);
unsigned int tcphs_table_destroy(struct tcphs_table *t);
u32 tcphs_table_hash(const struct tcphs_table *t,
		     const struct tcphs_tuple *tu);
spinlock_t *tcphs_table_lock(struct tcphs_table *t, u32 hash);
struct tcphs_flow *tcphs_table_find(struct tcphs_table *t, u32 hash,
				    const struct tcphs_tuple *tu,
				    enum tcphs_dir *dir);
bool tcphs_table_insert(struct tcphs_table *t, u32 hash,
			struct tcphs_flow *flow, unsigned int max_flows);
void tcphs_table_unlink(struct tcphs_table *t, struct tcphs_flow *flow);
void tcphs_table_gc(struct tcphs_table *t, const struct tcphs_timeouts *to,
		    struct tcphs_gc_result *res);

struct tcphs_flow *tcphs_flow_alloc(const struct tcphs_tuple *tu);
void tcphs_flow_free(struct tcphs_flow *flow);

static inline bool tcphs_flow_linked(const struct tcphs_flow *flow)
{
	return !hlist_unhashed(&flow->node);
}

int tcphs_flow_cache_init(void);
void tcphs_flow_cache_exit(void);
struct tcphs_proxy *tcphs_proxy_alloc(void);
void tcphs_proxy_release(struct tcphs_proxy *px);

#endif /* _TCPHS_TABLE_H */
