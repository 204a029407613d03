"""The Atom feed of newly published information."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from ppid.catalogue.models import InformationItem


class LatestItemsFeed(Feed):
    """The 50 newest public items; excluded information never appears."""

    feed_type = Atom1Feed
    title = _("New public information · Purbalingga Regency")
    subtitle = _("Information newly published by the regional agencies.")
    link = reverse_lazy("ppid:catalogue")

    def items(self):
        return (
            InformationItem.objects.public()
            .select_related("opd")
            .defer("extracted_text", "search_vector")
            .order_by("-published_at", "-id")[:50]
        )

    def item_title(self, item: InformationItem) -> str:
        return item.title

    def item_description(self, item: InformationItem) -> str:
        return item.summary

    def item_pubdate(self, item: InformationItem):
        return item.published_at

    def item_updateddate(self, item: InformationItem):
        return item.last_updated_at

    def item_author_name(self, item: InformationItem) -> str:
        return item.opd.name
