# nms/nagios/local.mk: check_leakwatch (the Nagios/Icinga plugin), its Nagios and Icinga 2 definitions, its unit test.
# SPDX-License-Identifier: ISC

# Where Debian's monitoring-plugins put theirs: /usr/lib/nagios/plugins with --prefix=/usr, the
# path Nagios' and Icinga's $USER1$ / PluginDir point at. Neither $(libdir) (multiarch on Debian:
# /usr/lib/x86_64-linux-gnu) nor $(libexecdir) (/usr/libexec with debhelper 12+) is that place.
# Other layouts override it: make install nagiosplugindir=/usr/lib64/nagios/plugins (Fedora).
nagiosplugindir = $(prefix)/lib/nagios/plugins
nagiosplugin_PROGRAMS = nms/nagios/check_leakwatch
NAGIOS_PLUGIN_CORE = \
	nms/nagios/lwn_range.c nms/nagios/lwn_range.h
nms_nagios_check_leakwatch_SOURCES = nms/nagios/check_leakwatch.c \
	nms/nagios/lwn_modes.c nms/nagios/lwn_modes.h \
	nms/nagios/lwn_snmp.c nms/nagios/lwn_snmp.h $(NAGIOS_PLUGIN_CORE)
# Its own flags: not AM_CPPFLAGS, which puts src/ on the include path; the plugin shares nothing
# with src/ and links only libnetsnmp.
nms_nagios_check_leakwatch_CPPFLAGS = -DLW_VERSION='"$(PACKAGE_VERSION)"'
nms_nagios_check_leakwatch_CFLAGS = $(LW_CFLAGS) $(NETSNMP_CFLAGS)
nms_nagios_check_leakwatch_LDADD = $(NETSNMP_LIBS)

nms_nagiosdir = $(pkgdatadir)/nagios
dist_nms_nagios_DATA = nms/nagios/leakwatch.cfg
nms_icinga2dir = $(pkgdatadir)/icinga2
dist_nms_icinga2_DATA = nms/icinga2/leakwatch.conf

# The range parser and the perfdata formatting, without SNMP (cmocka).
UNIT_TESTS += tests/unit/test_nagios_range
tests_unit_test_nagios_range_SOURCES = tests/unit/test_nagios_range.c $(NAGIOS_PLUGIN_CORE)
tests_unit_test_nagios_range_CPPFLAGS = -I$(top_srcdir)/nms/nagios
tests_unit_test_nagios_range_CFLAGS = $(LW_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_nagios_range_LDADD = $(CMOCKA_LIBS) -lm

EXTRA_DIST += docs/nms/nagios.md tests/nms/test_nagios.py tests/nms/test_icinga.py \
	tests/nms/test_check_leakwatch.py \
	tests/nms/nagios_env.py
