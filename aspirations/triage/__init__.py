"""Triage of citizens' messages: kind, topic, OPD, location, spam, and
duplicate reports; rules in data/ plus what staff corrections taught.

Public API: ``classifier.classify``, ``classifier.Triage``, ``classifier.learn``;
``duplicates.find_duplicates``, ``duplicates.similar``; ``topics.TOPICS``,
``topics.topic_name``, ``topics.topics_for_opd_kind``.
"""
