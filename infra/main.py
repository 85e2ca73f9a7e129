"""Entry point of the ``kredensial`` command: reads settings and hands the CLI its runtime."""

from __future__ import annotations

from api.cli import build_cli
from infra.bootstrap import bootstrap
from infra.settings import Settings


def main() -> None:
    def serve_settings() -> tuple[str, int, bool]:
        s = Settings.from_env()
        return s.host, s.port, s.projections_in_process

    build_cli(lambda: bootstrap(Settings.from_env()), serve_settings=serve_settings)()


if __name__ == "__main__":
    main()
