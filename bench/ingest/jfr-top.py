#!/usr/bin/env python3
"""Summarises a JFR recording of Kizuna: where the CPU samples are (self time by method, and
inclusive time for io.kizuna methods and for a few library areas).

    python3 bench/ingest/jfr-top.py bench/ingest/results/kizuna-<time>.jfr [top]

Needs the JDK's `jfr` tool on the PATH (JDK 17 has no `jfr view`, so this parses `jfr print`).
"""
import collections
import re
import subprocess
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
out = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                     capture_output=True, text=True, check=True).stdout

frame_re = re.compile(r"^\s+([\w$.<>/]+)\(.*\)\s+line:")
samples = []
stack = None
for line in out.splitlines():
    if line.startswith("jdk.ExecutionSample"):
        stack = []
    elif stack is not None and frame_re.match(line):
        stack.append(frame_re.match(line).group(1))
    elif stack is not None and line.strip() == "]":
        # end of the stackTrace frames list
        samples.append(stack)
        stack = None
    elif stack is not None and line.startswith("}"):
        samples.append(stack)
        stack = None

total = len(samples)
print(f"{total} CPU samples")
if not total:
    sys.exit(0)

self_time = collections.Counter(s[0] for s in samples if s)
print(f"\n-- top {top} methods by self time")
for method, n in self_time.most_common(top):
    print(f"{100.0 * n / total:5.1f}%  {method}")

inclusive = collections.Counter()
for s in samples:
    for method in set(m for m in s if m.startswith("io.kizuna.")):
        inclusive[method] += 1
print(f"\n-- top {top} io.kizuna methods by inclusive time")
for method, n in inclusive.most_common(top):
    print(f"{100.0 * n / total:5.1f}%  {method}")

areas = collections.OrderedDict([
    ("JSON (Jackson / vertx JsonObject)", ("com.fasterxml.jackson", "io.vertx.core.json")),
    ("PostgreSQL client (io.vertx.pgclient / sqlclient)", ("io.vertx.pgclient", "io.vertx.sqlclient")),
    ("Netty / HTTP", ("io.netty", "io.vertx.core.http", "io.vertx.core.net")),
    ("RESTEasy Reactive", ("org.jboss.resteasy.reactive", "io.quarkus.resteasy.reactive")),
    ("Mutiny", ("io.smallrye.mutiny",)),
    ("libphonenumber", ("com.google.i18n.phonenumbers",)),
    ("java.time parsing/formatting", ("java.time.format", "java.time.Instant.parse", "java.time.OffsetDateTime.parse")),
    ("BigDecimal", ("java.math.BigDecimal",)),
    ("logging", ("org.jboss.logmanager", "org.jboss.logging")),
])
print("\n-- inclusive time by area (a sample may count in several areas)")
for area, prefixes in areas.items():
    n = sum(1 for s in samples if any(m.startswith(prefixes) for m in s))
    print(f"{100.0 * n / total:5.1f}%  {area}")
