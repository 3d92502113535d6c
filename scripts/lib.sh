# SPDX-License-Identifier: GPL-2.0
# Shared by the scripts in this directory: where things live.

TCPHS_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TCPHS_CACHE=${TCPHS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tcphs}

die() {
	echo "${0##*/}: $*" >&2
	exit 1
}
