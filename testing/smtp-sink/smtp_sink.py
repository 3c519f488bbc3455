"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1): every message it accepts is
written to a folder as NNNNNN.eml, with NNNNNN.json beside it holding the envelope and the
decoded subject, text and HTML parts, so tests in any language read what was received.

Usage: smtp_sink.py DIR [--fail-first N] [--reject] [--watch-stdin]
  --fail-first N  answer the first N messages with 451 (a transient failure, to be retried)
  --reject        answer every message with 550 (a permanent failure)
  --watch-stdin   also stop when standard input closes (the parent test went away)
Prints "listening PORT" once it accepts connections; stops on SIGTERM.
"""

import asyncio
import email
import email.policy
import json
import os
import signal
import sys

from aiosmtpd.smtp import SMTP


class Sink:
    def __init__(self, folder, fail_first, reject):
        self.folder = folder
        self.fail_first = fail_first
        self.reject = reject
        self.count = 0
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.reject:
            return "550 5.7.1 Mailbox unavailable (the test sink rejects everything)"
        if self.refused < self.fail_first:
            self.refused += 1
            return "451 4.3.0 Try again later (the test sink refuses this one)"
        self.count += 1
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "message_id": str(message.get("Message-ID", "")),
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else "",
        }
        base = os.path.join(self.folder, f"{self.count:06d}")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(raw)
        os.replace(base + ".eml.tmp", base + ".eml")
        # Written last and renamed into place: a reader that sees the .json sees it whole.
        with open(base + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 2.0.0 OK"


async def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    folder = args[0]
    fail_first = int(args[args.index("--fail-first") + 1]) if "--fail-first" in args else 0
    reject = "--reject" in args
    os.makedirs(folder, exist_ok=True)
    sink = Sink(folder, fail_first, reject)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(sink, hostname="sink.test", ident="waypoint test sink"), "127.0.0.1", 0
    )
    port = server.sockets[0].getsockname()[1]
    print(f"listening {port}", flush=True)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    if "--watch-stdin" in args:
        # The parent going away (a test that panicked) closes stdin: stop then too.
        loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(1) else None)
    await stop.wait()
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
