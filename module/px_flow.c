// SPDX-License-Identifier: GPL-2.0
/*
 * A proxied flow: the object that holds it (its handshake record first),
 * its life in the table, the segments tcphs sends for it, and its part in
 * the GC: a server that has not answered our SYN gets it again, with
 * backoff; after the last try the client is reset and the flow goes.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>

#include "gc.h"
#include "netns.h"
#include "px.h"
#include "stats.h"

/* SYNs to a silent server: at 0, 1 and 3 s; the client is reset at 7 s. */
#define TCPHS_PX_SYN_RETRIES	2

static struct kmem_cache *tcphs_px_cache __read_mostly;

int tcphs_proxy_cache_init(void)
{
	tcphs_px_cache = KMEM_CACHE(tcphs_proxy, 0);
	return tcphs_px_cache ? 0 : -ENOMEM;
}

/* After rcu_barrier(): every flow freed by call_rcu() is gone. */
void tcphs_proxy_cache_exit(void)
{
	kmem_cache_destroy(tcphs_px_cache);
}

void tcphs_proxy_net_init(struct tcphs_proxy_net *pn)
{
	atomic_set(&pn->halfopen, 0);
	pn->proxied = false;
	tcphs_destcache_init(&pn->dests);
	memset(pn->cookie_sent, 0, sizeof(pn->cookie_sent));
}

/*
 * A half-open flow counts against proxy_halfopen_max until it goes. The
 * count is its namespace's, next to the table it leaves.
 */
static void tcphs_px_unlinked(struct tcphs_table *t, struct tcphs_flow *flow)
{
	struct tcphs_net *tn = container_of(t, struct tcphs_net, table);

	if (tcphs_px(flow)->phase == TCPHS_PX_SYNACK)
		atomic_dec(&tn->px.halfopen);
}

void tcphs_px_free(struct tcphs_proxy *px)
{
	__skb_queue_purge(&px->held);
	kmem_cache_free(tcphs_px_cache, px);
}

static void tcphs_px_destroy(struct tcphs_flow *flow)
{
	tcphs_px_free(tcphs_px(flow));
}

static bool tcphs_px_expire(struct tcphs_flow *flow, struct tcphs_gc *gc)
{
	struct tcphs_proxy *px = tcphs_px(flow);
	struct tcphs_out *o;

	if (px->phase != TCPHS_PX_CONNECTING ||
	    time_before32(gc->now, px->syn_sent + (HZ << px->syn_tries)))
		return false;
	o = tcphs_gc_out(gc);
	if (!o)
		return false;	/* the next pass, then */
	if (px->syn_tries == TCPHS_PX_SYN_RETRIES) {
		tcphs_px_out_rst_client(px, o);
		tcphs_stat_inc(gc->stats, TCPHS_STAT_PROXY_TIMEOUT);
		return true;
	}
	px->syn_tries++;
	px->syn_sent = gc->now;
	tcphs_px_out_syn(px, o);
	tcphs_stat_inc(gc->stats, TCPHS_STAT_PROXY_SYN_RETRANS);
	return false;
}

static const struct tcphs_flow_ops tcphs_px_flow_ops = {
	.unlinked	= tcphs_px_unlinked,
	.destroy	= tcphs_px_destroy,
	.expire		= tcphs_px_expire,
};

bool tcphs_proxy_owns(const struct tcphs_flow *flow)
{
	return flow->ops == &tcphs_px_flow_ops;
}

struct tcphs_proxy *tcphs_px_new(const struct tcphs_tuple *tu)
{
	struct tcphs_proxy *px = kmem_cache_zalloc(tcphs_px_cache, GFP_ATOMIC);

	if (!px)
		return NULL;
	tcphs_flow_init(&px->flow, tu, &tcphs_px_flow_ops);
	__skb_queue_head_init(&px->held);
	return px;
}

/* ---- The segments tcphs sends for a flow ---- */

/* From the server's address to the client's. */
static void tcphs_px_to_client(const struct tcphs_tuple *tu,
			       struct tcphs_out *o)
{
	memset(o, 0, sizeof(*o));
	o->family = tu->family;
	o->saddr = tu->daddr;
	o->daddr = tu->saddr;
	o->sport = tu->dport;
	o->dport = tu->sport;
}

/* From the client's address to the server's, as the client would send. */
static void tcphs_px_to_server(const struct tcphs_proxy *px,
			       struct tcphs_out *o)
{
	const struct tcphs_tuple *tu = &px->flow.tuple;

	memset(o, 0, sizeof(*o));
	o->family = tu->family;
	o->saddr = tu->saddr;
	o->daddr = tu->daddr;
	o->sport = tu->sport;
	o->dport = tu->dport;
	o->to_server = true;
	o->ifindex = px->ifindex;
	o->ts = px->ts;
	o->tsval = px->client_tsval;
}

void tcphs_px_out_synack(const struct tcphs_tuple *tu,
			 const struct tcphs_hsopts *ours, u32 isn,
			 u32 client_isn, u32 tsval, u32 tsecr,
			 struct tcphs_out *o)
{
	tcphs_px_to_client(tu, o);
	o->flags = TCPHS_SYN | TCPHS_ACK;
	o->seq = isn;
	o->ack = client_isn + 1;
	o->win = TCPHS_PX_WINDOW;
	o->opts = ours->syn;
	o->ts = ours->ts;
	o->tsval = tsval;
	o->tsecr = tsecr;
}

/* Our SYN to the server: the client's ISN, options, and latest TSval. */
void tcphs_px_out_syn(const struct tcphs_proxy *px, struct tcphs_out *o)
{
	tcphs_px_to_server(px, o);
	o->flags = TCPHS_SYN;
	o->seq = px->client_isn;
	o->win = min_t(u32, (u32)px->client_win << px->client_shift, U16_MAX);
	o->opts = px->opts;
}

/* The third ACK to the server, in the client's numbers: hooks translate. */
void tcphs_px_out_ack(const struct tcphs_proxy *px, struct tcphs_out *o)
{
	tcphs_px_to_server(px, o);
	o->flags = TCPHS_ACK;
	o->seq = px->client_isn + 1;
	o->ack = px->our_isn + 1;
	o->win = px->client_win;
	o->tsecr = px->our_tsval;
}

/*
 * RFC 9293 3.10.7.1: what a closed port answers an ACK of no connection
 * with, a RST at SEG.ACK. The tuple is the segment's own.
 */
void tcphs_px_out_rst_stray(const struct tcphs_pkt *p, struct tcphs_out *o)
{
	tcphs_px_to_client(p->tu, o);
	o->flags = TCPHS_RST;
	o->seq = p->seg->ack;
}

void tcphs_px_out_rst_client(const struct tcphs_proxy *px,
			     struct tcphs_out *o)
{
	tcphs_px_to_client(&px->flow.tuple, o);
	o->flags = TCPHS_RST | TCPHS_ACK;
	o->seq = px->our_isn + 1;
	o->ack = px->client_isn + 1;
}

void tcphs_px_send(struct tcphs_net *tn, const struct tcphs_out *out,
		   unsigned int n)
{
	unsigned int failed = tcphs_out_send(tn->net, out, n);

	if (failed)
		tcphs_stat_add(tn->stats, TCPHS_STAT_PROXY_XMIT_FAILED, failed);
}

/* Send the held segments on, in order; the hooks translate them. */
void tcphs_px_release(struct tcphs_net *tn, struct sk_buff_head *q,
		      int ifindex)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(q)) != NULL)
		if (!tcphs_out_inject(tn->net, skb, ifindex))
			tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_XMIT_FAILED);
}
