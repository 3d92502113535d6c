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
 * Both directions of a flow hash to one bucket (tuple.c), with the table's
 * own secret. A flow's owner, if it has one, hears of the unlink and frees
 * the flow (struct tcphs_flow_ops); the table knows no owner by name.
 */
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "table.h"

static struct kmem_cache *tcphs_flow_cache __read_mostly;

int tcphs_flow_cache_init(void)
{
	tcphs_flow_cache = KMEM_CACHE(tcphs_flow, SLAB_ACCOUNT);
	return tcphs_flow_cache ? 0 : -ENOMEM;
}

void tcphs_flow_cache_exit(void)
{
	rcu_barrier();	/* every call_rcu() free has run */
	kmem_cache_destroy(tcphs_flow_cache);
}

void tcphs_flow_init(struct tcphs_flow *flow, const struct tcphs_tuple *tu,
		     const struct tcphs_flow_ops *ops)
{
	flow->tuple = *tu;
	flow->ops = ops;
	INIT_HLIST_NODE(&flow->node);
	flow->born = (u32)jiffies;
	flow->last = flow->born;
}

struct tcphs_flow *tcphs_flow_alloc(const struct tcphs_tuple *tu)
{
	struct tcphs_flow *flow;

	flow = kmem_cache_zalloc(tcphs_flow_cache, TCPHS_GFP_FLOW);
	if (flow)
		tcphs_flow_init(flow, tu, NULL);
	return flow;
}

/* For a flow that was never linked, or one a grace period after. */
void tcphs_flow_free(struct tcphs_flow *flow)
{
	if (flow->ops)
		flow->ops->destroy(flow);
	else
		kmem_cache_free(tcphs_flow_cache, flow);
}

static void tcphs_flow_free_rcu(struct rcu_head *head)
{
	tcphs_flow_free(container_of(head, struct tcphs_flow, rcu));
}

int tcphs_table_init(struct tcphs_table *t, unsigned int nbuckets, gfp_t gfp)
{
	unsigned int i;

	nbuckets = roundup_pow_of_two(clamp_t(unsigned int, nbuckets,
					      TCPHS_TABLE_LOCKS,
					      TCPHS_TABLE_MAX_BUCKETS));
	t->buckets = kvcalloc(nbuckets, sizeof(*t->buckets), gfp);
	if (!t->buckets)
		return -ENOMEM;
	t->mask = nbuckets - 1;
	atomic_set(&t->count, 0);
	t->gone = NULL;
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
	if (t->gone)
		t->gone(t, flow);
	if (flow->ops)
		flow->ops->unlinked(t, flow);
	call_rcu(&flow->rcu, tcphs_flow_free_rcu);
}

/*
 * Free every entry; no reader and no writer may be left (the hooks and the
 * GC are gone), so empty buckets are passed over without their lock.
 * Returns how many entries there were.
 */
unsigned int tcphs_table_destroy(struct tcphs_table *t)
{
	struct tcphs_flow *flow;
	struct hlist_node *tmp;
	unsigned int b, n = 0;

	t->gone = NULL;
	for (b = 0; b <= t->mask; b++) {
		if (!(b & 1023))
			cond_resched();
		if (hlist_empty(&t->buckets[b]))
			continue;
		spin_lock_bh(tcphs_bucket_lock(t, b));
		hlist_for_each_entry_safe(flow, tmp, &t->buckets[b], node) {
			tcphs_table_unlink(t, flow);
			n++;
		}
		spin_unlock_bh(tcphs_bucket_lock(t, b));
	}
	/* The readers are gone (hooks unregistered): the array can go now. */
	kvfree(t->buckets);
	t->buckets = NULL;
	return n;
}

u32 tcphs_table_hash(const struct tcphs_table *t, const struct tcphs_tuple *tu)
{
	return tcphs_tuple_hash(&t->key, tu);
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

/*
 * How far a full table looks for an entry to evict: this many entries, in
 * at most this many buckets from the new flow's (empty ones cost a load).
 */
#define TCPHS_EVICT_ENTRIES	16
#define TCPHS_EVICT_BUCKETS	1024

/*
 * A tracked flow whose handshake never completed (what a spoofed SYN
 * leaves, answered by the server or not), or any flow both of whose sides
 * have closed, which only waits for timeout_close. Oldest first, so a
 * handshake in progress outlives a flood that does not outpace the whole
 * table. Read without the bucket's lock, and again under it.
 */
static bool tcphs_flow_evictable(const struct tcphs_flow *flow)
{
	if (tcphs_fsm_closing(&flow->hs))
		return true;
	return !flow->ops && READ_ONCE(flow->hs.state) != TCPHS_ESTABLISHED;
}

/* The oldest evictable flow of bucket @b, if older than @best's. */
static struct tcphs_flow *tcphs_evict_pick(struct tcphs_table *t,
					   unsigned int b,
					   struct tcphs_flow *best,
					   unsigned int *seen)
	__must_hold(RCU)
{
	struct tcphs_flow *flow;

	hlist_for_each_entry_rcu(flow, &t->buckets[b], node) {
		(*seen)++;
		if (tcphs_flow_evictable(flow) &&
		    (!best || (s32)(flow->born - best->born) < 0))
			best = flow;
	}
	return best;
}

/**
 * tcphs_table_evict() - make room in a full table, as conntrack's
 * early_drop() does
 * @t: the table
 * @hash: the hash of the flow that wants in
 *
 * Unlinks the oldest tracked flow whose handshake never completed (as a
 * SYN flood's entries all are), or flow whose both sides closed, among
 * the entries near @hash's bucket. Established flows, and the half-open
 * ones of an owner (proxy mode, with its own bounds), are never evicted.
 * Call without a bucket lock, under rcu_read_lock().
 *
 * Return: true if a flow was evicted.
 */
bool tcphs_table_evict(struct tcphs_table *t, u32 hash)
	__must_hold(RCU)
{
	struct tcphs_flow *victim = NULL;
	unsigned int i, b, seen = 0;
	spinlock_t *lock;	/* the victim's bucket's */
	bool evicted;

	for (i = 0; i < TCPHS_EVICT_BUCKETS && seen < TCPHS_EVICT_ENTRIES;
	     i++) {
		b = (hash + i) & t->mask;
		if (!hlist_empty(&t->buckets[b]))
			victim = tcphs_evict_pick(t, b, victim, &seen);
	}
	if (!victim)
		return false;
	lock = tcphs_table_lock(t, tcphs_table_hash(t, &victim->tuple));
	spin_lock_bh(lock);
	/* Still there, and its handshake still not done. */
	evicted = tcphs_flow_linked(victim) && tcphs_flow_evictable(victim);
	if (evicted)
		tcphs_table_unlink(t, victim);
	spin_unlock_bh(lock);
	return evicted;
}

/* False: a visit paused the walk in bucket @b. */
static bool tcphs_sweep_bucket(struct tcphs_table *t, unsigned int b,
			       tcphs_sweep_fn visit, void *arg)
{
	enum tcphs_sweep verdict = TCPHS_SWEEP_KEEP;
	struct tcphs_flow *flow;
	struct hlist_node *tmp;

	spin_lock_bh(tcphs_bucket_lock(t, b));
	hlist_for_each_entry_safe(flow, tmp, &t->buckets[b], node) {
		verdict = visit(flow, arg);
		if (verdict == TCPHS_SWEEP_PAUSE)
			break;
		if (verdict == TCPHS_SWEEP_UNLINK)
			tcphs_table_unlink(t, flow);
	}
	spin_unlock_bh(tcphs_bucket_lock(t, b));
	return verdict != TCPHS_SWEEP_PAUSE;
}

unsigned int tcphs_table_sweep(struct tcphs_table *t, unsigned int from,
			       tcphs_sweep_fn visit, void *arg)
{
	unsigned int b;

	for (b = from; b <= t->mask; b++) {
		if (!(b & 1023))
			cond_resched();	/* empty or not: a table may be huge */
		if (!hlist_empty(&t->buckets[b]) &&
		    !tcphs_sweep_bucket(t, b, visit, arg))
			break;
	}
	return b;
}

/*
 * Between buckets a long walk leaves its RCU read section for a moment if
 * the CPU is wanted: it holds nothing of the table there but its place.
 */
static void tcphs_walk_pause(unsigned int bucket)
	__must_hold(RCU)
{
	if (bucket & 1023 || !need_resched())
		return;
	rcu_read_unlock();
	cond_resched();
	rcu_read_lock();
}

/* The flow at @pos, or the first after it; NULL past the last bucket. */
struct tcphs_flow *tcphs_table_at(struct tcphs_table *t,
				  struct tcphs_table_pos *pos)
	__must_hold(RCU)
{
	struct tcphs_flow *flow;
	unsigned int i;

	for (; pos->bucket <= t->mask; pos->bucket++, pos->index = 0) {
		i = 0;
		hlist_for_each_entry_rcu(flow, &t->buckets[pos->bucket], node)
			if (i++ == pos->index)
				return flow;
		tcphs_walk_pause(pos->bucket + 1);
	}
	return NULL;
}

/* The flow after @flow, which is at @pos; @pos moves to it. */
struct tcphs_flow *tcphs_table_next(struct tcphs_table *t,
				    struct tcphs_table_pos *pos,
				    struct tcphs_flow *flow)
	__must_hold(RCU)
{
	struct hlist_node *n = rcu_dereference(hlist_next_rcu(&flow->node));

	if (n) {
		pos->index++;
		return hlist_entry(n, struct tcphs_flow, node);
	}
	pos->bucket++;
	pos->index = 0;
	tcphs_walk_pause(pos->bucket);
	return tcphs_table_at(t, pos);
}
