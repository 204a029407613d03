"""The monthly report's files: ``common`` (the canonical content and what
every format shares), ``pdf``, ``xlsx``, ``evidence`` (the SAQ pack),
``text`` (WhatsApp) and ``files`` (a file as the pages and the API answer
it)."""
