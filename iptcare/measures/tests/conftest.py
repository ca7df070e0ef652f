import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    # Cached clinic settings must not outlive the test's rolled-back database.
    cache.clear()
    yield
    cache.clear()
