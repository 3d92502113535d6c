# SPDX-License-Identifier: GPL-2.0
#
# make          build tcphs.ko against the kernel the VM boots
# make demo     build, boot, load, real handshakes, print flows and counters
# make check    every test, in the VM, with a TAP summary
# make style    checkpatch --strict;  make sparse: make C=1
#
# The first target run installs what it needs (scripts/setup).

TCPHS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tcphs
export TCPHS_CACHE

KREL = $(shell cat $(TCPHS_CACHE)/release 2>/dev/null)
KDIR = $(TCPHS_CACHE)/image/$(KREL)/usr/src/linux-headers-$(KREL)
KSRC = $(firstword $(wildcard /usr/src/ksrc/linux-source-6.12 $(TCPHS_CACHE)/linux-source-6.12))

SOURCES = $(wildcard module/*.c module/*.h)

.PHONY: all module setup demo check style sparse clean

all: module

$(TCPHS_CACHE)/release:
	scripts/setup --quiet >/dev/null

setup:
	scripts/setup

module: $(TCPHS_CACHE)/release
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

sparse: $(TCPHS_CACHE)/release
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

demo: module
	scripts/demo

check: module
	scripts/check

style:
	scripts/style $(SOURCES)

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -f module/*.o module/.*.cmd
