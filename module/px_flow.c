// SPDX-License-Identifier: GPL-2.0
/*
 * A proxied flow: the object that holds it (its handshake record first),
 * its life in the table, the segments tcphs sends for it, and its part in
 * the GC: a server that has not answered our SYN gets it again, with
 * backoff; after the last try the client is reset and the flow goes.
 */
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "gc.h"
#include "netns.h"
#include "px.h"
#include "report.h"
#include "stats.h"

/* SYNs to a silent server: at 0, 1 and 3 s; the client is reset at 7 s. */
#define TCPHS_PX_SYN_RETRIES	2

static struct kmem_cache *tcphs_px_cache __read_mostly;

/*
 * What all namespaces together may hold for servers: 1/64 of RAM. Held
 * segments came in as any skb does and are charged to no memory cgroup
 * (a module cannot charge an skb: mem_cgroup_charge_skmem() is not
 * exported), so each namespace's proxy_held_max and this bound them.
 */
static atomic_long_t tcphs_px_held_total;
static unsigned long tcphs_px_held_limit __read_mostly;

int tcphs_proxy_cache_init(void)
{
	tcphs_px_held_limit = (totalram_pages() << PAGE_SHIFT) / 64;
	tcphs_px_cache = KMEM_CACHE(tcphs_proxy, SLAB_ACCOUNT);
	return tcphs_px_cache ? 0 : -ENOMEM;
}

/* Room for @truesize more of @px's held segments, in its namespace and all. */
bool tcphs_px_held_charge(struct tcphs_net *tn, struct tcphs_proxy *px,
			  unsigned int truesize)
{
	if (atomic_add_return(truesize, &tn->px.held) >
	    READ_ONCE(tn->cfg.proxy_held_max))
		goto undo_net;
	if (atomic_long_add_return(truesize, &tcphs_px_held_total) >
	    tcphs_px_held_limit)
		goto undo_all;
	px->held_truesize += truesize;
	return true;

undo_all:
	atomic_long_sub(truesize, &tcphs_px_held_total);
undo_net:
	atomic_sub(truesize, &tn->px.held);
	return false;
}

/* @px's held segments go on, or will be freed with it. */
void tcphs_px_held_uncharge(struct tcphs_net *tn, struct tcphs_proxy *px)
{
	atomic_sub(px->held_truesize, &tn->px.held);
	atomic_long_sub(px->held_truesize, &tcphs_px_held_total);
	px->held_truesize = 0;
}

/* After rcu_barrier(): every flow freed by call_rcu() is gone. */
void tcphs_proxy_cache_exit(void)
{
	kmem_cache_destroy(tcphs_px_cache);
}

void tcphs_proxy_net_init(struct tcphs_proxy_net *pn)
{
	atomic_set(&pn->halfopen, 0);
	atomic_set(&pn->held, 0);
	pn->proxied = false;
	tcphs_destcache_init(&pn->dests);
	memset(pn->cookie_sent, 0, sizeof(pn->cookie_sent));
	memset(&pn->pause, 0, sizeof(pn->pause));
	spin_lock_init(&pn->pause_lock);
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
	/* No segment is held after the unlink (px_server.c checks). */
	tcphs_px_held_uncharge(tn, tcphs_px(flow));
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

/* A server that has not answered: our SYN again, or the client reset. */
static enum tcphs_sweep tcphs_px_retry(struct tcphs_proxy *px,
				       struct tcphs_gc *gc)
{
	struct tcphs_out *o;

	if (time_before32(gc->now, px->syn_sent + (HZ << px->syn_tries)))
		return TCPHS_SWEEP_KEEP;
	o = tcphs_gc_out(gc);
	if (!o)
		return TCPHS_SWEEP_PAUSE;
	if (px->syn_tries == TCPHS_PX_SYN_RETRIES) {
		tcphs_px_out_rst_client(px, o);
		tcphs_stat_inc(gc->stats, TCPHS_STAT_PROXY_TIMEOUT);
		return TCPHS_SWEEP_UNLINK;
	}
	px->syn_tries++;
	px->syn_sent = gc->now;
	px->flow.rtt.stamp_us = tcphs_now_us();	/* the server leg again */
	tcphs_px_out_syn(px, o);
	tcphs_stat_inc(gc->stats, TCPHS_STAT_PROXY_SYN_RETRANS);
	return TCPHS_SWEEP_KEEP;
}

/*
 * The flow goes (idle past its timeout, or all of them: see
 * tcphs_proxy_flush()). A flow the client proved real is ended at both
 * ends, or they would wait on a connection whose numbers no longer mean
 * anything here; a half-open one goes quietly, as its cookie would, and
 * so does one both of whose ends have closed.
 */
static enum tcphs_sweep tcphs_px_end(struct tcphs_proxy *px,
				     struct tcphs_gc *gc)
{
	if (px->phase == TCPHS_PX_SYNACK || tcphs_fsm_closing(&px->flow.hs))
		return TCPHS_SWEEP_UNLINK;
	if (gc->max_out - gc->nr_out < TCPHS_PX_END_RESETS)
		return TCPHS_SWEEP_PAUSE;
	gc->nr_out += tcphs_px_out_resets(px, &gc->out[gc->nr_out]);
	tcphs_stat_inc(gc->stats, TCPHS_STAT_PROXY_ENDED);
	return TCPHS_SWEEP_UNLINK;
}

static enum tcphs_sweep tcphs_px_expire(struct tcphs_flow *flow,
					struct tcphs_gc *gc)
{
	struct tcphs_proxy *px = tcphs_px(flow);

	if (gc->idle)
		return tcphs_px_end(px, gc);
	if (px->phase == TCPHS_PX_CONNECTING)
		return tcphs_px_retry(px, gc);
	return TCPHS_SWEEP_KEEP;
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

/* Every proxied flow, as if idle; the tracked ones stay. */
static enum tcphs_sweep tcphs_px_flush_visit(struct tcphs_flow *flow,
					     void *arg)
{
	if (!tcphs_proxy_owns(flow))
		return TCPHS_SWEEP_KEEP;
	return tcphs_px_end(tcphs_px(flow), arg);
}

/*
 * Proxy mode's flows all end, both ends reset: at a switch to mode off,
 * which translates nothing more, and as the namespace or the module goes
 * (pre_exit, while its devices can still carry the resets). In process
 * context; a few flows at a time, each batch sent with no lock held.
 */
void tcphs_proxy_flush(struct tcphs_net *tn)
{
	struct tcphs_out out[2 * TCPHS_PX_END_RESETS];
	struct tcphs_gc gc = {
		.now = (u32)jiffies,
		.stats = tn->stats,
		.out = out,
		.max_out = ARRAY_SIZE(out),
		.idle = true,
	};

	if (READ_ONCE(tn->px.proxied))
		tcphs_gc_walk(tn, &gc, tcphs_px_flush_visit, &gc);
}

/* A new flow, charged to the namespace's memory cgroup (netns.h). */
struct tcphs_proxy *tcphs_px_new(struct tcphs_net *tn,
				 const struct tcphs_tuple *tu)
{
	struct mem_cgroup *old = tcphs_charge_begin(tn);
	struct tcphs_proxy *px = kmem_cache_zalloc(tcphs_px_cache,
						   TCPHS_GFP_FLOW);

	set_active_memcg(old);
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

/*
 * RSTs for one receiver, in the numbers it uses: at @snd_nxt, what its
 * peer has sent (as seen here), and at @rcv_nxt, what it last acknowledged,
 * if that differs (data in flight). A receiver resets at exactly RCV.NXT
 * (RFC 5961 3.2) and answers one elsewhere in its window with a challenge
 * ACK, so one of the two ends it whichever arrived first.
 */
static unsigned int tcphs_px_rst_pair(struct tcphs_out *o, u32 snd_nxt,
				      bool acked, u32 rcv_nxt)
{
	o[0].flags = TCPHS_RST;
	o[0].seq = snd_nxt;
	o[0].ts = false;
	if (!acked || rcv_nxt == snd_nxt)
		return 1;
	o[1] = o[0];
	o[1].seq = rcv_nxt;
	return 2;
}

/*
 * A flow tcphs ends itself: the RSTs both ends accept, at most
 * TCPHS_PX_END_RESETS. The record follows the server's numbers: the
 * client's in it are its own, the server's are ours + seq_delta.
 */
unsigned int tcphs_px_out_resets(const struct tcphs_proxy *px,
				 struct tcphs_out *o)
{
	const struct tcphs_peer *client = &px->flow.hs.peer[TCPHS_DIR_ORIG];
	const struct tcphs_peer *server = &px->flow.hs.peer[TCPHS_DIR_REPLY];
	bool client_acked = client->seen & TCPHS_SEEN_ACK;
	bool server_acked = server->seen & TCPHS_SEEN_ACK;
	unsigned int n;

	if (px->phase == TCPHS_PX_CONNECTING) {
		/* The server had our SYN at most: it expects the client's ISN + 1. */
		tcphs_px_out_rst_client(px, o);
		tcphs_px_to_server(px, &o[1]);
		return 1 + tcphs_px_rst_pair(&o[1], px->client_isn + 1, false, 0);
	}
	tcphs_px_to_client(&px->flow.tuple, o);
	n = tcphs_px_rst_pair(o, server->end - px->seq_delta, client_acked,
			      client->ack - px->seq_delta);
	tcphs_px_to_server(px, &o[n]);
	return n + tcphs_px_rst_pair(&o[n], client->end, server_acked,
				     server->ack);
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
