# nms/zabbix/local.mk: installs the Zabbix 6.0 template under $(pkgdatadir)/zabbix; ships its generator, docs and test.
# SPDX-License-Identifier: ISC
nms_zabbixdir = $(pkgdatadir)/zabbix
dist_nms_zabbix_DATA = nms/zabbix/leakwatch-zabbix-6.0.yaml nms/zabbix/README.md
EXTRA_DIST += nms/zabbix/make-template.py docs/nms/zabbix.md \
	tests/nms/test_zabbix.py tests/nms/zbxstack.py
