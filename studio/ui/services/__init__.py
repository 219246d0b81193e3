"""The work behind the panels that browse a server's other resources (store, crons, runs):
each takes a panel's intents, calls the server through the session's client, and answers with
signals. Their tasks belong to the session, so closing it stops them."""
