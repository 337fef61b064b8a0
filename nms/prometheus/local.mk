# nms/prometheus/local.mk: the Prometheus integration, installed under $(pkgdatadir)/prometheus (included by Makefile.am).
# SPDX-License-Identifier: ISC
nms_prometheusdir = $(pkgdatadir)/prometheus
dist_nms_prometheus_DATA = \
	nms/prometheus/README.md \
	nms/prometheus/snmp.yml \
	nms/prometheus/generator.yml \
	nms/prometheus/prometheus.yml \
	nms/prometheus/rules.yml \
	nms/prometheus/rules_test.yml \
	nms/prometheus/grafana-dashboard.json
# generate.sh works in the source tree (it reads mibs/): shipped in the tarball, not installed.
EXTRA_DIST += nms/prometheus/generate.sh docs/nms/prometheus.md tests/nms/test_prometheus.py
