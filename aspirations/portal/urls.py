"""Routes of aspirations.portal (filled by its views)."""

urlpatterns: list = []
