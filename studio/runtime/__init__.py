"""The headless LangGraph-Server-compatible runtime. It never imports Qt or the studio."""

# The LangGraph Server API version whose behaviour this runtime reproduces. Clients read it
# from /info (and runs from their metadata) to decide which features a server has.
API_COMPAT_VERSION = "0.16.7"
