# SPDX-License-Identifier: GPL-2.0
#
# make          build tcphs.ko against the kernel the VM boots
# make demo     build, boot, load, real handshakes, print flows and counters
# make check    every test, in the VM, with a TAP summary (J=N: N VMs at
#               once; T="proxy.sh enforce.sh": only those, on both kernels)
# make check-quick  build, style, KUnit and the stock-kernel selftests
# make style    checkpatch --strict, no include circle, the uapi header is
#               what its spec makes (make uapi);  make sparse: C=1
# make fuzz     libFuzzer on the parser and state machine, and on the
#               rewrite engine (FUZZ_SECONDS=60 in all)
# make kernel   the KUnit + debug kernel (KASAN, kmemleak, lockdep), cached
# make bench    speed and memory, side by side: bench/results/latest.md
#
# The first target run installs what it needs (scripts/setup).

TCPHS_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/tcphs
export TCPHS_CACHE

# By default, the headers of the kernel the VM boots (unpacked by
# scripts/setup); KDIR=... on the command line builds for any other tree
# and needs no set-up.
ifeq ($(origin KDIR),command line)
KDEPS :=
else
KDEPS := $(TCPHS_CACHE)/release
KREL = $(shell cat $(TCPHS_CACHE)/release 2>/dev/null)
KDIR = $(TCPHS_CACHE)/image/$(KREL)/usr/src/linux-headers-$(KREL)
endif
KSRC = $(firstword $(wildcard /usr/src/ksrc/linux-source-6.12 $(TCPHS_CACHE)/linux-source-6.12))

SOURCES = $(wildcard module/*.c module/*.h) include/uapi/linux/tcphs.h
# What a copy of the module's tree holds, beside its module/ sources.
TREE_FILES = Kbuild VERSION include

FUZZ_SECONDS ?= 60

.PHONY: uapi all module module-6.1 module-rt dkms-src deb dkms-install dkms-remove install helpers setup demo check check-quick style sparse fuzz kernel clean bench

all: module

$(TCPHS_CACHE)/release:
	scripts/setup --quiet >/dev/null

setup:
	scripts/setup

module: $(KDEPS)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 modules

# On a real machine: make install KDIR=/lib/modules/$(uname -r)/build
install: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $(shell $(MAKE) -s -C $(KDIR) kernelrelease)

sparse: $(KDEPS)
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=1 C=2 modules

# DKMS: the sources and dkms.conf, with ./VERSION filled in, as a tree
# under DKMS_SRC (default: /usr/src/tcphs-VERSION, as DKMS wants them).
VERSION := $(shell cat VERSION)
DKMS_SRC ?= /usr/src/tcphs-$(VERSION)
dkms-src:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)/module
	cp -pr $(TREE_FILES) $(DKMS_SRC)/
	cp -p module/*.c module/*.h $(DKMS_SRC)/module/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

# On a real machine (dkms installed): built and installed for every kernel
# with headers, and again for each new one.
dkms-install: dkms-src
	dkms add tcphs/$(VERSION)
	dkms install tcphs/$(VERSION)

dkms-remove:
	dkms remove tcphs/$(VERSION) --all
	rm -rf $(DKMS_SRC)

# The tcphs-dkms package, in build/deb (scripts/deb).
deb:
	scripts/deb

# The same module for Debian 12's own 6.1 and for 6.12's PREEMPT_RT
# flavour (headers from scripts/setup), W=1 and sparse, each built from a
# copy of the sources in build/6.1 or build/rt so that the kernels'
# objects never mix.
KREL_6.1 = $(shell cat $(TCPHS_CACHE)/release-6.1 2>/dev/null)
KREL_rt = $(shell cat $(TCPHS_CACHE)/release-rt 2>/dev/null)
module-6.1 module-rt: module-%: $(TCPHS_CACHE)/release
	mkdir -p build/$*/module
	cp -pr $(TREE_FILES) build/$*/
	cp -p module/*.c module/*.h build/$*/module/
	$(MAKE) -C $(TCPHS_CACHE)/image/$(KREL_$*)/usr/src/linux-headers-$(KREL_$*) \
		M=$(CURDIR)/build/$* W=1 C=2 modules

# The selftests' helper programs (tcphs_conn), built on the host, and the
# kernel's ynl tools (unpacked by scripts/setup) where the guests see them.
helpers: $(KDEPS)
	$(MAKE) -C selftests
	rsync -a --delete $(TCPHS_CACHE)/ynl/ build/ynl/

# The netlink family's uapi header, generated from its spec by the
# kernel's ynl-gen-c.py, which wants the spec inside a kernel tree; `make
# style` checks that the committed one is what the spec makes.
UAPI = include/uapi/linux/tcphs.h
SPEC = Documentation/netlink/specs/tcphs.yaml
uapi: $(KDEPS)
	scripts/uapi $(UAPI)

demo: module helpers
	scripts/demo

# scripts/check runs the set-up and builds everything itself, from clean, so
# that a build warning is a counted failure rather than a stop.
check:
	scripts/check $(if $(J),-j $(J)) $(T)

check-quick:
	scripts/check --quick $(if $(J),-j $(J))

# Every C file; libFuzzer fixes the CamelCase name of the fuzzer's entry,
# and the one header that tells kernels apart must test their versions.
# And module/'s headers include each other in no circle.
style:
	scripts/style $(filter-out module/kcompat.h module/trace.h,$(SOURCES)) \
		kunit/*.c selftests/*.c bench/*.c
	scripts/style --ignore CAMELCASE fuzz/*.c
	scripts/style --ignore LINUX_VERSION_CODE,CONSTANT_COMPARISON \
		module/kcompat.h
	# The TRACE_EVENT() language, as include/trace/events/ writes it.
	scripts/style --ignore COMPLEX_MACRO,OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT \
		module/trace.h
	scripts/includes
	scripts/uapi --check $(UAPI)

fuzz:
	$(MAKE) -C fuzz run SECONDS=$(FUZZ_SECONDS)

kernel: $(TCPHS_CACHE)/release
	scripts/build-kernel

bench: module helpers
	bench/run.sh

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null || true
	rm -f module/*.o module/.*.cmd
	rm -rf build
	$(MAKE) -C fuzz clean
	$(MAKE) -C bench clean
	$(MAKE) -C selftests clean
