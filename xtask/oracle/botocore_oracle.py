#!/usr/bin/env python3
"""The botocore side of `cargo xtask botocore-diff`.

One long-lived process per run. It reads one JSON object per line on stdin
and writes one JSON object per line on stdout (same order, same `id`):

* ``{"cmd": "init", "data_dir": DIR, "services": {"sqs": "2012-11-05", ...},
  "time": "2024-05-01T12:34:56Z"}`` checks that botocore loads every model
  from ``DIR`` (the repo's ``models/`` in botocore's ``<svc>/<version>/``
  layout) and freezes botocore's clock at ``time``.
* ``{"cmd": "request", "service", "operation", "region", "creds", "params"}``
  calls the operation through a real botocore client (every customization
  on) and captures the final, signed request in a ``before-send`` handler;
  nothing is sent. Answers ``{"request": {...}}`` or ``{"reject": {...}}``
  when botocore refuses the parameters.
* ``{"cmd": "response", ..., "variant": "output-rich" | "output-empty" |
  "error:SHAPE" | "error:unmodeled"}`` synthesizes an HTTP response for the
  operation's output shape (or error) in the service's protocol, answers it
  from ``before-send`` and returns the raw response with what the botocore
  client returned (or raised). A call that discovers its endpoint first
  (Timestream) gets one endpoint from ``DescribeEndpoints``, returned as
  ``others``; where botocore cannot sign (SigV4a without awscrt) the
  response is answered to an unsigned client (``unsigned``).

Parameters arrive as JSON with blobs as base64 strings and timestamps as
ISO 8601 strings; results go back the same way (timestamps with
microseconds, in UTC). This file is our own code, not botocore's.
"""

import base64
import datetime
import hashlib
import io
import json
import os
import socket
import struct
import sys
import time
import traceback
import urllib.parse
import zlib

# --------------------------------------------------------------------------
# No network, ever: the oracle captures requests; a connection attempt is a
# bug in the harness. (The parent also sets an unroutable proxy.)


class NetworkForbidden(OSError):
    pass


def _no_network(*_args, **_kwargs):
    raise NetworkForbidden("botocore-diff oracle: network access is forbidden")


socket.socket.connect = _no_network
socket.socket.connect_ex = _no_network
socket.create_connection = _no_network

import botocore  # noqa: E402
import botocore.auth  # noqa: E402
import botocore.compat  # noqa: E402
import botocore.endpoint  # noqa: E402
import botocore.session  # noqa: E402
import botocore.signers  # noqa: E402
import botocore.utils  # noqa: E402
from botocore.awsrequest import AWSResponse  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402
from botocore.tokens import FrozenAuthToken  # noqa: E402
from botocore import xform_name  # noqa: E402

UTC = datetime.timezone.utc
FROZEN = [datetime.datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC)]


def _frozen_now(remove_tzinfo=True):
    now = FROZEN[0]
    return now.replace(tzinfo=None) if remove_tzinfo else now


# botocore asks `get_current_datetime` (botocore.compat) for "now" when it
# signs; the modules that imported it hold their own reference.
for _module in (botocore.compat, botocore.auth, botocore.signers, botocore.utils):
    if hasattr(_module, "get_current_datetime"):
        _module.get_current_datetime = _frozen_now


class _FrozenTime:
    """The `time` module as botocore.auth sees it: `gmtime()` is the frozen
    time (SigV2's `Timestamp`)."""

    def __getattr__(self, name):
        return getattr(time, name)

    def gmtime(self, *args):
        return time.gmtime(*args) if args else FROZEN[0].utctimetuple()


botocore.auth.time = _FrozenTime()


def _refuse_send(self, request):
    raise NetworkForbidden("botocore-diff oracle: a request reached Endpoint._send")


botocore.endpoint.Endpoint._send = _refuse_send


class Captured(Exception):
    """Raised from before-send once the request is recorded."""


class RetryLoop(Exception):
    """Raised from before-send when botocore sends one operation more than
    MAX_SENDS times in a call."""


# --------------------------------------------------------------------------
# Conversions between the JSON wire form and botocore's Python values.


def parse_iso(text):
    text = text.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    value = datetime.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def to_python(shape, value):
    """JSON params (blobs base64, timestamps ISO) -> botocore's params."""
    if shape is None or value is None:
        return value
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False) or not isinstance(value, dict):
            return value
        out = {}
        for key, item in value.items():
            member = shape.members.get(key)
            out[key] = to_python(member, item) if member is not None else item
        return out
    if kind == "list" and isinstance(value, list):
        return [to_python(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: to_python(shape.value, item) for key, item in value.items()}
    if kind == "blob" and isinstance(value, str):
        return base64.b64decode(value)
    if kind == "timestamp" and isinstance(value, str):
        return parse_iso(value)
    return value


def to_json(value):
    """botocore's parsed values -> JSON (blobs base64, timestamps ISO UTC)."""
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if hasattr(value, "read"):
        return base64.b64encode(value.read()).decode("ascii")
    if hasattr(value, "tag") and hasattr(value, "text"):
        # An XML element botocore's parser left unconverted (two members on
        # one element name): its text.
        return value.text
    return value


def header_wire(name, value):
    """A header as http.client would put it on the wire (latin-1)."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    value = str(value)
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise Unsendable(
            f"header {name} has characters outside latin-1; "
            "http.client would raise UnicodeEncodeError"
        )
    return value


class Unsendable(Exception):
    """botocore built a request that http.client cannot send."""


def read_body(body):
    if body is None:
        return b""
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if isinstance(body, str):
        return body.encode("utf-8")
    if hasattr(body, "read"):
        start = body.tell() if hasattr(body, "tell") else None
        data = body.read()
        if start is not None and hasattr(body, "seek"):
            body.seek(start)
        return data if isinstance(data, bytes) else data.encode("utf-8")
    if isinstance(body, dict):
        return botocore.utils.percent_encode_sequence(body).encode("ascii")
    raise TypeError(f"unexpected body type {type(body).__name__}")


def snapshot(request):
    return {
        "method": request.method,
        "url": request.url,
        "headers": [[k, header_wire(k, v)] for k, v in request.headers.items()],
        "body": base64.b64encode(read_body(request.body)).decode("ascii"),
    }


class RawBody:
    """What AWSResponse and StreamingBody read a canned body from."""

    def __init__(self, data):
        self._data = data
        self._io = io.BytesIO(data)

    def stream(self, **_kwargs):
        if self._data:
            yield self._data

    def read(self, amt=None):
        return self._io.read() if amt is None else self._io.read(amt)

    def readinto(self, buffer):
        return self._io.readinto(buffer)

    def close(self):
        pass

    def release_conn(self):
        pass


# --------------------------------------------------------------------------
# Response synthesis: deterministic bodies for an output or error shape in
# the service's protocol.

RICH_TEXT = "{name} &<>/ +%~é☃ \"q' x"
HEADER_TEXT = "{name} &<>/ +%~ x"
RICH_BLOB = b"\x00\x01 binary \xfe\xff \xe2\x98\x83 "
RICH_TIME = datetime.datetime(2024, 2, 29, 12, 34, 56, 789000, tzinfo=UTC)
HEADER_TIME = datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=UTC)
MAX_DEPTH = 5
POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/k é"}],
}
# A member no model has: both parsers must ignore it.
UNKNOWN_MEMBER = "SynthUnknownMember"
# The first label of the endpoint a synthesized DescribeEndpoints names.
DISCOVERED_HOST = "discovered-cell"
# How many times one response call may send its operation: botocore
# retries a 421 / InvalidEndpointException of a discovered endpoint without
# a bound (discovery.py's handle_retries), so a canned one would loop.
MAX_SENDS = 5


class Gen:
    """Makes Python values for a shape: rich (every member, two items per
    list and map) or empty (empty strings, lists and maps)."""

    def __init__(self, variant):
        self.variant = variant

    def value(self, shape, name, in_header=False, stack=()):
        kind = shape.type_name
        empty = self.variant == "empty"
        if kind == "structure":
            if getattr(shape, "is_document_type", False):
                return {} if empty else {"doc": [1, "two", True, None], "n": {"x": 2.5}}
            if shape.name in stack or len(stack) >= MAX_DEPTH:
                return None
            out = {}
            members = list(shape.members.items())
            union = getattr(shape, "is_tagged_union", False)
            wire_names = set()
            for member_name, member in members:
                ser = member.serialization
                # Two members on one XML element name (a deprecated scalar
                # beside the flattened list that replaced it) would make an
                # ambiguous document: keep the first.
                wire = ser.get("name", member_name)
                if member.type_name == "list" and ser.get("flattened"):
                    wire = member.member.serialization.get("name", wire)
                if ser.get("location") is None and not ser.get("xmlAttribute"):
                    if wire in wire_names:
                        continue
                    wire_names.add(wire)
                if ser.get("eventstream"):
                    continue
                location = ser.get("location")
                if empty and location in ("header", "headers"):
                    continue
                value = self.value(
                    member,
                    member_name,
                    in_header=location in ("header", "headers"),
                    stack=stack + (shape.name,),
                )
                if value is not None:
                    out[member_name] = value
                    if union:
                        # One member: the first that can be built (a
                        # member nested in itself cannot).
                        break
            if union and not out:
                return None
            return out
        if kind == "list":
            if empty:
                return []
            item = self.value(shape.member, name, in_header, stack)
            if item is None:
                return None
            second = self.value(shape.member, name + "2", in_header, stack)
            if isinstance(item, str) and shape.member.enum:
                values = shape.member.enum
                second = values[1 % len(values)]
            return [item, second]
        if kind == "map":
            if empty:
                return {}
            value_a = self.value(shape.value, name, in_header, stack)
            value_b = self.value(shape.value, name + "2", in_header, stack)
            if value_a is None:
                return None
            keys = self.keys(shape.key, in_header)
            return {keys[0]: value_a, keys[1]: value_b}
        if kind == "string":
            if shape.enum:
                return shape.enum[0]
            if empty:
                return ""
            if shape.name == "policyDocumentType":
                # IAM returns policies as URL-encoded JSON.
                return urllib.parse.quote(json.dumps(POLICY))
            if shape.serialization.get("jsonvalue"):
                # A JSON document: as it is in a header (header_text
                # encodes it), as JSON text in a body, where services send
                # a string.
                doc = {"json": ["value", 1]}
                return doc if in_header else json.dumps(doc)
            text = (HEADER_TEXT if in_header else RICH_TEXT).format(name=name)
            return text
        if kind == "blob":
            return b"" if empty else RICH_BLOB + name.encode()
        if kind == "boolean":
            return not empty
        if kind in ("integer", "long", "short", "byte"):
            if empty:
                return 0
            big = {"long": 1234567890123, "integer": 123456, "short": 1234, "byte": 12}[kind]
            low = shape.metadata.get("min")
            high = shape.metadata.get("max")
            if high is not None and big > high:
                big = int(high)
            if low is not None and big < low:
                big = int(low)
            return big
        if kind in ("float", "double"):
            return 0.0 if empty else 1234.5
        if kind == "timestamp":
            return HEADER_TIME if in_header else RICH_TIME
        raise ValueError(f"unknown shape type {kind}")

    def keys(self, key_shape, in_header):
        if key_shape.enum:
            values = key_shape.enum
            return [values[0], values[1 % len(values)]] if len(values) > 1 else [values[0], values[0] + "x"]
        if in_header:
            return ["key-one", "Key-Two"]
        return ["key one &/é", "key2"]


def fmt_timestamp(value, fmt):
    if fmt == "iso8601":
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if fmt == "rfc822":
        return value.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = (value - datetime.datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
    return round(seconds, 3)


def ts_format(shape, default):
    return shape.serialization.get("timestampFormat") or default


def json_value(shape, value, default_ts="unixTimestamp"):
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False):
            return value
        out = {}
        for name, item in value.items():
            member = shape.members[name]
            out[member.serialization.get("name", name)] = json_value(member, item, default_ts)
        return out
    if kind == "list":
        return [json_value(shape.member, v, default_ts) for v in value]
    if kind == "map":
        return {k: json_value(shape.value, v, default_ts) for k, v in value.items()}
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "timestamp":
        return fmt_timestamp(value, ts_format(shape, default_ts))
    return value


# Smithy RPC v2 CBOR (RFC 8949): a small encoder of our own. `cbor_value`
# turns a synthesized value into plain Python values plus the markers below;
# `cbor_encode` writes them. Timestamps are tag 1 epoch seconds (an integer
# when whole, else a double), blobs byte strings, float shapes single and
# double shapes double precision.


class CborTag:
    """A tagged data item (major type 6)."""

    def __init__(self, tag, item):
        self.tag = tag
        self.item = item


class CborFloat32:
    """A float written in single precision (a `float` shape)."""

    def __init__(self, value):
        self.value = value


def cbor_value(shape, value):
    """A synthesized value of `shape` as what `cbor_encode` writes:
    structures are maps keyed by member name (RPC v2 ignores
    `locationName`)."""
    if value is None:
        return None
    kind = shape.type_name
    if kind == "structure":
        if getattr(shape, "is_document_type", False):
            return value
        return {name: cbor_value(shape.members[name], item) for name, item in value.items()}
    if kind == "list":
        return [cbor_value(shape.member, item) for item in value]
    if kind == "map":
        return {key: cbor_value(shape.value, item) for key, item in value.items()}
    if kind == "timestamp":
        seconds = fmt_timestamp(value, "unixTimestamp")
        return CborTag(1, int(seconds) if seconds == int(seconds) else float(seconds))
    if kind == "float":
        return CborFloat32(float(value))
    if kind == "double":
        return float(value)
    return value


def cbor_head(major, argument):
    """The initial byte of a major type with its argument, in the shortest
    form."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise ValueError(f"CBOR argument {argument} does not fit in 64 bits")


def cbor_encode(value, indefinite=False):
    """One data item. With `indefinite`, arrays and maps below the top level
    are indefinite-length (a break byte ends them), as servers may send
    them."""
    out = bytearray()
    cbor_write(out, value, indefinite, top=True)
    return bytes(out)


def cbor_write(out, value, indefinite, top=False):
    if value is None:
        out.append(0xF6)
    elif isinstance(value, bool):
        out.append(0xF5 if value else 0xF4)
    elif isinstance(value, int):
        out += cbor_head(0, value) if value >= 0 else cbor_head(1, -1 - value)
    elif isinstance(value, CborFloat32):
        out += b"\xfa" + struct.pack(">f", value.value)
    elif isinstance(value, float):
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, (bytes, bytearray)):
        out += cbor_head(2, len(value)) + bytes(value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        out += cbor_head(3, len(data)) + data
    elif isinstance(value, CborTag):
        out += cbor_head(6, value.tag)
        cbor_write(out, value.item, indefinite)
    elif isinstance(value, (list, dict)):
        cbor_write_container(out, value, indefinite, top)
    else:
        raise TypeError(f"no CBOR form for {type(value).__name__}")


def cbor_write_container(out, value, indefinite, top):
    major = 4 if isinstance(value, list) else 5
    open_ended = indefinite and not top
    out += bytes([major << 5 | 31]) if open_ended else cbor_head(major, len(value))
    if isinstance(value, list):
        for item in value:
            cbor_write(out, item, indefinite)
    else:
        for key, item in value.items():
            cbor_write(out, key, indefinite)
            cbor_write(out, item, indefinite)
    if open_ended:
        out.append(0xFF)


def xml_escape(text):
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def xml_scalar(shape, value):
    kind = shape.type_name
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "timestamp":
        fmt = ts_format(shape, "iso8601")
        out = fmt_timestamp(value, fmt)
        return str(out)
    if kind in ("float", "double"):
        return repr(float(value))
    return xml_escape(str(value))


def xmlns_attr(shape):
    ns = shape.serialization.get("xmlNamespace")
    if not ns:
        return ""
    if isinstance(ns, str):
        return f' xmlns="{ns}"'
    prefix = ns.get("prefix")
    attr = f"xmlns:{prefix}" if prefix else "xmlns"
    return f' {attr}="{ns["uri"]}"'


def xml_element(tag, shape, value, extra_attrs=""):
    """`<tag>value</tag>` for a non-flattened position."""
    kind = shape.type_name
    attrs = extra_attrs + xmlns_attr(shape)
    if kind == "structure":
        inner, attributes = xml_members(shape, value)
        return f"<{tag}{attrs}{attributes}>{inner}</{tag}>"
    if kind == "list":
        if shape.serialization.get("flattened"):
            return "".join(xml_element(tag, shape.member, item) for item in value)
        item_tag = shape.member.serialization.get("name", "member")
        inner = "".join(xml_element(item_tag, shape.member, item) for item in value)
        return f"<{tag}{attrs}>{inner}</{tag}>"
    if kind == "map":
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        entries = [
            xml_element(key_tag, shape.key, k) + xml_element(value_tag, shape.value, v)
            for k, v in value.items()
        ]
        if shape.serialization.get("flattened"):
            return "".join(f"<{tag}>{e}</{tag}>" for e in entries)
        return f"<{tag}{attrs}>" + "".join(f"<entry>{e}</entry>" for e in entries) + f"</{tag}>"
    return f"<{tag}{attrs}>{xml_scalar(shape, value)}</{tag}>"


def xml_members(shape, value):
    inner = []
    attributes = ""
    for name, item in value.items():
        member = shape.members[name]
        ser = member.serialization
        if ser.get("location") in ("header", "headers", "statusCode"):
            continue
        if ser.get("xmlAttribute"):
            attributes += f' {ser.get("name", name)}="{xml_scalar(member, item)}"'
            continue
        tag = ser.get("name", name)
        if member.type_name == "list" and ser.get("flattened"):
            tag = member.member.serialization.get("name", tag)
        inner.append(xml_element(tag, member, item))
    return "".join(inner), attributes


def header_text(shape, value):
    kind = shape.type_name
    if kind == "list":
        return ", ".join(header_text(shape.member, v) for v in value)
    if kind == "timestamp":
        return str(fmt_timestamp(value, ts_format(shape, "rfc822")))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "string" and shape.serialization.get("jsonvalue"):
        return base64.b64encode(json.dumps(value, separators=(",", ":")).encode()).decode()
    if kind in ("float", "double"):
        return repr(float(value))
    return str(value)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return (crc ^ 0xFFFFFFFF).to_bytes(4, "big")


def crc64nvme(data):
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x9A6C9329AC4BC9B5 if crc & 1 else 0)
    return (crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")


def checksum_of(name, body):
    algo = name.lower()[len("x-amz-checksum-"):]
    raw = {
        "crc32": lambda b: zlib.crc32(b).to_bytes(4, "big"),
        "crc32c": crc32c,
        "crc64nvme": crc64nvme,
        "sha1": lambda b: hashlib.sha1(b).digest(),
        "sha256": lambda b: hashlib.sha256(b).digest(),
    }.get(algo)
    if raw is None:
        return None
    return base64.b64encode(raw(body)).decode("ascii")


def rest_headers(shape, value, headers):
    """Header-bound members of `value` into `headers`; returns the status
    from a statusCode member, if any."""
    status = None
    for name, item in list(value.items()):
        member = shape.members[name]
        ser = member.serialization
        location = ser.get("location")
        if location == "header":
            header = ser.get("name", name)
            if header.lower() == "content-length":
                # Set from the body by the caller.
                del value[name]
                continue
            headers.append((header, header_text(member, item)))
        elif location == "headers":
            prefix = ser.get("name", "")
            for key, v in item.items():
                headers.append((prefix + key, str(v)))
        elif location == "statusCode":
            status = item
    return status


def cbor_headers(body):
    """The headers of an RPC v2 CBOR response with `body`: the protocol
    marker always, a Content-Type only with a body."""
    headers = [("smithy-protocol", "rpc-v2-cbor")]
    if body:
        headers.append(("Content-Type", "application/cbor"))
    return headers + [("Content-Length", str(len(body)))]


class Synth:
    def __init__(self, service_model):
        self.model = service_model
        self.protocol = service_model.resolved_protocol
        meta = service_model.metadata
        self.query_compatible = "awsQueryCompatible" in meta
        self.namespace = meta.get("xmlNamespace")
        self.service_name = service_model.service_name

    # -- outputs -----------------------------------------------------------
    def output(self, op, variant):
        shape = op.output_shape
        if shape is not None and any(
            m.serialization.get("eventstream") for m in shape.members.values()
        ):
            raise Unsupported("event stream output")
        gen = Gen("empty" if variant == "output-empty" else "rich")
        value = gen.value(shape, shape.name) if shape is not None else {}
        if self.service_name == "ec2" and op.name == "GetConsoleOutput" and variant == "output-rich":
            # EC2 returns the console output base64-encoded.
            value["Output"] = base64.b64encode("console é\r\nline 2".encode()).decode()
        rich = variant == "output-rich"
        if shape is not None and "statusCode" in [m.serialization.get("location") for m in shape.members.values()]:
            for name, member in shape.members.items():
                if member.serialization.get("location") == "statusCode":
                    value[name] = op.http.get("responseCode", 200)
        status = op.http.get("responseCode", 200)
        if self.service_name == "s3" and op.name == "GetBucketLocation":
            # S3 answers with a bare <LocationConstraint>, not the modeled
            # structure (empty for us-east-1).
            region = "" if variant == "output-empty" else "eu-west-1"
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint '
                f'xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{region}</LocationConstraint>'
            ).encode()
            return status, [("x-amz-request-id", "synth-request-id"), ("Content-Length", str(len(body)))], body
        headers = [("x-amzn-RequestId", "synth-request-id")]
        body = b""
        proto = self.protocol
        if proto == "json":
            headers.append(("Content-Type", "application/x-amz-json-%s" % self.model.metadata.get("jsonVersion", "1.0")))
            doc = json_value(shape, value) if shape else {}
            if rich:
                doc[UNKNOWN_MEMBER] = "ignored"
            body = json.dumps(doc).encode()
        elif proto == "smithy-rpc-v2-cbor":
            body = self.cbor_body(shape, value, rich)
            headers += cbor_headers(body)
        elif proto in ("rest-json", "rest-xml"):
            if proto == "rest-xml":
                headers = [("x-amz-request-id", "synth-request-id"), ("x-amz-id-2", "synth-host-id")]
            if shape is not None:
                status = rest_headers(shape, value, headers) or status
                body = self.rest_body(shape, value, rich)
            if proto == "rest-json" and body and not self.payload_is_raw(shape):
                headers.append(("Content-Type", "application/json"))
            if op.http.get("method") == "HEAD":
                body = b""
            self.fill_checksums(shape, value, headers, body)
            headers.append(("Content-Length", str(len(body))))
        elif proto == "query":
            name = op.name
            inner = ""
            if shape is not None:
                members, _ = xml_members(shape, value)
                if rich:
                    members += f"<{UNKNOWN_MEMBER}>ignored</{UNKNOWN_MEMBER}>"
                wrapper = op.output_shape.serialization.get("resultWrapper") if shape else None
                inner = f"<{wrapper}>{members}</{wrapper}>" if wrapper else members
            body = (
                f'<{name}Response xmlns="{self.namespace}">{inner}'
                f"<ResponseMetadata><RequestId>synth-request-id</RequestId></ResponseMetadata>"
                f"</{name}Response>"
            ).encode()
            headers = [("x-amzn-RequestId", "synth-request-id"), ("Content-Type", "text/xml")]
        elif proto == "ec2":
            members = xml_members(shape, value)[0] if shape is not None else ""
            if rich:
                members += f"<{UNKNOWN_MEMBER}>ignored</{UNKNOWN_MEMBER}>"
            body = (
                f'<{op.name}Response xmlns="http://ec2.amazonaws.com/doc/{self.model.api_version}/">'
                f"<requestId>synth-request-id</requestId>{members}</{op.name}Response>"
            ).encode()
            headers = [("Content-Type", "text/xml;charset=UTF-8")]
        else:
            raise Unsupported(f"protocol {proto}")
        return status, headers, body

    def cbor_body(self, shape, value, rich):
        """An RPC v2 CBOR output body: a map of the members (and, when rich,
        an unknown member both parsers must ignore, with nested arrays and
        maps indefinite-length); no body without an output shape."""
        if shape is None:
            return b""
        doc = cbor_value(shape, value)
        if rich:
            doc[UNKNOWN_MEMBER] = "ignored"
        return cbor_encode(doc, indefinite=rich)

    def payload_is_raw(self, shape):
        if shape is None:
            return False
        payload = shape.serialization.get("payload")
        return payload is not None and shape.members[payload].type_name in ("blob", "string")

    def rest_body(self, shape, value, rich=False):
        payload = shape.serialization.get("payload")
        json_proto = self.protocol == "rest-json"
        if payload is not None:
            member = shape.members[payload]
            item = value.get(payload)
            if item is None:
                return b""
            if member.type_name == "blob":
                return item
            if member.type_name == "string":
                return item.encode("utf-8")
            if json_proto:
                return json.dumps(json_value(member, item)).encode()
            tag = member.serialization.get("name", payload)
            return xml_element(tag, member, item, self.default_ns(member)).encode()
        body_members = {
            k: v for k, v in value.items() if shape.members[k].serialization.get("location") is None
        }
        if json_proto:
            if not body_members:
                return b""
            doc = json_value(shape, body_members)
            if rich:
                doc[UNKNOWN_MEMBER] = "ignored"
            return json.dumps(doc).encode()
        if not body_members:
            return b""
        tag = shape.serialization.get("name", shape.name)
        inner, attributes = xml_members(shape, body_members)
        if rich:
            inner += f"<{UNKNOWN_MEMBER}>ignored</{UNKNOWN_MEMBER}>"
        ns = self.default_ns(shape)
        return f"<{tag}{ns}{attributes}>{inner}</{tag}>".encode()

    def default_ns(self, shape):
        if shape.serialization.get("xmlNamespace") or not self.namespace:
            return ""
        return f' xmlns="{self.namespace}"'

    def fill_checksums(self, shape, value, headers, body):
        for i, (name, _) in enumerate(headers):
            if name.lower().startswith("x-amz-checksum-") and name.lower() != "x-amz-checksum-type":
                good = checksum_of(name, body)
                if good is not None:
                    headers[i] = (name, good)

    # -- endpoint discovery ------------------------------------------------
    def discovery(self, op, region):
        """The answer to the discovery operation (`DescribeEndpoints`) a call
        of `op` makes first, if the service has one and `op` is not it: one
        endpoint (only JSON services discover endpoints)."""
        discovery = self.model.endpoint_discovery_operation
        if discovery is None or discovery.name == op.name:
            return None
        prefix = self.model.endpoint_prefix
        doc = {"Endpoints": [{"Address": f"{DISCOVERED_HOST}.{prefix}.{region}.amazonaws.com", "CachePeriodInMinutes": 1440}]}
        headers = [
            ("x-amzn-RequestId", "synth-discovery-request-id"),
            ("Content-Type", "application/x-amz-json-%s" % self.model.metadata.get("jsonVersion", "1.0")),
        ]
        return discovery.name, (200, headers, json.dumps(doc).encode())

    # -- errors ------------------------------------------------------------
    def error(self, op, variant):
        shape_name = variant.split(":", 1)[1]
        if shape_name == "in-200":
            # S3 can answer 200 with an error document in the body.
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code>'
                "<Message>We encountered an internal error. Please try again.</Message>"
                "<RequestId>synth-request-id</RequestId><HostId>synth-host-id</HostId></Error>"
            ).encode()
            return 200, [("x-amz-request-id", "synth-request-id"), ("Content-Length", str(len(body)))], body
        if shape_name == "unmodeled":
            shape, value = None, {}
            code, status = "SynthUnmodeledError", 400
        else:
            shape = self.model.shape_for(shape_name)
            value = Gen("rich").value(shape, shape.name) or {}
            error = shape.metadata.get("error", {})
            code = error.get("code", shape_name)
            status = error.get("httpStatusCode", 400)
        message = "synthesized error &<> é"
        for key in ("message", "Message"):
            if isinstance(value.get(key), str):
                message = value[key]
        proto = self.protocol
        headers = []
        if proto == "json":
            body = {"__type": f"com.amazonaws.{self.service_name}#{shape_name if shape else code}"}
            if shape is not None:
                body.update(json_value(shape, value))
            body.setdefault("message", message)
            headers = [
                ("x-amzn-RequestId", "synth-request-id"),
                ("Content-Type", "application/x-amz-json-%s" % self.model.metadata.get("jsonVersion", "1.0")),
            ]
            if self.query_compatible and shape is not None and "code" in shape.metadata.get("error", {}):
                headers.append(("x-amzn-query-error", f"{code};Sender"))
            return status, headers, json.dumps(body).encode()
        if proto == "smithy-rpc-v2-cbor":
            # The error's shape id in `__type`, its members beside it.
            body = {"__type": f"com.amazonaws.{self.service_name}#{shape_name if shape else code}"}
            if shape is not None:
                body.update(cbor_value(shape, value))
            body.setdefault("message", message)
            body = cbor_encode(body)
            headers = [("x-amzn-RequestId", "synth-request-id")] + cbor_headers(body)
            if self.query_compatible and shape is not None and "code" in shape.metadata.get("error", {}):
                headers.append(("x-amzn-query-error", f"{code};Sender"))
            return status, headers, body
        if proto == "rest-json":
            headers = [
                ("x-amzn-RequestId", "synth-request-id"),
                ("x-amzn-ErrorType", f"{shape_name if shape else code}:http://internal.amazon.com/coral/synth/"),
                ("Content-Type", "application/json"),
            ]
            body = {}
            if shape is not None:
                # A member bound to x-amzn-ErrorType (IVS, Account, OAM, ...)
                # reads the error type header the server sends: it is not a
                # second header with a value of its own.
                for name in list(value):
                    ser = shape.members[name].serialization
                    if ser.get("location") == "header" and ser.get("name", "").lower() == "x-amzn-errortype":
                        del value[name]
                rest_headers(shape, value, headers)
                body = json_value(shape, {k: v for k, v in value.items() if shape.members[k].serialization.get("location") is None})
            if "error_description" not in body:
                # OAuth2-style errors (SSO OIDC) carry only error_description.
                body.setdefault("message", message)
            if op.http.get("method") == "HEAD":
                return status, headers, b""
            return status, headers, json.dumps(body).encode()
        if proto == "rest-xml":
            headers = [("x-amz-request-id", "synth-request-id"), ("x-amz-id-2", "synth-host-id")]
            inner = ""
            if shape is not None:
                rest_headers(shape, value, headers)
                body_members = {k: v for k, v in value.items() if shape.members[k].serialization.get("location") is None and k not in ("Message", "message", "Code")}
                inner = xml_members(shape, body_members)[0]
            error = f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>{inner}"
            if op.http.get("method") == "HEAD":
                body = b""
            elif self.service_name == "s3":
                body = f"<Error>{error}<RequestId>synth-request-id</RequestId><HostId>synth-host-id</HostId></Error>".encode()
            else:
                body = f"<ErrorResponse><Error>{error}</Error><RequestId>synth-request-id</RequestId></ErrorResponse>".encode()
            return status, headers, body
        if proto in ("query", "ec2"):
            inner = ""
            if shape is not None:
                members = {k: v for k, v in value.items() if k not in ("Message", "message", "Code")}
                inner = xml_members(shape, members)[0]
            error = f"<Code>{xml_escape(code)}</Code><Message>{xml_escape(message)}</Message>{inner}"
            if proto == "query":
                body = (
                    f'<ErrorResponse xmlns="{self.namespace}"><Error><Type>Sender</Type>{error}</Error>'
                    f"<RequestId>synth-request-id</RequestId></ErrorResponse>"
                )
            else:
                body = f"<Response><Errors><Error>{error}</Error></Errors><RequestID>synth-request-id</RequestID></Response>"
            return status, [("Content-Type", "text/xml")], body.encode()
        raise Unsupported(f"protocol {proto}")


class Unsupported(Exception):
    pass


class StaticTokenProvider:
    """A fixed bearer token (botocore's token providers' `load_token`)."""

    def __init__(self, token):
        self.token = FrozenAuthToken(token)

    def load_token(self, **_kwargs):
        return self.token


# --------------------------------------------------------------------------
# The oracle proper.


class Oracle:
    def __init__(self):
        self.session = None
        self.clients = {}
        self.state = {"request": None, "canned": None, "others": {}, "sends": 0}

    def init(self, msg):
        FROZEN[0] = parse_iso(msg["time"])
        data_dir = os.path.abspath(msg["data_dir"])
        self.session = botocore.session.Session()
        # The bearer token both sides use where a model asks for one.
        self.session.register_component(
            "token_provider", StaticTokenProvider(msg["bearer_token"])
        )
        loader = self.session.get_component("data_loader")
        if os.path.abspath(loader.search_paths[0]) != data_dir:
            loader.search_paths.insert(0, data_dir)
        loaded = {}
        for service, version in msg["services"].items():
            _, path = loader.load_data_with_path(f"{service}/{version}/service-2")
            if not os.path.abspath(path).startswith(data_dir + os.sep):
                raise RuntimeError(f"{service}: botocore loaded {path}, not the repo's model")
            loaded[service] = path
        return {
            "botocore": botocore.__version__,
            "python": sys.version.split()[0],
            "loaded": loaded,
        }

    def client(self, service, region, creds, kind):
        key = (service, region, creds.get("token"), kind)
        client = self.clients.get(key)
        if client is None:
            config = Config()
            if kind == "response":
                # One attempt: canned errors must not be retried (with sleeps).
                config = Config(retries={"total_max_attempts": 1})
            elif kind == "response-unsigned":
                config = Config(retries={"total_max_attempts": 1}, signature_version=botocore.UNSIGNED)
            client = self.session.create_client(
                service,
                region_name=region,
                aws_access_key_id=creds["key"],
                aws_secret_access_key=creds["secret"],
                aws_session_token=creds.get("token"),
                config=config,
            )
            client.meta.events.register("before-send", self.before_send)
            self.clients[key] = client
        return client

    def before_send(self, request, event_name="", **_kwargs):
        self.state["request"] = snapshot(request)
        canned = self.state["canned"]
        if canned is None:
            raise Captured()
        # `before-send.<service-id>.<Operation>`: another operation's
        # answer (endpoint discovery), else the operation's own.
        operation = event_name.rsplit(".", 1)[-1]
        if operation in self.state["others"]:
            canned = self.state["others"][operation]
        else:
            self.state["sends"] += 1
            if self.state["sends"] > MAX_SENDS:
                raise RetryLoop(f"botocore sent {operation} {MAX_SENDS} times and would go on")
        status, headers, body = canned
        return AWSResponse(request.url, status, dict_headers(headers), RawBody(body))

    def call(self, msg, kind):
        client = self.client(msg["service"], msg["region"], msg["creds"], kind)
        op = client.meta.service_model.operation_model(msg["operation"])
        params = to_python(op.input_shape, msg.get("params") or {})
        method = getattr(client, xform_name(op.name))
        return client, op, method, params

    def request(self, msg):
        self.state.update(request=None, canned=None)
        _client, _op, method, params = self.call(msg, "request")
        try:
            method(**params)
        except Captured:
            return {"request": self.state["request"]}
        except Unsendable as e:
            return {"reject": {"type": "Unsendable", "message": str(e)}}
        except NetworkForbidden:
            raise
        except Exception as e:  # botocore refused the parameters
            if self.state["request"] is not None:
                raise
            return {"reject": {"type": type(e).__name__, "message": str(e)}}
        raise RuntimeError("botocore returned without sending")

    def response(self, msg):
        """Tries the candidate parameter sets in order; the first one
        botocore does not refuse is used (and reported as `used`). Where
        botocore refuses them all because it cannot sign without awscrt
        (SigV4a-only endpoints: CloudFront KeyValueStore), they are tried
        again unsigned (reported as `unsigned`): what is compared is how the
        response is parsed, which signing does not change."""
        result = self.first_accepted(msg, "response")
        if result.get("reject", {}).get("type") == "MissingDependencyException":
            result = self.first_accepted(msg, "response-unsigned")
            result["unsigned"] = True
        return result

    def first_accepted(self, msg, kind):
        """The result with the first candidate botocore accepts, else the
        last refusal."""
        candidates = msg.get("candidates") or [{}]
        result = None
        for index, params in enumerate(candidates):
            result = self.response_once(msg, params, kind)
            if "reject" not in result:
                result["used"] = index
                return result
        return result

    def response_once(self, msg, params_json, kind):
        client = self.client(msg["service"], msg["region"], msg["creds"], kind)
        op = client.meta.service_model.operation_model(msg["operation"])
        variant = msg["variant"]
        synth = Synth(client.meta.service_model)
        try:
            if variant.startswith("error:"):
                canned = synth.error(op, variant)
            else:
                canned = synth.output(op, variant)
        except Unsupported as e:
            return {"unsupported": str(e)}
        http = http_json(canned)
        discovery = synth.discovery(op, msg["region"])
        others = dict([discovery]) if discovery else {}
        self.state.update(request=None, canned=canned, others=others, sends=0)
        # What both sides are answered with.
        answers = {"http": http}
        if others:
            answers["others"] = {name: http_json(answer) for name, answer in others.items()}
        params = to_python(op.input_shape, params_json)
        method = getattr(client, xform_name(op.name))
        try:
            parsed = method(**params)
        except ClientError as e:
            response = e.response
            error = response.get("Error", {})
            name = type(e).__name__
            return {
                **answers,
                "error": {
                    "code": error.get("Code"),
                    "message": error.get("Message"),
                    "exception": None if name == "ClientError" else name,
                    "status": response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
                    "members": to_json(
                        {k: v for k, v in response.items() if k not in ("Error", "ResponseMetadata")}
                    ),
                },
            }
        except NetworkForbidden:
            raise
        except Exception as e:
            if self.state["request"] is None:
                return {**answers, "reject": {"type": type(e).__name__, "message": str(e)}}
            return {**answers, "failed": {"type": type(e).__name__, "message": str(e)}}
        finally:
            self.state.update(canned=None, others={})
        meta = parsed.pop("ResponseMetadata", None) or {}
        ids = {k: meta[k] for k in ("RequestId", "HostId") if k in meta}
        try:
            return {**answers, "parsed": to_json(parsed), "ids": ids}
        except NetworkForbidden:
            raise
        except Exception as e:  # reading a streamed body failed (checksums)
            return {**answers, "failed": {"type": type(e).__name__, "message": str(e)}}


def http_json(canned):
    """A canned (status, headers, body) as the reply's `http` object."""
    status, headers, body = canned
    return {
        "status": status,
        "headers": [[k, v] for k, v in headers],
        "body": base64.b64encode(body).decode("ascii"),
    }


def dict_headers(pairs):
    from botocore.awsrequest import HeadersDict

    headers = HeadersDict()
    for k, v in pairs:
        headers[k] = v
    return headers


def main():
    oracle = Oracle()
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        msg = json.loads(line)
        reply = {"id": msg.get("id")}
        try:
            cmd = msg["cmd"]
            if cmd == "init":
                reply.update(oracle.init(msg))
            elif cmd == "request":
                reply.update(oracle.request(msg))
            elif cmd == "response":
                reply.update(oracle.response(msg))
            else:
                raise ValueError(f"unknown command {cmd!r}")
        except Exception as e:
            reply["crash"] = f"{type(e).__name__}: {e}\n{traceback.format_exc(limit=8)}"
        try:
            line = json.dumps(reply, ensure_ascii=False)
        except (TypeError, ValueError) as e:
            line = json.dumps({"id": msg.get("id"), "crash": f"unserializable reply: {e}"})
        out.write(line + "\n")
        out.flush()


if __name__ == "__main__":
    main()
