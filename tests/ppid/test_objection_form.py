"""The objection's ground (issue 18): Bootstrap radios, no blank choice,
none ticked before the requester chooses."""

import re

from django.template.loader import render_to_string

from ppid.requests.forms import ObjectionForm
from ppid.requests.grounds import REQUEST_GROUNDS


def test_the_grounds_are_form_check_radios_without_a_blank_choice():
    for staff in (False, True):
        form = ObjectionForm(staff=staff)
        assert [value for value, _label in form.fields["reason"].choices] == [
            ground for ground in "acdefg" if ground in REQUEST_GROUNDS
        ]
        html = render_to_string("includes/field.html", {"field": form["reason"]})
        radios = re.findall(r'<input type="radio"[^>]*>', html)
        assert len(radios) == len(form.fields["reason"].choices)
        for radio in radios:
            assert 'class="form-check-input"' in radio
            assert "form-control" not in radio and "checked" not in radio
            assert 'value=""' not in radio
        assert html.count('class="form-check"') == len(radios)
        assert "<legend" in html and "---------" not in html
