"""The monthly report's files: ``common`` (the canonical content and what
every format shares), ``pdf``, ``xlsx``, ``evidence`` (the SAQ pack) and
``text`` (WhatsApp)."""
