/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink family "tcphs" (nl.c; its spec is
 * Documentation/netlink/specs/tcphs.yaml), and the events the hooks give
 * it. An event costs one test while no one listens.
 */
#ifndef _TCPHS_NL_H
#define _TCPHS_NL_H

#include <net/genetlink.h>
#include <linux/tcphs.h>

#include "stats.h"
#include "table.h"

extern struct genl_family tcphs_nl_family;

enum tcphs_nl_group {
	TCPHS_NLGRP_EVENTS,
};

static inline bool tcphs_nl_listening(struct net *net)
{
	return genl_has_listeners(&tcphs_nl_family, net, TCPHS_NLGRP_EVENTS);
}

/* What moved a flow, for a flow-change event. */
struct tcphs_nl_change {
	u8 old;			/* enum tcphs_state */
	u8 event;		/* enum tcphs_event */
	u8 dir;			/* enum tcphs_dir */
};

void tcphs_nl_flow_event(struct net *net, const struct tcphs_flow *flow,
			 u8 cmd, const struct tcphs_nl_change *change);
void tcphs_nl_drop_event(struct net *net, const struct tcphs_tuple *tu,
			 enum tcphs_stat why);

int tcphs_nl_init(void);
void tcphs_nl_exit(void);

#endif /* _TCPHS_NL_H */
