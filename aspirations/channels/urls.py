"""Routes of aspirations.channels (filled by its views)."""

urlpatterns: list = []
