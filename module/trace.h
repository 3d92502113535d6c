/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcphs's tracepoints, system tcphs: each state transition of a flow's
 * record, each drop with its reason, each proxy phase change and what
 * became of each cookie. A disabled tracepoint costs one static branch.
 *
 * The addresses are sockaddrs (as the tcp system's tracepoints keep them)
 * so that one format prints both families: "%pISpc" shows the address and
 * the port.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM tcphs

#if !defined(_TCPHS_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TCPHS_TRACE_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/tracepoint.h>

#include "fsm.h"
#include "px.h"
#include "tuple.h"

#ifndef _TCPHS_TRACE_ONCE
#define _TCPHS_TRACE_ONCE

/* What became of a cookie (trace_tcphs_cookie). */
enum tcphs_cookie_fate {
	TCPHS_COOKIE_SENT,	/* in the ISN of our SYN-ACK */
	TCPHS_COOKIE_ACCEPTED,	/* a third ACK carried it back */
	TCPHS_COOKIE_REFUSED,	/* a third ACK's failed the check */
	TCPHS_COOKIE_UNSENT,	/* an ACK came, but no cookie went lately */
};

static inline void tcphs_trace_addr(u8 *to, const union nf_inet_addr *a,
				    __be16 port, u8 family)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)to;
	struct sockaddr_in *sin = (struct sockaddr_in *)to;

	memset(to, 0, sizeof(*sin6));
	if (family == NFPROTO_IPV4) {
		sin->sin_family = AF_INET;
		sin->sin_port = port;
		sin->sin_addr.s_addr = a->ip;
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = port;
		sin6->sin6_addr = a->in6;
	}
}

/* A flow's (or a segment's) ends into an event's fields. */
static inline void tcphs_trace_ends(u8 *family, u8 *saddr, u8 *daddr,
				    const struct tcphs_tuple *tu)
{
	*family = tu->family;
	tcphs_trace_addr(saddr, &tu->saddr, tu->sport, tu->family);
	tcphs_trace_addr(daddr, &tu->daddr, tu->dport, tu->family);
}
#endif /* _TCPHS_TRACE_ONCE */

TRACE_DEFINE_ENUM(TCPHS_CLOSED);
TRACE_DEFINE_ENUM(TCPHS_SYN_SENT);
TRACE_DEFINE_ENUM(TCPHS_SYN_RCVD);
TRACE_DEFINE_ENUM(TCPHS_ESTABLISHED);
TRACE_DEFINE_ENUM(TCPHS_EV_SYN);
TRACE_DEFINE_ENUM(TCPHS_EV_SYNACK);
TRACE_DEFINE_ENUM(TCPHS_EV_ACK);
TRACE_DEFINE_ENUM(TCPHS_EV_FIN);
TRACE_DEFINE_ENUM(TCPHS_EV_RST);
TRACE_DEFINE_ENUM(TCPHS_EV_BAD);
TRACE_DEFINE_ENUM(TCPHS_DIR_ORIG);
TRACE_DEFINE_ENUM(TCPHS_DIR_REPLY);
TRACE_DEFINE_ENUM(TCPHS_PX_SYNACK);
TRACE_DEFINE_ENUM(TCPHS_PX_CONNECTING);
TRACE_DEFINE_ENUM(TCPHS_PX_OPEN);
TRACE_DEFINE_ENUM(TCPHS_COOKIE_SENT);
TRACE_DEFINE_ENUM(TCPHS_COOKIE_ACCEPTED);
TRACE_DEFINE_ENUM(TCPHS_COOKIE_REFUSED);
TRACE_DEFINE_ENUM(TCPHS_COOKIE_UNSENT);

#define tcphs_show_state(s)					\
	__print_symbolic(s,					\
		{ TCPHS_CLOSED,		"CLOSED" },		\
		{ TCPHS_SYN_SENT,	"SYN_SENT" },		\
		{ TCPHS_SYN_RCVD,	"SYN_RCVD" },		\
		{ TCPHS_ESTABLISHED,	"ESTABLISHED" })

#define tcphs_show_event(e)					\
	__print_symbolic(e,					\
		{ TCPHS_EV_SYN,		"syn" },		\
		{ TCPHS_EV_SYNACK,	"synack" },		\
		{ TCPHS_EV_ACK,		"ack" },		\
		{ TCPHS_EV_FIN,		"fin" },		\
		{ TCPHS_EV_RST,		"rst" },		\
		{ TCPHS_EV_BAD,		"bad" })

#define tcphs_show_dir(d)					\
	__print_symbolic(d,					\
		{ TCPHS_DIR_ORIG,	"orig" },		\
		{ TCPHS_DIR_REPLY,	"reply" })

#define tcphs_show_phase(p)					\
	__print_symbolic(p,					\
		{ -1,			"new" },		\
		{ TCPHS_PX_SYNACK,	"synack" },		\
		{ TCPHS_PX_CONNECTING,	"connecting" },		\
		{ TCPHS_PX_OPEN,	"open" })

#define tcphs_show_cookie(c)					\
	__print_symbolic(c,					\
		{ TCPHS_COOKIE_SENT,	"sent" },		\
		{ TCPHS_COOKIE_ACCEPTED, "accepted" },		\
		{ TCPHS_COOKIE_REFUSED,	"refused" },		\
		{ TCPHS_COOKIE_UNSENT,	"unsent" })

/* The flow's (or segment's) ends, source first. */
#define TCPHS_TP_ENDS						\
	__field(u8, family)					\
	__array(u8, saddr, sizeof(struct sockaddr_in6))		\
	__array(u8, daddr, sizeof(struct sockaddr_in6))

#define TCPHS_TP_STORE_ENDS(tu)					\
	tcphs_trace_ends(&__entry->family, __entry->saddr,	\
			 __entry->daddr, tu)

/* A flow's record changed state on a segment (the flow's own tuple). */
TRACE_EVENT(tcphs_transition,
	TP_PROTO(const struct tcphs_tuple *tu, u8 old_state, u8 new_state,
		 u8 event, u8 dir),
	TP_ARGS(tu, old_state, new_state, event, dir),
	TP_STRUCT__entry(
		TCPHS_TP_ENDS
		__field(u8, old_state)
		__field(u8, new_state)
		__field(u8, event)
		__field(u8, dir)
	),
	TP_fast_assign(
		TCPHS_TP_STORE_ENDS(tu);
		__entry->old_state = old_state;
		__entry->new_state = new_state;
		__entry->event = event;
		__entry->dir = dir;
	),
	TP_printk("%pISpc > %pISpc %s -> %s on %s (%s)",
		  __entry->saddr, __entry->daddr,
		  tcphs_show_state(__entry->old_state),
		  tcphs_show_state(__entry->new_state),
		  tcphs_show_event(__entry->event),
		  tcphs_show_dir(__entry->dir))
);

/*
 * A segment tcphs dropped (the segment's own addresses), under the name of
 * the counter that counted it; skb:kfree_skb then shows the same skbaddr
 * with the kernel's reason.
 */
TRACE_EVENT(tcphs_drop,
	TP_PROTO(const struct sk_buff *skb, const struct tcphs_tuple *tu,
		 const char *reason),
	TP_ARGS(skb, tu, reason),
	TP_STRUCT__entry(
		__field(const void *, skbaddr)
		TCPHS_TP_ENDS
		__array(char, reason, 24)
	),
	TP_fast_assign(
		__entry->skbaddr = skb;
		TCPHS_TP_STORE_ENDS(tu);
		strscpy(__entry->reason, reason, sizeof(__entry->reason));
	),
	TP_printk("skbaddr=%p %pISpc > %pISpc reason=%s", __entry->skbaddr,
		  __entry->saddr, __entry->daddr, __entry->reason)
);

/* A proxied flow moved on (the client first); -1: it is new. */
TRACE_EVENT(tcphs_proxy_phase,
	TP_PROTO(const struct tcphs_tuple *tu, int old_phase, u8 new_phase),
	TP_ARGS(tu, old_phase, new_phase),
	TP_STRUCT__entry(
		TCPHS_TP_ENDS
		__field(s8, old_phase)
		__field(u8, new_phase)
	),
	TP_fast_assign(
		TCPHS_TP_STORE_ENDS(tu);
		__entry->old_phase = old_phase;
		__entry->new_phase = new_phase;
	),
	TP_printk("%pISpc > %pISpc %s -> %s",
		  __entry->saddr, __entry->daddr,
		  tcphs_show_phase(__entry->old_phase),
		  tcphs_show_phase(__entry->new_phase))
);

/* A cookie of proxy mode (the client first). */
TRACE_EVENT(tcphs_cookie,
	TP_PROTO(const struct tcphs_tuple *tu, u8 fate),
	TP_ARGS(tu, fate),
	TP_STRUCT__entry(
		TCPHS_TP_ENDS
		__field(u8, fate)
	),
	TP_fast_assign(
		TCPHS_TP_STORE_ENDS(tu);
		__entry->fate = fate;
	),
	TP_printk("%pISpc > %pISpc %s",
		  __entry->saddr, __entry->daddr,
		  tcphs_show_cookie(__entry->fate))
);

#endif /* _TCPHS_TRACE_H */

/* An out-of-tree module's trace header is found by path. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
