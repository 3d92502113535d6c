// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the flow table (module/table.c, module/tuple.c) on a real table:
 * lookups both ways, the hash, the limits, each flow's unlink and free, the
 * sweep, the resumable walk, and a few thousand random operations checked
 * step by step against a model that is a plain array.
 *
 * As the module's callers do, writers take the bucket's lock (with BHs
 * off) and readers hold rcu_read_lock(). Nothing is asserted inside either
 * (a failed assertion ends the case's thread there): what happens inside
 * is noted, and checked after.
 *
 * A flow with an owner is a struct tt_owner here, whose ops count what the
 * table did to it and when: its unlink must come once, under the bucket's
 * lock, only for a flow the test meant to go, and its free once, after a
 * grace period. A tracked flow (no ops) goes back to the table's cache,
 * which this suite watches empty itself (tt_cache_empty()).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/jhash.h>
#include <linux/moduleparam.h>

#include "table.c"
#include "tuple.c"

/* The random operations' seed: a failure names it, and its step. */
static unsigned long long seed = 0x7463706873ULL;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the random operations (table_model_test)");

#define TT_BUCKETS	64	/* the smallest table: buckets hold several */
#define TT_NO_DIR	TCPHS_NR_DIRS	/* what a lookup that found none left */

struct tt_ctx {
	struct tcphs_table t;
	atomic_t unlinked;	/* ->unlinked calls, every owner */
	atomic_t destroyed;	/* ->destroy calls, every owner */
	atomic_t bad;		/* calls out of turn, every owner */
	atomic_t heap;		/* heap owners not destroyed yet */
};

struct tt_owner {
	struct tcphs_flow flow;
	struct tt_ctx *ctx;
	unsigned int id;
	bool heap;		/* ->destroy kfree()s it */
	bool was_linked;	/* inserted (under the lock) */
	bool may_unlink;	/* the test means it to go */
	unsigned int unlinked;	/* ->unlinked calls */
	unsigned int destroyed;	/* ->destroy calls */
	unsigned int bad;	/* calls out of turn */
	unsigned int visits;	/* by the sweeps or the walk */
};

static struct tt_owner *tt_owner_of(struct tcphs_flow *flow)
{
	return container_of(flow, struct tt_owner, flow);
}

/*
 * Whether this context holds @flow's bucket lock: lockdep knows (the debug
 * kernel has it); without it, the check passes.
 */
static bool tt_lock_held(struct tcphs_table *t, const struct tcphs_flow *flow)
{
	spinlock_t *lock = tcphs_table_lock(t, tcphs_table_hash(t, &flow->tuple));

	return !IS_ENABLED(CONFIG_LOCKDEP) || lockdep_is_held(lock);
}

static void tt_bad(struct tt_owner *o)
{
	o->bad++;
	atomic_inc(&o->ctx->bad);
}

/*
 * Once, under the lock, unlinked already, from its own table, and only if
 * the test said so.
 */
static void tt_unlinked(struct tcphs_table *t, struct tcphs_flow *flow)
{
	struct tt_owner *o = tt_owner_of(flow);

	o->unlinked++;
	atomic_inc(&o->ctx->unlinked);
	if (o->unlinked != 1 || !o->may_unlink || !o->was_linked ||
	    t != &o->ctx->t || tcphs_flow_linked(flow) ||
	    !tt_lock_held(&o->ctx->t, flow))
		tt_bad(o);
}

/* Once; after its unlink if it was ever linked, else never unlinked. */
static void tt_destroy(struct tcphs_flow *flow)
{
	struct tt_owner *o = tt_owner_of(flow);
	struct tt_ctx *ctx = o->ctx;

	o->destroyed++;
	atomic_inc(&ctx->destroyed);
	if (o->destroyed != 1 || tcphs_flow_linked(flow) ||
	    o->unlinked != o->was_linked)
		tt_bad(o);
	if (o->heap) {
		atomic_dec(&ctx->heap);
		kfree(o);
	}
}

static const struct tcphs_flow_ops tt_ops = {
	.unlinked	= tt_unlinked,
	.destroy	= tt_destroy,
};

static void tt_owner_setup(struct tt_owner *o, struct tt_ctx *ctx,
			   const struct tcphs_tuple *tu, unsigned int id)
{
	tcphs_flow_init(&o->flow, tu, &tt_ops);
	o->ctx = ctx;
	o->id = id;
}

/* ---- Tuples ---- */

static void tt_v4(struct tcphs_tuple *tu, u32 saddr, u32 daddr, u16 sport,
		  u16 dport)
{
	memset(tu, 0, sizeof(*tu));
	tu->family = NFPROTO_IPV4;
	tu->saddr.ip = cpu_to_be32(saddr);
	tu->daddr.ip = cpu_to_be32(daddr);
	tu->sport = cpu_to_be16(sport);
	tu->dport = cpu_to_be16(dport);
}

/* fd00::@saddr to fd00::@daddr (the low 32 bits). */
static void tt_v6(struct tcphs_tuple *tu, u32 saddr, u32 daddr, u16 sport,
		  u16 dport)
{
	memset(tu, 0, sizeof(*tu));
	tu->family = NFPROTO_IPV6;
	tu->saddr.ip6[0] = cpu_to_be32(0xfd000000);
	tu->saddr.ip6[3] = cpu_to_be32(saddr);
	tu->daddr.ip6[0] = cpu_to_be32(0xfd000000);
	tu->daddr.ip6[3] = cpu_to_be32(daddr);
	tu->sport = cpu_to_be16(sport);
	tu->dport = cpu_to_be16(dport);
}

/* The @i-th of a set of distinct tuples, IPv4 and IPv6 by turns. */
static void tt_nth(struct tcphs_tuple *tu, unsigned int i)
{
	if (i & 1)
		tt_v6(tu, 0x0a000000 + i, 0xc0a80001, 40000 + (i & 1023),
		      80 + i % 3);
	else
		tt_v4(tu, 0x0a000000 + i, 0xc0a80001, 40000 + (i & 1023),
		      80 + i % 3);
}

static void tt_swap(struct tcphs_tuple *out, const struct tcphs_tuple *in)
{
	memset(out, 0, sizeof(*out));
	out->family = in->family;
	out->saddr = in->daddr;
	out->daddr = in->saddr;
	out->sport = in->dport;
	out->dport = in->sport;
}

/* The model's own compare, field by field. */
static bool tt_same(const struct tcphs_tuple *a, const struct tcphs_tuple *b)
{
	return a->family == b->family && a->sport == b->sport &&
	       a->dport == b->dport &&
	       !memcmp(&a->saddr, &b->saddr, sizeof(a->saddr)) &&
	       !memcmp(&a->daddr, &b->daddr, sizeof(a->daddr));
}

static unsigned int tt_addr_len(const struct tcphs_tuple *tu)
{
	return tu->family == NFPROTO_IPV6 ? 16 : 4;
}

/* A tuple's bytes: both addresses (as long as the family's), both ports. */
#define TT_MAX_BYTES	(2 * 16 + 2 * 2)

static unsigned int tt_nbytes(const struct tcphs_tuple *tu)
{
	return 2 * tt_addr_len(tu) + 2 * sizeof(__be16);
}

/* @in with its @i-th byte (of tt_nbytes()) changed. */
static void tt_variant(struct tcphs_tuple *out, const struct tcphs_tuple *in,
		       unsigned int i)
{
	unsigned int len = tt_addr_len(in);
	u8 *p;

	*out = *in;
	if (i < len)
		p = (u8 *)&out->saddr + i;
	else if (i < 2 * len)
		p = (u8 *)&out->daddr + i - len;
	else if (i < 2 * len + 2)
		p = (u8 *)&out->sport + i - 2 * len;
	else
		p = (u8 *)&out->dport + i - 2 * len - 2;
	*p ^= 0x01;
}

#define TT_STR	96

static const char *tt_str(char *buf, const struct tcphs_tuple *tu)
{
	if (tu->family == NFPROTO_IPV6)
		snprintf(buf, TT_STR, "[%pI6c]:%u > [%pI6c]:%u",
			 &tu->saddr.in6, be16_to_cpu(tu->sport),
			 &tu->daddr.in6, be16_to_cpu(tu->dport));
	else
		snprintf(buf, TT_STR, "%pI4:%u > %pI4:%u", &tu->saddr.ip,
			 be16_to_cpu(tu->sport), &tu->daddr.ip,
			 be16_to_cpu(tu->dport));
	return buf;
}

/* ---- A small PRNG (splitmix64): the same seed, the same run ---- */

struct tt_rng {
	u64 s;
};

static u64 tt_rand(struct tt_rng *r)
{
	u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u32 tt_below(struct tt_rng *r, u32 n)
{
	return (u32)(((tt_rand(r) >> 32) * n) >> 32);
}

static void tt_random_tuple(struct tt_rng *r, struct tcphs_tuple *tu)
{
	unsigned int i;

	memset(tu, 0, sizeof(*tu));
	tu->family = tt_below(r, 2) ? NFPROTO_IPV6 : NFPROTO_IPV4;
	for (i = 0; i < tt_addr_len(tu) / 4; i++) {
		tu->saddr.all[i] = (u32)tt_rand(r);
		tu->daddr.all[i] = (u32)tt_rand(r);
	}
	tu->sport = (__force __be16)(u16)tt_rand(r);
	tu->dport = (__force __be16)(u16)tt_rand(r);
}

/* ---- What the module's callers do ---- */

/*
 * As hook.c links a new flow: under the bucket's lock, look for a twin
 * (the flow in either direction), and insert only if there is none.
 */
static bool tt_link(struct tcphs_table *t, struct tcphs_flow *flow,
		    unsigned int max_flows, struct tcphs_flow **twin,
		    enum tcphs_dir *dir)
{
	u32 hash = tcphs_table_hash(t, &flow->tuple);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	bool linked;

	*dir = TT_NO_DIR;
	spin_lock_bh(lock);
	*twin = tcphs_table_find(t, hash, &flow->tuple, dir);
	linked = !*twin && tcphs_table_insert(t, hash, flow, max_flows);
	if (linked && flow->ops == &tt_ops)
		tt_owner_of(flow)->was_linked = true;
	spin_unlock_bh(lock);
	return linked;
}

/* As a RST or the GC unlinks: only if it is still linked, under the lock. */
static bool tt_unlink(struct tcphs_table *t, struct tcphs_flow *flow)
{
	u32 hash = tcphs_table_hash(t, &flow->tuple);
	spinlock_t *lock = tcphs_table_lock(t, hash);
	bool linked;

	spin_lock_bh(lock);
	linked = tcphs_flow_linked(flow);
	if (linked) {
		if (flow->ops == &tt_ops)
			tt_owner_of(flow)->may_unlink = true;
		tcphs_table_unlink(t, flow);
	}
	spin_unlock_bh(lock);
	return linked;
}

/*
 * As a hook looks a segment up, under RCU. The flow is only compared once
 * the read section ends: no one else changes the table in these cases.
 */
static struct tcphs_flow *tt_find(struct tcphs_table *t,
				  const struct tcphs_tuple *tu,
				  enum tcphs_dir *dir)
{
	struct tcphs_flow *flow;

	*dir = TT_NO_DIR;
	rcu_read_lock();
	flow = tcphs_table_find(t, tcphs_table_hash(t, tu), tu, dir);
	rcu_read_unlock();
	return flow;
}

static unsigned int tt_count(struct tcphs_table *t)
{
	return atomic_read(&t->count);
}

/* A tracked flow, linked (or the case fails). */
static struct tcphs_flow *tt_track(struct kunit *test, struct tcphs_table *t,
				   const struct tcphs_tuple *tu)
{
	struct tcphs_flow *flow = tcphs_flow_alloc(tu), *twin;
	char buf[TT_STR];
	enum tcphs_dir dir;

	KUNIT_ASSERT_NOT_NULL(test, flow);
	if (!tt_link(t, flow, UINT_MAX, &twin, &dir)) {
		tcphs_flow_free(flow);
		KUNIT_FAIL_AND_ABORT(test, "%s: not linked (twin %p)",
				     tt_str(buf, tu), twin);
	}
	return flow;
}

static void tt_expect_found(struct kunit *test, struct tcphs_table *t,
			    const struct tcphs_tuple *tu,
			    const struct tcphs_flow *want, enum tcphs_dir wdir)
{
	enum tcphs_dir dir;
	struct tcphs_flow *got = tt_find(t, tu, &dir);
	char buf[TT_STR];

	KUNIT_EXPECT_PTR_EQ_MSG(test, got, want, "%s", tt_str(buf, tu));
	if (got && got == want)
		KUNIT_EXPECT_EQ_MSG(test, dir, wdir, "%s", tt_str(buf, tu));
}

/* Found as itself one way, as its reply the other. */
static void tt_expect_both(struct kunit *test, struct tcphs_table *t,
			   const struct tcphs_flow *flow)
{
	struct tcphs_tuple sw;

	tt_expect_found(test, t, &flow->tuple, flow, TCPHS_DIR_ORIG);
	tt_swap(&sw, &flow->tuple);
	tt_expect_found(test, t, &sw, flow, TCPHS_DIR_REPLY);
}

/*
 * Whether the table's cache holds no object: kmem_cache_shrink() frees its
 * empty slabs (after KASAN's quarantine lets go of the cache's objects) and
 * says whether any slab is left. This holds on the debug kernel, where
 * KASAN keeps the cache from being merged with another.
 */
static bool tt_cache_empty(void)
{
	return !kmem_cache_shrink(tcphs_flow_cache);
}

/* Owners in a test-owned array (freed at the case's end, after exit). */
static struct tt_owner *tt_owners(struct kunit *test, struct tt_ctx *ctx,
				  unsigned int n)
{
	struct tt_owner *o = kunit_kcalloc(test, n, sizeof(*o), GFP_KERNEL);
	struct tcphs_tuple tu;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, o);
	for (i = 0; i < n; i++) {
		tt_nth(&tu, i);
		tt_owner_setup(&o[i], ctx, &tu, i);
	}
	return o;
}

static void tt_link_owners(struct kunit *test, struct tcphs_table *t,
			   struct tt_owner *o, unsigned int n)
{
	struct tcphs_flow *twin;
	enum tcphs_dir dir;
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_ASSERT_TRUE_MSG(test, tt_link(t, &o[i].flow, UINT_MAX,
						    &twin, &dir),
				      "owner %u", i);
	KUNIT_ASSERT_EQ(test, tt_count(t), n);
}

/* A table for this case alone, with no flow with an owner in it. */
static void tt_table_release(void *arg)
{
	struct tcphs_table *t = arg;

	if (t->buckets)
		tcphs_table_destroy(t);
	rcu_barrier();
}

static struct tcphs_table *tt_table_new(struct kunit *test,
					unsigned int nbuckets)
{
	struct tcphs_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, tcphs_table_init(t, nbuckets, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tt_table_release, t),
			0);
	return t;
}

/* ---- Lookups ---- */

/*
 * Found both ways, IPv4 and IPv6; a tuple one byte off (address or port)
 * is another flow: not found, then found as itself once linked.
 */
static void table_find_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	struct tcphs_flow *base[2], **var;
	struct tcphs_tuple tu[2], v, sw;
	unsigned int f, i, n;
	enum tcphs_dir dir;
	char buf[TT_STR];

	var = kunit_kcalloc(test, 2 * TT_MAX_BYTES, sizeof(*var), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, var);
	tt_v4(&tu[0], 0x0a000102, 0xc0a80709, 40000, 80);
	tt_v6(&tu[1], 0x0a000102, 0xc0a80709, 40000, 80);
	for (f = 0; f < 2; f++) {
		base[f] = tt_track(test, t, &tu[f]);
		tt_expect_both(test, t, base[f]);
		n = tt_nbytes(&tu[f]);
		for (i = 0; i < n; i++) {
			tt_variant(&v, &tu[f], i);
			KUNIT_EXPECT_FALSE_MSG(test,
					       tcphs_tuple_match(&tu[f], &v,
								 &dir),
					       "%s", tt_str(buf, &v));
			tt_expect_found(test, t, &v, NULL, TT_NO_DIR);
			tt_swap(&sw, &v);
			tt_expect_found(test, t, &sw, NULL, TT_NO_DIR);
		}
	}
	for (f = 0; f < 2; f++)
		for (i = 0; i < tt_nbytes(&tu[f]); i++) {
			tt_variant(&v, &tu[f], i);
			var[f * TT_MAX_BYTES + i] = tt_track(test, t, &v);
		}
	for (f = 0; f < 2; f++) {
		tt_expect_both(test, t, base[f]);
		for (i = 0; i < tt_nbytes(&tu[f]); i++)
			tt_expect_both(test, t, var[f * TT_MAX_BYTES + i]);
	}
	KUNIT_EXPECT_EQ(test, tt_count(t), 2 + tt_nbytes(&tu[0]) +
					   tt_nbytes(&tu[1]));
}

/*
 * An IPv4 and an IPv6 tuple of the same bytes (the IPv6 addresses begin
 * with the IPv4 ones, the rest zero, as in the union), in one bucket, are
 * two flows.
 */
static void table_family_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	struct tcphs_tuple a, b, sw;
	struct tcphs_flow *fa, *fb;
	enum tcphs_dir dir;
	unsigned int port;

	for (port = 1; port < 10000; port++) {
		tt_v4(&a, 0x0a000001, 0x0a000002, port, 80);
		b = a;
		b.family = NFPROTO_IPV6;
		if (!((tcphs_table_hash(t, &a) ^ tcphs_table_hash(t, &b)) &
		      t->mask))
			break;
	}
	KUNIT_ASSERT_LT_MSG(test, port, 10000, "no pair in one bucket");
	KUNIT_EXPECT_FALSE(test, tcphs_tuple_match(&a, &b, &dir));
	KUNIT_EXPECT_FALSE(test, tcphs_tuple_match(&b, &a, &dir));

	fa = tt_track(test, t, &a);
	tt_expect_found(test, t, &b, NULL, TT_NO_DIR);
	tt_swap(&sw, &b);
	tt_expect_found(test, t, &sw, NULL, TT_NO_DIR);
	fb = tt_track(test, t, &b);
	tt_expect_both(test, t, fa);
	tt_expect_both(test, t, fb);

	KUNIT_EXPECT_TRUE(test, tt_unlink(t, fa));
	tt_expect_found(test, t, &a, NULL, TT_NO_DIR);
	tt_expect_both(test, t, fb);
	KUNIT_EXPECT_EQ(test, tt_count(t), 1);
}

/* ---- The hash ---- */

#define TT_SPREAD_BUCKETS	1024
#define TT_SPREAD_TUPLES	1000

/*
 * Both directions hash alike; two tables' keys put the same tuples in other
 * buckets, and each spreads them. With 1000 tuples in 1024 buckets about
 * 638 buckets are used (sd 8) and about one tuple keeps its bucket from one
 * table to the other: the bounds are far out of chance's reach.
 */
static void table_hash_test(struct kunit *test)
{
	static const hsiphash_key_t key = { { 0x0706050403020100ULL,
					     0x0f0e0d0c0b0a0908ULL } };
	struct tcphs_table *t1 = tt_table_new(test, TT_SPREAD_BUCKETS);
	struct tcphs_table *t2 = tt_table_new(test, TT_SPREAD_BUCKETS);
	DECLARE_BITMAP(used1, TT_SPREAD_BUCKETS);
	DECLARE_BITMAP(used2, TT_SPREAD_BUCKETS);
	unsigned int i, asym = 0, moved = 0;
	struct tt_rng rng = { 1 };
	struct tcphs_tuple tu, sw;
	char buf[TT_STR];
	u32 h1, h2;

	KUNIT_ASSERT_EQ(test, t1->mask, TT_SPREAD_BUCKETS - 1);
	KUNIT_EXPECT_NE(test, memcmp(&t1->key, &t2->key, sizeof(t1->key)), 0);
	bitmap_zero(used1, TT_SPREAD_BUCKETS);
	bitmap_zero(used2, TT_SPREAD_BUCKETS);
	for (i = 0; i < TT_SPREAD_TUPLES; i++) {
		tt_random_tuple(&rng, &tu);
		tt_swap(&sw, &tu);
		h1 = tcphs_table_hash(t1, &tu);
		h2 = tcphs_table_hash(t2, &tu);
		if (h1 != tcphs_table_hash(t1, &sw) ||
		    h2 != tcphs_table_hash(t2, &sw) ||
		    tcphs_tuple_hash(&key, &tu) != tcphs_tuple_hash(&key, &sw))
			if (!asym++)
				kunit_err(test, "not symmetric: %s",
					  tt_str(buf, &tu));
		__set_bit(h1 & t1->mask, used1);
		__set_bit(h2 & t2->mask, used2);
		if ((h1 ^ h2) & t1->mask)
			moved++;
	}
	KUNIT_EXPECT_EQ(test, asym, 0);
	KUNIT_EXPECT_GE(test, bitmap_weight(used1, TT_SPREAD_BUCKETS), 400);
	KUNIT_EXPECT_GE(test, bitmap_weight(used2, TT_SPREAD_BUCKETS), 400);
	KUNIT_EXPECT_GE(test, moved, 900);
}

/*
 * With a fixed key: every byte of the tuple (each address as long as its
 * family's, both ports) changes the hash, and so does the family alone.
 */
static void table_hash_bytes_test(struct kunit *test)
{
	static const hsiphash_key_t key = { { 0x1111111111111111ULL,
					     0x2222222222222222ULL } };
	struct tcphs_tuple tu[2], v;
	unsigned int f, i;
	char buf[TT_STR];
	u32 h;

	tt_v4(&tu[0], 0x0a000102, 0xc0a80709, 40000, 80);
	tt_v6(&tu[1], 0x0a000102, 0xc0a80709, 40000, 80);
	for (f = 0; f < 2; f++) {
		h = tcphs_tuple_hash(&key, &tu[f]);
		for (i = 0; i < tt_nbytes(&tu[f]); i++) {
			tt_variant(&v, &tu[f], i);
			KUNIT_EXPECT_NE_MSG(test, tcphs_tuple_hash(&key, &v), h,
					    "byte %u: %s", i, tt_str(buf, &v));
		}
	}
	v = tu[0];
	v.family = NFPROTO_IPV6;
	KUNIT_EXPECT_NE(test, tcphs_tuple_hash(&key, &v),
			tcphs_tuple_hash(&key, &tu[0]));
}

/* ---- Limits ---- */

/* No insert past max_flows, and the count is exact all along. */
static void table_limits_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	struct tcphs_flow *flows[8], *f, *twin;
	struct tcphs_tuple tu, sw;
	enum tcphs_dir dir;
	unsigned int i;
	bool linked;

	tt_nth(&tu, 100);
	f = tcphs_flow_alloc(&tu);
	KUNIT_ASSERT_NOT_NULL(test, f);
	linked = tt_link(t, f, 0, &twin, &dir);
	if (!linked)
		tcphs_flow_free(f);	/* else the exit does */
	KUNIT_EXPECT_FALSE(test, linked);
	KUNIT_EXPECT_NULL(test, twin);
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);
	if (linked)
		return;

	for (i = 0; i < ARRAY_SIZE(flows); i++) {
		tt_nth(&tu, i);
		flows[i] = tcphs_flow_alloc(&tu);
		KUNIT_ASSERT_NOT_NULL(test, flows[i]);
		linked = tt_link(t, flows[i], ARRAY_SIZE(flows), &twin, &dir);
		if (!linked)
			tcphs_flow_free(flows[i]);
		KUNIT_ASSERT_TRUE_MSG(test, linked, "flow %u", i);
		KUNIT_EXPECT_EQ(test, tt_count(t), i + 1);
	}

	/* Full: refused, not linked, not found, counted out again. */
	tt_nth(&tu, 100);
	f = tcphs_flow_alloc(&tu);
	KUNIT_ASSERT_NOT_NULL(test, f);
	linked = tt_link(t, f, ARRAY_SIZE(flows), &twin, &dir);
	KUNIT_EXPECT_NULL(test, twin);
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f));
	if (!linked)
		tcphs_flow_free(f);
	KUNIT_EXPECT_FALSE(test, linked);
	KUNIT_EXPECT_EQ(test, tt_count(t), ARRAY_SIZE(flows) + linked);
	tt_expect_found(test, t, &tu, linked ? f : NULL, TCPHS_DIR_ORIG);
	if (linked)
		return;

	/* One goes: there is room for one. */
	KUNIT_EXPECT_TRUE(test, tt_unlink(t, flows[3]));
	KUNIT_EXPECT_EQ(test, tt_count(t), ARRAY_SIZE(flows) - 1);
	f = tt_track(test, t, &tu);	/* no limit */
	KUNIT_EXPECT_EQ(test, tt_count(t), ARRAY_SIZE(flows));
	tt_expect_both(test, t, f);

	/* A twin, either way, is found first even with room to spare. */
	for (i = 0; i < 2; i++) {
		tt_nth(&tu, 5);
		tt_swap(&sw, &tu);
		f = tcphs_flow_alloc(i ? &sw : &tu);
		KUNIT_ASSERT_NOT_NULL(test, f);
		linked = tt_link(t, f, UINT_MAX, &twin, &dir);
		if (!linked)
			tcphs_flow_free(f);
		KUNIT_EXPECT_FALSE(test, linked);
		KUNIT_EXPECT_PTR_EQ(test, twin, flows[5]);
		KUNIT_EXPECT_EQ(test, dir, i ? TCPHS_DIR_REPLY : TCPHS_DIR_ORIG);
		KUNIT_EXPECT_EQ(test, tt_count(t), ARRAY_SIZE(flows) + linked);
		if (linked)
			return;
	}
}

struct tt_size {
	unsigned int nbuckets;
	unsigned int mask;
};

static const struct tt_size tt_sizes[] = {
	{ 0, 63 }, { 1, 63 }, { 63, 63 }, { 64, 63 }, { 65, 127 },
	{ 1000, 1023 }, { 1024, 1023 }, { 1025, 2047 }, { 65536, 65535 },
	{ TCPHS_TABLE_MAX_BUCKETS - 1, TCPHS_TABLE_MAX_BUCKETS - 1 },
	{ TCPHS_TABLE_MAX_BUCKETS, TCPHS_TABLE_MAX_BUCKETS - 1 },
	{ TCPHS_TABLE_MAX_BUCKETS + 1, TCPHS_TABLE_MAX_BUCKETS - 1 },
	{ UINT_MAX, TCPHS_TABLE_MAX_BUCKETS - 1 },
};

static void tt_size_desc(const struct tt_size *s, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u buckets asked", s->nbuckets);
}

KUNIT_ARRAY_PARAM(table_buckets, tt_sizes, tt_size_desc);

/*
 * Beyond this many buckets a table is freed without tcphs_table_destroy(),
 * whose walk locks every bucket: 2^24 of them take minutes under TCG.
 */
#define TT_DESTROY_MAX	65536

/*
 * The buckets asked for are clamped to [TCPHS_TABLE_LOCKS,
 * TCPHS_TABLE_MAX_BUCKETS] and rounded up to a power of two; each bucket
 * is there and empty (KASAN checks the array is that long), and a flow
 * goes in and out.
 */
static void table_buckets_test(struct kunit *test)
{
	const struct tt_size *s = test->param_value;
	struct tcphs_table *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	unsigned int b, full = 0;
	struct tcphs_flow *f, *twin;
	struct tcphs_tuple tu;
	enum tcphs_dir dir;

	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ(test, tcphs_table_init(t, s->nbuckets, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, t->mask, s->mask);
	KUNIT_EXPECT_EQ(test, t->mask & (t->mask + 1), 0);
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);
	for (b = 0; b <= t->mask; b++)
		full += !hlist_empty(&t->buckets[b]);
	KUNIT_EXPECT_EQ(test, full, 0);

	tt_nth(&tu, 7);
	f = tcphs_flow_alloc(&tu);
	if (f && !tt_link(t, f, 1, &twin, &dir)) {
		tcphs_flow_free(f);
		f = NULL;
	}
	if (f) {
		tt_expect_both(test, t, f);
		KUNIT_EXPECT_TRUE(test, tt_unlink(t, f));
	}
	KUNIT_EXPECT_NOT_NULL(test, f);
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);

	if (t->mask < TT_DESTROY_MAX) {
		KUNIT_EXPECT_EQ(test, tcphs_table_destroy(t), 0);
	} else {
		kvfree(t->buckets);	/* empty: nothing else to free */
		t->buckets = NULL;
	}
}

/* ---- Unlink and free ---- */

/*
 * ->unlinked runs once, under the lock, at the unlink; the flow is no
 * longer linked nor found; ->destroy waits for the readers (none runs while
 * this one's read section lasts) and runs once after. A second unlinker,
 * as the callers check, finds it gone. An owner's flow never linked is
 * destroyed at once and never unlinked.
 */
static void table_unlink_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	const unsigned int n = 16;
	struct tt_owner *o = tt_owners(test, ctx, n), lone = {};
	bool was, now, again;
	unsigned int i, calls, early;
	struct tcphs_flow *found;
	struct tcphs_tuple tu;
	enum tcphs_dir dir;
	spinlock_t *lock;	/* the flow's bucket's */
	u32 hash;

	tt_link_owners(test, t, o, n);
	for (i = 0; i < n; i++) {
		hash = tcphs_table_hash(t, &o[i].flow.tuple);
		lock = tcphs_table_lock(t, hash);
		rcu_read_lock();
		spin_lock_bh(lock);
		was = tcphs_flow_linked(&o[i].flow);
		o[i].may_unlink = true;
		tcphs_table_unlink(t, &o[i].flow);
		now = tcphs_flow_linked(&o[i].flow);
		calls = o[i].unlinked;
		spin_unlock_bh(lock);
		again = tt_unlink(t, &o[i].flow);
		found = tcphs_table_find(t, hash, &o[i].flow.tuple, &dir);
		early = READ_ONCE(o[i].destroyed);
		rcu_read_unlock();

		KUNIT_EXPECT_TRUE(test, was);
		KUNIT_EXPECT_FALSE(test, now);
		KUNIT_EXPECT_EQ(test, calls, 1);
		KUNIT_EXPECT_FALSE(test, again);
		KUNIT_EXPECT_NULL(test, found);
		KUNIT_EXPECT_EQ(test, early, 0);
		KUNIT_EXPECT_EQ(test, tt_count(t), n - 1 - i);
	}
	rcu_barrier();
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].destroyed, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].bad, 0, "owner %u", i);
	}

	tt_nth(&tu, 1000);
	tt_owner_setup(&lone, ctx, &tu, 1000);
	tcphs_flow_free(&lone.flow);
	KUNIT_EXPECT_EQ(test, lone.destroyed, 1);
	KUNIT_EXPECT_EQ(test, lone.unlinked, 0);
	KUNIT_EXPECT_EQ(test, lone.bad, 0);

	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->unlinked), n);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->destroyed), n + 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->bad), 0);
}

/*
 * A tracked flow (no ops) from the table's cache goes back to it: after a
 * grace period once unlinked, at once if it was never linked.
 */
static void table_tracked_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	struct tcphs_tuple tu;
	struct tcphs_flow *f;

	KUNIT_ASSERT_TRUE_MSG(test, tt_cache_empty(),
			      "the flow cache holds objects before the case");
	tt_nth(&tu, 1);
	f = tcphs_flow_alloc(&tu);
	KUNIT_ASSERT_NOT_NULL(test, f);
	KUNIT_EXPECT_NULL(test, f->ops);
	KUNIT_EXPECT_TRUE(test, tt_same(&f->tuple, &tu));
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f));
	KUNIT_EXPECT_EQ(test, f->hs.state, TCPHS_CLOSED);
	KUNIT_EXPECT_EQ(test, f->born, f->last);
	KUNIT_EXPECT_FALSE(test, tt_cache_empty());	/* the probe sees it */

	tcphs_flow_free(f);		/* never linked */
	KUNIT_EXPECT_TRUE(test, tt_cache_empty());

	f = tt_track(test, t, &tu);
	tt_expect_both(test, t, f);
	KUNIT_EXPECT_TRUE(test, tt_unlink(t, f));
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);
	tt_expect_found(test, t, &tu, NULL, TT_NO_DIR);
	rcu_barrier();
	KUNIT_EXPECT_TRUE(test, tt_cache_empty());
}

/*
 * A full table's eviction (tcphs_table_evict()): the oldest tracked flow
 * whose handshake never completed, or flow both of whose sides closed;
 * never an established one nor an owner's half-open one; one per call,
 * and nothing when none is left.
 */
static void table_evict_test(struct kunit *test)
{
	static const u8 states[] = {
		TCPHS_ESTABLISHED, TCPHS_SYN_SENT, TCPHS_SYN_RCVD,
		TCPHS_ESTABLISHED, TCPHS_SYN_SENT, TCPHS_ESTABLISHED,
	};
	/* born: the two oldest are established, then 2, 5, 4, 1 by age */
	static const u32 born[] = { 10, 300, 100, 5, 200, 150 };
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	struct tcphs_flow *f[ARRAY_SIZE(states)];
	struct tt_owner *o = tt_owners(test, ctx, 1);
	struct tcphs_tuple tu;
	unsigned int i;
	bool evicted;

	o->flow.hs.state = TCPHS_SYN_RCVD;	/* an owner's: kept */
	o->flow.born = 1;
	tt_link_owners(test, t, o, 1);
	for (i = 0; i < ARRAY_SIZE(states); i++) {
		tt_nth(&tu, 10 + i);
		f[i] = tt_track(test, t, &tu);
		f[i]->hs.state = states[i];
		f[i]->born = born[i];
	}
	/* f[5] is closing: both FINs went by. */
	f[5]->hs.peer[TCPHS_DIR_ORIG].seen |= TCPHS_SEEN_FIN;
	f[5]->hs.peer[TCPHS_DIR_REPLY].seen |= TCPHS_SEEN_FIN;
	for (i = 0; i < 4; i++) {
		rcu_read_lock();
		evicted = tcphs_table_evict(t, tcphs_table_hash(t, &f[0]->tuple));
		rcu_read_unlock();
		KUNIT_EXPECT_TRUE(test, evicted);
	}
	KUNIT_EXPECT_TRUE(test, tcphs_flow_linked(f[0]));
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f[1]));
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f[2]));
	KUNIT_EXPECT_TRUE(test, tcphs_flow_linked(f[3]));
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f[4]));
	KUNIT_EXPECT_FALSE(test, tcphs_flow_linked(f[5]));
	KUNIT_EXPECT_TRUE(test, tcphs_flow_linked(&o->flow));
	rcu_read_lock();
	evicted = tcphs_table_evict(t, tcphs_table_hash(t, &f[0]->tuple));
	rcu_read_unlock();
	KUNIT_EXPECT_FALSE(test, evicted);
	KUNIT_EXPECT_EQ(test, tt_count(t), 3);
}

/*
 * tcphs_table_destroy() unlinks every flow, owners' and tracked, says how
 * many there were, and each is freed once after a grace period.
 */
static void table_destroy_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t, *empty;
	const unsigned int n = 200, tracked = 50;
	struct tt_owner *o = tt_owners(test, ctx, n);
	struct tcphs_tuple tu;
	unsigned int i;

	KUNIT_ASSERT_TRUE_MSG(test, tt_cache_empty(),
			      "the flow cache holds objects before the case");
	tt_link_owners(test, t, o, n);
	for (i = 0; i < tracked; i++) {
		tt_nth(&tu, n + i);
		tt_track(test, t, &tu);
	}
	KUNIT_EXPECT_FALSE(test, tt_cache_empty());
	for (i = 0; i < n; i++)
		o[i].may_unlink = true;

	KUNIT_EXPECT_EQ(test, tcphs_table_destroy(t), n + tracked);
	KUNIT_EXPECT_NULL(test, t->buckets);
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->unlinked), n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, 1, "owner %u", i);
		KUNIT_EXPECT_FALSE_MSG(test, tcphs_flow_linked(&o[i].flow),
				       "owner %u", i);
	}
	rcu_barrier();
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].destroyed, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].bad, 0, "owner %u", i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->destroyed), n);
	KUNIT_EXPECT_TRUE(test, tt_cache_empty());

	empty = tt_table_new(test, TT_BUCKETS);
	KUNIT_EXPECT_EQ(test, tcphs_table_destroy(empty), 0);
}

/* ---- The sweep ---- */

struct tt_sweep {
	struct tt_ctx *ctx;
	unsigned int modulo;	/* owners whose id it divides go; 0: none */
	unsigned int calls;
	unsigned int others;	/* flows not the test's owners */
	unsigned int unlocked;	/* visits without the bucket's lock */
	unsigned int budget;	/* unlinks before a pause; 0: no pause */
	unsigned int left;	/* of the budget, in this call */
	unsigned int pauses;
};

static enum tcphs_sweep tt_sweep_visit(struct tcphs_flow *flow, void *arg)
{
	struct tt_sweep *s = arg;
	struct tt_owner *o;

	s->calls++;
	if (!tt_lock_held(&s->ctx->t, flow))
		s->unlocked++;
	if (flow->ops != &tt_ops) {
		s->others++;
		return TCPHS_SWEEP_KEEP;
	}
	o = tt_owner_of(flow);
	o->visits++;
	o->may_unlink = s->modulo && !(o->id % s->modulo);
	if (!o->may_unlink)
		return TCPHS_SWEEP_KEEP;
	if (s->budget && !s->left--) {
		o->may_unlink = false;
		s->pauses++;
		return TCPHS_SWEEP_PAUSE;
	}
	return TCPHS_SWEEP_UNLINK;
}

static void tt_sweep(struct kunit *test, struct tt_ctx *ctx,
		     unsigned int modulo, unsigned int calls)
{
	struct tt_sweep s = { .ctx = ctx, .modulo = modulo };

	KUNIT_EXPECT_EQ(test, tcphs_table_sweep(&ctx->t, 0, tt_sweep_visit, &s),
			ctx->t.mask + 1);
	KUNIT_EXPECT_EQ(test, s.calls, calls);
	KUNIT_EXPECT_EQ(test, s.others, 0);
	KUNIT_EXPECT_EQ(test, s.unlocked, 0);
}

/*
 * Each linked flow is visited once, under its lock; exactly those the
 * visit says go are unlinked, once; the others stay, found as before.
 */
static void table_sweep_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	const unsigned int n = 300, gone = DIV_ROUND_UP(n, 3);
	struct tt_owner *o = tt_owners(test, ctx, n);
	unsigned int i;
	bool doomed;

	tt_sweep(test, ctx, 1, 0);	/* an empty table: no visit */
	tt_link_owners(test, t, o, n);

	tt_sweep(test, ctx, 3, n);	/* a third goes */
	KUNIT_EXPECT_EQ(test, tt_count(t), n - gone);
	for (i = 0; i < n; i++) {
		doomed = !(i % 3);
		KUNIT_EXPECT_EQ_MSG(test, o[i].visits, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, doomed, "owner %u", i);
		KUNIT_EXPECT_NE_MSG(test, tcphs_flow_linked(&o[i].flow), doomed,
				    "owner %u", i);
		if (doomed)
			tt_expect_found(test, t, &o[i].flow.tuple, NULL,
					TT_NO_DIR);
		else
			tt_expect_both(test, t, &o[i].flow);
	}

	tt_sweep(test, ctx, 0, n - gone);	/* none goes */
	KUNIT_EXPECT_EQ(test, tt_count(t), n - gone);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, o[i].visits, i % 3 ? 2 : 1,
				    "owner %u", i);

	tt_sweep(test, ctx, 1, n - gone);	/* all go */
	KUNIT_EXPECT_EQ(test, tt_count(t), 0);
	tt_sweep(test, ctx, 1, 0);
	rcu_barrier();
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].destroyed, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].bad, 0, "owner %u", i);
	}
}

/*
 * A sweep that pauses after every third unlink (as the GC does when its
 * room for segments is full) resumes where it stopped: in the end exactly
 * the doomed flows are gone, each unlinked once, and every call but the
 * last stopped in the bucket of a doomed flow it kept.
 */
static void table_sweep_pause_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tcphs_table *t = &ctx->t;
	const unsigned int n = 200, gone = DIV_ROUND_UP(n, 2);
	struct tt_owner *o = tt_owners(test, ctx, n);
	struct tt_sweep s = { .ctx = ctx, .modulo = 2, .budget = 3 };
	unsigned int i, from = 0, calls = 0;

	tt_link_owners(test, t, o, n);
	while (from <= t->mask && calls++ < n) {
		s.left = s.budget;
		from = tcphs_table_sweep(t, from, tt_sweep_visit, &s);
	}
	KUNIT_EXPECT_EQ(test, from, t->mask + 1);
	KUNIT_EXPECT_EQ(test, s.pauses, calls - 1);
	KUNIT_EXPECT_EQ(test, s.pauses, (gone - 1) / 3);
	KUNIT_EXPECT_EQ(test, s.unlocked, 0);
	KUNIT_EXPECT_EQ(test, tt_count(t), n - gone);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, !(i % 2), "owner %u",
				    i);
		KUNIT_EXPECT_NE_MSG(test, tcphs_flow_linked(&o[i].flow),
				    !(i % 2), "owner %u", i);
	}
	tt_sweep(test, ctx, 1, n - gone);	/* the rest go */
	rcu_barrier();
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, o[i].unlinked, 1, "owner %u", i);
		KUNIT_EXPECT_EQ_MSG(test, o[i].destroyed, 1, "owner %u", i);
	}
}

/* ---- The resumable walk ---- */

struct tt_walk {
	unsigned int stop;	/* leave the read section before this flow */
	unsigned int stride;	/* and before every stride-th; 0: never */
	bool resched;		/* ask for the CPU at every step */
	struct tcphs_flow **seen;
	unsigned int max;	/* room in seen[] */
	unsigned int misplaced;	/* a pos that does not name its flow */
	unsigned int paused;	/* steps that gave the CPU up (resched) */
};

static bool tt_walk_stops(const struct tt_walk *w, unsigned int n)
{
	return n == w->stop || (w->stride && n && !(n % w->stride));
}

/*
 * As a scheduler tick that finds the CPU wanted: the walk's pause, at a
 * 1024th bucket, gives it up, and schedule() clears the request.
 */
static void tt_want_cpu(const struct tt_walk *w)
{
	if (w->resched) {
		set_tsk_need_resched(current);
		set_preempt_need_resched();
	}
}

static void tt_gave_cpu(struct tt_walk *w)
{
	if (w->resched && !need_resched())
		w->paused++;
}

/*
 * Walk the table as the flow dump does, each flow at its pos and then the
 * next; before the flows tt_walk_stops() names, leave the read section and
 * come back at the saved pos, as a dump read in several calls does. Stores
 * the flows seen in w->seen[] and returns how many (at most w->max + 1).
 */
static unsigned int tt_walk(struct tcphs_table *t, struct tt_walk *w)
{
	struct tcphs_table_pos pos = {}, at;
	struct tcphs_flow *flow;
	unsigned int n = 0;

	rcu_read_lock();
	tt_want_cpu(w);
	flow = tcphs_table_at(t, &pos);
	tt_gave_cpu(w);
	while (n <= w->max) {
		if (tt_walk_stops(w, n)) {	/* even past the last flow */
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			tt_want_cpu(w);
			flow = tcphs_table_at(t, &pos);
		}
		if (!flow)
			break;
		/* The pos names the flow: a walk resumed there starts with it. */
		at = pos;
		if (pos.bucket != (tcphs_table_hash(t, &flow->tuple) & t->mask) ||
		    tcphs_table_at(t, &at) != flow || at.bucket != pos.bucket ||
		    at.index != pos.index)
			w->misplaced++;
		if (n < w->max)
			w->seen[n] = flow;
		n++;
		tt_want_cpu(w);
		flow = tcphs_table_next(t, &pos, flow);
		tt_gave_cpu(w);
	}
	rcu_read_unlock();
	cond_resched();		/* what tt_want_cpu() asked for */
	return n;
}

/* Whether a walk of @t as @w says sees the @n flows of @order[], in order. */
static bool tt_walk_same(struct tcphs_table *t, struct tt_walk *w,
			 struct tcphs_flow **order, unsigned int n)
{
	unsigned int got = tt_walk(t, w);

	return got == n && !w->misplaced &&
	       !memcmp(w->seen, order, n * sizeof(*order));
}

/*
 * Walks of @t, which holds @n flows in the order @order[] (a full walk's),
 * stopped and resumed before each flow (every @step-th, and past the last)
 * and by strides: each sees the same flows in the same order.
 */
static void tt_expect_resumed(struct kunit *test, struct tcphs_table *t,
			      struct tcphs_flow **order, unsigned int n,
			      unsigned int step, bool resched)
{
	static const unsigned int strides[] = { 1, 2, 3, 7, 64, 1000 };
	struct tt_walk w = { .max = n + 1, .resched = resched };
	unsigned int i, bad = 0, first = 0;

	w.seen = kunit_kcalloc(test, n + 1, sizeof(*w.seen), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, w.seen);
	for (i = 0; i <= n; i = i < n && i + step > n ? n : i + step) {
		w.stop = i;
		w.misplaced = 0;
		if (!tt_walk_same(t, &w, order, n) && !bad++)
			first = i;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "first bad walk: stopped before %u",
			    first);
	bad = 0;
	w.stop = UINT_MAX;
	for (i = 0; i < ARRAY_SIZE(strides); i++) {
		w.stride = strides[i];
		w.misplaced = 0;
		if (!tt_walk_same(t, &w, order, n) && !bad++)
			first = strides[i];
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "first bad walk: stride %u", first);
}

/*
 * A full walk sees every flow of @o[] once and no other; then resumed
 * walks see the same.
 */
static unsigned int tt_walk_owners(struct kunit *test, struct tcphs_table *t,
				   struct tt_owner *o, unsigned int n,
				   unsigned int step, bool resched)
{
	struct tcphs_flow **order = kunit_kcalloc(test, n + 1, sizeof(*order),
						  GFP_KERNEL);
	struct tt_walk w = { .stop = UINT_MAX, .resched = resched };
	unsigned int i, got, twice = 0, never = 0;

	KUNIT_ASSERT_NOT_NULL(test, order);
	w.seen = order;
	w.max = n + 1;
	got = tt_walk(t, &w);
	KUNIT_EXPECT_EQ(test, got, n);
	KUNIT_EXPECT_EQ(test, w.misplaced, 0);
	for (i = 0; i < min(got, n + 1); i++)
		tt_owner_of(order[i])->visits++;	/* all are o[]'s */
	for (i = 0; i < n; i++) {
		twice += o[i].visits > 1;
		never += !o[i].visits;
	}
	KUNIT_EXPECT_EQ(test, twice, 0);
	KUNIT_EXPECT_EQ(test, never, 0);
	if (got == n)
		tt_expect_resumed(test, t, order, n, step, resched);
	return w.paused;
}

/* 300 flows in 64 buckets: stopped before each flow in turn. */
static void table_walk_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	const unsigned int n = 300;
	struct tt_owner *o = tt_owners(test, ctx, n);

	tt_link_owners(test, &ctx->t, o, n);
	tt_walk_owners(test, &ctx->t, o, n, 1, false);
}

/*
 * 3000 flows in 4096 buckets, with the CPU wanted at every step: a full
 * walk leaves its read section by itself, only at a 1024th bucket (the
 * last one past the end), and the walks are the same. A step that gave
 * the CPU up is one that came back with the request cleared; a tick may
 * ask again in between, so that some go uncounted, never more than 4.
 */
static void table_walk_big_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	const unsigned int n = 3000;
	struct tt_owner *o = tt_owners(test, ctx, n);
	unsigned int paused;

	tcphs_table_destroy(&ctx->t);
	KUNIT_ASSERT_EQ(test, tcphs_table_init(&ctx->t, 4096, GFP_KERNEL), 0);
	tt_link_owners(test, &ctx->t, o, n);
	paused = tt_walk_owners(test, &ctx->t, o, n, 97, true);
	KUNIT_EXPECT_GE(test, paused, 1);
	KUNIT_EXPECT_LE(test, paused, 4096 / 1024);
}

/* Tuples of flows in bucket @b of @t, found by trying. */
static void tt_tuples_in(struct kunit *test, struct tcphs_table *t,
			 unsigned int b, struct tcphs_tuple *tu,
			 unsigned int n)
{
	unsigned int i, found = 0;

	for (i = 0; found < n && i < 100000; i++) {
		tt_nth(&tu[found], i);
		if ((tcphs_table_hash(t, &tu[found]) & t->mask) == b)
			found++;
	}
	KUNIT_ASSERT_EQ_MSG(test, found, n, "bucket %u", b);
}

/*
 * An empty table, and tables whose only flows sit in the first or the
 * last bucket.
 */
static void table_walk_edges_test(struct kunit *test)
{
	static const unsigned int buckets[] = { 0, TT_BUCKETS - 1 };
	struct tcphs_flow *seen[4], *flows[3];
	struct tcphs_table_pos pos = {};
	struct tcphs_tuple tu[3];
	struct tcphs_table *t;
	unsigned int b, i, j, hits;
	struct tt_walk w;
	struct tcphs_flow *at, *at2;

	t = tt_table_new(test, TT_BUCKETS);
	rcu_read_lock();
	at = tcphs_table_at(t, &pos);
	at2 = tcphs_table_at(t, &pos);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, at);
	KUNIT_EXPECT_NULL(test, at2);
	KUNIT_EXPECT_EQ(test, pos.bucket, t->mask + 1);
	w = (struct tt_walk){ .stop = 0, .seen = seen, .max = 1 };
	KUNIT_EXPECT_EQ(test, tt_walk(t, &w), 0);

	for (b = 0; b < ARRAY_SIZE(buckets); b++) {
		t = tt_table_new(test, TT_BUCKETS);
		tt_tuples_in(test, t, buckets[b], tu, ARRAY_SIZE(tu));
		for (i = 0; i < ARRAY_SIZE(tu); i++)
			flows[i] = tt_track(test, t, &tu[i]);

		pos = (struct tcphs_table_pos){};
		rcu_read_lock();
		at = tcphs_table_at(t, &pos);
		rcu_read_unlock();
		KUNIT_EXPECT_NOT_NULL(test, at);
		KUNIT_EXPECT_EQ(test, pos.bucket, buckets[b]);
		KUNIT_EXPECT_EQ(test, pos.index, 0);

		w = (struct tt_walk){ .stop = UINT_MAX, .seen = seen,
				      .max = ARRAY_SIZE(seen) };
		KUNIT_ASSERT_EQ_MSG(test, tt_walk(t, &w), ARRAY_SIZE(flows),
				    "bucket %u", buckets[b]);
		KUNIT_EXPECT_EQ(test, w.misplaced, 0);
		for (i = 0; i < ARRAY_SIZE(flows); i++) {
			for (hits = 0, j = 0; j < ARRAY_SIZE(flows); j++)
				hits += seen[j] == flows[i];
			KUNIT_EXPECT_EQ_MSG(test, hits, 1, "bucket %u flow %u",
					    buckets[b], i);
		}
		tt_expect_resumed(test, t, seen, ARRAY_SIZE(flows), 1, false);
	}
}

/* ---- The model ---- */

#define TT_MODEL_STEPS	4000
#define TT_MODEL_MAX	128	/* max_flows */

struct tt_entry {
	struct tcphs_tuple tu;
	struct tcphs_flow *flow;
	unsigned int seen;	/* by the last sweep or walk */
	bool doomed;		/* the last sweep's verdict */
};

struct tt_model {
	struct tt_ctx *ctx;
	struct tt_rng rng;
	unsigned int n;
	struct tt_entry e[TT_MODEL_MAX];
	struct tcphs_flow *seen[TT_MODEL_MAX + 1];
	/* the sweep's */
	u32 salt;
	unsigned int cut;	/* of 8: how many go */
	unsigned int stray;	/* flows visited that the model has not */
	unsigned int unlocked;
	/* what the run went through */
	unsigned int inserts, twins, full, finds, hits, unlinks, sweeps;
	unsigned int swept, walks, owners, most;
};

/* The model's entry for @tu, either way, and which way; -1: none. */
static int tt_model_find(const struct tt_model *m,
			 const struct tcphs_tuple *tu, enum tcphs_dir *dir)
{
	struct tcphs_tuple sw;
	unsigned int i;

	tt_swap(&sw, tu);
	for (i = 0; i < m->n; i++) {
		if (tt_same(&m->e[i].tu, tu)) {
			*dir = TCPHS_DIR_ORIG;
			return i;
		}
		if (tt_same(&m->e[i].tu, &sw)) {
			*dir = TCPHS_DIR_REPLY;
			return i;
		}
	}
	*dir = TT_NO_DIR;
	return -1;
}

static int tt_model_index(const struct tt_model *m,
			  const struct tcphs_flow *flow)
{
	unsigned int i;

	for (i = 0; i < m->n; i++)
		if (m->e[i].flow == flow)
			return i;
	return -1;
}

static void tt_model_drop(struct tt_model *m, unsigned int i)
{
	m->e[i] = m->e[--m->n];
}

/*
 * Tuples from a small set, so that twins (either way) come often: 4 IPv4
 * addresses, 5 IPv6 ones (3 of the same bytes as IPv4 ones), and ports of
 * which two are each other's bytes swapped.
 */
static void tt_model_tuple(struct tt_model *m, struct tcphs_tuple *tu)
{
	static const u32 v4[] = { 0x0a000001, 0x0a000002, 0x0a000101,
				  0x0b000001 };
	static const u32 v6[] = { 0xfd000000, 0x00000001 };
	static const u16 ports[] = { 80, 81, 443, 0x0100, 0x0001, 40000 };
	unsigned int a = tt_below(&m->rng, 5), b = tt_below(&m->rng, 5);

	tt_v4(tu, v4[a % 4], v4[b % 4], ports[tt_below(&m->rng, 6)],
	      ports[tt_below(&m->rng, 6)]);
	if (tt_below(&m->rng, 2))
		return;
	tu->family = NFPROTO_IPV6;
	if (a >= 3) {
		memset(&tu->saddr, 0, sizeof(tu->saddr));
		tu->saddr.ip6[0] = cpu_to_be32(v6[0]);
		tu->saddr.ip6[3] = cpu_to_be32(v6[1] + a);
	}
	if (b >= 3) {
		memset(&tu->daddr, 0, sizeof(tu->daddr));
		tu->daddr.ip6[0] = cpu_to_be32(v6[0]);
		tu->daddr.ip6[3] = cpu_to_be32(v6[1] + b);
	}
}

/* A tuple from the set, or (one in @in of 8) a linked flow's, either way. */
static void tt_model_pick(struct tt_model *m, struct tcphs_tuple *tu,
			  unsigned int in)
{
	unsigned int i;

	if (!m->n || tt_below(&m->rng, 8) >= in) {
		tt_model_tuple(m, tu);
		return;
	}
	i = tt_below(&m->rng, m->n);
	if (tt_below(&m->rng, 2))
		tt_swap(tu, &m->e[i].tu);
	else
		*tu = m->e[i].tu;
}

#define TT_AT	"seed %#llx step %u: "

/* Insert as hook.c does; a twin or a full table refuses it. */
static void tt_model_insert(struct kunit *test, struct tt_model *m,
			    unsigned int step)
{
	struct tt_ctx *ctx = m->ctx;
	enum tcphs_dir dir, mdir;
	struct tcphs_flow *flow, *twin;
	struct tcphs_tuple tu;
	struct tt_owner *o;
	char buf[TT_STR];
	bool linked;
	int i;

	tt_model_pick(m, &tu, 1);
	if (tt_below(&m->rng, 4)) {
		o = kzalloc(sizeof(*o), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, o);
		tt_owner_setup(o, ctx, &tu, step);
		o->heap = true;
		atomic_inc(&ctx->heap);
		m->owners++;
		flow = &o->flow;
	} else {
		flow = tcphs_flow_alloc(&tu);
		KUNIT_ASSERT_NOT_NULL(test, flow);
	}
	i = tt_model_find(m, &tu, &mdir);
	linked = tt_link(&ctx->t, flow, TT_MODEL_MAX, &twin, &dir);
	if (!linked)
		tcphs_flow_free(flow);
	m->inserts++;
	m->twins += i >= 0;
	m->full += i < 0 && m->n == TT_MODEL_MAX;

	KUNIT_ASSERT_PTR_EQ_MSG(test, twin, i >= 0 ? m->e[i].flow : NULL,
				TT_AT "insert %s: twin", seed, step,
				tt_str(buf, &tu));
	KUNIT_ASSERT_EQ_MSG(test, dir, mdir, TT_AT "insert %s: twin's way",
			    seed, step, tt_str(buf, &tu));
	KUNIT_ASSERT_EQ_MSG(test, linked, i < 0 && m->n < TT_MODEL_MAX,
			    TT_AT "insert %s (%u of %u)", seed, step,
			    tt_str(buf, &tu), m->n, TT_MODEL_MAX);
	if (linked)
		m->e[m->n++] = (struct tt_entry){ .tu = tu, .flow = flow };
	m->most = max(m->most, m->n);
}

static void tt_model_lookup(struct kunit *test, struct tt_model *m,
			    unsigned int step)
{
	enum tcphs_dir dir, mdir;
	struct tcphs_tuple tu;
	struct tcphs_flow *got;
	char buf[TT_STR];
	int i;

	tt_model_pick(m, &tu, 4);
	got = tt_find(&m->ctx->t, &tu, &dir);
	i = tt_model_find(m, &tu, &mdir);
	m->finds++;
	m->hits += i >= 0;
	KUNIT_ASSERT_PTR_EQ_MSG(test, got, i >= 0 ? m->e[i].flow : NULL,
				TT_AT "find %s", seed, step, tt_str(buf, &tu));
	KUNIT_ASSERT_EQ_MSG(test, dir, mdir, TT_AT "find %s: way", seed, step,
			    tt_str(buf, &tu));
}

/* Unlink a linked flow as a RST does; an owner hears of it at once. */
static void tt_model_unlink(struct kunit *test, struct tt_model *m,
			    unsigned int step)
{
	struct tcphs_table *t = &m->ctx->t;
	unsigned int i, calls = 1;
	struct tcphs_flow *flow;
	spinlock_t *lock;	/* the flow's bucket's */
	char buf[TT_STR];
	bool was;

	if (!m->n)
		return;
	i = tt_below(&m->rng, m->n);
	flow = m->e[i].flow;
	lock = tcphs_table_lock(t, tcphs_table_hash(t, &m->e[i].tu));
	spin_lock_bh(lock);
	was = tcphs_flow_linked(flow);
	if (was) {
		if (flow->ops == &tt_ops)
			tt_owner_of(flow)->may_unlink = true;
		tcphs_table_unlink(t, flow);
		if (flow->ops == &tt_ops)	/* freed after the lock, soon */
			calls = tt_owner_of(flow)->unlinked;
	}
	spin_unlock_bh(lock);
	m->unlinks++;
	KUNIT_ASSERT_TRUE_MSG(test, was, TT_AT "unlink %s: not linked", seed,
			      step, tt_str(buf, &m->e[i].tu));
	KUNIT_ASSERT_EQ_MSG(test, calls, 1, TT_AT "unlink %s: ->unlinked",
			    seed, step, tt_str(buf, &m->e[i].tu));
	tt_model_drop(m, i);
}

static enum tcphs_sweep tt_model_visit(struct tcphs_flow *flow, void *arg)
{
	struct tt_model *m = arg;
	u32 words[] = {
		flow->tuple.saddr.all[0], flow->tuple.saddr.all[1],
		flow->tuple.saddr.all[2], flow->tuple.saddr.all[3],
		flow->tuple.daddr.all[0], flow->tuple.daddr.all[1],
		flow->tuple.daddr.all[2], flow->tuple.daddr.all[3],
		(__force u32)flow->tuple.sport << 16 |
			(__force u32)flow->tuple.dport,
		flow->tuple.family,
	};
	bool doomed = jhash2(words, ARRAY_SIZE(words), m->salt) % 8 < m->cut;
	int i = tt_model_index(m, flow);

	if (!tt_lock_held(&m->ctx->t, flow))
		m->unlocked++;
	if (i < 0) {
		m->stray++;
		return TCPHS_SWEEP_KEEP;
	}
	m->e[i].seen++;
	m->e[i].doomed = doomed;
	if (flow->ops == &tt_ops)
		tt_owner_of(flow)->may_unlink = doomed;
	return doomed ? TCPHS_SWEEP_UNLINK : TCPHS_SWEEP_KEEP;
}

/* A GC pass with a random verdict: exactly the doomed go. */
static void tt_model_sweep(struct kunit *test, struct tt_model *m,
			   unsigned int step, unsigned int cut)
{
	struct tt_ctx *ctx = m->ctx;
	unsigned int i, owners = 0, unlinked = atomic_read(&ctx->unlinked);
	struct tcphs_tuple tu;
	struct tcphs_flow *got;
	enum tcphs_dir dir;
	char buf[TT_STR];

	m->salt = (u32)tt_rand(&m->rng);
	m->cut = tt_below(&m->rng, cut + 1);
	m->stray = 0;
	m->unlocked = 0;
	for (i = 0; i < m->n; i++)
		m->e[i].seen = 0;
	tcphs_table_sweep(&ctx->t, 0, tt_model_visit, m);
	m->sweeps++;
	KUNIT_ASSERT_EQ_MSG(test, m->stray, 0, TT_AT "sweep: strays", seed,
			    step);
	KUNIT_ASSERT_EQ_MSG(test, m->unlocked, 0, TT_AT "sweep: unlocked",
			    seed, step);
	for (i = 0; i < m->n; i++)
		KUNIT_ASSERT_EQ_MSG(test, m->e[i].seen, 1,
				    TT_AT "sweep: %s seen", seed, step,
				    tt_str(buf, &m->e[i].tu));
	for (i = 0; i < m->n;) {
		if (!m->e[i].doomed) {
			i++;
			continue;
		}
		tu = m->e[i].tu;
		owners += m->e[i].flow->ops == &tt_ops;
		tt_model_drop(m, i);
		m->swept++;
		got = tt_find(&ctx->t, &tu, &dir);
		KUNIT_ASSERT_NULL_MSG(test, got, TT_AT "sweep: %s stayed",
				      seed, step, tt_str(buf, &tu));
	}
	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&ctx->unlinked) - unlinked,
			    owners, TT_AT "sweep: ->unlinked calls", seed,
			    step);
}

/* A walk stopped and resumed at random: each flow once, and no other. */
static void tt_model_walk(struct kunit *test, struct tt_model *m,
			  unsigned int step)
{
	struct tt_walk w = {
		.stop = tt_below(&m->rng, m->n + 1),
		.stride = tt_below(&m->rng, 2) ? tt_below(&m->rng, 8) : 0,
		.seen = m->seen,
		.max = ARRAY_SIZE(m->seen),
	};
	unsigned int i, got;
	char buf[TT_STR];
	int e;

	for (i = 0; i < m->n; i++)
		m->e[i].seen = 0;
	got = tt_walk(&m->ctx->t, &w);
	m->walks++;
	KUNIT_ASSERT_EQ_MSG(test, got, m->n, TT_AT "walk: flows", seed, step);
	KUNIT_ASSERT_EQ_MSG(test, w.misplaced, 0, TT_AT "walk: pos", seed,
			    step);
	for (i = 0; i < got; i++) {
		e = tt_model_index(m, m->seen[i]);
		KUNIT_ASSERT_GE_MSG(test, e, 0, TT_AT "walk: a stray", seed,
				    step);
		m->e[e].seen++;
	}
	for (i = 0; i < m->n; i++)
		KUNIT_ASSERT_EQ_MSG(test, m->e[i].seen, 1, TT_AT "walk: %s seen",
				    seed, step, tt_str(buf, &m->e[i].tu));
}

/* After each step: the count, and each flow found both ways, as itself. */
static void tt_model_check(struct kunit *test, struct tt_model *m,
			   unsigned int step)
{
	struct tcphs_table *t = &m->ctx->t;
	enum tcphs_dir dir, mdir;
	struct tcphs_tuple tu;
	struct tcphs_flow *got;
	unsigned int i, way;
	char buf[TT_STR];
	int e;

	KUNIT_ASSERT_EQ_MSG(test, tt_count(t), m->n, TT_AT "count", seed,
			    step);
	KUNIT_ASSERT_EQ_MSG(test, atomic_read(&m->ctx->bad), 0,
			    TT_AT "an owner's call out of turn", seed, step);
	for (i = 0; i < m->n; i++)
		for (way = 0; way < 2; way++) {
			if (way)
				tt_swap(&tu, &m->e[i].tu);
			else
				tu = m->e[i].tu;
			got = tt_find(t, &tu, &dir);
			e = tt_model_find(m, &tu, &mdir);
			KUNIT_ASSERT_EQ(test, e, i);
			KUNIT_ASSERT_PTR_EQ_MSG(test, got, m->e[i].flow,
						TT_AT "%s", seed, step,
						tt_str(buf, &tu));
			KUNIT_ASSERT_EQ_MSG(test, dir, mdir, TT_AT "%s: way",
					    seed, step, tt_str(buf, &tu));
		}
}

/*
 * Random inserts (twins looked for first, under the lock, as the callers
 * do), lookups both ways, unlinks, sweeps and walks, checked after each
 * step against the model. Growing and shrinking phases of 500 steps take
 * the table to its limit and back; the sweeps of a shrinking phase may
 * take everything. The table's key comes from the seed
 * too, so a failure reproduces with its bucket layout.
 */
static void table_model_test(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;
	struct tt_model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned int step, op, i;
	bool shrink;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_TRUE_MSG(test, tt_cache_empty(),
			      "the flow cache holds objects before the case");
	m->ctx = ctx;
	m->rng.s = seed;
	ctx->t.key.key[0] = tt_rand(&m->rng);
	ctx->t.key.key[1] = tt_rand(&m->rng);

	for (step = 0; step < TT_MODEL_STEPS; step++) {
		shrink = step / 500 % 2;
		op = tt_below(&m->rng, 100);
		if (shrink)
			op = op < 20 ? 0 : op < 40 ? 1 : op < 85 ? 2 :
			     op < 95 ? 3 : 4;
		else
			op = op < 65 ? 0 : op < 82 ? 1 : op < 87 ? 2 :
			     op < 97 ? 3 : 4;
		switch (op) {
		case 0:
			tt_model_insert(test, m, step);
			break;
		case 1:
			tt_model_lookup(test, m, step);
			break;
		case 2:
			tt_model_unlink(test, m, step);
			break;
		case 3:
			tt_model_walk(test, m, step);
			break;
		default:	/* up to all when shrinking, an 8th else */
			tt_model_sweep(test, m, step, shrink ? 8 : 1);
			break;
		}
		tt_model_check(test, m, step);
		cond_resched();
	}
	kunit_info(test,
		   "seed %#llx: %u inserts (%u twins, %u full), %u finds (%u hits), %u unlinks, %u sweeps (%u gone), %u walks, most %u flows",
		   seed, m->inserts, m->twins, m->full, m->finds, m->hits,
		   m->unlinks, m->sweeps, m->swept, m->walks, m->most);
	/* Every path was taken. */
	KUNIT_EXPECT_GT(test, m->twins, 0);
	KUNIT_EXPECT_GT(test, m->full, 0);
	KUNIT_EXPECT_GT(test, m->hits, 0);
	KUNIT_EXPECT_GT(test, m->swept, 0);

	for (i = 0; i < m->n; i++)
		if (m->e[i].flow->ops == &tt_ops)
			tt_owner_of(m->e[i].flow)->may_unlink = true;
	KUNIT_EXPECT_EQ(test, tcphs_table_destroy(&ctx->t), m->n);
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->heap), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->destroyed), m->owners);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->bad), 0);
	KUNIT_EXPECT_TRUE(test, tt_cache_empty());
}

/* ---- The suite ---- */

static int tt_init(struct kunit *test)
{
	struct tt_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	test->priv = ctx;
	return tcphs_table_init(&ctx->t, TT_BUCKETS, GFP_KERNEL);
}

/* Even after a failed assertion: every flow goes, and is freed. */
static void tt_exit(struct kunit *test)
{
	struct tt_ctx *ctx = test->priv;

	if (ctx && ctx->t.buckets)
		tcphs_table_destroy(&ctx->t);
	rcu_barrier();		/* before the owners' memory goes */
}

static int tt_suite_init(struct kunit_suite *suite)
{
	return tcphs_flow_cache_init();
}

static void tt_suite_exit(struct kunit_suite *suite)
{
	tcphs_flow_cache_exit();	/* after rcu_barrier() */
}

static struct kunit_case tcphs_table_cases[] = {
	KUNIT_CASE(table_find_test),
	KUNIT_CASE(table_family_test),
	KUNIT_CASE(table_hash_test),
	KUNIT_CASE(table_hash_bytes_test),
	KUNIT_CASE(table_limits_test),
	KUNIT_CASE_PARAM_ATTR(table_buckets_test, table_buckets_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE(table_unlink_test),
	KUNIT_CASE(table_tracked_test),
	KUNIT_CASE(table_evict_test),
	KUNIT_CASE(table_destroy_test),
	KUNIT_CASE(table_sweep_test),
	KUNIT_CASE(table_sweep_pause_test),
	KUNIT_CASE(table_walk_test),
	KUNIT_CASE(table_walk_big_test),
	KUNIT_CASE(table_walk_edges_test),
	KUNIT_CASE_SLOW(table_model_test),
	{}
};

static struct kunit_suite tcphs_table_suite = {
	.name = "tcphs_table",
	.init = tt_init,
	.exit = tt_exit,
	.suite_init = tt_suite_init,
	.suite_exit = tt_suite_exit,
	.test_cases = tcphs_table_cases,
};

kunit_test_suite(tcphs_table_suite);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests of tcphs's flow table");
