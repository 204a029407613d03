"""Public pages that explain citizens' rights under UU 14/2008."""

from django.views.generic import TemplateView


class PublicInformationView(TemplateView):
    """The four categories of information and where each is found."""

    template_name = "ppid/public_information.html"


class RequestGuideView(TemplateView):
    """How to ask for information and object, with the legal deadlines."""

    template_name = "ppid/request_guide.html"
