#!/bin/sh
# zbx_traphandle.sh: minimal snmptrapd traphandle for test_zabbix.py: appends each notification to Zabbix's SNMPTrapperFile.
# snmptrapd.conf: traphandle default /bin/sh zbx_traphandle.sh FILE
# Input (snmptrapd): line 1 host name, line 2 transport ("UDP: [127.0.0.1]:49654->[127.0.0.1]:16200"),
# then one "OID value" line per varbind. Zabbix wants a header "HH:MM:SS YYYY/MM/DD ZBXTRAP ADDR"
# (ADDR = the SNMP interface address of the host) followed by the trap text, which its
# snmptrap["regex"] items match.
out=$1
IFS= read -r _   # the host name: Zabbix matches the address
IFS= read -r transport
addr=${transport#*[}
addr=${addr%%]*}
body=$(cat)
# one printf: one write(2) in O_APPEND mode, so concurrent handlers do not interleave records
printf '%s ZBXTRAP %s\n%s\n%s\n' "$(date '+%H:%M:%S %Y/%m/%d')" "$addr" "$transport" "$body" >> "$out"
