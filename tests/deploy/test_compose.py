"""The Docker deployment files agree with docs/conventions.md.

No Docker engine here: the compose file is checked with `docker-compose config` (Debian's
docker-compose, which the local-run setup installs), the Dockerfiles and the edge config as text.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO / "docker-compose.yml"

# docs/conventions.md: service -> API port.
SERVICES = {
    "catalog": 8101,
    "checkout": 8102,
    "consult": 8103,
    "returns": 8104,
    "identity": 8105,
}
INFRASTRUCTURE = {
    "postgres",
    "rabbitmq",
    "elasticsearch",
    "localstripe",
    "localstripe-webhook",
    "smtp",
    "keys",
    "coturn",
    "edge",
}
EXPECTED_COMPOSE_SERVICES = INFRASTRUCTURE | {
    f"{name}-{process}" for name in SERVICES for process in ("migrate", "api", "worker")
}


# ------------------------------------------------------------------------------------ helpers


def _docker_compose() -> str:
    exe = shutil.which("docker-compose")
    if exe is None:
        pytest.fail(
            "docker-compose is not installed, so docker-compose.yml cannot be validated; "
            "install it with `apt-get install -y docker-compose`"
        )
    return exe


def _compose(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `docker-compose -f docker-compose.yml [--profile turn] <args>` (all profiles on)."""
    return subprocess.run(
        [_docker_compose(), "-f", str(COMPOSE_FILE), "--profile", "turn", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _resolved_config() -> str:
    result = _compose("config")
    assert result.returncode == 0, f"`docker-compose config` failed (exit {result.returncode}):\n{result.stderr}"
    return result.stdout


def _service_blocks(config: str) -> dict[str, str]:
    """Split `docker-compose config` output into one text block per service.

    Whitespace runs are collapsed, so a long scalar folded over lines reads as one line.
    """
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    in_services = False
    for line in config.splitlines():
        if not line.startswith(" "):
            in_services = line == "services:"
            current = None
            continue
        if not in_services:
            continue
        match = re.fullmatch(r"  ([A-Za-z0-9._-]+):", line)
        if match:
            current = match.group(1)
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    return {name: " ".join(" ".join(lines).split()) for name, lines in blocks.items()}


def _dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def _copy_sources(arguments: str) -> list[str]:
    """Sources of a COPY/ADD instruction (shell or JSON form), flags dropped."""
    arguments = arguments.strip()
    if arguments.startswith("["):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arguments)
    else:
        parts = [part for part in arguments.split() if not part.startswith("--")]
    return parts[:-1]


def _normalise(path: str) -> str:
    path = path.strip()
    while path.startswith("./"):
        path = path[2:]
    return path.rstrip("/") or "."


# -------------------------------------------------------------------------------- compose file


def test_compose_file_is_valid() -> None:
    result = _compose("config", "-q")
    assert result.returncode == 0, (
        f"docker-compose.yml is invalid (`docker-compose -f {COMPOSE_FILE} config -q` exited "
        f"{result.returncode}):\n{result.stderr}"
    )


def test_compose_file_is_valid_for_docker_compose_v2_when_present() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client")
    probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("docker compose (v2 plugin) not installed")
    result = subprocess.run(
        [docker, "compose", "-f", str(COMPOSE_FILE), "--profile", "turn", "config", "-q"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"`docker compose config -q` failed:\n{result.stderr}"


def test_compose_defines_every_service() -> None:
    result = _compose("config", "--services")
    assert result.returncode == 0, (
        f"`docker-compose config --services` failed (exit {result.returncode}):\n{result.stderr}"
    )
    defined = set(result.stdout.split())
    missing = sorted(EXPECTED_COMPOSE_SERVICES - defined)
    assert not missing, f"docker-compose.yml lacks the services {missing}"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_processes_follow_conventions(name: str) -> None:
    port = SERVICES[name]
    prefix = f"VITRINE_{name.upper()}_"
    blocks = _service_blocks(_resolved_config())
    problems: list[str] = []

    database_url = f"postgresql+psycopg://{name}:{name}@postgres:5432/vitrine_{name}"
    for process in ("migrate", "api", "worker"):
        service = f"{name}-{process}"
        block = blocks.get(service)
        if block is None:
            problems.append(f"{service}: not defined")
            continue
        if f"image: vitrine/{name}:dev" not in block:
            problems.append(f"{service}: does not use the image vitrine/{name}:dev")
        if f"dockerfile: services/{name}/Dockerfile" not in block:
            problems.append(f"{service}: not built from services/{name}/Dockerfile")
        expected_env = {
            f"{prefix}DATABASE_URL": database_url,
            f"{prefix}AMQP_URL": "amqp://vitrine:vitrine@rabbitmq:5672/%2F",
            f"{prefix}AUTH_PUBLIC_KEY_FILE": "/keys/auth-public.pem",
            f"{prefix}ENVIRONMENT": "development",
        }
        for key, value in expected_env.items():
            if f"{key}: {value}" not in block:
                problems.append(f"{service}: environment lacks {key}={value}")
        if "keys:/keys:ro" not in block:
            problems.append(f"{service}: does not mount the keys volume read-only at /keys")
        for infra in ("postgres", "rabbitmq"):
            if f"{infra}: condition: service_healthy" not in block:
                problems.append(f"{service}: does not wait for {infra} to be healthy")
        if process != "migrate" and (f"{name}-migrate: condition: service_completed_successfully" not in block):
            problems.append(f"{service}: does not wait for {name}-migrate to complete")

    migrate = blocks.get(f"{name}-migrate", "")
    for step in (
        f"alembic -c services/{name}/alembic.ini upgrade head",
        f"python -m {name}.entrypoints.cli seed",
    ):
        if step not in migrate:
            problems.append(f"{name}-migrate: command lacks `{step}`")

    api = blocks.get(f"{name}-api", "")
    if f"{name}.entrypoints.http:create_app" not in api or "--factory" not in api:
        problems.append(f"{name}-api: does not run uvicorn --factory {name}.entrypoints.http:create_app")
    readyz = f"http://127.0.0.1:{port}/api/{name}/readyz"
    if readyz not in api:
        problems.append(f"{name}-api: healthcheck does not probe {readyz}")

    worker = blocks.get(f"{name}-worker", "")
    if f"{name}.entrypoints.worker" not in worker:
        problems.append(f"{name}-worker: does not run python -m {name}.entrypoints.worker")

    assert not problems, "docker-compose.yml:\n" + "\n".join(problems)


def test_service_specific_settings() -> None:
    blocks = _service_blocks(_resolved_config())
    expected = {
        "catalog": ["VITRINE_CATALOG_ELASTICSEARCH_URL: http://elasticsearch:9200"],
        "checkout": [
            "VITRINE_CHECKOUT_STRIPE_API_BASE: http://localstripe:8420",
            "VITRINE_CHECKOUT_STRIPE_API_KEY: sk_test_vitrine_dev",
            "VITRINE_CHECKOUT_STRIPE_WEBHOOK_SECRET: whsec_vitrine_dev",
        ],
        "consult": ["VITRINE_CONSULT_SMTP_HOST: smtp", "VITRINE_CONSULT_SMTP_PORT: '1025'"],
        "identity": ["VITRINE_IDENTITY_AUTH_PRIVATE_KEY_FILE: /keys/auth-private.pem"],
    }
    problems = [
        f"{name}-{process}: environment lacks {setting}"
        for name, settings in expected.items()
        for process in ("migrate", "api", "worker")
        for setting in settings
        if setting not in blocks.get(f"{name}-{process}", "")
    ]
    if "elasticsearch: condition: service_healthy" not in blocks.get("catalog-api", ""):
        problems.append("catalog-api: does not wait for elasticsearch to be healthy")
    webhook = blocks.get("localstripe-webhook", "")
    if "http://checkout-api:8102/api/checkout/webhooks/stripe" not in webhook:
        problems.append("localstripe-webhook: does not point localstripe at checkout's webhook")
    edge = blocks.get("edge", "")
    if "127.0.0.1:8080:80" not in edge:
        problems.append("edge: does not publish 127.0.0.1:8080")
    for name in SERVICES:
        if f"{name}-api: condition: service_healthy" not in edge:
            problems.append(f"edge: does not wait for {name}-api to be healthy")
    assert not problems, "docker-compose.yml:\n" + "\n".join(problems)


def test_files_the_compose_file_mounts_or_builds_exist() -> None:
    needed = [
        "deploy/nginx/compose.conf",
        "deploy/compose/postgres/10-vitrine-databases.sql",
        "deploy/compose/keys/generate-keys.sh",
        "deploy/compose/smtp/Dockerfile",
        "deploy/localstripe/Dockerfile",
        ".dockerignore",
    ]
    missing = [path for path in needed if not (REPO / path).is_file()]
    assert not missing, f"docker-compose.yml refers to missing files: {missing}"


def test_postgres_init_creates_each_role_and_database() -> None:
    sql = (REPO / "deploy/compose/postgres/10-vitrine-databases.sql").read_text()
    flat = " ".join(sql.split())
    problems = []
    for name in SERVICES:
        if f"CREATE ROLE {name} LOGIN PASSWORD '{name}'" not in flat:
            problems.append(f"role {name} (password {name})")
        if f"CREATE DATABASE vitrine_{name} OWNER {name}" not in flat:
            problems.append(f"database vitrine_{name} owned by {name}")
    assert not problems, f"deploy/compose/postgres init SQL lacks: {problems}"


# ---------------------------------------------------------------------------------- Dockerfiles


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_dockerfile_copies_only_shared_and_itself(name: str) -> None:
    dockerfile = REPO / "services" / name / "Dockerfile"
    assert dockerfile.is_file(), f"services/{name}/Dockerfile is missing"
    instructions = _dockerfile_instructions(dockerfile.read_text())
    problems: list[str] = []

    sources = [
        _normalise(source)
        for keyword, arguments in instructions
        if keyword in ("COPY", "ADD")
        for source in _copy_sources(arguments)
    ]
    for source in sources:
        if source in (".", "*", "services", "services/*"):
            problems.append(f"copies `{source}`, which holds every service")
            continue
        first = source.split("/")
        if first[0] == "services" and len(first) > 1 and first[1] != name:
            problems.append(f"copies `{source}`, another service's directory")
        elif first[0] not in ("shared", "services"):
            problems.append(f"copies `{source}`, outside shared/ and services/{name}/")
    if "shared" not in sources:
        problems.append("does not copy shared/")
    if f"services/{name}" not in sources:
        problems.append(f"does not copy services/{name}/")

    froms = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    if not froms or not froms[0].startswith("python:3.11-slim"):
        problems.append(f"is not based on python:3.11-slim (FROM {froms})")
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    if not users or users[-1] in ("root", "0", "0:0"):
        problems.append("does not switch to a non-root USER")
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    if f"./shared ./services/{name}" not in runs:
        problems.append(f"does not pip install ./shared ./services/{name}")
    exposes = [arguments for keyword, arguments in instructions if keyword == "EXPOSE"]
    if str(SERVICES[name]) not in " ".join(exposes):
        problems.append(f"does not EXPOSE {SERVICES[name]}")
    cmd = " ".join(arguments for keyword, arguments in instructions if keyword == "CMD")
    if f"{name}.entrypoints.http:create_app" not in cmd:
        problems.append("default CMD is not the api (uvicorn --factory ...create_app)")

    assert not problems, f"services/{name}/Dockerfile: " + "; ".join(problems)


# ------------------------------------------------------------------------------------------ edge


def test_edge_routes_each_service_without_rewriting() -> None:
    conf = (REPO / "deploy/nginx/compose.conf").read_text()
    problems = []
    for name, port in SERVICES.items():
        match = re.search(rf"location /api/{name}/ \{{(?P<body>[^}}]*)\}}", conf)
        if match is None:
            problems.append(f"no `location /api/{name}/`")
            continue
        body = match.group("body")
        if f"{name}-api:{port}" not in body:
            problems.append(f"/api/{name}/ does not go to {name}-api:{port}")
        proxy_pass = re.search(r"proxy_pass\s+([^;]+);", body)
        if proxy_pass is None or not re.fullmatch(r"http://\$\w+", proxy_pass.group(1).strip()):
            problems.append(f"/api/{name}/ proxy_pass must carry no URI part (no rewriting)")
        if "rewrite" in body:
            problems.append(f"/api/{name}/ rewrites the path")
    for needed in (
        "client_max_body_size 10m",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Correlation-ID",
        "Upgrade $http_upgrade",
        "application/problem+json",
        "try_files $uri $uri/ /index.html",
    ):
        if needed not in conf:
            problems.append(f"lacks `{needed}`")
    assert not problems, "deploy/nginx/compose.conf: " + "; ".join(problems)


def test_edge_config_passes_nginx_syntax_check(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx not installed")
    mime_types = Path("/etc/nginx/mime.types")
    wrapper = tmp_path / "nginx.conf"
    include_mime_types = f"include {mime_types};" if mime_types.exists() else ""
    wrapper.write_text(
        f"""
        pid {tmp_path}/nginx.pid;
        error_log {tmp_path}/error.log;
        events {{}}
        http {{
            {include_mime_types}
            access_log off;
            client_body_temp_path {tmp_path}/body;
            proxy_temp_path {tmp_path}/proxy;
            fastcgi_temp_path {tmp_path}/fastcgi;
            uwsgi_temp_path {tmp_path}/uwsgi;
            scgi_temp_path {tmp_path}/scgi;
            include {REPO / "deploy/nginx/compose.conf"};
        }}
        """
    )
    result = subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp_path), "-c", str(wrapper)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, f"deploy/nginx/compose.conf fails `nginx -t`:\n{result.stderr}"
