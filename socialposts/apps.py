from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialpostsConfig(AppConfig):
    """OPD social-media accounts, posts and their insight metrics."""

    name = "socialposts"
    verbose_name = _("Social media")
