"""Custom auth as LangGraph Server runs it: a project's `langgraph_sdk.Auth` object (named by
`auth.path` in langgraph.json) authenticates every API request, and its `@auth.on` handlers
allow, refuse or filter what each request may touch.

Kept free of HTTP routing: `studio.runtime.api.access` applies it to the endpoints.
"""
