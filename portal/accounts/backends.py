"""The session's authentication backend: Django's ModelBackend, reading the signed-in user with their
role and restricted grant in one query (every request asks both, ADR 1430)."""

from django.contrib.auth.backends import ModelBackend

from .models import User
from .roles import remember_access_facts, with_access_facts


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        user = with_access_facts(User._default_manager.filter(pk=user_id)).first()
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_access_facts(user)
        return user
