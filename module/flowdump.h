/* SPDX-License-Identifier: GPL-2.0 */
/* /proc/net/tcphs: a namespace's flows, one line each. */
#ifndef _TCPHS_FLOWDUMP_H
#define _TCPHS_FLOWDUMP_H

struct net;

int tcphs_flowdump_init(struct net *net);
void tcphs_flowdump_exit(struct net *net);

#endif /* _TCPHS_FLOWDUMP_H */
