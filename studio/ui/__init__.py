"""The Qt studio. It talks to servers only through `studio.client`, never to the runtime."""
