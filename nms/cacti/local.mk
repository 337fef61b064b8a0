# nms/cacti/local.mk: installs the Cacti templates and data queries for LEAKWATCH-MIB (included from Makefile.am).
# SPDX-License-Identifier: ISC
nms_cactidir = $(pkgdatadir)/cacti
dist_nms_cacti_DATA = nms/cacti/leakwatch_templates.xml nms/cacti/README.md
nms_cacti_queriesdir = $(pkgdatadir)/cacti/resource/snmp_queries
dist_nms_cacti_queries_DATA = \
	nms/cacti/resource/snmp_queries/leakwatch_procgroup.xml \
	nms/cacti/resource/snmp_queries/leakwatch_tcpport.xml \
	nms/cacti/resource/snmp_queries/leakwatch_mcastif.xml
# the generator the XML files come from (tests/nms/test_cacti.py checks they are its output)
EXTRA_DIST += nms/cacti/mkcacti.py tests/nms/test_cacti.py tests/nms/lwcacti.py docs/nms/cacti.md
