#!/usr/bin/env python3
"""A webhook receiver for the notification tests (not a test itself: CTest runs *.sh).

Usage: webhook_receiver.py PORT LOG_FILE
Every POST is appended to LOG_FILE as one JSON line: path, the headers the tests check and the
raw body. A path starting with /fail answers 500 (to test retries and the dead-letter stream);
any other path answers 200. Writes "listening" to stdout once it accepts connections.
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8")
        entry = {
            "received_at": time.time(),
            "path": self.path,
            "signature": self.headers.get("X-Slawatch-Signature", ""),
            "idempotency_key": self.headers.get("Idempotency-Key", ""),
            "content_type": self.headers.get("Content-Type", ""),
            "body": body,
        }
        with open(self.server.log_file, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry) + "\n")
        status = 500 if self.path.startswith("/fail") else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):  # quiet: the tests read the log file
        pass


def main():
    port, log_file = int(sys.argv[1]), sys.argv[2]
    server = HTTPServer(("127.0.0.1", port), Handler)
    server.log_file = log_file
    print("listening", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
