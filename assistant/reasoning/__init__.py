"""Reasoning over retrieved passages, with no model: each module has one job.

``question`` says what a question asks for; ``nlp`` tags entities; ``answer`` scores
sentences and chooses the ones an answer rests on; ``answer_text`` writes the answer
from them, naming speakers and citing only what verifies in its file; ``answer_types``
holds the data these pass down (``Assessment``, ``Answer``, ``ShortAnswer``);
``shortanswer`` finds the span that answers and whether sources disagree; ``dedup`` folds
reprinted sentences; ``attribution`` finds who said it, ``speakers`` whether that makes
its subject a speaker; ``figures`` reads the counts a text gives, ``negation`` what a
sentence's negations and denials govern, ``slots`` the entities a claim names and
whether a sentence gives them or rivals; ``claims``, ``check`` and ``summary`` build
the claim table, verdicts and summaries; ``citations`` and ``verify`` turn a quote into
a citation only after finding it in its file. Data flows down: reasoning reads the
index, never the other way.
"""
