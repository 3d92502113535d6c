/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The per-namespace flow table: an RCU hash of handshake records, keyed by
 * the 4-tuple in either direction (tuple.h), bounded in size. It knows
 * nothing of who owns a flow: an owner that keeps more than the handshake
 * record (proxy mode) embeds the flow in its own object and gives it ops.
 */
#ifndef _TCPHS_TABLE_H
#define _TCPHS_TABLE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/spinlock.h>

#include "fsm.h"
#include "rtt.h"
#include "tuple.h"

struct tcphs_flow;
struct tcphs_gc;
struct tcphs_table;

/* What a sweep's visitor makes of a flow. */
enum tcphs_sweep {
	TCPHS_SWEEP_KEEP,
	TCPHS_SWEEP_UNLINK,
	/* Keep it, and stop: the caller resumes at this flow's bucket. */
	TCPHS_SWEEP_PAUSE,
};

/* What a flow's owner does in its flow's life in the table. */
struct tcphs_flow_ops {
	/* Under the bucket lock, as the flow leaves table @t. */
	void (*unlinked)(struct tcphs_table *t, struct tcphs_flow *flow);
	/* Frees the flow: a grace period after its unlink, or never linked. */
	void (*destroy)(struct tcphs_flow *flow);
	/*
	 * A GC pass, under the bucket lock (gc.h): KEEP, UNLINK, or PAUSE
	 * (no room is left for what the flow must send as it goes).
	 */
	enum tcphs_sweep (*expire)(struct tcphs_flow *flow, struct tcphs_gc *gc);
};

struct tcphs_flow {
	struct hlist_node node;
	struct tcphs_tuple tuple;
	struct tcphs_hs hs;
	struct tcphs_rtt rtt;			/* under the bucket lock */
	const struct tcphs_flow_ops *ops;	/* its owner's; NULL: tracked */
	u32 born;		/* jiffies at the first SYN (low 32 bits) */
	u32 last;		/* jiffies at the last segment (low 32 bits) */
	struct rcu_head rcu;
};

/*
 * Flows come in softirq, at a SYN's pace: no reserves (GFP_ATOMIC's
 * __GFP_HIGH would also let a memory cgroup's limit be overrun), no
 * warning; a flow that cannot be had goes untracked and is counted.
 */
#define TCPHS_GFP_FLOW	(GFP_NOWAIT | __GFP_NOWARN)

/* Writers (insert, update, unlink) take one of these, chosen by bucket. */
#define TCPHS_TABLE_LOCKS	64
/* The most buckets a table takes (128 MiB of heads), as many as max_flows. */
#define TCPHS_TABLE_MAX_BUCKETS	BIT(24)

struct tcphs_table {
	struct hlist_head *buckets;
	unsigned int mask;		/* buckets - 1, a power of two less one */
	atomic_t count;
	hsiphash_key_t key;		/* the table's own (tuple.h) */
	spinlock_t locks[TCPHS_TABLE_LOCKS];	/* writers, by bucket */
	/* Told, under the bucket lock, of each flow that leaves while the
	 * table lives (not at its destruction); may be NULL.
	 */
	void (*gone)(struct tcphs_table *t, const struct tcphs_flow *flow);
};

/* @gfp: GFP_KERNEL_ACCOUNT charges the buckets to the caller's cgroup. */
int tcphs_table_init(struct tcphs_table *t, unsigned int nbuckets, gfp_t gfp);
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
bool tcphs_table_evict(struct tcphs_table *t, u32 hash);

/*
 * Visit every flow from bucket @from on under its bucket's lock; those
 * @visit says UNLINK of are unlinked. Empty buckets cost a load each and
 * no lock. Returns the bucket a PAUSE stopped in, for the next call to
 * start from once the caller has done what the pause was for (sent what
 * the visits queued, with no lock held), or mask + 1: the walk is over.
 */
typedef enum tcphs_sweep (*tcphs_sweep_fn)(struct tcphs_flow *flow, void *arg);
unsigned int tcphs_table_sweep(struct tcphs_table *t, unsigned int from,
			       tcphs_sweep_fn visit, void *arg);

/*
 * A reader's place in the table, for a walk that spans several RCU read
 * sections (the flow dump): the bucket it is in and how many of that
 * bucket's flows it has passed.
 */
struct tcphs_table_pos {
	unsigned int bucket;
	unsigned int index;
};

struct tcphs_flow *tcphs_table_at(struct tcphs_table *t,
				  struct tcphs_table_pos *pos);
struct tcphs_flow *tcphs_table_next(struct tcphs_table *t,
				    struct tcphs_table_pos *pos,
				    struct tcphs_flow *flow);

/* A tracked flow, from the table's own cache. */
struct tcphs_flow *tcphs_flow_alloc(const struct tcphs_tuple *tu);
/* An owner's flow, embedded in its object. */
void tcphs_flow_init(struct tcphs_flow *flow, const struct tcphs_tuple *tu,
		     const struct tcphs_flow_ops *ops);
void tcphs_flow_free(struct tcphs_flow *flow);

static inline bool tcphs_flow_linked(const struct tcphs_flow *flow)
{
	return !hlist_unhashed(&flow->node);
}

int tcphs_flow_cache_init(void);
void tcphs_flow_cache_exit(void);

#endif /* _TCPHS_TABLE_H */
