/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/tcphs.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_TCPHS_H
#define _UAPI_LINUX_TCPHS_H

#define TCPHS_FAMILY_NAME	"tcphs"
#define TCPHS_FAMILY_VERSION	1

/**
 * enum tcphs_nl_state - A flow's handshake state, as RFC 9293 draws it for a
 *   middlebox.
 */
enum tcphs_nl_state {
	TCPHS_NL_STATE_CLOSED,
	TCPHS_NL_STATE_SYN_SENT,
	TCPHS_NL_STATE_SYN_RCVD,
	TCPHS_NL_STATE_ESTABLISHED,
};

/**
 * enum tcphs_nl_event - What a segment is, from its flags alone.
 */
enum tcphs_nl_event {
	TCPHS_NL_EVENT_SYN,
	TCPHS_NL_EVENT_SYNACK,
	TCPHS_NL_EVENT_ACK,
	TCPHS_NL_EVENT_FIN,
	TCPHS_NL_EVENT_RST,
	TCPHS_NL_EVENT_BAD,
};

/**
 * enum tcphs_nl_dir - orig: from the end that sent the first SYN; reply:
 *   towards it.
 */
enum tcphs_nl_dir {
	TCPHS_NL_DIR_ORIG,
	TCPHS_NL_DIR_REPLY,
};

/**
 * enum tcphs_nl_leg - A handshake's legs: server, from SYN to SYN-ACK; client,
 *   from SYN-ACK to the third ACK.
 */
enum tcphs_nl_leg {
	TCPHS_NL_LEG_SERVER,
	TCPHS_NL_LEG_CLIENT,
};

enum {
	TCPHS_A_FLOW_FAMILY = 1,
	TCPHS_A_FLOW_SADDR_IPV4,
	TCPHS_A_FLOW_SADDR_IPV6,
	TCPHS_A_FLOW_DADDR_IPV4,
	TCPHS_A_FLOW_DADDR_IPV6,
	TCPHS_A_FLOW_SPORT,
	TCPHS_A_FLOW_DPORT,
	TCPHS_A_FLOW_STATE,
	TCPHS_A_FLOW_ISN_ORIG,
	TCPHS_A_FLOW_ISN_REPLY,
	TCPHS_A_FLOW_RTT_SERVER,
	TCPHS_A_FLOW_RTT_CLIENT,
	TCPHS_A_FLOW_AGE,
	TCPHS_A_FLOW_IDLE,
	TCPHS_A_FLOW_CLOSING,
	TCPHS_A_FLOW_PROXIED,
	TCPHS_A_FLOW_OLD_STATE,
	TCPHS_A_FLOW_EVENT,
	TCPHS_A_FLOW_DIR,
	TCPHS_A_FLOW_REASON,
	TCPHS_A_FLOW_PORT,
	TCPHS_A_FLOW_ADDR_IPV4,
	TCPHS_A_FLOW_ADDR_IPV6,

	__TCPHS_A_FLOW_MAX,
	TCPHS_A_FLOW_MAX = (__TCPHS_A_FLOW_MAX - 1)
};

enum {
	TCPHS_A_COUNTER_NAME = 1,
	TCPHS_A_COUNTER_VALUE,
	TCPHS_A_COUNTER_PAD,

	__TCPHS_A_COUNTER_MAX,
	TCPHS_A_COUNTER_MAX = (__TCPHS_A_COUNTER_MAX - 1)
};

enum {
	TCPHS_A_HIST_LEG = 1,
	TCPHS_A_HIST_FAMILY,
	TCPHS_A_HIST_BUCKET,
	TCPHS_A_HIST_PAD,

	__TCPHS_A_HIST_MAX,
	TCPHS_A_HIST_MAX = (__TCPHS_A_HIST_MAX - 1)
};

enum {
	TCPHS_A_STATS_ENTRIES = 1,
	TCPHS_A_STATS_COUNTER,
	TCPHS_A_STATS_HIST,

	__TCPHS_A_STATS_MAX,
	TCPHS_A_STATS_MAX = (__TCPHS_A_STATS_MAX - 1)
};

enum {
	TCPHS_CMD_FLOW_GET = 1,
	TCPHS_CMD_STATS_GET,
	TCPHS_CMD_FLOW_NEW_NTF,
	TCPHS_CMD_FLOW_CHANGE_NTF,
	TCPHS_CMD_FLOW_DROP_NTF,
	TCPHS_CMD_FLOW_DEL_NTF,

	__TCPHS_CMD_MAX,
	TCPHS_CMD_MAX = (__TCPHS_CMD_MAX - 1)
};

#define TCPHS_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_TCPHS_H */
