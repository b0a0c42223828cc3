"""django-axes, taught the portal's second sign-in limit.

Axes refuses a username and address pair after 5 failures (settings AXES_*). This handler also refuses
an address that has failed too often across usernames (`sign_in_address_wait`), at the same moment:
before the password or authenticator code is checked, so a refused attempt tells nothing about them.
The refusal page says which limit applies (portal.accounts.views.lockout_response).
"""

from axes.handlers.database import AxesDatabaseHandler

from .network import client_ip
from .selectors import sign_in_address_wait


class PortalAxesHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or sign_in_address_wait(address=client_ip(request)) > 0
