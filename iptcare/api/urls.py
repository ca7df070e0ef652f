"""The JSON API: one NinjaAPI assembled from each app's `api.py` router."""

from importlib import import_module
from importlib.util import find_spec

from ninja import NinjaAPI
from ninja.security import django_auth

# (app, URL prefix) in the order their routes appear in the OpenAPI schema.
ROUTERS = [
    ("accounts", "/"),
    ("clients", "/clients"),
    ("courses", "/courses"),
    ("formulation", "/formulation"),
    ("measures", "/measures"),
    ("scheduling", "/scheduling"),
    ("intake", "/intake"),
]

api = NinjaAPI(
    title="IPTCare API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
)
for app, prefix in ROUTERS:
    if find_spec(f"iptcare.{app}.api") is not None:
        api.add_router(prefix, import_module(f"iptcare.{app}.api").router)
