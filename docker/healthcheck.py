"""Container health check of the web service: GET /healthz/ (200 "ok" when the database answers).

With DEBUG=0 the portal only answers to ALLOWED_HOSTS and redirects plain HTTP to HTTPS unless the request says it
came through the TLS proxy, so the check sends the first allowed host name and X-Forwarded-Proto: https, as the
bureau's reverse proxy does.
"""

import os
import sys
import urllib.request


def main() -> int:
    hosts = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    host = hosts[0].lstrip(".") if hosts and hosts[0] != "*" else "localhost"
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz/",
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"healthcheck failed: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
