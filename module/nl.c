// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "tcphs", as Documentation/netlink/specs/
 * tcphs.yaml describes it: one flow by its tuple or a filtered dump of
 * them, the counters and round-trip histograms, and the "events" group.
 * Everything is of the caller's namespace, and only for CAP_NET_ADMIN in
 * that namespace's user namespace.
 *
 * A dump resumes from its table position (table.h) in each message, so
 * it holds RCU for one message's worth of flows, not for the table.
 * Events are lossy, as ctnetlink's: made in softirq (GFP_ATOMIC) only
 * while someone listens. A listener that falls behind sees ENOBUFS on its
 * socket; an event that found no memory, or a full buffer of a listener
 * that asked for NETLINK_BROADCAST_ERROR (netlink tells of no other), is
 * counted as events_lost.
 */
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "kcompat.h"
#include "netns.h"
#include "nl.h"

/* What state's and event's numbers mean is the spec's: they agree. */
static_assert((int)TCPHS_NL_STATE_ESTABLISHED == (int)TCPHS_ESTABLISHED);
static_assert((int)TCPHS_NL_EVENT_BAD == (int)TCPHS_EV_BAD);
static_assert((int)TCPHS_NL_DIR_REPLY == (int)TCPHS_DIR_REPLY);
static_assert((int)TCPHS_NL_LEG_CLIENT == (int)TCPHS_LEG_CLIENT);
static_assert(NFPROTO_IPV4 == AF_INET && NFPROTO_IPV6 == AF_INET6);

static int tcphs_nl_put_tuple(struct sk_buff *skb, const struct tcphs_tuple *tu)
{
	if (nla_put_u16(skb, TCPHS_A_FLOW_FAMILY, tu->family))
		return -EMSGSIZE;
	if (tu->family == NFPROTO_IPV4) {
		if (nla_put_in_addr(skb, TCPHS_A_FLOW_SADDR_IPV4, tu->saddr.ip) ||
		    nla_put_in_addr(skb, TCPHS_A_FLOW_DADDR_IPV4, tu->daddr.ip))
			return -EMSGSIZE;
	} else if (nla_put_in6_addr(skb, TCPHS_A_FLOW_SADDR_IPV6,
				    &tu->saddr.in6) ||
		   nla_put_in6_addr(skb, TCPHS_A_FLOW_DADDR_IPV6,
				    &tu->daddr.in6)) {
		return -EMSGSIZE;
	}
	if (nla_put_be16(skb, TCPHS_A_FLOW_SPORT, tu->sport) ||
	    nla_put_be16(skb, TCPHS_A_FLOW_DPORT, tu->dport))
		return -EMSGSIZE;
	return 0;
}

/* An attribute of @p's ISN, once its SYN was seen. */
static int tcphs_nl_put_isn(struct sk_buff *skb, int type,
			    const struct tcphs_peer *p)
{
	if (!(p->seen & TCPHS_SEEN_SYN))
		return 0;
	return nla_put_u32(skb, type, p->isn);
}

/* What /proc/net/tcphs shows of @flow, as attributes. */
static int tcphs_nl_put_flow(struct sk_buff *skb, const struct tcphs_flow *flow)
{
	static const int rtt_attr[TCPHS_NR_LEGS] = {
		[TCPHS_LEG_SERVER] = TCPHS_A_FLOW_RTT_SERVER,
		[TCPHS_LEG_CLIENT] = TCPHS_A_FLOW_RTT_CLIENT,
	};
	struct tcphs_hs hs = flow->hs;	/* a snapshot; it may be changing */
	u32 now = (u32)jiffies;
	enum tcphs_leg leg;
	u32 us;

	if (tcphs_nl_put_tuple(skb, &flow->tuple) ||
	    nla_put_u8(skb, TCPHS_A_FLOW_STATE, hs.state) ||
	    tcphs_nl_put_isn(skb, TCPHS_A_FLOW_ISN_ORIG,
			     &hs.peer[TCPHS_DIR_ORIG]) ||
	    tcphs_nl_put_isn(skb, TCPHS_A_FLOW_ISN_REPLY,
			     &hs.peer[TCPHS_DIR_REPLY]))
		return -EMSGSIZE;
	for (leg = 0; leg < TCPHS_NR_LEGS; leg++) {
		us = READ_ONCE(flow->rtt.us[leg]);
		if (us && nla_put_u32(skb, rtt_attr[leg], us))
			return -EMSGSIZE;
	}
	if (nla_put_u32(skb, TCPHS_A_FLOW_AGE, (now - flow->born) / HZ) ||
	    nla_put_u32(skb, TCPHS_A_FLOW_IDLE,
			(now - READ_ONCE(flow->last)) / HZ) ||
	    (tcphs_fsm_closing(&hs) && nla_put_flag(skb, TCPHS_A_FLOW_CLOSING)) ||
	    (flow->ops && nla_put_flag(skb, TCPHS_A_FLOW_PROXIED)))
		return -EMSGSIZE;
	return 0;
}

static int tcphs_nl_put_change(struct sk_buff *skb,
			       const struct tcphs_nl_change *change)
{
	if (nla_put_u8(skb, TCPHS_A_FLOW_OLD_STATE, change->old) ||
	    nla_put_u8(skb, TCPHS_A_FLOW_EVENT, change->event) ||
	    nla_put_u8(skb, TCPHS_A_FLOW_DIR, change->dir))
		return -EMSGSIZE;
	return 0;
}

/* One message @cmd about @flow (and @change, if any) into @skb. */
static int tcphs_nl_flow_msg(struct sk_buff *skb, const struct tcphs_flow *flow,
			     u32 portid, u32 seq, int flags, u8 cmd,
			     const struct tcphs_nl_change *change)
{
	void *hdr = genlmsg_put(skb, portid, seq, &tcphs_nl_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (tcphs_nl_put_flow(skb, flow) ||
	    (change && tcphs_nl_put_change(skb, change))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* ---- flow-get: one flow, by its tuple --------------------------------- */

/* A flow-get's tuple, or a dump's filters. */
static const struct nla_policy tcphs_nl_flow_policy[TCPHS_A_FLOW_MAX + 1] = {
	[TCPHS_A_FLOW_FAMILY]		= NLA_POLICY_MAX(NLA_U16, AF_INET6),
	[TCPHS_A_FLOW_SADDR_IPV4]	= { .type = NLA_BE32 },
	[TCPHS_A_FLOW_SADDR_IPV6]	= NLA_POLICY_EXACT_LEN(16),
	[TCPHS_A_FLOW_DADDR_IPV4]	= { .type = NLA_BE32 },
	[TCPHS_A_FLOW_DADDR_IPV6]	= NLA_POLICY_EXACT_LEN(16),
	[TCPHS_A_FLOW_SPORT]		= { .type = NLA_BE16 },
	[TCPHS_A_FLOW_DPORT]		= { .type = NLA_BE16 },
	[TCPHS_A_FLOW_STATE]		= NLA_POLICY_MAX(NLA_U8,
							 TCPHS_ESTABLISHED),
	[TCPHS_A_FLOW_PORT]		= { .type = NLA_BE16 },
	[TCPHS_A_FLOW_ADDR_IPV4]	= { .type = NLA_BE32 },
	[TCPHS_A_FLOW_ADDR_IPV6]	= NLA_POLICY_EXACT_LEN(16),
	[TCPHS_A_FLOW_PROXIED]		= { .type = NLA_FLAG },
};

/* AF_INET or AF_INET6, the only families a flow has. */
static bool tcphs_nl_family_ok(struct netlink_ext_ack *extack,
			       const struct nlattr *attr)
{
	u16 family = nla_get_u16(attr);

	if (family == AF_INET || family == AF_INET6)
		return true;
	NL_SET_ERR_MSG_ATTR(extack, attr, "family is AF_INET or AF_INET6");
	return false;
}

/* The tuple a flow-get names; 0, or an error with its message set. */
static int tcphs_nl_tuple(struct genl_info *info, struct tcphs_tuple *tu)
{
	struct nlattr **a = info->attrs;
	int s4 = TCPHS_A_FLOW_SADDR_IPV4, d4 = TCPHS_A_FLOW_DADDR_IPV4;
	int s6 = TCPHS_A_FLOW_SADDR_IPV6, d6 = TCPHS_A_FLOW_DADDR_IPV6;

	if (GENL_REQ_ATTR_CHECK(info, TCPHS_A_FLOW_FAMILY) ||
	    GENL_REQ_ATTR_CHECK(info, TCPHS_A_FLOW_SPORT) ||
	    GENL_REQ_ATTR_CHECK(info, TCPHS_A_FLOW_DPORT))
		return -EINVAL;
	if (!tcphs_nl_family_ok(info->extack, a[TCPHS_A_FLOW_FAMILY]))
		return -EINVAL;
	memset(tu, 0, sizeof(*tu));	/* the hash reads it whole */
	tu->family = nla_get_u16(a[TCPHS_A_FLOW_FAMILY]);
	tu->sport = nla_get_be16(a[TCPHS_A_FLOW_SPORT]);
	tu->dport = nla_get_be16(a[TCPHS_A_FLOW_DPORT]);
	if (tu->family == NFPROTO_IPV4 && a[s4] && a[d4]) {
		tu->saddr.ip = nla_get_in_addr(a[s4]);
		tu->daddr.ip = nla_get_in_addr(a[d4]);
	} else if (tu->family == NFPROTO_IPV6 && a[s6] && a[d6]) {
		tu->saddr.in6 = nla_get_in6_addr(a[s6]);
		tu->daddr.in6 = nla_get_in6_addr(a[d6]);
	} else {
		GENL_SET_ERR_MSG(info, "need the family's saddr and daddr");
		return -EINVAL;
	}
	return 0;
}

static int tcphs_nl_flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcphs_table *t = &tcphs_pernet(genl_info_net(info))->table;
	struct tcphs_flow *flow;
	struct tcphs_tuple tu;
	struct sk_buff *msg;
	enum tcphs_dir dir;
	int err;

	err = tcphs_nl_tuple(info, &tu);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rcu_read_lock();
	flow = tcphs_table_find(t, tcphs_table_hash(t, &tu), &tu, &dir);
	err = flow ? tcphs_nl_flow_msg(msg, flow, info->snd_portid,
				       info->snd_seq, 0, TCPHS_CMD_FLOW_GET,
				       NULL) : -ENOENT;
	rcu_read_unlock();
	if (err) {
		nlmsg_free(msg);
		if (err == -ENOENT)
			GENL_SET_ERR_MSG(info, "no such flow");
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* ---- flow-get dump: the flows that pass the filters ------------------ */

/* A dump's filters and its place, in the callback's scratch space. */
struct tcphs_nl_dump {
	struct tcphs_table_pos at;
	union nf_inet_addr addr;
	__be16 port;
	u8 family;		/* 0: any */
	u8 state;		/* TCPHS_NR_STATES: any */
	u8 addr_family;		/* of @addr; 0: any address */
	bool proxied;
};

static struct tcphs_nl_dump *tcphs_nl_dump_ctx(struct netlink_callback *cb)
{
	static_assert(sizeof(struct tcphs_nl_dump) <= sizeof(cb->ctx));
	return (struct tcphs_nl_dump *)cb->ctx;
}

static int tcphs_nl_flow_dump_start(struct netlink_callback *cb)
{
	struct nlattr **a = tcphs_genl_dump_attrs(cb);
	struct tcphs_nl_dump *d = tcphs_nl_dump_ctx(cb);

	memset(d, 0, sizeof(*d));
	d->state = TCPHS_NR_STATES;
	if (a[TCPHS_A_FLOW_FAMILY]) {
		if (!tcphs_nl_family_ok(cb->extack, a[TCPHS_A_FLOW_FAMILY]))
			return -EINVAL;
		d->family = nla_get_u16(a[TCPHS_A_FLOW_FAMILY]);
	}
	if (a[TCPHS_A_FLOW_STATE])
		d->state = nla_get_u8(a[TCPHS_A_FLOW_STATE]);
	if (a[TCPHS_A_FLOW_PORT])
		d->port = nla_get_be16(a[TCPHS_A_FLOW_PORT]);
	if (a[TCPHS_A_FLOW_ADDR_IPV4]) {
		d->addr.ip = nla_get_in_addr(a[TCPHS_A_FLOW_ADDR_IPV4]);
		d->addr_family = NFPROTO_IPV4;
	} else if (a[TCPHS_A_FLOW_ADDR_IPV6]) {
		d->addr.in6 = nla_get_in6_addr(a[TCPHS_A_FLOW_ADDR_IPV6]);
		d->addr_family = NFPROTO_IPV6;
	}
	d->proxied = nla_get_flag(a[TCPHS_A_FLOW_PROXIED]);
	return 0;
}

static bool tcphs_nl_addr_is(const struct tcphs_tuple *tu,
			     const union nf_inet_addr *a)
{
	if (tu->family == NFPROTO_IPV4)
		return tu->saddr.ip == a->ip || tu->daddr.ip == a->ip;
	return ipv6_addr_equal(&tu->saddr.in6, &a->in6) ||
	       ipv6_addr_equal(&tu->daddr.in6, &a->in6);
}

static bool tcphs_nl_dump_wants(const struct tcphs_nl_dump *d,
				const struct tcphs_flow *flow)
{
	const struct tcphs_tuple *tu = &flow->tuple;

	if (d->family && tu->family != d->family)
		return false;
	if (d->state != TCPHS_NR_STATES && READ_ONCE(flow->hs.state) != d->state)
		return false;
	if (d->port && tu->sport != d->port && tu->dport != d->port)
		return false;
	if (d->addr_family && (tu->family != d->addr_family ||
			       !tcphs_nl_addr_is(tu, &d->addr)))
		return false;
	return !d->proxied || flow->ops;
}

static int tcphs_nl_flow_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct tcphs_table *t = &tcphs_pernet(sock_net(skb->sk))->table;
	struct tcphs_nl_dump *d = tcphs_nl_dump_ctx(cb);
	struct tcphs_flow *flow;

	rcu_read_lock();
	for (flow = tcphs_table_at(t, &d->at); flow;
	     flow = tcphs_table_next(t, &d->at, flow)) {
		/* Full: the next message starts at this flow, @d->at. */
		if (tcphs_nl_dump_wants(d, flow) &&
		    tcphs_nl_flow_msg(skb, flow, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI,
				      TCPHS_CMD_FLOW_GET, NULL))
			break;
	}
	rcu_read_unlock();
	return skb->len;
}

/* ---- stats-get: the counters and the round-trip histograms ----------- */

static int tcphs_nl_put_counter(struct sk_buff *skb, const char *name, u64 v)
{
	struct nlattr *nest = nla_nest_start(skb, TCPHS_A_STATS_COUNTER);

	if (!nest || nla_put_string(skb, TCPHS_A_COUNTER_NAME, name) ||
	    nla_put_u64_64bit(skb, TCPHS_A_COUNTER_VALUE, v,
			      TCPHS_A_COUNTER_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int tcphs_nl_put_counters(struct sk_buff *skb,
				 struct tcphs_stats __percpu *stats)
{
	unsigned int i;
	int cpu;
	u64 v;

	for (i = 0; i < TCPHS_NR_STATS; i++) {
		v = 0;
		for_each_possible_cpu(cpu)
			v += per_cpu_ptr(stats, cpu)->cnt[i];
		if (tcphs_nl_put_counter(skb, tcphs_stat_name(i), v))
			return -EMSGSIZE;
	}
	return 0;
}

static int tcphs_nl_put_hist(struct sk_buff *skb, const struct tcphs_net *tn,
			     unsigned int fam, enum tcphs_leg leg)
{
	struct nlattr *nest = nla_nest_start(skb, TCPHS_A_STATS_HIST);
	unsigned int b;

	if (!nest || nla_put_u8(skb, TCPHS_A_HIST_LEG, leg) ||
	    nla_put_u16(skb, TCPHS_A_HIST_FAMILY,
			fam ? NFPROTO_IPV6 : NFPROTO_IPV4))
		goto cancel;
	for (b = 0; b < TCPHS_RTT_BUCKETS; b++)
		if (nla_put_u64_64bit(skb, TCPHS_A_HIST_BUCKET,
				      tcphs_rtt_sum(tn, fam, leg, b),
				      TCPHS_A_HIST_PAD))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int tcphs_nl_put_stats(struct sk_buff *skb, const struct tcphs_net *tn)
{
	enum tcphs_leg leg;
	unsigned int fam;

	if (nla_put_u32(skb, TCPHS_A_STATS_ENTRIES,
			atomic_read(&tn->table.count)) ||
	    tcphs_nl_put_counters(skb, tn->stats))
		return -EMSGSIZE;
	for (fam = 0; fam < 2; fam++)
		for (leg = 0; leg < TCPHS_NR_LEGS; leg++)
			if (tcphs_nl_put_hist(skb, tn, fam, leg))
				return -EMSGSIZE;
	return 0;
}

static int tcphs_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct tcphs_net *tn = tcphs_pernet(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	/* 64 counters and 4 histograms of 24: about 6 KiB. */
	msg = genlmsg_new(2 * NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &tcphs_nl_family, 0,
				TCPHS_CMD_STATS_GET);
	if (!hdr || tcphs_nl_put_stats(msg, tn)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* ---- events ----------------------------------------------------------- */

/* Send @msg to the events group; what no listener took is counted. */
static void tcphs_nl_send_event(struct net *net, struct sk_buff *msg)
{
	int err = genlmsg_multicast_netns(&tcphs_nl_family, net, msg, 0,
					  TCPHS_NLGRP_EVENTS, GFP_ATOMIC);

	/* -ESRCH: the last listener left since tcphs_nl_listening(). */
	if (err && err != -ESRCH)
		tcphs_stat_inc(tcphs_pernet(net)->stats,
			       TCPHS_STAT_EVENTS_LOST);
}

/* @cmd (new, change or del) about @flow, to whoever listens in @net. */
void tcphs_nl_flow_event(struct net *net, const struct tcphs_flow *flow,
			 u8 cmd, const struct tcphs_nl_change *change)
{
	struct sk_buff *msg;

	if (!tcphs_nl_listening(net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg || tcphs_nl_flow_msg(msg, flow, 0, 0, 0, cmd, change)) {
		nlmsg_free(msg);
		tcphs_stat_inc(tcphs_pernet(net)->stats, TCPHS_STAT_EVENTS_LOST);
		return;
	}
	tcphs_nl_send_event(net, msg);
}

/* A segment of @tu dropped, under counter @why. */
void tcphs_nl_drop_event(struct net *net, const struct tcphs_tuple *tu,
			 enum tcphs_stat why)
{
	struct sk_buff *msg;
	void *hdr;

	if (!tcphs_nl_listening(net))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	hdr = msg ? genlmsg_put(msg, 0, 0, &tcphs_nl_family, 0,
				TCPHS_CMD_FLOW_DROP_NTF) : NULL;
	if (!hdr || tcphs_nl_put_tuple(msg, tu) ||
	    nla_put_string(msg, TCPHS_A_FLOW_REASON, tcphs_stat_name(why))) {
		nlmsg_free(msg);
		tcphs_stat_inc(tcphs_pernet(net)->stats, TCPHS_STAT_EVENTS_LOST);
		return;
	}
	genlmsg_end(msg, hdr);
	tcphs_nl_send_event(net, msg);
}

/* ---- the family ------------------------------------------------------- */

static const struct genl_ops tcphs_nl_ops[] = {
	{
		.cmd		= TCPHS_CMD_FLOW_GET,
		.doit		= tcphs_nl_flow_get_doit,
		.start		= tcphs_nl_flow_dump_start,
		.dumpit		= tcphs_nl_flow_dumpit,
		.policy		= tcphs_nl_flow_policy,
		.maxattr	= TCPHS_A_FLOW_MAX,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= TCPHS_CMD_STATS_GET,
		.doit		= tcphs_nl_stats_get_doit,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group tcphs_nl_mcgrps[] = {
	[TCPHS_NLGRP_EVENTS] = {
		.name	= TCPHS_MCGRP_EVENTS,
		.flags	= GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family tcphs_nl_family __ro_after_init = {
	.name		= TCPHS_FAMILY_NAME,
	.version	= TCPHS_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= tcphs_nl_ops,
	.n_ops		= ARRAY_SIZE(tcphs_nl_ops),
	.mcgrps		= tcphs_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(tcphs_nl_mcgrps),
};

int __init tcphs_nl_init(void)
{
	return genl_register_family(&tcphs_nl_family);
}

void tcphs_nl_exit(void)
{
	genl_unregister_family(&tcphs_nl_family);
	/* A hook that saw a listener has sent its event: the group's
	 * number is free to be another family's after this.
	 */
	synchronize_net();
}
