import pytest
from django.test import RequestFactory

from config.views import server_error


@pytest.mark.parametrize(
    ("path", "content_type", "text"),
    [
        ("/api/v1/opds/", "application/json", "Kesalahan server"),
        ("/perangkat-daerah/", "text/html", "Terjadi kesalahan"),
    ],
)
def test_server_error_speaks_the_clients_language(path, content_type, text):
    response = server_error(RequestFactory().get(path))
    assert response.status_code == 500
    assert response["Content-Type"].startswith(content_type)
    assert text in response.content.decode()
