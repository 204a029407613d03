"""Routes of aspirations.conversions (filled by its views)."""

urlpatterns: list = []
