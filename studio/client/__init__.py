"""The studio's one door to a server, ours or remote: typed calls over the LangGraph HTTP API."""
