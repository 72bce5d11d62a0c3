"""Reading one raw file into outcome rows: a typed record, or a quarantine reason with the raw text.

These functions run on Spark executors (inside ``mapInArrow``), one file at a time, so that line
numbers and MIME parts stay exact and a bad file never stops the others.
"""
from __future__ import annotations

import csv
import datetime as dt
import email
import email.header
import email.message
import email.policy
import email.utils
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipelines.land.drift import DriftLog
from pipelines.land.fields import BadValue, SourceSpec

RAW_LIMIT = 64 * 1024  # quarantine keeps this much of a raw unit; the file itself stays in raw/
_FALLBACK_ENCODINGS = ("utf-8", "cp1252", "latin-1")


@dataclass(frozen=True)
class RawFile:
    """Where a file's units come from: its path under raw/, its hash, when it landed."""

    rel_path: str
    sha256: str
    landed_at: dt.datetime


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Text and the encoding that read it: the declared one, else UTF-8, else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    tried = [declared] if declared else []
    for encoding in [*tried, *_FALLBACK_ENCODINGS]:
        try:
            return data.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


def _clip(text: str) -> str:
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT] + "…[truncated]"


class _Outcomes:
    """Builds outcome rows for one file: lineage + record, or lineage + reason."""

    def __init__(self, spec: SourceSpec, raw_file: RawFile, encoding: str) -> None:
        self.spec = spec
        self.file = raw_file
        self.encoding = encoding
        self.first_seen: dict[str | None, str] = {}
        self.known = frozenset(f.name for f in spec.fields)

    def _lineage(self, line: int | None, part: str | None) -> dict[str, Any]:
        return {
            "src_file": self.file.rel_path,
            "src_sha256": self.file.sha256,
            "src_line": line,
            "src_part": part,
            "src_encoding": self.encoding,
            "landed_at": self.file.landed_at,
        }

    def quarantined(self, reason: str, raw: str, line: int | None = None, part: str | None = None,
                    record_id: str | None = None) -> dict[str, Any]:
        return {**self._lineage(line, part), "record_id": record_id, "reason": reason, "raw": _clip(raw)}

    def record(self, values: dict[str, Any], raw: str, line: int | None = None, part: str | None = None,
               separator: str | None = None) -> dict[str, Any]:
        """Validates ``values`` against the contract; returns a bronze row or a quarantine row."""
        where = f"line {line}" if line is not None else (part or "file")
        record: dict[str, Any] = {}
        errors: list[str] = []
        for spec_field in self.spec.fields:
            try:
                record[spec_field.name] = spec_field.read(values.get(spec_field.name), separator)
            except BadValue as exc:
                errors.append(str(exc))
        record_id = _as_id(values.get(self.spec.id_field))
        if errors:
            return self.quarantined("; ".join(errors), raw, line, part, record_id)
        if record_id in self.first_seen:
            return self.quarantined(
                f"duplicate {self.spec.id_field} {record_id!r} (first at {self.first_seen[record_id]})",
                raw, line, part, record_id,
            )
        self.first_seen[record_id] = where
        extra = {k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                 for k, v in values.items() if k not in self.known and v not in (None, "")}
        return {**record, "extra_fields": extra, **self._lineage(line, part)}


def _as_id(value: Any) -> str | None:
    return None if value is None else (str(value).strip() or None)


# ----------------------------------------------------------------------------------- JSON lines


def read_jsonl(spec: SourceSpec, raw_file: RawFile, data: bytes, drift: DriftLog) -> Iterator[dict[str, Any]]:
    text, encoding = decode(data)
    out = _Outcomes(spec, raw_file, encoding)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield out.quarantined(f"invalid JSON ({exc.msg} at column {exc.colno}): truncated or malformed line",
                                  line, number)
            continue
        if not isinstance(obj, dict):
            yield out.quarantined(f"expected a JSON object, got {type(obj).__name__}", line, number)
            continue
        drift.see_row(obj)
        yield out.record(obj, line, number)


# ----------------------------------------------------------------------------------------- CSV


def read_csv(spec: SourceSpec, raw_file: RawFile, data: bytes, drift: DriftLog) -> Iterator[dict[str, Any]]:
    text, encoding = decode(data)
    out = _Outcomes(spec, raw_file, encoding)
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        yield out.quarantined(f"unreadable CSV header: {exc}", lines[0] if lines else "", 1)
        return
    drift.see_header(header)
    required = [f.name for f in spec.fields if f.required]
    missing = [name for name in required if name not in header]
    start = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            end = reader.line_num
            yield out.quarantined(f"malformed CSV row: {exc}", "\n".join(lines[start:end]), start + 1)
            start = end
            continue
        end = reader.line_num
        raw = "\n".join(lines[start:end])
        number = start + 1
        start = end
        if not any(cell.strip() for cell in row):
            continue
        if missing:
            yield out.quarantined(f"file header lacks required columns: {', '.join(missing)}", raw, number)
        elif len(row) != len(header):
            yield out.quarantined(f"row has {len(row)} fields, header has {len(header)}", raw, number)
        else:
            yield out.record(dict(zip(header, row)), raw, number, separator=spec.list_separator)


# -------------------------------------------------------------------------------- MIME messages

_BROKEN_MIME = ("StartBoundaryNotFoundDefect", "CloseBoundaryNotFoundDefect", "MultipartInvariantViolationDefect",
                "NoBoundaryInMultipartDefect")


def _addresses(value: str | None) -> list[str]:
    return [addr.lower() for _, addr in email.utils.getaddresses([value or ""]) if addr]


def _msg_id(value: str | None) -> str | None:
    if not value:
        return None
    return value.strip().strip("<>").strip() or None


def _part_bytes(part: email.message.Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</tr>|</li>", "\n", markup)
    return re.sub(r"[ \t]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def attachment_text(content_type: str, filename: str, data: bytes, charset: str | None) -> str:
    """Plain text of an attachment; raises ValueError when the file cannot be read."""
    name = filename.lower()
    if content_type == "application/pdf" or name.endswith(".pdf"):
        return pdf_text(data)
    if name.endswith(".docx") or "wordprocessingml" in content_type:
        import docx

        document = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells).strip()
    if content_type.startswith("text/") or name.endswith((".txt", ".csv")):
        text, _ = decode(data, charset)
        return _html_to_text(text) if content_type == "text/html" else text.strip()
    raise ValueError(f"unsupported attachment type {content_type}")


def pdf_text(data: bytes) -> str:
    """The text of a PDF's pages, read by PDFium (Chromium's engine): about half the time pypdf
    took on the attachments of generated messages, for the same text once its line ends are ``\n``.
    Raises when PDFium cannot open the file."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages = []
        for page in document:
            text = page.get_textpage()
            pages.append(text.get_text_range())
            text.close()
            page.close()
    finally:
        document.close()
    return "\n".join(pages).replace("\r\n", "\n").replace("\r", "\n").strip()


def read_eml(spec: SourceSpec, raw_file: RawFile, data: bytes, drift: DriftLog) -> Iterator[dict[str, Any]]:
    """A message and its attachments; its headers are fixed by MIME, so ``drift`` stays empty."""
    header_text, encoding = decode(re.split(rb"\r?\n\r?\n", data, maxsplit=1)[0])
    out = _Outcomes(spec, raw_file, encoding)
    try:
        message = email.message_from_bytes(data, policy=email.policy.compat32)
    except Exception as exc:  # the email package raises many types on garbage
        yield out.quarantined(f"unreadable MIME message: {exc}", header_text, part="message")
        return
    broken = [type(d).__name__ for d in message.defects if type(d).__name__ in _BROKEN_MIME]
    for part in message.walk():
        broken += [type(d).__name__ for d in part.defects if type(d).__name__ in _BROKEN_MIME]
    if broken:
        yield out.quarantined(f"broken MIME structure ({', '.join(sorted(set(broken)))}): truncated message?",
                              header_text, part="message", record_id=_msg_id(message.get("Message-ID")))
        return

    message_id = _msg_id(message.get("Message-ID"))
    bodies_plain: list[str] = []
    bodies_html: list[str] = []
    attachments: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for index, part in enumerate(message.walk()):
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = part.get_filename()
        is_attachment = bool(filename) or (part.get("Content-Disposition", "").lower().startswith("attachment"))
        payload = _part_bytes(part)
        if not is_attachment and content_type in ("text/plain", "text/html"):
            text, _ = decode(payload, part.get_content_charset())
            (bodies_plain if content_type == "text/plain" else bodies_html).append(text)
            continue
        name = _decode_header(filename) or f"part-{index}"
        label = f"attachment {index}: {name}"
        try:
            text = attachment_text(content_type, name, payload, part.get_content_charset())
        except Exception as exc:  # a broken attachment must not lose its message
            failed.append(out.quarantined(f"attachment text could not be extracted: {exc}".splitlines()[0],
                                          payload[:RAW_LIMIT].decode("latin-1"), part=label,
                                          record_id=message_id))
            continue
        attachments.append({"part": index, "filename": name, "content_type": content_type, "size": len(payload),
                            "sha256": hashlib.sha256(payload).hexdigest(), "text": text})

    body = "\n".join(t.strip() for t in bodies_plain) or "\n".join(_html_to_text(t) for t in bodies_html)
    try:
        sent_at = _sent_at(message.get("Date"))
    except ValueError:
        yield out.quarantined(f"impossible Date header {message['Date']!r}", header_text, part="message",
                              record_id=message_id)
        return
    values = {
        "message_id": message_id,
        "sent_at": sent_at,
        "from_address": next(iter(_addresses(message.get("From"))), None),
        "to_addresses": _addresses(message.get("To")),
        "cc_addresses": _addresses(message.get("Cc")),
        "subject": _decode_header(message.get("Subject")),
        "in_reply_to": _msg_id(message.get("In-Reply-To")),
        "references": [_msg_id(r) for r in (message.get("References") or "").split() if _msg_id(r)],
        "case_ref": message.get("X-Insight-Case-Ref"),
        "body": body,
        "attachments": attachments,
        "owner_country": message.get("X-Insight-Owner-Country"),
        "restricted_to": message.get("X-Insight-Restricted-To") or "",
        "classification": message.get("X-Insight-Classification"),
    }
    outcome = out.record(values, header_text, part="message", separator=",")
    yield outcome
    yield from failed
    if "reason" in outcome:  # the message itself is quarantined: so are its attachments
        for attachment in attachments:
            yield out.quarantined(f"message quarantined: {outcome['reason']}", attachment["text"],
                                  part=f"attachment {attachment['part']}: {attachment['filename']}",
                                  record_id=message_id)


def _sent_at(header: str | None) -> str | None:
    if not header:
        return None
    try:
        sent_at = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        raise ValueError(header) from None
    if sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=dt.timezone.utc)
    return sent_at.isoformat()


def _decode_header(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(email.header.make_header(email.header.decode_header(value)))
    return re.sub(r"\s+", " ", text).strip() or None


READERS = {"jsonl": read_jsonl, "csv": read_csv, "eml": read_eml}
EXTENSIONS = {"jsonl": (".jsonl", ".json"), "csv": (".csv",), "eml": (".eml",)}


def read_units(spec: SourceSpec, raw_file: RawFile, data: bytes,
               drift: DriftLog | None = None) -> Iterator[dict[str, Any]]:
    """Every outcome of one file's bytes; a misplaced file becomes one quarantine row.

    ``drift`` collects how the file's columns differ from the contract.
    """
    if not raw_file.rel_path.lower().endswith(EXTENSIONS[spec.fmt]):
        reason = f"not a {' or '.join(EXTENSIONS[spec.fmt])} file: {spec.name} takes only those"
        yield _Outcomes(spec, raw_file, "").quarantined(reason, "", part="file")
        return
    yield from READERS[spec.fmt](spec, raw_file, data, drift or DriftLog(spec))


def unreadable_file(spec: SourceSpec, raw_file: RawFile, error: OSError) -> dict[str, Any]:
    return _Outcomes(spec, raw_file, "").quarantined(f"file could not be read: {error}", "", part="file")
