import pytest
from pytest_socket import disable_socket, enable_socket


@pytest.fixture(autouse=True)
def _no_network():
    # Scenarios run the pure engine: no server, no socket.
    disable_socket()
    yield
    enable_socket()
