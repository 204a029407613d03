"""Routes of aspirations.inbox (filled by its views)."""

urlpatterns: list = []
