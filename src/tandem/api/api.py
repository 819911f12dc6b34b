"""The REST API, assembled from each app's router."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description="Mentoring and coaching programmes: organisations, people and more.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
