"""Routes of aspirations.stats (filled by its views)."""

urlpatterns: list = []
