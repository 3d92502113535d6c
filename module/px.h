/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Proxy mode's insides, shared by its files:
 *
 *   px_flow.c    a proxied flow: its object, its life in the table, the
 *                segments tcphs sends for it, its GC
 *   px_icmp.c    ICMP and ICMPv6 errors quoting an open flow's segment:
 *                the quote translated back (quote.c finds it)
 *   px_client.c  the handshake with the client: our SYN-ACK (a kept flow
 *                or a cookie), the third ACK, what is held for the server
 *   px_server.c  the segments of a known flow, by phase: the server's
 *                SYN-ACK opens it, then each segment is translated
 *
 *   client                 tcphs                        server
 *   SYN ------------------> kept (or only a cookie)
 *       <------------------ SYN-ACK: ISN by isn_policy, a real window
 *   ACK (+ data) ---------> checked; data held
 *                           SYN: the client's ISN and options -->
 *                           <------------------------------ SYN-ACK
 *                           ACK, or the held segments -------->
 *   <== for good: server seq - delta, client ack + delta, SACK, TS ==>
 *
 * Every decision is taken under the flow's bucket lock; every segment is
 * sent after it is dropped.
 */
#ifndef _TCPHS_PX_H
#define _TCPHS_PX_H

#include <linux/skbuff.h>

#include "dest.h"
#include "out.h"
#include "proxy.h"
#include "table.h"

/* The window of our SYN-ACK: what a client may send before the server. */
#define TCPHS_PX_WINDOW		65535
/* The low bits of our TSval hold the shift we announced (a cookie's). */
#define TCPHS_PX_TSVAL_SHIFT	0xf

enum tcphs_px_phase {
	TCPHS_PX_SYNACK,	/* our SYN-ACK is out; the third ACK is owed */
	TCPHS_PX_CONNECTING,	/* the client proved real; our SYN is out */
	TCPHS_PX_OPEN,		/* the server answered: translate */
};

/* A proxied flow: its handshake record, and what translating it takes. */
struct tcphs_proxy {
	struct tcphs_flow flow;
	struct sk_buff_head held;	/* client segments for the server */
	u32 syn_sent;		/* jiffies of our last SYN (low 32 bits) */
	u32 client_isn;
	u32 our_isn;		/* of our SYN-ACK to the client */
	u32 seq_delta;		/* server's ISN - ours */
	u32 our_tsval;		/* of our SYN-ACK */
	u32 ts_delta;		/* server's first TSval - ours */
	u32 client_tsval;	/* the client's latest */
	u32 held_bytes;		/* payload */
	u32 held_truesize;	/* what it costs, charged (px_flow.c) */
	int ifindex;		/* where the client's segments come in */
	u16 client_win;		/* the client's latest window field */
	u16 our_mss;		/* what our SYN-ACK announced */
	struct tcphs_synopts opts;	/* the client's SYN, as the server hears it */
	u8 phase;		/* enum tcphs_px_phase */
	bool ts;		/* timestamps on both sides */
	u8 our_wscale;		/* the shift our SYN-ACK announced */
	u8 syn_tries;
	/* Window shifts: what a sender applies, what its receiver assumes. */
	u8 client_shift;
	u8 server_view_shift;
	u8 server_shift;
	u8 client_view_shift;
};

static inline struct tcphs_proxy *tcphs_px(struct tcphs_flow *flow)
{
	return container_of(flow, struct tcphs_proxy, flow);
}

/* px_flow.c */
struct tcphs_proxy *tcphs_px_new(struct tcphs_net *tn,
				 const struct tcphs_tuple *tu);
void tcphs_px_free(struct tcphs_proxy *px);
bool tcphs_px_held_charge(struct tcphs_net *tn, struct tcphs_proxy *px,
			  unsigned int truesize);
void tcphs_px_held_uncharge(struct tcphs_net *tn, struct tcphs_proxy *px);
void tcphs_px_out_synack(const struct tcphs_tuple *tu,
			 const struct tcphs_hsopts *ours, u32 isn,
			 u32 client_isn, u32 tsval, u32 tsecr,
			 struct tcphs_out *o);
void tcphs_px_out_syn(const struct tcphs_proxy *px, struct tcphs_out *o);
void tcphs_px_out_ack(const struct tcphs_proxy *px, struct tcphs_out *o);
void tcphs_px_out_rst_stray(const struct tcphs_pkt *p, struct tcphs_out *o);
void tcphs_px_out_rst_client(const struct tcphs_proxy *px,
			     struct tcphs_out *o);
/* The most RSTs tcphs_px_out_resets() writes: two to each end. */
#define TCPHS_PX_END_RESETS	4
unsigned int tcphs_px_out_resets(const struct tcphs_proxy *px,
				 struct tcphs_out *o);
void tcphs_px_send(struct tcphs_net *tn, const struct tcphs_out *out,
		   unsigned int n);
void tcphs_px_release(struct tcphs_net *tn, struct sk_buff_head *q,
		      int ifindex);

/* px_client.c */
unsigned int tcphs_px_syn(struct tcphs_net *tn, const struct tcphs_pkt *p,
			  u32 hash);
unsigned int tcphs_px_cookie_ack(struct tcphs_net *tn,
				 const struct tcphs_pkt *p, u32 hash);
void tcphs_px_offer(struct tcphs_net *tn, const struct tcphs_pkt *p,
		    struct tcphs_hsopts *ours, struct tcphs_hsopts *to_server);
void tcphs_px_take_syn(struct tcphs_net *tn, struct tcphs_proxy *px,
		       u32 client_isn, const struct tcphs_hsopts *ours,
		       const struct tcphs_hsopts *to_server);
void tcphs_px_accept(struct tcphs_proxy *px, const struct tcphs_pkt *p,
		     int old_phase,
		     struct tcphs_out *syn);
unsigned int tcphs_px_drop(struct tcphs_net *tn, enum tcphs_stat why);
unsigned int tcphs_px_hold(struct tcphs_net *tn, struct tcphs_proxy *px,
			   const struct tcphs_pkt *p);
bool tcphs_px_port(const struct tcphs_net *tn, u16 port);

#endif /* _TCPHS_PX_H */
