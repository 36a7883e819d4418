import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_network():
    # Unit tests must not reach any server, even by accident through boto3's default endpoints.
    disable_socket()
    yield
    enable_socket()
