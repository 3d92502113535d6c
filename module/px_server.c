// SPDX-License-Identifier: GPL-2.0
/*
 * The segments of a flow proxy mode keeps, by phase: while our SYN-ACK
 * waits for the third ACK (px_client.c), while our SYN waits for the
 * server's SYN-ACK, which opens the flow, and then for good, each one
 * translated (rewrite.c) and tracked in the server's numbers.
 */
#include <linux/netfilter.h>

#include "netns.h"
#include "px.h"
#include "report.h"
#include "rewrite.h"
#include "stats.h"

/*
 * Client to server: its acknowledgments and SACK blocks of the server's
 * data, and its timestamp echoes, are in the numbers we gave it.
 */
static void tcphs_xlate_orig(const struct tcphs_proxy *px,
			     struct tcphs_seg *seg, struct tcphs_xlate *x)
{
	unsigned int i;

	memset(x, 0, sizeof(*x));
	x->ack_add = px->seq_delta;
	x->sack_add = px->seq_delta;
	x->tsecr_add = px->ts_delta;
	x->win_from = px->client_shift;
	x->win_to = px->server_view_shift;
	/* The state machine follows the flow in the server's numbers. */
	seg->ack += px->seq_delta;
	seg->opt.tsecr += px->ts_delta;
	for (i = 0; i < seg->opt.nr_sack; i++) {
		seg->opt.sack[i].start += px->seq_delta;
		seg->opt.sack[i].end += px->seq_delta;
	}
	if (!(seg->flags & TCPHS_SYN))
		seg->window = tcphs_rescale(seg->window, x->win_from, x->win_to);
}

static void tcphs_xlate_reply(const struct tcphs_proxy *px,
			      struct tcphs_xlate *x)
{
	memset(x, 0, sizeof(*x));
	x->seq_add = -px->seq_delta;
	x->tsval_add = -px->ts_delta;
	x->win_from = px->server_shift;
	x->win_to = px->client_view_shift;
}

/* Where a known flow's segment goes. */
enum tcphs_px_fate {
	TCPHS_PX_FATE_DECIDED,	/* the verdict says */
	TCPHS_PX_FATE_TRACK,	/* translated: track it as usual */
	TCPHS_PX_FATE_REOPEN,	/* the flow is gone: a new one's SYN */
};

/* What a known flow's segment turned into; sent after the lock. */
struct tcphs_px_result {
	enum tcphs_px_fate fate;
	unsigned int verdict;		/* NF_DROP unless a step says */
	unsigned int nr_out;
	struct tcphs_out out[1];
	struct sk_buff_head release;	/* held segments, now for the server */
	int ifindex;
	enum tcphs_stat stat;		/* one counter to bump, if not 0 */
	bool learned;			/* and proxy_learned */
	bool mss_refused;		/* and proxy_mss_refused */
	bool rescaled;			/* and proxy_rescaled */
	struct tcphs_xlate x;		/* for FATE_TRACK */
};

/* The segment is dealt with: @verdict, and it is not the hook's. */
static void tcphs_px_decide(struct tcphs_px_result *r, unsigned int verdict)
{
	r->fate = TCPHS_PX_FATE_DECIDED;
	r->verdict = verdict;
}

/* Stolen: the skb is ours, and done with. */
static void tcphs_px_consume(struct tcphs_px_result *r, struct sk_buff *skb)
{
	consume_skb(skb);
	tcphs_px_decide(r, NF_STOLEN);
}

static void tcphs_px_synack_phase(struct tcphs_net *tn,
				  struct tcphs_proxy *px,
				  const struct tcphs_pkt *p, enum tcphs_dir dir,
				  struct tcphs_px_result *r)
{
	const struct tcphs_seg *seg = p->seg;
	struct tcphs_hsopts ours, to_server;

	r->stat = TCPHS_STAT_PROXY_STRAY;	/* unless a step below fits */
	if (dir != TCPHS_DIR_ORIG)
		return;
	switch (tcphs_fsm_event(seg->flags)) {
	case TCPHS_EV_SYN:
		if (seg->seq == px->client_isn) {
			/* Ours was lost: the same answer again. */
			r->stat = TCPHS_STAT_SYNACK_RETRANS;
		} else {
			/* A new handshake on the same tuple. */
			tcphs_px_offer(tn, p, &ours, &to_server);
			tcphs_px_take_syn(tn, px, seg->seq, &ours, &to_server);
			r->stat = TCPHS_STAT_RESTARTS;
		}
		/* What the first SYN-ACK said, again. */
		ours.syn.mss = px->our_mss;
		ours.syn.wscale = px->our_wscale;
		ours.syn.sack = px->opts.sack;
		ours.ts = px->ts;
		tcphs_px_out_synack(&px->flow.tuple, &ours, px->our_isn,
				    px->client_isn, px->our_tsval,
				    seg->opt.tsval, &r->out[r->nr_out++]);
		tcphs_px_consume(r, p->skb);
		return;
	case TCPHS_EV_ACK:
	case TCPHS_EV_FIN:	/* the third ACK lost, its data and FIN not */
		if (seg->ack != px->our_isn + 1 ||
		    seg->seq != px->client_isn + 1) {
			r->stat = TCPHS_STAT_PROXY_ACK_BAD;
			return;
		}
		atomic_dec(&tn->px.halfopen);	/* before the phase moves on */
		tcphs_flow_rtt_end(tn->stats, &px->flow, TCPHS_LEG_CLIENT);
		tcphs_px_accept(px, p, px->phase, &r->out[r->nr_out++]);
		r->stat = TCPHS_STAT_PROXY_CONNECT;
		tcphs_px_decide(r, tcphs_px_hold(tn, px, p));
		return;
	case TCPHS_EV_RST:	/* RFC 5961 3.2: only at RCV.NXT exactly */
		if (seg->seq == px->client_isn + 1) {
			tcphs_table_unlink(&tn->table, &px->flow);
			r->stat = TCPHS_STAT_FLOWS_RESET;
		}
		return;
	default:
		return;
	}
}

/* The server's SYN-ACK: take its numbers, and let the held segments go. */
static void tcphs_px_server_open(struct tcphs_net *tn, struct tcphs_proxy *px,
				 const struct tcphs_pkt *p,
				 struct tcphs_px_result *r)
{
	struct tcphs_flow *flow = &px->flow;
	const struct tcphs_seg *seg = p->seg;
	bool scaled = (seg->opt.present & TCPHS_OPT_WSCALE) &&
		      px->opts.wscale != TCPHS_NO_WSCALE;
	struct tcphs_hsopts asked = { .syn = px->opts, .ts = px->ts };
	struct tcphs_seg ack = {};
	struct tcphs_step st;

	r->learned = tcphs_destcache_heard(&tn->px.dests, &flow->tuple, &asked,
					   seg, &r->mss_refused);
	px->seq_delta = seg->seq - px->our_isn;
	px->ts = px->ts && (seg->opt.present & TCPHS_OPT_TS);
	px->ts_delta = px->ts ? seg->opt.tsval - px->our_tsval : 0;
	px->server_shift = scaled ? seg->opt.wscale : 0;
	px->server_view_shift = scaled ? px->opts.wscale : 0;
	trace_tcphs_proxy_phase(&flow->tuple, px->phase, TCPHS_PX_OPEN);
	tcphs_flow_rtt_end(tn->stats, flow, TCPHS_LEG_SERVER);
	px->phase = TCPHS_PX_OPEN;
	if (px->server_shift != px->client_view_shift ||
	    px->client_shift != px->server_view_shift)
		r->rescaled = true;

	st = tcphs_fsm_step(&flow->hs, seg, TCPHS_DIR_REPLY);
	tcphs_flow_commit(tn->net, flow, seg, TCPHS_DIR_REPLY, &st);

	/* The third ACK, in the server's numbers, as the record sees it. */
	ack.seq = px->client_isn + 1;
	ack.ack = seg->seq + 1;
	ack.sport = seg->dport;
	ack.dport = seg->sport;
	ack.flags = TCPHS_ACK;
	ack.window = tcphs_rescale(px->client_win, px->client_shift,
				   px->server_view_shift);
	st = tcphs_fsm_step(&flow->hs, &ack, TCPHS_DIR_ORIG);
	tcphs_flow_commit(tn->net, flow, &ack, TCPHS_DIR_ORIG, &st);

	/* Nothing held: a bare ACK, in the client's numbers. */
	if (skb_queue_empty(&px->held))
		tcphs_px_out_ack(px, &r->out[r->nr_out++]);
	skb_queue_splice_init(&px->held, &r->release);
	px->held_bytes = 0;
	tcphs_px_held_uncharge(tn, px);
	r->ifindex = px->ifindex;
	r->stat = TCPHS_STAT_PROXY_OPEN;
	tcphs_px_consume(r, p->skb);
}

static void tcphs_px_connecting_phase(struct tcphs_net *tn,
				      struct tcphs_proxy *px,
				      const struct tcphs_pkt *p,
				      enum tcphs_dir dir,
				      struct tcphs_px_result *r)
{
	const struct tcphs_seg *seg = p->seg;
	enum tcphs_event ev = tcphs_fsm_event(seg->flags);

	if (dir == TCPHS_DIR_ORIG) {
		if (ev == TCPHS_EV_SYN) {
			/* Ours carries no data; the client's SYN is answered. */
			if (seg->seq == px->client_isn && !seg->payload_len)
				tcphs_px_decide(r, NF_ACCEPT);	/* ours, going */
			else
				r->stat = TCPHS_STAT_PROXY_STRAY;
		} else if (ev == TCPHS_EV_RST) {
			/* RFC 5961 3.2: where what it sent ends (a FIN too). */
			if (seg->seq - (px->client_isn + 1) >
			    px->held_bytes + 1) {
				r->stat = TCPHS_STAT_PROXY_STRAY;
				return;
			}
			tcphs_table_unlink(&tn->table, &px->flow);
			r->stat = TCPHS_STAT_FLOWS_RESET;
			/* The server drops its half. */
			tcphs_px_decide(r, NF_ACCEPT);
		} else {
			/* A bare ACK has nothing to hold: counted, taken. */
			if (!seg->payload_len && !(seg->flags & TCPHS_FIN))
				r->stat = TCPHS_STAT_PROXY_ABSORBED;
			tcphs_px_decide(r, tcphs_px_hold(tn, px, p));
		}
		return;
	}
	if (ev == TCPHS_EV_SYNACK && seg->ack == px->client_isn + 1) {
		/* The client knows its ISN: it could answer for the server. */
		if (tcphs_out_came_back(p->state, px->flow.tuple.family,
					&p->tu->saddr))
			tcphs_px_server_open(tn, px, p, r);
		else
			r->stat = TCPHS_STAT_PROXY_SYNACK_FORGED;
	} else if (ev == TCPHS_EV_RST && (seg->flags & TCPHS_ACK) &&
		   seg->ack == px->client_isn + 1) {
		/* RFC 9293 3.10.7.3: in SYN-SENT, only if it acks our SYN. */
		tcphs_px_out_rst_client(px, &r->out[r->nr_out++]);
		tcphs_table_unlink(&tn->table, &px->flow);
		r->stat = TCPHS_STAT_PROXY_REFUSED;
	} else {
		r->stat = TCPHS_STAT_PROXY_STRAY;
	}
}

/* Under the bucket lock: what becomes of a known flow's segment. */
static void tcphs_px_step(struct tcphs_net *tn, struct tcphs_proxy *px,
			  struct tcphs_pkt *p, enum tcphs_dir dir,
			  struct tcphs_px_result *r)
{
	switch (px->phase) {
	case TCPHS_PX_SYNACK:
		tcphs_px_synack_phase(tn, px, p, dir, r);
		return;
	case TCPHS_PX_CONNECTING:
		tcphs_px_connecting_phase(tn, px, p, dir, r);
		return;
	default:
		break;
	}
	/*
	 * A client's new SYN on the closed connection's tuple, as the state
	 * machine restarts a flow (RFC 6191): it has to prove itself like
	 * any other and must not inherit the old translation.
	 */
	if (tcphs_fsm_reuses(&px->flow.hs, p->seg, dir)) {
		tcphs_table_unlink(&tn->table, &px->flow);
		r->stat = TCPHS_STAT_RESTARTS;
		r->fate = TCPHS_PX_FATE_REOPEN;
		return;
	}
	/* Open: translate, then track in the server's numbers. */
	if (dir == TCPHS_DIR_ORIG)
		tcphs_xlate_orig(px, p->seg, &r->x);
	else
		tcphs_xlate_reply(px, &r->x);
	r->fate = TCPHS_PX_FATE_TRACK;
}

static void tcphs_px_count(struct tcphs_net *tn,
			   const struct tcphs_px_result *r)
{
	if (r->stat)
		tcphs_stat_inc(tn->stats, r->stat);
	if (r->stat == TCPHS_STAT_PROXY_OPEN)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_FLOWS_ESTABLISHED);
	if (r->learned)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_LEARNED);
	if (r->rescaled)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_RESCALED);
	if (r->mss_refused)
		tcphs_stat_inc(tn->stats, TCPHS_STAT_PROXY_MSS_REFUSED);
}

static enum tcphs_px_fate tcphs_px_known(struct tcphs_net *tn,
					 struct tcphs_pkt *p,
					 struct tcphs_proxy *px, u32 hash,
					 enum tcphs_dir dir,
					 unsigned int *verdict)
{
	spinlock_t *lock = tcphs_table_lock(&tn->table, hash);
	struct tcphs_px_result r = {
		.fate = TCPHS_PX_FATE_DECIDED,
		.verdict = NF_DROP,
	};

	/* A client's segments arrive: none of ours comes from this host. */
	if (dir == TCPHS_DIR_ORIG && p->state->hook != NF_INET_PRE_ROUTING) {
		*verdict = tcphs_px_drop(tn, TCPHS_STAT_PROXY_STRAY);
		return TCPHS_PX_FATE_DECIDED;
	}
	__skb_queue_head_init(&r.release);
	spin_lock_bh(lock);
	if (!tcphs_flow_linked(&px->flow)) {
		spin_unlock_bh(lock);
		return TCPHS_PX_FATE_TRACK;
	}
	tcphs_px_step(tn, px, p, dir, &r);
	spin_unlock_bh(lock);

	if (r.fate == TCPHS_PX_FATE_TRACK &&
	    !tcphs_rewrite_skb(p->skb, p->thoff, p->seg->hdr_len, &r.x)) {
		tcphs_px_decide(&r, NF_DROP);	/* not writable: no memory */
		r.stat = TCPHS_STAT_PROXY_STRAY;
	}
	tcphs_px_count(tn, &r);
	tcphs_px_send(tn, r.out, r.nr_out);
	tcphs_px_release(tn, &r.release, r.ifindex);
	*verdict = r.verdict == NF_DROP ? tcphs_drop_verdict(r.stat) :
					  r.verdict;
	return r.fate;
}

enum tcphs_px_outcome tcphs_proxy_segment(struct tcphs_net *tn,
					  struct tcphs_pkt *p, bool answer,
					  unsigned int *verdict)
{
	struct tcphs_table *t = &tn->table;
	u32 hash = tcphs_table_hash(t, p->tu);
	struct tcphs_flow *flow;
	enum tcphs_dir dir;

	flow = tcphs_table_find(t, hash, p->tu, &dir);
	if (flow && tcphs_proxy_owns(flow)) {
		switch (tcphs_px_known(tn, p, tcphs_px(flow), hash, dir,
				       verdict)) {
		case TCPHS_PX_FATE_DECIDED:
			return TCPHS_PX_DECIDED;
		case TCPHS_PX_FATE_TRACK:
			return TCPHS_PX_TRACK;
		case TCPHS_PX_FATE_REOPEN:
			flow = NULL;	/* the old connection's record is gone */
			break;
		}
	}
	if (!answer || flow || p->state->hook != NF_INET_PRE_ROUTING ||
	    !tcphs_px_port(tn, p->seg->dport))
		return TCPHS_PX_TRACK;
	switch (tcphs_fsm_event(p->seg->flags)) {
	case TCPHS_EV_SYN:
		*verdict = tcphs_px_syn(tn, p, hash);
		return TCPHS_PX_DECIDED;
	case TCPHS_EV_ACK:
	case TCPHS_EV_FIN:
		*verdict = tcphs_px_cookie_ack(tn, p, hash);
		return TCPHS_PX_DECIDED;
	default:
		return TCPHS_PX_TRACK;
	}
}
