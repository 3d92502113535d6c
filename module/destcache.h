/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel half of the per-destination option cache (dest.h holds the
 * pure half): a namespace's slots, hashed with the cache's own secret,
 * read and written whole without a lock.
 */
#ifndef _TCPHS_DESTCACHE_H
#define _TCPHS_DESTCACHE_H

#include <linux/siphash.h>

#include "dest.h"
#include "parse.h"
#include "tuple.h"

struct tcphs_dest_cache {
	siphash_key_t key;
	u64 slot[TCPHS_DEST_SLOTS];
};

void tcphs_destcache_init(struct tcphs_dest_cache *dc);
/* What @tu's server announced, or the defaults. */
void tcphs_destcache_known(struct tcphs_dest_cache *dc,
			   const struct tcphs_tuple *tu, struct tcphs_hsopts *srv);
/*
 * Learn from the server's SYN-ACK; true if it said something new.
 * *@mss_refused: its MSS was too small to believe, and not learned.
 */
bool tcphs_destcache_heard(struct tcphs_dest_cache *dc,
			   const struct tcphs_tuple *tu,
			   const struct tcphs_hsopts *asked,
			   const struct tcphs_seg *synack, bool *mss_refused);
void tcphs_hsopts_of(const struct tcphs_seg *seg, u8 family,
		     struct tcphs_hsopts *o);

#endif /* _TCPHS_DESTCACHE_H */
