// SPDX-License-Identifier: GPL-2.0
/*
 * Window tracking per direction (see window.h). For a segment from side
 * snd to side rcv, with everything modulo 2^32:
 *
 *   seq <= snd.maxend              it starts inside what rcv allowed it
 *                                  (RFC 9293 3.10.7.4; a zero-window probe
 *                                  starts at the edge)
 *   end >= snd.end - rcv.maxwin    it is no older than one window of
 *                                  rcv's: nothing before that can still be
 *                                  in flight
 *   snd.ack - snd.maxwin <= ack    RFC 5961 5.2: an acknowledgment no
 *   ack <= rcv.end                 older than a window, of nothing unsent
 *
 * and each SACK block's edges obey the rule for ack (RFC 2018 4: a block
 * reports octets the receiver holds, so they were sent; a D-SACK block,
 * RFC 2883, may lie below ack but not below the window). This is the
 * shape of conntrack's tcp_in_window() (td_end, td_maxend, td_maxwin),
 * with RFC 5961's bounds on acknowledgments.
 *
 * A side that has not sent its SYN has no numbers yet, and a bound whose
 * ends are not known is not applied: a flow seen from its first SYN has
 * them all from the third segment on.
 *
 * The checks and the update of every segment are inline, in window.h;
 * here are those of rarer segments: a side's first SYN, a RST, a SYN on a
 * closed flow.
 */
#include "seq.h"
#include "window.h"

/**
 * tcphs_window_rst() - where a RST falls in its receiver's window
 * @snd: the side that sent it
 * @rcv: the other side
 * @seg: the RST
 *
 * RFC 5961 3.2: a RST ends the connection only at RCV.NXT exactly. tcphs
 * knows rcv's RCV.NXT from both ends: what snd sent up to (snd.end), and
 * what rcv last acknowledged (rcv.ack); either is exact. Anywhere else in
 * the window, the receiver answers with a challenge ACK and lives on.
 *
 * Return: exact, in the window, or outside it.
 */
enum tcphs_rst_fit tcphs_window_rst(const struct tcphs_peer *snd,
				    const struct tcphs_peer *rcv,
				    const struct tcphs_seg *seg)
{
	if (((snd->seen & TCPHS_SEEN_SYN) && seg->seq == snd->end) ||
	    ((rcv->seen & TCPHS_SEEN_ACK) && seg->seq == rcv->ack))
		return TCPHS_RST_EXACT;
	if ((rcv->seen & TCPHS_SEEN_ACK) && (snd->seen & TCPHS_SEEN_BOUND) &&
	    tcphs_seq_in_window(seg->seq, rcv->ack, snd->maxend - rcv->ack))
		return TCPHS_RST_IN_WINDOW;
	return TCPHS_RST_OUTSIDE;
}

void tcphs_window_take_syn(struct tcphs_peer *snd,
			   const struct tcphs_peer *rcv,
			   const struct tcphs_seg *seg, u32 end)
{
	/*
	 * A side's numbers start at its first SYN: a later one (a SYN-ACK
	 * retransmitted late) is the same SYN again and moves no end back.
	 * A new handshake starts from a cleared record (fsm.c).
	 */
	if (snd->seen & TCPHS_SEEN_SYN) {
		if (tcphs_seq_after(end, snd->end))
			snd->end = end;
		return;
	}
	snd->isn = seg->seq;
	snd->end = end;
	snd->maxwin = seg->window;	/* RFC 7323 2.2: a SYN's is unscaled */
	snd->syn_data = seg->payload_len < U16_MAX ? seg->payload_len :
			U16_MAX;
	snd->seen |= TCPHS_SEEN_SYN;
	if (seg->opt.present & TCPHS_OPT_WSCALE) {
		snd->wscale = seg->opt.wscale;
		snd->seen |= TCPHS_SEEN_WSCALE;
	}
	/* What the other side's SYN window lets it send, until an ACK says. */
	if (!(snd->seen & TCPHS_SEEN_BOUND) && (rcv->seen & TCPHS_SEEN_SYN)) {
		snd->maxend = seg->seq + 1 + rcv->maxwin;
		snd->seen |= TCPHS_SEEN_BOUND;
	}
}

/**
 * tcphs_window_reuses() - may this SYN open a new connection on a closed one?
 * @snd: the side that sends it, as the old connection left it
 * @syn: the SYN
 *
 * As a host in TIME-WAIT takes a new SYN (RFC 9293 3.10.7.4; RFC 6191 with
 * timestamps): its sequence number lies beyond all the old connection
 * sent, or its TSval is newer than the old connection's last.
 */
bool tcphs_window_reuses(const struct tcphs_peer *snd,
			 const struct tcphs_seg *syn)
{
	if (tcphs_seq_after(syn->seq, snd->end))
		return true;
	return (syn->opt.present & TCPHS_OPT_TS) &&
	       (snd->seen & TCPHS_SEEN_TS) &&
	       tcphs_seq_after(syn->opt.tsval, snd->tsval);
}
