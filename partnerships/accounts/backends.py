"""Sign-in by password, the user read with their agency."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithAgency(ModelBackend):
    """Every page reads the signed-in user's agency (scoping, the navigation bar): one
    query for both instead of a second one per request."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("agency").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
