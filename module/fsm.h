/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The handshake state machine of one flow, as a table (pure: no skb, no
 * locks). The caller looks the flow up, calls tcphs_fsm_step() to learn what
 * the segment means, decides whether it passes, and if it does calls
 * tcphs_fsm_commit() under the flow's lock.
 */
#ifndef _TCPHS_FSM_H
#define _TCPHS_FSM_H

#include "compat.h"
#include "parse.h"
#include "window.h"

/*
 * The RFC 9293 states, as a middlebox sees a handshake go by:
 *
 *   CLOSED       no entry (never seen, or torn down by a RST)
 *   SYN_SENT     the initiator's SYN went by, no answer yet
 *   SYN_RCVD     the responder answered with a SYN-ACK (or, in a
 *                simultaneous open, with a SYN of its own)
 *   ESTABLISHED  the initiator acknowledged the responder's SYN
 *
 * RFC 9293's LISTEN is not among them: it is a socket's state, not a
 * flow's. A middlebox learns of a flow at its first SYN, and proxy mode,
 * where tcphs is the passive opener, keeps its half-open flow in SYN_RCVD,
 * where a listener's connection goes from LISTEN on that SYN.
 */
enum tcphs_state {
	TCPHS_CLOSED,
	TCPHS_SYN_SENT,
	TCPHS_SYN_RCVD,
	TCPHS_ESTABLISHED,
	TCPHS_NR_STATES
};

/* What a segment is, from its flags alone (tcphs_fsm_event()). */
enum tcphs_event {
	TCPHS_EV_SYN,		/* SYN */
	TCPHS_EV_SYNACK,	/* SYN+ACK */
	TCPHS_EV_ACK,		/* ACK, with or without data, PSH, URG */
	TCPHS_EV_FIN,		/* FIN+ACK */
	TCPHS_EV_RST,		/* RST, or RST+ACK */
	TCPHS_EV_BAD,		/* a set no correct peer sends */
	TCPHS_NR_EVENTS
};

/* ORIG: from the side that sent the first SYN; REPLY: towards it. */
enum tcphs_dir {
	TCPHS_DIR_ORIG,
	TCPHS_DIR_REPLY,
	TCPHS_NR_DIRS
};

static inline enum tcphs_dir tcphs_other(enum tcphs_dir dir)
{
	return dir == TCPHS_DIR_ORIG ? TCPHS_DIR_REPLY : TCPHS_DIR_ORIG;
}

/*
 * What a correct peer never sends. Each has a counter; in enforce mode a
 * segment with a reason other than TCPHS_R_OK is dropped, unless the reason
 * is one the endpoint must see (TCPHS_R_SYN_ON_ESTABLISHED: RFC 5961 section
 * 4 makes the endpoint answer with a challenge ACK). In every mode, a
 * segment with a reason moves nothing in its flow's record.
 */
enum tcphs_reason {
	TCPHS_R_OK,
	TCPHS_R_BAD_FLAGS,		/* RFC 9293 3.1: SYN+FIN, no flags, ... */
	TCPHS_R_SYNACK_NO_SYN,		/* SYN-ACK with no SYN behind it */
	TCPHS_R_SYNACK_BAD_ACK,		/* RFC 9293 3.10.7.3: ack != ISN + 1 */
	TCPHS_R_ACK_BAD,		/* RFC 9293 3.10.7.4: ack of no SYN */
	TCPHS_R_RST_OUT_OF_WINDOW,	/* RFC 5961 section 3.2 */
	TCPHS_R_RST_SYNSENT_BAD_ACK,	/* RFC 9293 3.10.7.3 */
	TCPHS_R_SYN_ON_ESTABLISHED,	/* RFC 5961 section 4 */
	TCPHS_R_SEQ_OUT_OF_WINDOW,	/* RFC 9293 3.10.7.4 (window.h) */
	TCPHS_R_ACK_OUT_OF_WINDOW,	/* RFC 5961 section 5.2 */
	TCPHS_R_MALFORMED,		/* the parser refused the header */
	TCPHS_R_BAD_CHECKSUM,		/* RFC 9293 3.1: the endpoint drops it */
	TCPHS_NR_REASONS
};

/* tcphs_hs.flags */
#define TCPHS_HS_SIMULTANEOUS	0x01	/* both sides sent a bare SYN */

struct tcphs_hs {
	struct tcphs_peer peer[TCPHS_NR_DIRS];
	u8 state;	/* enum tcphs_state */
	u8 flags;
};

/* tcphs_step.note: things worth a counter that are not wrong. */
#define TCPHS_NOTE_RETRANS	0x01	/* a SYN or SYN-ACK seen before */
#define TCPHS_NOTE_RESTART	0x02	/* a new SYN replaced the handshake */
#define TCPHS_NOTE_SIMULTANEOUS	0x04	/* SYN crossed SYN */
#define TCPHS_NOTE_SYN_DATA	0x08	/* data on a SYN, no Fast Open option */
#define TCPHS_NOTE_RST_IN_WINDOW 0x10	/* for the endpoint to challenge */

struct tcphs_step {
	u8 next;	/* enum tcphs_state if the segment passes */
	u8 reason;	/* enum tcphs_reason */
	u8 note;	/* TCPHS_NOTE_* */
	bool commit;	/* the record should take the segment if it passes */
};

enum tcphs_event tcphs_fsm_event(u8 flags);
struct tcphs_step tcphs_fsm_step(const struct tcphs_hs *hs,
				 const struct tcphs_seg *seg,
				 enum tcphs_dir dir);
void tcphs_fsm_commit(struct tcphs_hs *hs, const struct tcphs_seg *seg,
		      enum tcphs_dir dir, const struct tcphs_step *step);

/* Both sides have sent their FIN: the flow only waits to be forgotten. */
static inline bool tcphs_fsm_closing(const struct tcphs_hs *hs)
{
	return hs->peer[TCPHS_DIR_ORIG].seen & hs->peer[TCPHS_DIR_REPLY].seen &
	       TCPHS_SEEN_FIN;
}

bool tcphs_fsm_reuses(const struct tcphs_hs *hs, const struct tcphs_seg *seg,
		      enum tcphs_dir dir);

extern const char *const tcphs_state_names[TCPHS_NR_STATES];
extern const char *const tcphs_reason_names[TCPHS_NR_REASONS];

#endif /* _TCPHS_FSM_H */
