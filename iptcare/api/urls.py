"""The JSON API: one NinjaAPI assembled from each app's `api.py` router."""

from ninja import NinjaAPI
from ninja.security import django_auth

from iptcare.accounts.api import router as accounts_router
from iptcare.clients.api import router as clients_router

api = NinjaAPI(
    title="IPTCare API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
)
api.add_router("/", accounts_router)
api.add_router("/clients", clients_router)
