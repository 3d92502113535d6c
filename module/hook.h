/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _TCPHS_HOOK_H
#define _TCPHS_HOOK_H

struct net;

int tcphs_hooks_register(struct net *net);
void tcphs_hooks_unregister(struct net *net);

#endif /* _TCPHS_HOOK_H */
