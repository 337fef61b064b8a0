# nms/traps/local.mk: installs the trap handler in $(pkglibexecdir) and the SNMPTT definitions and example trap configs in $(pkgdatadir)/traps.
# SPDX-License-Identifier: ISC

# Run by snmptrapd (traphandle): an executable, so under libexec rather than data.
lwtrapsexecdir = $(pkglibexecdir)
dist_lwtrapsexec_SCRIPTS = nms/traps/leakwatch-traphandle

nms_trapsdir = $(pkgdatadir)/traps
dist_nms_traps_DATA = \
	nms/traps/README.md \
	nms/traps/snmptrapd.conf.leakwatch \
	nms/traps/traphandle.conf \
	nms/traps/snmptt.conf.leakwatch \
	nms/traps/nagios-leakwatch-traps.cfg \
	nms/traps/icinga2-leakwatch-traps.conf

EXTRA_DIST += nms/traps/make-snmptt-conf.py docs/nms/traps.md tests/nms/test_traps.py
