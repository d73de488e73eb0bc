"""Plug-ins that run inside the Rasa server, named by dotted path in bot/*.yml:
input channels (REST, socket.io, voice), lock stores, the FAQ threshold component
and the masking tracker store."""
