#!/usr/bin/python3
"""Writes, as JSON, what a mail reader makes of one message file (see smtp_peers.h ParseMail).

usage: parse_mail.py MESSAGE_FILE OUTPUT_JSON

Python's email package with policy=default decodes RFC 2047 words, quoted-printable and base64
bodies and charsets on its own, so the C++ tests compare against an independent implementation.
"""
import email
import email.policy
import json
import sys


def main(path, out):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    defects = [f"message: {type(d).__name__}" for d in msg.defects]
    for name, value in msg.items():
        defects += [f"{name}: {type(d).__name__}" for d in getattr(value, "defects", ())]
    parts = []
    for part in msg.walk():
        defects += [f"part: {type(d).__name__}" for d in part.defects]
        if part.is_multipart():
            continue
        parts.append({
            "content_type": part.get_content_type(),
            "charset": part.get_content_charset(),
            "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
            "content": part.get_content(),
        })
    sender = msg["From"].addresses[0]
    date = msg["Date"]
    result = {
        "subject": str(msg["Subject"]),
        "from_name": sender.display_name,
        "from_address": sender.addr_spec,
        "to": [a.addr_spec for a in msg["To"].addresses],
        "date_unix": date.datetime.timestamp() if date is not None and date.datetime else None,
        "message_id": str(msg.get("Message-ID", "")),
        "mime_version": str(msg.get("MIME-Version", "")),
        "auto_submitted": str(msg.get("Auto-Submitted", "")),
        "x_mailfrom": str(msg.get("X-MailFrom", "")),
        "x_rcptto": str(msg.get("X-RcptTo", "")),
        "content_type": msg.get_content_type(),
        "defects": defects,
        "parts": parts,
    }
    with open(out, "w", encoding="ascii") as f:
        json.dump(result, f, ensure_ascii=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
