"""The REST API, assembled from each app's router.

Authentication: a personal access token (``Authorization: Bearer tdm_…``,
created at /account/tokens/) or the signed-in session. Either way the caller
acts as their person, under the same policy as the web interface.
"""

from django.http import HttpRequest
from ninja import NinjaAPI, Swagger

from tandem.api import errors
from tandem.api.auth import session_auth, token_auth
from tandem.api.schemas import ERRORS, MeOut

DESCRIPTION = """Mentoring and coaching programmes: partnerships, organisations, people and roles.

**Authentication.** Create a personal access token under *Your account → API access
tokens* and send it as `Authorization: Bearer tdm_…`. The token acts as you: it sees
and changes exactly what you can in the web interface. While signed in, this page
can also call the API with your session.

**Errors** are JSON: `{"detail": "…", "errors": [{"field": "email", "message": "…"}]}`.
`401` no or invalid token; `403` you can see the record but not change it; `404` the
record does not exist or is not yours to see; `422` invalid fields (listed in `errors`).

**Lists** take `limit` (at most 100) and `offset`, and answer `{"count": …, "items": […]}`.
"""

api = NinjaAPI(
    title="Tandem API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    auth=[token_auth, session_auth],
)
errors.install(api)


@api.get("/me", response={200: MeOut, **ERRORS}, tags=["me"], summary="Who the caller is")
def me(request: HttpRequest) -> dict:
    """The person the token or session acts as, their organisations and roles."""
    from tandem.organisations import selectors

    actor = request.actor  # type: ignore[attr-defined]
    return {
        "person": actor.person,
        "organisations": [
            {"uuid": o.organisation_uuid, "name": o.organisation_name, "roles": sorted(o.roles)}
            for o in actor.organisations
        ],
        "administers": list(
            selectors.partnerships(actor).filter(id__in=actor.administered_partnership_ids)
        ),
    }


def _register_routers() -> None:
    from tandem.matching.request_api import router as requests_router
    from tandem.matching.run_api import router as runs_router
    from tandem.mentors.api import router as mentors_router
    from tandem.organisations.api import router as organisations_router
    from tandem.programmes.api import router as programmes_router
    from tandem.relationships import (
        agreement_api,
        compliance_api,
        ending_api,
        meeting_api,
        plan_api,
    )
    from tandem.relationships.api import router as relationships_router
    from tandem.training import course_api, cpd_api, credential_api, learning_api

    api.add_router("/", organisations_router)
    api.add_router("/", mentors_router)
    api.add_router("/", programmes_router)
    api.add_router("/", requests_router)
    api.add_router("/", runs_router)
    api.add_router("/", relationships_router)
    for part in (agreement_api, plan_api, meeting_api, compliance_api, ending_api):
        api.add_router("/", part.router)
    for part in (course_api, learning_api, credential_api, cpd_api):
        api.add_router("/", part.router)


_register_routers()
