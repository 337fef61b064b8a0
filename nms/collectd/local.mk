# nms/collectd/local.mk: installs the collectd snmp plugin configuration for LEAKWATCH-MIB (included from Makefile.am).
# SPDX-License-Identifier: ISC
nms_collectddir = $(pkgdatadir)/collectd
dist_nms_collectd_DATA = nms/collectd/leakwatch.conf
EXTRA_DIST += tests/nms/test_collectd.py tests/nms/lwserved.py docs/nms/collectd.md
