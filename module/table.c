// SPDX-License-Identifier: GPL-2.0
/*
 * The flow table.
 *
 * Readers (the hooks, the flow dump) walk a bucket under RCU. Writers take
 * one of TCPHS_TABLE_LOCKS spinlocks, chosen by the bucket, so a SYN on one
 * CPU and a GC pass on another only meet when they touch the same stripe.
 * An entry is unlinked exactly once, under its lock, by whoever finds it
 * still linked (the hook on a RST, the GC on a timeout, the flush at netns
 * exit), and freed after a grace period.
 *
 * Both directions of a flow hash to one bucket: the key is the tuple with
 * its two endpoints in a fixed order, so one lookup finds the flow whichever
 * way a segment travels. The key is SipHash with a per-namespace secret, so
 * a remote sender cannot aim its SYNs at one bucket.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/jiffies.h>

#include "proxy.h"
#include "cookie.h"
#include "table.h"

static struct kmem_cache *tcphs_flow_cache __read_mostly;
/* Its own cache: kmalloc would round a proxied flow's 80 bytes up to 96. */
static struct kmem_cache *tcphs_proxy_cache __read_mostly;

int tcphs_flow_cache_init(void)
{
	tcphs_flow_cache = KMEM_CACHE(tcphs_flow, 0);
	tcphs_proxy_cache = KMEM_CACHE(tcphs_proxy, 0);
	if (tcphs_flow_cache && tcphs_proxy_cache)
		return 0;
	kmem_cache_destroy(tcphs_proxy_cache);
	kmem_cache_destroy(tcphs_flow_cache);
	return -ENOMEM;
}

void tcphs_flow_cache_exit(void)
{
	rcu_barrier();	/* every call_rcu() free has run */
	kmem_cache_destroy(tcphs_proxy_cache);
	kmem_cache_destroy(tcphs_flow_cache);
}

struct tcphs_proxy *tcphs_proxy_alloc(void)
{
	return kmem_cache_zalloc(tcphs_proxy_cache, GFP_ATOMIC);
}

void tcphs_proxy_release(struct tcphs_proxy *px)
{
	kmem_cache_free(tcphs_proxy_cache, px);
}

struct tcphs_flow *tcphs_flow_alloc(const struct tcphs_tuple *tu)
{
	struct tcphs_flow *flow;

	flow = kmem_cache_zalloc(tcphs_flow_cache, GFP_ATOMIC);
	if (!flow)
		return NULL;
	flow->tuple = *tu;
	INIT_HLIST_NODE(&flow->node);
	flow->born = (u32)jiffies;
	flow->last = flow->born;
	return flow;
}

/* For a flow that was never linked. */
void tcphs_flow_free(struct tcphs_flow *flow)
{
	tcphs_proxy_free(flow->px);
	kmem_cache_free(tcphs_flow_cache, flow);
}

static void tcphs_flow_free_rcu(struct rcu_head *head)
{
	tcphs_flow_free(container_of(head, struct tcphs_flow, rcu));
}

int tcphs_table_init(struct tcphs_table *t, unsigned int nbuckets)
{
	unsigned int i;

	nbuckets = roundup_pow_of_two(clamp_t(unsigned int, nbuckets,
					      TCPHS_TABLE_LOCKS,
					      TCPHS_TABLE_MAX_BUCKETS));
	t->buckets = kvcalloc(nbuckets, sizeof(*t->buckets), GFP_KERNEL);
	if (!t->buckets)
		return -ENOMEM;
	t->mask = nbuckets - 1;
	atomic_set(&t->count, 0);
	atomic_set(&t->halfopen, 0);
	get_random_bytes(&t->key, sizeof(t->key));
	for (i = 0; i < TCPHS_TABLE_LOCKS; i++)
		spin_lock_init(&t->locks[i]);
	return 0;
}

/* The lock of bucket b; mask >= TCPHS_TABLE_LOCKS - 1 keeps it stable. */
static spinlock_t *tcphs_bucket_lock(struct tcphs_table *t, unsigned int b)
{
	return &t->locks[b & (TCPHS_TABLE_LOCKS - 1)];
}

spinlock_t *tcphs_table_lock(struct tcphs_table *t, u32 hash)
{
	return tcphs_bucket_lock(t, hash & t->mask);
}

/* Unlink under the bucket's lock; the entry is freed after a grace period. */
void tcphs_table_unlink(struct tcphs_table *t, struct tcphs_flow *flow)
{
	hlist_del_init_rcu(&flow->node);
	atomic_dec(&t->count);
	if (tcphs_proxy_halfopen(flow->px))
		atomic_dec(&t->halfopen);
	call_rcu(&flow->rcu, tcphs_flow_free_rcu);
}

/* Free every entry; no reader may be left. Returns how many there were. */
unsigned int tcphs_table_destroy(struct tcphs_table *t)
{
	struct tcphs_flow *flow;
	struct hlist_node *tmp;
	unsigned int b, n = 0;

	for (b = 0; b <= t->mask; b++) {
		spin_lock_bh(tcphs_bucket_lock(t, b));
		hlist_for_each_entry_safe(flow, tmp, &t->buckets[b], node) {
			tcphs_table_unlink(t, flow);
			n++;
		}
		spin_unlock_bh(tcphs_bucket_lock(t, b));
		cond_resched();
	}
	/* The readers are gone (hooks unregistered): the array can go now. */
	kvfree(t->buckets);
	t->buckets = NULL;
	return n;
}

static int tcphs_endpoint_cmp(const union nf_inet_addr *a, __be16 pa,
			      const union nf_inet_addr *b, __be16 pb,
			      size_t addr_len)
{
	int c = memcmp(a, b, addr_len);

	return c ? c : (__force int)pa - (__force int)pb;
}

/* The endpoints in a fixed order, so that both directions hash alike. */
u32 tcphs_table_hash(const struct tcphs_table *t, const struct tcphs_tuple *tu)
{
	bool v6 = tu->family == NFPROTO_IPV6;
	size_t len = v6 ? sizeof(tu->saddr.ip6) : sizeof(tu->saddr.ip);
	bool swap = tcphs_endpoint_cmp(&tu->saddr, tu->sport,
				       &tu->daddr, tu->dport, len) > 0;
	struct tcphs_ends k = { .v6 = v6 };

	memcpy(k.saddr, swap ? &tu->daddr : &tu->saddr, len);
	memcpy(k.daddr, swap ? &tu->saddr : &tu->daddr, len);
	k.sport = swap ? tu->dport : tu->sport;
	k.dport = swap ? tu->sport : tu->dport;
	return (u32)tcphs_ends_siphash(&t->key, &k, NULL, 0);
}

static bool tcphs_tuple_match(const struct tcphs_tuple *a,
			      const struct tcphs_tuple *b, enum tcphs_dir *dir)
{
	if (a->family != b->family)
		return false;
	if (a->sport == b->sport && a->dport == b->dport &&
	    nf_inet_addr_cmp(&a->saddr, &b->saddr) &&
	    nf_inet_addr_cmp(&a->daddr, &b->daddr)) {
		*dir = TCPHS_DIR_ORIG;
		return true;
	}
	if (a->sport == b->dport && a->dport == b->sport &&
	    nf_inet_addr_cmp(&a->saddr, &b->daddr) &&
	    nf_inet_addr_cmp(&a->daddr, &b->saddr)) {
		*dir = TCPHS_DIR_REPLY;
		return true;
	}
	return false;
}

/* Under rcu_read_lock() or the bucket's lock. */
struct tcphs_flow *tcphs_table_find(struct tcphs_table *t, u32 hash,
				    const struct tcphs_tuple *tu,
				    enum tcphs_dir *dir)
{
	struct tcphs_flow *flow;

	hlist_for_each_entry_rcu(flow, &t->buckets[hash & t->mask], node,
				 lockdep_is_held(tcphs_table_lock(t, hash)))
		if (tcphs_tuple_match(&flow->tuple, tu, dir))
			return flow;
	return NULL;
}

/*
 * Link a new flow, under the bucket's lock, unless the table is full.
 * The caller has checked, under the same lock, that no twin is linked.
 */
bool tcphs_table_insert(struct tcphs_table *t, u32 hash,
			struct tcphs_flow *flow, unsigned int max_flows)
{
	if (atomic_inc_return(&t->count) > max_flows) {
		atomic_dec(&t->count);
		return false;
	}
	hlist_add_head_rcu(&flow->node, &t->buckets[hash & t->mask]);
	return true;
}

static unsigned long tcphs_flow_timeout(const struct tcphs_flow *flow,
					const struct tcphs_timeouts *to)
{
	if (tcphs_fsm_closing(&flow->hs))
		return to->closing;
	return to->state[flow->hs.state];
}

static void tcphs_gc_bucket(struct tcphs_table *t, unsigned int b,
			    const struct tcphs_timeouts *to,
			    struct tcphs_gc_result *res)
{
	struct tcphs_flow *flow;
	struct hlist_node *tmp;
	u32 now = (u32)jiffies;

	spin_lock_bh(tcphs_bucket_lock(t, b));
	hlist_for_each_entry_safe(flow, tmp, &t->buckets[b], node) {
		if (flow->px && tcphs_proxy_gc(flow, res)) {
			tcphs_table_unlink(t, flow);
			continue;
		}
		if (!time_after32(now, READ_ONCE(flow->last) +
				  (u32)tcphs_flow_timeout(flow, to)))
			continue;
		if (tcphs_fsm_closing(&flow->hs))
			res->closed++;
		else
			res->expired++;
		tcphs_table_unlink(t, flow);
	}
	spin_unlock_bh(tcphs_bucket_lock(t, b));
}

/* One pass over every bucket; empty ones cost a load each, no lock. */
void tcphs_table_gc(struct tcphs_table *t, const struct tcphs_timeouts *to,
		    struct tcphs_gc_result *res)
{
	unsigned int b;

	for (b = 0; b <= t->mask; b++) {
		if (hlist_empty(&t->buckets[b]))
			continue;
		tcphs_gc_bucket(t, b, to, res);
		if (!(b & 1023))
			cond_resched();
	}
}
