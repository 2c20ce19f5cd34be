"""(5) Load behind nginx (``--load-nginx``): the repository's nginx site
(deploy/nginx/gonghui.conf, through ``gonghui.core.nginx_site``: only its ports, paths and
certificate replaced) in front of the benchmark's gunicorn, TLS on loopback, so wrk and hey
measure what a client of a deployment would meet: TLS and keep-alive at nginx, a new upstream
connection per request (gunicorn's sync workers close each one), the access log on."""

import os
import signal
import subprocess
from pathlib import Path

from load_tools import wait_for_healthz


class Nginx:
    """nginx -p <workdir> in the foreground, in its own process group, on a free port."""

    def __init__(self, app_port: int, workdir: Path, *, free_port, workers: int = 1):
        from gonghui.core.nginx_site import NGINX, main_config, self_signed, site_config

        if not NGINX.exists():
            raise SystemExit("--load-nginx needs Debian's nginx: make nginx")
        self.dir = workdir / "nginx"
        self.dir.mkdir()
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        cert, key = self_signed(self.dir)
        (self.dir / "gonghui.conf").write_text(
            site_config(
                self.dir,
                http_port=free_port(),
                https_port=self.port,
                app_port=app_port,
                cert=cert,
                key=key,
            )
        )
        # two upstream and client connections per request in flight: room for 100 and more
        conf = main_config(self.dir, workers=workers, connections=4096)
        (self.dir / "nginx.conf").write_text(conf)
        self.error_log = self.dir / "nginx-error.log"
        cmd = [str(NGINX), "-p", str(self.dir), "-c", str(self.dir / "nginx.conf")]
        cmd += ["-e", str(self.error_log)]
        check = subprocess.run([*cmd, "-t"], capture_output=True, text=True, check=False)
        if check.returncode:
            raise SystemExit(f"nginx -t failed:\n{check.stderr}")
        self.proc = subprocess.Popen(
            [*cmd, "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_for_healthz(self.base, self.proc, 30, "nginx", self.log_tail)
        except SystemExit:
            self.stop()
            raise

    def log_tail(self, n: int = 3000) -> str:
        if not self.error_log.exists():
            return ""
        return self.error_log.read_text(errors="replace")[-n:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGQUIT)  # nginx's graceful stop
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
