# Minimal BER for raw SNMPv2c messages, for what the net-snmp tools cannot send or time alone.
# SPDX-License-Identifier: ISC
GET, GETBULK, SET = 0xA0, 0xA5, 0xA3   # PDU tags
NULL = b"\x05\x00"                     # a varbind's value in a GET or GETBULK


def tlv(tag, body):
    """One BER element: tag, definite length (short or long form), content octets."""
    n = len(body)
    length = bytes([n]) if n < 0x80 else (lambda b: bytes([0x80 | len(b)]) + b)(
        n.to_bytes((n.bit_length() + 7) // 8, "big"))
    return bytes([tag]) + length + body


def integer(v):
    """An INTEGER in the fewest octets (two's complement)."""
    return tlv(0x02, v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big", signed=True))


def oid_octets(text):
    """The content octets of an OBJECT IDENTIFIER given as dotted text."""
    parts = [int(x) for x in text.strip(".").split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for sub in parts[2:]:
        chunk = [sub & 0x7F]
        sub >>= 7
        while sub:
            chunk.append(0x80 | (sub & 0x7F))
            sub >>= 7
        out += bytes(reversed(chunk))
    return bytes(out)


def oid_text(octets):
    """Dotted text of an OBJECT IDENTIFIER's content octets."""
    parts, v = [octets[0] // 40, octets[0] % 40], 0
    for x in octets[1:]:
        v = (v << 7) | (x & 0x7F)
        if not x & 0x80:
            parts.append(v)
            v = 0
    return ".".join(map(str, parts))


def message(pdu_tag, community, reqid, varbinds, a=0, b=0):
    """An SNMPv2c message: one PDU of pdu_tag with request-id reqid, error-status (GETBULK:
    non-repeaters) a, error-index (max-repetitions) b and varbinds [(oid text, value element)]."""
    vbl = b"".join(tlv(0x30, tlv(0x06, oid_octets(o)) + v) for o, v in varbinds)
    pdu = tlv(pdu_tag, integer(reqid) + integer(a) + integer(b) + tlv(0x30, vbl))
    return tlv(0x30, integer(1) + tlv(0x04, community) + pdu)


def read(buf, i):
    """(tag, start of content, end of content) of the element at buf[i]."""
    tag, n, i = buf[i], buf[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7F
        n, i = int.from_bytes(buf[i:i + k], "big"), i + k
    return tag, i, i + n


def response(buf):
    """A Response-PDU's (request-id, error-status, [(oid text, value tag, value octets)])."""
    _, i, _ = read(buf, 0)                  # message SEQUENCE
    for _ in range(2):                      # version, community
        i = read(buf, i)[2]
    _, i, _ = read(buf, i)                  # the PDU
    fields = []
    for _ in range(3):                      # request-id, error-status, error-index
        _, s, i = read(buf, i)
        fields.append(int.from_bytes(buf[s:i], "big", signed=True))
    _, i, end = read(buf, i)                # varbind list
    vbs = []
    while i < end:
        _, s, nxt = read(buf, i)
        _, os_, oe = read(buf, s)
        tag, vs, ve = read(buf, oe)
        vbs.append((oid_text(buf[os_:oe]), tag, buf[vs:ve]))
        i = nxt
    return fields[0], fields[1], vbs
