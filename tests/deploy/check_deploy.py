"""Checks deploy/ against the argus binary it ships, without Docker.

- Every argus container in the quickstart (with and without the tracing overlay) runs a real
  subcommand, its config files exist on the host side of a volume, and `argus config show` accepts
  its files and environment together.
- Every tracing-*.yml selects the provider its name says and sends to a service the compose files
  define; so does the DSN (and its credentials are the database container's).
- Every `depends_on` names a defined service.
- The Dockerfile's runtime packages hold every shared library the binary links (the sanitizer
  runtimes of a test build aside).

Usage: check_deploy.py PATH/TO/argus REPO_ROOT
"""
import itertools
import json
import os
import pathlib
import re
import shlex
import subprocess
import sys
import urllib.parse

import yaml

argus, root = sys.argv[1], pathlib.Path(sys.argv[2])
deploy = root / "deploy"
failures = []


def fail(message):
    failures.append(message)


def merge(base, overlay):
    """Compose's merge of an override file: maps merge, lists of depends_on join, the rest replaces."""
    out = dict(base)
    for key, value in overlay.items():
        if key == "depends_on":
            out[key] = sorted(set(names(base.get(key))) | set(names(value)))
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            out[key] = merge(base[key], value)
        else:
            out[key] = value
    return out


def names(depends_on):
    if depends_on is None:
        return []
    return list(depends_on) if isinstance(depends_on, (list, dict)) else [depends_on]


def load(*files):
    services = {}
    for f in files:
        for name, svc in yaml.safe_load((deploy / f).read_text())["services"].items():
            services[name] = merge(services.get(name, {}), svc)
    return services


def host_path(svc, container_path):
    for volume in svc.get("volumes", []):
        host, target = volume.split(":")[:2]
        if container_path == target or container_path.startswith(target + "/"):
            return deploy / host / os.path.relpath(container_path, target)
    return None


def argus_env(svc):
    env = {"PATH": os.environ["PATH"]}
    env.update({k: str(v) for k, v in (svc.get("environment") or {}).items()})
    return env


def effective_config(files, env, what):
    args = [argus, "config", "show", "--format", "json"]
    for f in files:
        args += ["-c", str(f)]
    r = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        fail(f"{what}: argus config show refused it: {r.stderr.strip()}")
        return None
    return {k: v["value"] for k, v in json.loads(r.stdout).items()}


def endpoint_host(config):
    provider = config["tracing.provider"]
    if provider == "jaeger":
        return config["tracing.providers.jaeger.local_agent_address"].rsplit(":", 1)[0]
    if provider == "zipkin":
        return urllib.parse.urlsplit(config["tracing.providers.zipkin.server_url"]).hostname
    if provider == "otel":
        url = config["tracing.providers.otlp.server_url"]
        return urllib.parse.urlsplit(url if "://" in url else "//" + url).hostname
    return None


def is_command_line(words):
    """The words before the first option reach a command that needs no further subcommand, and
    a positional with a fixed set of values (serve's MODE) gets one of them."""
    plain = list(itertools.takewhile(lambda w: not w.startswith("-"), words))
    r = subprocess.run([argus, *plain, "--help"], capture_output=True, text=True)
    usage = re.search(r"^Usage: (.*)$", r.stdout, re.M)
    if r.returncode != 0 or not usage or usage.group(1).endswith("SUBCOMMAND"):
        return False
    reached = [w for w in usage.group(1).split()[1:] if w.islower()]  # "argus migrate sql ..."
    if plain[: len(reached)] != reached:
        return False
    choices = re.search(r"^Positionals:\n\s+\S+ \w+:\{([^}]*)\}", r.stdout, re.M)
    extra = plain[len(reached):]
    return not extra or (choices is not None and extra[0] in choices.group(1).split(","))


def check_services(services, label):
    for name, svc in services.items():
        for dep in names(svc.get("depends_on")):
            if dep not in services:
                fail(f"{label}: {name} depends on undefined service {dep}")
    for name, svc in services.items():
        if not str(svc.get("image", "")).startswith("argus:"):
            continue
        words = shlex.split(svc.get("command", ""))
        if not is_command_line(words):
            fail(f"{label}: {name}: `argus {svc.get('command')}` is not a valid command line")
        files = []
        for flag, value in zip(words, words[1:]):
            if flag in ("-c", "--config"):
                path = host_path(svc, value)
                if path is None or not path.is_file():
                    fail(f"{label}: {name}: {value} is not a file mounted from deploy/")
                else:
                    files.append(path)
        env = argus_env(svc)
        config = effective_config(files, env, f"{label}: {name}")
        if config is None:
            continue
        if words[:1] == ["serve"] and "SECRETS_SYSTEM" not in env:
            fail(f"{label}: {name} serves without secrets.system")
        dsn = urllib.parse.urlsplit(env.get("DSN", ""))
        db = services.get(dsn.hostname or "", {})
        db_env = db.get("environment") or {}
        if not db or (dsn.username, dsn.password, dsn.path.lstrip("/")) != (
            db_env.get("POSTGRES_USER"), db_env.get("POSTGRES_PASSWORD"), db_env.get("POSTGRES_DB")):
            fail(f"{label}: {name}: the DSN does not match a database service's credentials")
        host = endpoint_host(config)
        if host is not None and host not in services:
            fail(f"{label}: {name} sends spans to {host}, which no service provides")
        if words[:1] == ["serve"]:
            published = {str(p).split(":")[-1] for p in svc.get("ports", [])}
            for key in ("serve.public.port", "serve.admin.port"):
                if str(config[key]) not in published:
                    fail(f"{label}: {name}: {key} {config[key]} is not published")


def check_tracing_files(services):
    for path in sorted((deploy / "config").glob("tracing-*.yml")):
        wanted = path.stem.split("-", 1)[1]
        config = effective_config([deploy / "config" / "argus.yml", path],
                                  {"PATH": os.environ["PATH"]}, path.name)
        if config is None:
            continue
        if config["tracing.provider"] != wanted:
            fail(f"{path.name}: selects {config['tracing.provider']!r}, not {wanted!r}")
        if endpoint_host(config) not in services:
            fail(f"{path.name}: sends spans to {endpoint_host(config)}, which no service provides")


def check_runtime_packages():
    text = (deploy / "Dockerfile").read_text()
    block = re.search(r"# runtime-packages-begin(.*)# runtime-packages-end", text, re.S)
    listed = set(re.findall(r"\b(lib[\w.+-]+|zlib1g|ca-certificates)\b", block.group(1)))
    dynamic = subprocess.run(["objdump", "-p", argus], capture_output=True, text=True, check=True)
    cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True, check=True)
    for soname in re.findall(r"NEEDED\s+(\S+)", dynamic.stdout):
        if re.match(r"lib(a|ub|t|l)san\.", soname):
            continue  # the sanitizer runtimes of a test build: not in the release image
        found = re.search(rf"^\s*{re.escape(soname)} \(libc6,x86-64[^)]*\) => (\S+)$",
                          cache.stdout, re.M)
        if not found:
            fail(f"Dockerfile: cannot locate {soname}")
            continue
        real = os.path.realpath(found.group(1))
        candidates = {found.group(1), real}
        for c in list(candidates):
            candidates.add(c[4:] if c.startswith("/usr/") else "/usr" + c)
        package = None
        for c in candidates:
            r = subprocess.run(["dpkg", "-S", c], capture_output=True, text=True)
            if r.returncode == 0:
                package = r.stdout.split(":")[0]
                break
        if package is None:
            fail(f"Dockerfile: no Debian package owns {soname}")
        elif package not in listed:
            fail(f"Dockerfile: {soname} comes from {package}, which the runtime stage lacks")


base = load("quickstart.yml")
traced = load("quickstart.yml", "quickstart-tracing.yml")
check_services(base, "quickstart.yml")
check_services(traced, "quickstart.yml + quickstart-tracing.yml")
check_tracing_files(traced)
check_runtime_packages()
for f in failures:
    print("FAIL", f)
print(f"deploy: {len(failures)} problem(s)")
sys.exit(1 if failures else 0)
