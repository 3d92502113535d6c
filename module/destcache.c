// SPDX-License-Identifier: GPL-2.0
/* The per-destination option cache, kernel half; see destcache.h. */
#include <linux/random.h>
#include <linux/ktime.h>

#include "destcache.h"

void tcphs_destcache_init(struct tcphs_dest_cache *dc)
{
	memset(dc->slot, 0, sizeof(dc->slot));
	get_random_bytes(&dc->key, sizeof(dc->key));
}

/* What a SYN or SYN-ACK announced; RFC 9293 3.7.1 for a missing MSS. */
void tcphs_hsopts_of(const struct tcphs_seg *seg, u8 family,
		     struct tcphs_hsopts *o)
{
	const struct tcphs_opts *opt = &seg->opt;

	o->syn.mss = opt->present & TCPHS_OPT_MSS ? opt->mss :
		     family == NFPROTO_IPV4 ? 536 : 1220;
	o->syn.wscale = opt->present & TCPHS_OPT_WSCALE ? opt->wscale :
			TCPHS_NO_WSCALE;
	o->syn.sack = opt->present & TCPHS_OPT_SACK_PERM;
	o->ts = opt->present & TCPHS_OPT_TS;
}

static u64 *tcphs_dest_slot(struct tcphs_dest_cache *dc,
			    const struct tcphs_tuple *tu, u32 *tag)
{
	struct {
		union nf_inet_addr daddr;
		__be16 dport;
		u8 family;
	} __aligned(8) key;
	u64 hash;

	/* Padding included: an initializer need not zero it. */
	memset(&key, 0, sizeof(key));
	key.daddr = tu->daddr;
	key.dport = tu->dport;
	key.family = tu->family;
	hash = siphash(&key, sizeof(key), &dc->key);

	*tag = hash >> 32;
	return &dc->slot[hash & (TCPHS_DEST_SLOTS - 1)];
}

void tcphs_destcache_known(struct tcphs_dest_cache *dc,
			   const struct tcphs_tuple *tu, struct tcphs_hsopts *srv)
{
	u32 tag, tick = tcphs_dest_tick(ktime_get_ns());
	u64 *slot = tcphs_dest_slot(dc, tu, &tag);

	if (!tcphs_dest_unpack(READ_ONCE(*slot), tag, tick, srv))
		tcphs_dest_default(tu->family == NFPROTO_IPV6, srv);
}

bool tcphs_destcache_heard(struct tcphs_dest_cache *dc,
			   const struct tcphs_tuple *tu,
			   const struct tcphs_hsopts *asked,
			   const struct tcphs_seg *synack, bool *mss_refused)
{
	u32 tag, tick = tcphs_dest_tick(ktime_get_ns());
	u64 *slot = tcphs_dest_slot(dc, tu, &tag);
	struct tcphs_hsopts known, answer, before;
	bool had = tcphs_dest_unpack(READ_ONCE(*slot), tag, tick, &known);
	u64 fresh;

	if (!had)
		tcphs_dest_default(tu->family == NFPROTO_IPV6, &known);
	before = known;
	tcphs_hsopts_of(synack, tu->family, &answer);
	*mss_refused = !tcphs_dest_learn(&known, asked, &answer);
	fresh = tcphs_dest_pack(tag, tick, &known);
	/*
	 * Rewritten only when it says something new: an entry ages from when
	 * it was learned, however busy, so that a refusal is asked about
	 * again (and the cache line is spared).
	 */
	if (had && fresh == tcphs_dest_pack(tag, tick, &before))
		return false;
	WRITE_ONCE(*slot, fresh);
	return true;
}
