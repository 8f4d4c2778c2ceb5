"""The community test site (three real-looking papers, four accounts) serves these tests too."""

from tests.community.conftest import site  # noqa: F401 - a fixture, used by name
