"""Sessions: Flask's signed cookie, except on the API's URLs."""
from flask.sessions import SecureCookieSessionInterface

from .urls import API_PATH_PREFIX


class NoSessionForTheApi(SecureCookieSessionInterface):
    """The API reads no cookie (web/urls.is_api_request): its requests get an empty session that is never
    saved, so its answers carry no Set-Cookie and no `Vary: Cookie`, and a signed-in browser is a stranger
    there (no organizer's rights through the API)."""

    def open_session(self, app, request):
        if request.path.startswith(API_PATH_PREFIX):
            return self.null_session_class()
        return super().open_session(app, request)
