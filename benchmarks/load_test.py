"""A bounded load test of the production server on this machine (not part of the test suite).

    # once, against the database the server uses (creates N reporters with the demo password)
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/load_test.py setup --users 50
    # then, with the server running (scripts/serve-production.sh)
    .venv/bin/python benchmarks/load_test.py run --url http://127.0.0.1:8765 --users 50 --seconds 60

Each virtual user is a thread with its own cookies: it opens the login page, signs in with the
CSRF token like a browser (so neither the CSRF check nor the login lockout trips), then loops
until the time is up: 总体情况, 项目库, 挂图作战, 考核排名, and the monthly report form, which it
fills in and saves. It prints requests, throughput, latency percentiles by page and every error.

Bounded by design: loopback addresses only, at most --users threads (≤ 200), at most --seconds
(≤ 600) plus one request timeout, at most --max-requests requests in all.
"""

import argparse
import http.client
import ipaddress
import os
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

USERNAME = "load{:03d}"
PASSWORD = "Demo@2026"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HIDDEN_PLAN = re.compile(r'name="(form-\d+-plan)" value="(\d+)"')
TOTAL_FORMS = re.compile(r'name="form-TOTAL_FORMS" value="(\d+)"')
PAGES = [("dashboard", "/"), ("projects", "/projects/"), ("board", "/board/"),
         ("rankings", "/rankings/")]  # fmt: skip


def setup(users: int) -> None:
    """Create load001…loadNNN as reporters spread over the demo units (idempotent)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from projects.models import Unit, User

    units = list(Unit.objects.filter(projects__isnull=False).distinct().order_by("pk"))
    for index in range(1, users + 1):
        user, created = User.objects.get_or_create(
            username=USERNAME.format(index),
            defaults={"role": User.Role.REPORTER, "unit": units[index % len(units)]},
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
    print(f"{users} load users ready (password {PASSWORD}) over {len(units)} units")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.requests = 0

    def record(self, page: str, seconds: float, problem: str | None = None) -> None:
        with self.lock:
            self.requests += 1
            self.latencies[page].append(seconds)
            if problem:
                self.errors.append(f"{page}: {problem}")


class VirtualUser:
    def __init__(self, host: str, port: int, username: str, stats: Stats, timeout: float):
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self.host = f"{host}:{port}"
        self.username = username
        self.stats = stats
        self.cookies: dict[str, str] = {}

    def request(self, page: str, method: str, path: str, form: dict | None = None):
        headers = {"Host": self.host, "Referer": f"http://{self.host}{path}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.stats.record(page, time.perf_counter() - started, f"{type(error).__name__}")
            return None, b""
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        problem = f"HTTP {response.status}" if response.status >= 400 else None
        self.stats.record(page, elapsed, problem)
        return response.status, content

    def sign_in(self) -> bool:
        _, page = self.request("login", "GET", "/login/")
        token = CSRF_INPUT.search(page.decode())
        if not token:
            return False
        form = {"csrfmiddlewaretoken": token.group(1), "username": self.username,
                "password": PASSWORD, "next": "/"}  # fmt: skip
        status, _ = self.request("login", "POST", "/login/", form)
        if status != 302:
            self.stats.errors.append(f"login: {self.username} got {status}, not a redirect")
            return False
        return True

    def report(self, year: int, month: int) -> None:
        path = f"/reports/{year}/{month}/"
        status, page = self.request("report form", "GET", path)
        text = page.decode()
        token, total = CSRF_INPUT.search(text), TOTAL_FORMS.search(text)
        if status != 200 or not token or not total:
            return
        form = {"csrfmiddlewaretoken": token.group(1), "form-TOTAL_FORMS": total.group(1),
                "form-INITIAL_FORMS": total.group(1), "action": "save"}  # fmt: skip
        for name, plan in HIDDEN_PLAN.findall(text):
            prefix = name.removesuffix("plan")
            form |= {name: plan, f"{prefix}amount": "12.5", f"{prefix}progress": "主体施工"}
        status, _ = self.request("report save", "POST", path, form)
        if status != 302:
            self.stats.errors.append(f"report save: {self.username} got {status}")

    def run(self, deadline: float, max_requests: int, year: int, month: int) -> None:
        if not self.sign_in():
            return
        while time.monotonic() < deadline and self.stats.requests < max_requests:
            for _, path in PAGES:
                self.request(_, "GET", path)
            self.report(year, month)
        self.connection.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(url: str, users: int, seconds: int, max_requests: int, year: int, month: int) -> int:
    parts = urlsplit(url)
    if not ipaddress.ip_address(parts.hostname or "0.0.0.0").is_loopback:
        sys.exit("refusing: the load test only runs against a loopback address (127.0.0.1)")
    users, seconds = min(users, 200), min(seconds, 600)
    stats = Stats()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(
            target=VirtualUser(
                parts.hostname or "localhost", parts.port or 80, USERNAME.format(i + 1), stats, 30
            ).run,
            args=(deadline, max_requests, year, month),
            daemon=True,
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()) + 35)
    elapsed = time.monotonic() - started
    every = [t for values in stats.latencies.values() for t in values]
    print(f"{users} users, {elapsed:.1f} s, {stats.requests} requests, "
          f"{stats.requests / elapsed:.1f} requests/s, {len(stats.errors)} errors")  # fmt: skip
    if every:
        print(f"all pages: median {statistics.median(every) * 1000:.0f} ms, "
              f"p95 {percentile(every, 0.95) * 1000:.0f} ms, max {max(every) * 1000:.0f} ms")  # fmt: skip
    for page, values in sorted(stats.latencies.items()):
        print(f"  {page:<12} {len(values):>6}  median {statistics.median(values) * 1000:>6.0f} ms"
              f"  p95 {percentile(values, 0.95) * 1000:>6.0f} ms")  # fmt: skip
    for error in stats.errors[:20]:
        print("  error:", error)
    return 1 if stats.errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("setup")
    prepare.add_argument("--users", type=int, default=50)
    load = commands.add_parser("run")
    load.add_argument("--url", default="http://127.0.0.1:8765")
    load.add_argument("--users", type=int, default=50)
    load.add_argument("--seconds", type=int, default=60)
    load.add_argument("--max-requests", type=int, default=200_000)
    load.add_argument("--year", type=int, default=2026)
    load.add_argument("--month", type=int, default=11)
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.users)
    else:
        sys.exit(run(args.url, args.users, args.seconds, args.max_requests, args.year, args.month))


if __name__ == "__main__":
    main()
