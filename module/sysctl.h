/* SPDX-License-Identifier: GPL-2.0 */
/* net.tcphs.*: a namespace's configuration, as its sysctls set it. */
#ifndef _TCPHS_SYSCTL_H
#define _TCPHS_SYSCTL_H

#include <linux/rcupdate.h>
#include <linux/siphash.h>
#include <linux/types.h>

#include "cookie.h"

enum tcphs_mode {
	TCPHS_MODE_OFF,		/* hooks pass everything, untouched */
	TCPHS_MODE_TRACK,	/* follow and count; never drop */
	TCPHS_MODE_ENFORCE,	/* also drop what a correct peer never sends */
	TCPHS_MODE_PROXY,	/* enforce, and answer SYNs to proxy_ports */
	TCPHS_NR_MODES
};

#define TCPHS_MAX_PORT_RANGES	16

/* net.tcphs.proxy_ports, replaced whole on a write (RCU). */
struct tcphs_ports {
	struct rcu_head rcu;
	unsigned int nr;
	struct {
		u16 lo;
		u16 hi;
	} range[TCPHS_MAX_PORT_RANGES];
};

/* The namespace's secrets, replaced whole by net.tcphs.rotate_keys (RCU). */
struct tcphs_secrets {
	struct rcu_head rcu;
	siphash_key_t isn;		/* F of RFC 6528 */
	struct tcphs_cookie_keys cookie;
};

/* The namespace's sysctls; read locklessly with READ_ONCE(). */
struct tcphs_cfg {
	int mode;			/* enum tcphs_mode */
	int max_flows;
	int timeout_syn_sent;		/* seconds */
	int timeout_syn_rcvd;
	int timeout_established;
	int timeout_close;
	int isn_policy;			/* enum tcphs_isn_policy */
	int proxy_halfopen_max;		/* then SYN-ACKs keep only a cookie */
	int proxy_held_max;		/* bytes (truesize) held for servers */
	int rotate_keys;		/* reads 0; a write of 1 rotates */
	struct tcphs_ports __rcu *ports;
	struct tcphs_secrets __rcu *secrets;
};

struct net;
struct ctl_table_header;

/* @init: init_net's, whose limits bound a new namespace's; NULL for it. */
int tcphs_cfg_init(struct tcphs_cfg *cfg, unsigned int nbuckets,
		   const struct tcphs_cfg *init);
void tcphs_cfg_exit(struct tcphs_cfg *cfg);
struct ctl_table_header *tcphs_sysctl_init(struct net *net,
					   struct tcphs_cfg *cfg);
void tcphs_sysctl_exit(struct ctl_table_header *hdr);

#endif /* _TCPHS_SYSCTL_H */
