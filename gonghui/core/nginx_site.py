"""The repository's nginx site (deploy/nginx/gonghui.conf) made runnable on this machine, for
the serving test (core/tests/test_serving_nginx.py) and the load benchmark behind nginx
(bench/load_nginx.py): its ports, paths and certificate replaced by temporary ones, each
replaced text checked to be there, so the file that is deployed is the file that is run."""

import datetime
import os
from pathlib import Path

from django.conf import settings

REPO = Path(settings.BASE_DIR)
NGINX = Path("/usr/sbin/nginx")
SITE = REPO / "deploy" / "nginx" / "gonghui.conf"


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A throw-away certificate for localhost, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def site_config(tmp: Path, *, http_port, https_port, app_port, cert, key) -> str:
    """The repository's site with this machine's values; each replaced text must be there."""
    text = SITE.read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("    listen [::]:80;\n", ""),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("/etc/ssl/gonghui/fullchain.pem", str(cert)),
        ("/etc/ssl/gonghui/privkey.pem", str(key)),
        ("/var/log/nginx/", f"{tmp}/"),
        ("/srv/gonghui/staticfiles/", f"{REPO}/staticfiles/"),
    ]:
        if old not in text:
            raise ValueError(f"deploy/nginx/gonghui.conf no longer has {old!r}")
        text = text.replace(old, new)
    return text


def main_config(tmp: Path, *, workers: int = 1, connections: int = 64) -> str:
    """nginx.conf around the site: its pid, logs and temporary files under ``tmp``."""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return (
        f"{user}worker_processes {workers};\npid {tmp}/nginx.pid;\n"
        f"error_log {tmp}/nginx-error.log;\n"
        f"events {{ worker_connections {connections}; }}\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"{temp}\n    include {tmp}/gonghui.conf;\n}}\n"
    )
