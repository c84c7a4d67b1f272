"""LLM answers, checks, claims and summaries through LangChain: every quote verified.

``chat`` builds the chat model, calls it with a JSON schema, maps server faults to
one-line errors and verifies the answer's quotes; ``tasks`` does the same for check,
claims and summary. The model proposes; :mod:`assistant.reasoning` decides.
"""
