"""``manage.py run_fake_platform``: the loopback fake of the platforms' APIs."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from socialposts.pulls.fake_platform import make_server


class Command(BaseCommand):
    help = "Serve the fake platform API on 127.0.0.1 for tests and the demo."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8765)

    def handle(self, *args: Any, **options: Any) -> None:
        server, _state = make_server(options["port"])
        host, port = server.server_address[:2]
        self.stdout.write(
            "Fake platform API on http://{}:{}/ (Ctrl-C stops it)".format(host, port)
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
