"""Infographics for the OPDs' social media, drawn with Pillow.

The public interface (the contract with the portal):

- ``Kind`` and ``Size``: the kinds of infographic and the image sizes;
  ``DIMENSIONS`` maps a size to (width, height) in pixels.
- ``validate(kind, size, data)``: the cleaned data, or a ``ValidationError``
  whose dict names the field ("steps", "steps[3].title", "rows", "csv", ...).
- ``clean(kind, size, data)``: the same without measuring the text's fit
  (``render`` measures it while it lays the image out).
- ``render(kind, size, data)``: validates, draws and returns a ``Rendered``
  (PNG bytes under 1 MB, width, height, Indonesian alt text, text boxes).
- ``alt_text(kind, data)``: the alt text alone, from the same data.

Data per kind (plain JSON-able dicts; every kind takes ``url`` and an
optional ``logo`` as image bytes):

- item_card: title, category, opd_name, summary, where, url
- service_flow: title, opd_name, steps [{title, text}] (2-10), url
- data_chart: title, opd_name, chart "bar"|"line", unit?, rows [{label,
  value}] (1-12) or csv "label,number" lines, source?, url
- kip_card: opd_name, month_label, score, band_label, change (or None), url
- ranking_card: month_label, rows [{rank, opd_name, score, band_label}]
  (1-10), url
"""

from .alt import alt_text
from .drawing import render
from .kinds import DIMENSIONS, MAX_PNG_BYTES, Kind, Rendered, Size
from .validation import clean, validate

__all__ = [
    "DIMENSIONS",
    "MAX_PNG_BYTES",
    "Kind",
    "Rendered",
    "Size",
    "alt_text",
    "clean",
    "render",
    "validate",
]
