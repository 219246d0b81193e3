"""Protocol v2 ("thread-centric") event streaming, as `langgraph_sdk` >= 0.4's
`client.threads.stream(...)` speaks it: commands on `POST /threads/{id}/commands`, events on
`POST /threads/{id}/stream/events`.

A v2 run streams langgraph's own protocol events (`astream_events(version="v3")`) into its
ordinary run log (`run_stream`); every event-stream connection replays the logs of the
thread's runs through a projection (`projection`) that numbers, shapes and filters them as
LangGraph Server does (`langgraph_api.event_streaming` is the reference).
"""
