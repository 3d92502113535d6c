/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPHS_SYSCTL_H
#define _TCPHS_SYSCTL_H

struct net;
struct tcphs_cfg;

int tcphs_cfg_init(struct tcphs_cfg *cfg, unsigned int nbuckets);
void tcphs_cfg_exit(struct tcphs_cfg *cfg);
int tcphs_sysctl_init(struct net *net);
void tcphs_sysctl_exit(struct net *net);

#endif /* _TCPHS_SYSCTL_H */
