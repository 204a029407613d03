"""sitemap.xml of the public catalogue."""

from django.contrib.sitemaps import Sitemap

from ppid.catalogue.models import InformationItem


class InformationItemSitemap(Sitemap):
    """Public items only: excluded information is never listed."""

    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            InformationItem.objects.public()
            .only("id", "last_updated_at")
            .order_by("id")
        )

    def lastmod(self, item: InformationItem):
        return item.last_updated_at
