"""LLM answers, checks, claims and summaries through LangChain: every quote verified.

``model`` builds the chat model on an HTTP client that ``bounds`` holds to a deadline and
a reply size; ``faults`` maps server failures to one-line errors and ``structured`` asks
for a reply in a JSON schema; ``quotes`` numbers the passages and checks each quote the
model proposes, and ``markers`` rewrites its ``[n]`` markers to verified citations.
``chat`` answers questions with these; ``tasks`` does the same for check, claims and
summary. The model proposes; :mod:`assistant.reasoning` decides.
"""
