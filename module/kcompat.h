/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels tcphs builds for (Debian 12's 6.1 and
 * 6.12), by feature where a header tells, by version where only the
 * version does. The rest of the module is written against 6.12 and never
 * tests a version itself.
 */
#ifndef _TCPHS_KCOMPAT_H
#define _TCPHS_KCOMPAT_H

#include <linux/version.h>

/* 6.12 moved the unaligned accessors out of asm/ (sparse lacks
 * __has_include).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * An ACK of nothing sent: 6.12 has a drop reason for an unacceptable ACK
 * number; 6.1 only the one for an ACK of data not sent yet.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define TCPHS_DROP_REASON_BAD_ACK	SKB_DROP_REASON_TCP_INVALID_ACK_SEQUENCE
#else
#define TCPHS_DROP_REASON_BAD_ACK	SKB_DROP_REASON_TCP_ACK_UNSENT_DATA
#endif

/* 6.2 gave a dump the genl_info of a request; before it, only its attrs. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define tcphs_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->info.attrs)
#else
#define tcphs_genl_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

#ifdef _TCPHS_WANT_SYSCTL
#include <net/net_namespace.h>
#include <linux/sysctl.h>

/* 6.11 made proc handlers take a const table. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define tcphs_ctl_table	const struct ctl_table
#else
#define tcphs_ctl_table	struct ctl_table
#endif

/*
 * 6.6 added register_net_sysctl_sz(), which takes the table's size; before
 * it the table ends at an empty entry, which the caller always leaves.
 */
static inline struct ctl_table_header *
tcphs_register_net_sysctl(struct net *net, const char *path,
			  struct ctl_table *table, size_t n)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	return register_net_sysctl_sz(net, path, table, n);
#else
	return register_net_sysctl(net, path, table);
#endif
}
#endif /* _TCPHS_WANT_SYSCTL */

#endif /* _TCPHS_KCOMPAT_H */
