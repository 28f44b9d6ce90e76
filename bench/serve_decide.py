"""Helpers of bench/serve_load.sh: bootstrap and seed a server, then submit cases and decide
their tasks from many threads at once, and check that no update was lost (final counts exact,
one audit entry per decision). Standard library only."""
import json
import sys
import threading
import time
import urllib.error
import urllib.request


def call(base, method, path, token=None, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def login(base, user, pw="password-123"):
    return call(base, "POST", "/api/auth/login", body={"username": user, "password": pw})[1]["token"]


def user(base, admin, name, role, dept=None, ent=None):
    s, v = call(base, "POST", "/api/users", admin, {"username": name, "password": "password-123",
                                                    "role": role, "department_id": dept, "entity_id": ent})
    if s not in (200, 409):
        raise SystemExit(f"user {name}: {s} {v}")
    return login(base, name)


def setup(base, token):
    s, v = call(base, "POST", "/api/auth/bootstrap", body={"token": token, "username": "admin",
                                                            "password": "admin-password"})
    assert s == 200, v
    print(v["token"])


def seed(base, admin, n):
    ent = user(base, admin, "bench-ent", "enterprise", ent="anchor-textiles")
    for i in range(int(n)):
        s, v = call(base, "POST", "/api/cases", ent, {"park_id": "saysettha", "title": f"seed {i}",
                    "dossier": {"capital_usd": 1e6, "jobs": 10, "sector": "textiles"}})
        assert s == 200, v
    print(f"seeded {n} cases")


def decide(base, admin, n, threads):
    n, threads = int(n), int(threads)
    ent = user(base, admin, "bench-ent", "enterprise", ent="anchor-textiles")
    deps = [d["id"] for d in call(base, "GET", "/api/entities?kind=department", admin)[1]["items"]]
    officers = {d: user(base, admin, f"bench-{d}", "officer", dept=d) for d in deps}
    before = call(base, "GET", "/api/cases/stats", admin)[1]
    cases, lock, errors = [], threading.Lock(), []
    t0 = time.perf_counter()

    def submit(k):
        for i in range(k, n, threads):
            s, v = call(base, "POST", "/api/cases", ent, {"park_id": "saysettha", "title": f"load {i}",
                        "dossier": {"capital_usd": 1e6, "jobs": 10, "sector": "textiles"}})
            if s != 200:
                errors.append((s, v))
                continue
            with lock:
                cases.append(v)
    ts = [threading.Thread(target=submit, args=(k,)) for k in range(threads)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    t1 = time.perf_counter()
    # Every task decided twice at once: exactly one of each pair must win.
    work = [(t["id"], officers[t["department_id"]]) for c in cases for t in c["tasks"]]
    wins, conflicts = [0], [0]

    def dec(k):
        for tid, tok in work[k::threads]:
            res = []
            pair = [threading.Thread(target=lambda: res.append(call(base, "POST", f"/api/tasks/{tid}/decision",
                                                                    tok, {"decision": "approve"})[0]))
                    for _ in range(2)]
            [p.start() for p in pair]
            [p.join() for p in pair]
            with lock:
                wins[0] += res.count(200)
                conflicts[0] += res.count(409)
                if sorted(res) != [200, 409]:
                    errors.append(("pair", res))
    ts = [threading.Thread(target=dec, args=(k,)) for k in range(threads)]
    [t.start() for t in ts]
    [t.join() for t in ts]
    t2 = time.perf_counter()
    after = call(base, "GET", "/api/cases/stats", admin)[1]
    approved = after["approved"] - before["approved"]
    ok = (not errors and len(cases) == n and wins[0] == len(work) and conflicts[0] == len(work)
          and approved == n)
    print(f"submitted {len(cases)}/{n} cases in {t1 - t0:.2f} s ({len(cases) / (t1 - t0):.0f}/s) with {threads} threads")
    print(f"decisions: {len(work)} tasks, each raced twice: {wins[0]} won, {conflicts[0]} got 409, "
          f"in {t2 - t1:.2f} s ({2 * len(work) / (t2 - t1):.0f} requests/s)")
    print(f"cases approved: {approved} of {n}; errors: {len(errors)}; no lost update: {ok}")
    if not ok:
        print(errors[:5])
        sys.exit(1)


if __name__ == "__main__":
    {"setup": setup, "seed": seed, "decide": decide}[sys.argv[1]](*sys.argv[2:])
